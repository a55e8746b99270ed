"""``YAMLDataset``: plain data (dicts, lists, scalars) as YAML."""

from __future__ import annotations

from typing import IO, Any

from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["YAMLDataset"]


class YAMLDataset(AbstractFileDataset):
    """Stores data as UTF-8 YAML; loads with ``yaml.safe_load``, saves with ``yaml.dump``.

    Takes ``filepath``, ``save_args`` (``default_flow_style: False`` by default), ``version``,
    ``credentials``, ``fs_args`` and ``metadata`` like every file dataset.
    """

    _DESCRIBED = ("filepath", "protocol", "save_args", "version")

    DEFAULT_SAVE_ARGS = {"default_flow_style": False}
    _binary = False

    def _read(self, handle: IO[Any]) -> Any:
        import yaml

        return yaml.safe_load(handle)

    def _write(self, handle: IO[Any], data: Any) -> None:
        import yaml

        yaml.dump(data, handle, **self._save_args)

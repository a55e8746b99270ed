"""``JSONDataset``: JSON-serialisable data (dicts, lists, numbers, strings)."""

from __future__ import annotations

from typing import IO, Any

from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["JSONDataset"]


class JSONDataset(AbstractFileDataset):
    """Stores data as UTF-8 JSON; ``save_args`` go to ``json.dump`` (indent 2 by default).

    Takes ``filepath``, ``save_args``, ``version``, ``credentials``, ``fs_args`` and
    ``metadata`` like every file dataset (see ``AbstractFileDataset``).
    """

    _DESCRIBED = ("filepath", "protocol", "save_args", "version")

    DEFAULT_SAVE_ARGS = {"indent": 2}
    _binary = False

    def _read(self, handle: IO[Any]) -> Any:
        import json

        return json.load(handle, **self._load_args)

    def _write(self, handle: IO[Any], data: Any) -> None:
        import json

        json.dump(data, handle, **self._save_args)

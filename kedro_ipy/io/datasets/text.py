"""``TextDataset``: one string, stored as a UTF-8 text file."""

from __future__ import annotations

from typing import IO, Any

from kedro_ipy.io.core import Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["TextDataset"]


class TextDataset(AbstractFileDataset):
    """Loads and saves a ``str``.

    Args:
        filepath: Local path or fsspec URL.
        version: ``Version(load, save)`` for a versioned file.
        credentials: For the fsspec filesystem.
        fs_args: For the fsspec filesystem (``open_args_load``/``open_args_save`` for open,
            e.g. ``{"open_args_load": {"encoding": "latin-1"}}``).
        metadata: Free-form information; ignored here.
    """

    _DESCRIBED = ("filepath", "protocol", "version")

    _binary = False
    _newline = ""

    def __init__(
        self,
        *,
        filepath: str,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            filepath=filepath, version=version, credentials=credentials, fs_args=fs_args,
            metadata=metadata,
        )

    def _read(self, handle: IO[Any]) -> str:
        return handle.read()

    def _write(self, handle: IO[Any], data: Any) -> None:
        if not isinstance(data, str):
            raise TypeError(
                f"TextDataset saves strings, not {type(data).__name__}; convert it first."
            )
        handle.write(data)

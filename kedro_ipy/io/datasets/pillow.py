"""``ImageDataset``: a Pillow image, in the format its file extension names."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, Any

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["ImageDataset"]


class ImageDataset(AbstractFileDataset):
    """Loads a ``PIL.Image.Image`` and saves one with ``Image.save``.

    The format comes from the file extension (``.png``, ``.jpg``, ...) unless ``save_args``
    gives ``format``. Loading reads the whole image, so the file is closed straight away.

    Args:
        filepath: Local path or fsspec URL.
        save_args: Passed to ``Image.save`` (``format``, ``quality``, ``optimize``, ...).
        version: ``Version(load, save)`` for a versioned file.
        credentials: For the fsspec filesystem.
        fs_args: For the fsspec filesystem (``open_args_load``/``open_args_save`` for open).
        metadata: Free-form information; ignored here.
    """

    REQUIRES = (("PIL", "pillow"),)
    _DESCRIBED = ("filepath", "protocol", "save_args", "version")

    def __init__(
        self,
        *,
        filepath: str,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            filepath=filepath, save_args=save_args, version=version, credentials=credentials,
            fs_args=fs_args, metadata=metadata,
        )

    def _read(self, handle: IO[Any]) -> Any:
        from PIL import Image

        with Image.open(handle) as image:
            image.load()
            return image.copy() if image.format is None else _keep_format(image)

    def _write(self, handle: IO[Any], data: Any) -> None:
        from PIL import Image

        if not isinstance(data, Image.Image):
            raise TypeError(f"ImageDataset saves PIL images, not {type(data).__name__}.")
        args = dict(self._save_args)
        if "format" not in args:
            suffix = PurePosixPath(str(self._filepath)).suffix.lower()
            image_format = Image.registered_extensions().get(suffix)
            if image_format is None:
                raise DatasetError(
                    f"ImageDataset cannot tell the image format from the extension "
                    f"{suffix or '(none)'!r} of '{self._filepath}': use a known extension "
                    "(.png, .jpg, ...) or give save_args 'format'."
                )
            args["format"] = image_format
        data.save(handle, **args)


def _keep_format(image: Any) -> Any:
    """A copy detached from the file that still says which format it was read from."""
    copy = image.copy()
    copy.format = image.format
    return copy

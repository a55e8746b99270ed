"""``MatplotlibDataset``: figures saved as image files (write-only, as in kedro-datasets).

One figure is one file. A list of figures is a folder of ``0.png``, ``1.png``, ...; a dict is
a folder with one file per key (the key is the file name, e.g. ``"costs.png"``). Every figure
is rendered in memory before anything is written, so a figure that fails to render leaves the
files already there untouched.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import PurePosixPath
from typing import IO, Any, NoReturn

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset, temp_prefix

__all__ = ["MatplotlibDataset", "MatplotlibWriter"]


class MatplotlibDataset(AbstractFileDataset):
    """Saves a matplotlib figure, a list of figures or a dict ``{file name: figure}``.

    Args:
        filepath: The image file (one figure) or folder (a list or dict of figures); local
            path or fsspec URL.
        fs_args: For the fsspec filesystem (``open_args_save`` for open).
        credentials: For the fsspec filesystem.
        save_args: Passed to ``Figure.savefig`` (``dpi``, ``bbox_inches``, ``format``, ...).
            Without ``format``, a single figure's format comes from the file's extension
            (``.pdf``, ``.svg``, ...), and PNG otherwise.
        version: ``Version(load, save)`` to version the file or folder.
        overwrite: For a list or dict, delete the folder's other files, so it holds exactly
            the figures saved (not with ``version``).
        metadata: Free-form information; ignored here.
    """

    REQUIRES = (("matplotlib", "matplotlib"),)
    _DESCRIBED = ("filepath", "protocol", "save_args", "version")

    def __init__(
        self,
        *,
        filepath: str,
        fs_args: dict[str, Any] | None = None,
        credentials: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        overwrite: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if overwrite and version is not None:
            raise DatasetError(
                f"'{type(self).__name__}' doesn't support versioning in overwrite mode: a new "
                "version is a new folder already. Remove 'overwrite' or 'versioned'."
            )
        self._overwrite = bool(overwrite)
        super().__init__(
            filepath=filepath, save_args=save_args, version=version, credentials=credentials,
            fs_args=fs_args, metadata=metadata,
        )

    def _load(self) -> NoReturn:
        raise DatasetError(
            f"Loading not supported for '{type(self).__name__}': it only writes images."
        )

    # -- rendering ----------------------------------------------------------------------------
    @staticmethod
    def _figure(value: Any, where: str) -> Any:
        """The figure to save: a Figure, or anything with ``savefig`` (``pyplot`` itself)."""
        if not callable(getattr(value, "savefig", None)):
            raise TypeError(
                f"MatplotlibDataset saves a matplotlib Figure, a list of them or a dict of "
                f"file name -> Figure, not {type(value).__name__}{where}."
            )
        return value

    def _render(self, figure: Any, name: str) -> bytes:
        args = dict(self._save_args)
        if "format" not in args:
            suffix = PurePosixPath(name).suffix.lstrip(".").lower()
            args["format"] = suffix if suffix in _formats() else "png"
        buffer = io.BytesIO()
        figure.savefig(buffer, **args)
        return buffer.getvalue()

    def _rendered(self, data: Any) -> dict[str, bytes] | bytes:
        """Every image's bytes: one image, or ``{file name: bytes}`` for a folder."""
        if isinstance(data, (list, tuple)):
            named = {f"{index}.png": self._figure(fig, f" (item {index})")
                     for index, fig in enumerate(data)}
        elif isinstance(data, dict):
            named = {}
            for key, fig in data.items():
                name = str(key)
                parts = PurePosixPath(name).parts
                if not name or name.startswith("/") or ".." in parts or "\\" in name:
                    raise DatasetError(
                        f"MatplotlibDataset cannot save figure {key!r}: a dict key is a file "
                        "name inside the folder, such as 'costs.png' or 'by_month/jan.png'."
                    )
                named[name] = self._figure(fig, f" (key {key!r})")
        else:
            figure = self._figure(data, "")
            return self._render(figure, str(self._filepath))
        if not named:
            raise DatasetError("MatplotlibDataset cannot save an empty list or dict of figures.")
        return {name: self._render(fig, name) for name, fig in named.items()}

    # -- writing ------------------------------------------------------------------------------
    def _save(self, data: Any) -> None:
        rendered = self._rendered(data)
        if isinstance(rendered, bytes):
            super()._save(rendered)
        else:
            self._save_folder(str(self._get_save_path()), rendered)

    def _write(self, handle: IO[Any], data: bytes) -> None:
        handle.write(data)

    def _save_folder(self, folder: str, images: dict[str, bytes]) -> None:
        if not self._local:
            # New files first, then the stale ones go: a failure half-way loses no figure.
            root = self._fs_path(folder)
            strip = self._fs._strip_protocol
            old = {strip(p) for p in self._fs.find(root)} if self._overwrite else set()
            written = set()
            for name, payload in images.items():
                with self._fs.open(f"{root}/{name}", "wb", **self._open_args_save) as handle:
                    handle.write(payload)
                written.add(strip(f"{root}/{name}"))
            for stale in sorted(old - written):
                self._fs.rm(stale)
            return
        parent = os.path.dirname(folder) or "."
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(dir=parent, prefix=temp_prefix(folder), suffix=".tmp")
        try:
            for name, payload in images.items():
                target = os.path.join(staging, *PurePosixPath(name).parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(payload)
            if self._version is not None or not os.path.isdir(folder):
                if os.path.exists(folder):
                    raise self._version_exists_error(folder)
                os.rename(staging, folder)  # a new folder appears whole
            elif self._overwrite:
                aside = f"{staging}.old"
                os.rename(folder, aside)
                os.rename(staging, folder)
                shutil.rmtree(aside, ignore_errors=True)
            else:  # add to (or replace files in) the existing folder
                for name in images:
                    target = os.path.join(folder, *PurePosixPath(name).parts)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    os.replace(os.path.join(staging, *PurePosixPath(name).parts), target)
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)


class MatplotlibWriter(MatplotlibDataset):
    """The name kedro-datasets used before ``MatplotlibDataset``; the same dataset."""


def _formats() -> frozenset[str]:
    from matplotlib.backend_bases import FigureCanvasBase

    return frozenset(FigureCanvasBase.get_supported_filetypes())

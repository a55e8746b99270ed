"""``NumpyDataset``: a numpy array as ``.npy``, or several named arrays as ``.npz``."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import IO, Any

from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["NumpyDataset"]


class NumpyDataset(AbstractFileDataset):
    """Stores an array with ``numpy.save`` and loads it with ``numpy.load``.

    A file ending in ``.npz`` holds a dict of named arrays instead (``numpy.savez``, or
    ``numpy.savez_compressed`` with ``save_args: {compressed: true}``) and loads as a dict.
    Object arrays are refused unless ``load_args``/``save_args`` set ``allow_pickle: true``,
    since unpickling a file runs code from it.

    Takes ``filepath``, ``load_args`` (to ``numpy.load``), ``save_args`` (to ``numpy.save``),
    ``version``, ``credentials``, ``fs_args`` and ``metadata`` like every file dataset.
    """

    REQUIRES = (("numpy", "numpy"),)
    DEFAULT_SAVE_ARGS = {"allow_pickle": False}

    @property
    def _archive(self) -> bool:
        return PurePosixPath(str(self._filepath)).suffix.lower() == ".npz"

    def _read(self, handle: IO[Any]) -> Any:
        import numpy as np

        loaded = np.load(handle, **self._load_args)
        if self._archive:
            with loaded:
                return {name: loaded[name] for name in loaded.files}
        return loaded

    def _write(self, handle: IO[Any], data: Any) -> None:
        import numpy as np

        args = dict(self._save_args)
        if self._archive:
            if not isinstance(data, dict):
                raise TypeError(
                    f"NumpyDataset saves a dict of name -> array to a '.npz' file, not "
                    f"{type(data).__name__}; use a '.npy' file for a single array."
                )
            save = np.savez_compressed if args.pop("compressed", False) else np.savez
            arrays: dict[str, Any] = {str(n): np.asarray(v) for n, v in data.items()}
            if not args.pop("allow_pickle") and any(a.dtype.hasobject for a in arrays.values()):
                raise ValueError(
                    "Object arrays cannot be saved when allow_pickle=False; set save_args "
                    "'allow_pickle: true' (and load_args too) to store them."
                )
            save(handle, **arrays)
            return
        if not isinstance(data, np.ndarray) and not np.isscalar(data):
            raise TypeError(
                f"NumpyDataset saves numpy arrays (or numbers) to a '.npy' file, not "
                f"{type(data).__name__}; use a '.npz' file for a dict of arrays."
            )
        np.save(handle, data, **args)

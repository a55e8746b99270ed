"""``PickleDataset``: any Python object, through ``pickle`` or a compatible backend."""

from __future__ import annotations

import importlib
from typing import IO, Any

from kedro_ipy.io.core import DatasetError, Version
from kedro_ipy.io.datasets._file import AbstractFileDataset

__all__ = ["PickleDataset"]


class PickleDataset(AbstractFileDataset):
    """Stores an object with ``pickle`` (or ``joblib``, ``dill``, ``cloudpickle``, ...).

    Args:
        filepath: Local path or fsspec URL.
        backend: Module with ``load(file)`` and ``dump(obj, file)``; ``"pickle"`` by default.
        load_args: Passed to ``backend.load``.
        save_args: Passed to ``backend.dump``.
        version: ``Version(load, save)`` for a versioned file.
        credentials: For the fsspec filesystem.
        fs_args: For the fsspec filesystem (``open_args_load``/``open_args_save`` for open).
        metadata: Free-form information; ignored here.
    """

    _DESCRIBED = ("filepath", "backend", "protocol", "load_args", "save_args", "version")

    def __init__(
        self,
        *,
        filepath: str,
        backend: str = "pickle",
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(backend, str) or not backend:
            raise DatasetError(f"PickleDataset 'backend' must be a module name, not {backend!r}.")
        if backend != "pickle":
            # Fail where the catalog entry is built, as kedro-datasets does.
            try:
                module = importlib.import_module(backend)
            except ImportError as exc:
                raise ImportError(
                    f"Selected backend '{backend}' could not be imported. Make sure it is "
                    f"installed and importable (pip install {backend})."
                ) from exc
            if not (hasattr(module, "load") and hasattr(module, "dump")):
                raise ValueError(
                    f"Selected backend '{backend}' should satisfy the pickle interface. "
                    "Missing one of 'load' and 'dump' on the backend."
                )
        self._backend = backend
        super().__init__(
            filepath=filepath, load_args=load_args, save_args=save_args, version=version,
            credentials=credentials, fs_args=fs_args, metadata=metadata,
        )

    def _module(self) -> Any:
        # The constructor has checked the backend; importing it on use keeps datasets picklable.
        return importlib.import_module(self._backend)

    def _read(self, handle: IO[Any]) -> Any:
        return self._module().load(handle, **self._load_args)

    def _write(self, handle: IO[Any], data: Any) -> None:
        self._module().dump(data, handle, **self._save_args)



"""``LambdaDataset``: a dataset made of plain functions, for quick adapters and tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError

__all__ = ["LambdaDataset"]


def _name(func: Callable[..., Any] | None) -> str | None:
    if func is None:
        return None
    return f"{func.__module__}.{getattr(func, '__qualname__', repr(func))}"


class LambdaDataset(AbstractDataset):
    """Loads, saves, checks and releases by calling the functions it was given.

    Args:
        load: ``() -> data``, or ``None`` if the dataset cannot be loaded.
        save: ``(data) -> None``, or ``None`` if it cannot be saved.
        exists: ``() -> bool`` (optional).
        release: ``() -> None`` (optional).
        metadata: Free-form information for plugins; ignored here.
    """

    def __init__(
        self,
        load: Callable[[], Any] | None,
        save: Callable[[Any], None] | None,
        exists: Callable[[], bool] | None = None,
        release: Callable[[], None] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        for arg, value in (("load", load), ("save", save), ("exists", exists),
                           ("release", release)):
            if value is not None and not callable(value):
                raise DatasetError(
                    f"LambdaDataset '{arg}' must be a function or None, "
                    f"not {type(value).__name__}."
                )
        self.__load = load
        self.__save = save
        self.__exists = exists
        self.__release = release
        self.metadata = metadata

    def _load(self) -> Any:
        if self.__load is None:
            raise DatasetError("Cannot load: this LambdaDataset was given no 'load' function.")
        return self.__load()

    def _save(self, data: Any) -> None:
        if self.__save is None:
            raise DatasetError("Cannot save: this LambdaDataset was given no 'save' function.")
        self.__save(data)

    def _exists(self) -> bool:
        if self.__exists is None:
            return super()._exists()
        return bool(self.__exists())

    def _release(self) -> None:
        if self.__release is not None:
            self.__release()

    def _describe(self) -> dict[str, Any]:
        return {
            "load": _name(self.__load),
            "save": _name(self.__save),
            "exists": _name(self.__exists),
            "release": _name(self.__release),
        }

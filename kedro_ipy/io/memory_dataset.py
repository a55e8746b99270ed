"""``MemoryDataset``: data kept in the process, copied so that nodes cannot alias each other."""

from __future__ import annotations

import copy
from typing import Any, Literal

from kedro_ipy.io.core import AbstractDataset, DatasetError

__all__ = ["MemoryDataset"]

TCopyMode = Literal["deepcopy", "copy", "assign"]
_COPY_MODES = ("deepcopy", "copy", "assign")
class _Empty:
    """"No data yet": one instance, which pickling and copying keep the same object."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no data>"

    def __reduce__(self) -> str:
        return "_EMPTY"  # unpickles (and deep-copies) to this module's instance


_EMPTY = _Empty()

# Frames and arrays: a shallow ``.copy()`` is their own full copy and far cheaper than deepcopy.
_COPY_TYPES = {("pandas", "DataFrame"), ("numpy", "ndarray")}
#: Big mutable buffers: copied once, when loaded, and not when saved (see ``MemoryDataset``).
_BUFFER_TYPES = {
    ("builtins", "bytearray"), ("pandas", "DataFrame"), ("pandas", "Series"),
    ("numpy", "ndarray"),
}
#: Values that cannot change: never copied.
_IMMUTABLE_TYPES = (str, bytes, int, float, complex, bool, type(None), range, frozenset)


def _infer_copy_mode(data: Any) -> TCopyMode:
    """The copy mode Kedro would pick for ``data``, decided without importing pandas/numpy."""
    cls = type(data)
    root = cls.__module__.partition(".")[0]
    if (root, cls.__name__) in _COPY_TYPES:
        return "copy"
    # Other data frames (Spark, Polars lazy frames, Ibis tables) are handles: share them.
    if cls.__name__ in ("DataFrame", "Table", "LazyFrame"):
        return "assign"
    return "deepcopy"


def _is_immutable(data: Any, depth: int = 0) -> bool:
    if type(data) in _IMMUTABLE_TYPES:
        return type(data) is not frozenset or all(_is_immutable(v, depth + 1) for v in data)
    if type(data) is tuple and depth < 4 and len(data) <= 1000:
        return all(_is_immutable(v, depth + 1) for v in data)
    return False


def _default_modes(data: Any) -> tuple[TCopyMode, TCopyMode]:
    """``(save mode, load mode)`` when no ``copy_mode`` is given (see ``MemoryDataset``)."""
    if _is_immutable(data):
        return "assign", "assign"
    cls = type(data)
    if (cls.__module__.partition(".")[0], cls.__name__) in _BUFFER_TYPES:
        return "assign", "copy"
    mode = _infer_copy_mode(data)
    return mode, mode


def _invalid_copy_mode(copy_mode: Any) -> DatasetError:
    return DatasetError(
        f"Invalid copy mode: {copy_mode}. Possible values are: {', '.join(_COPY_MODES)}."
    )


def _copy_with_mode(data: Any, copy_mode: str) -> Any:
    if copy_mode == "deepcopy":
        if type(data) is bytearray:  # deepcopy would go through an extra bytes copy
            return bytearray(data)
        return copy.deepcopy(data)
    if copy_mode == "copy":
        return data.copy()
    if copy_mode == "assign":
        return data
    raise _invalid_copy_mode(copy_mode)


_MEMORY_TYPE_NAMES = frozenset({
    "MemoryDataset",
    "kedro_ipy.io.MemoryDataset",
    "kedro_ipy.io.memory_dataset.MemoryDataset",
    "kedro.io.MemoryDataset",
    "kedro.io.memory_dataset.MemoryDataset",
})


def _is_memory_dataset(ds_or_type: Any) -> bool:
    """Whether a dataset, or a catalog ``type:`` string, is a ``MemoryDataset``."""
    if isinstance(ds_or_type, str):
        return ds_or_type in _MEMORY_TYPE_NAMES
    return isinstance(ds_or_type, MemoryDataset)


class MemoryDataset(AbstractDataset):
    """Holds one Python object in memory: the default for node outputs nobody persists.

    Copies keep nodes from changing each other's data: a node that edits its input in place
    must not change what the next node loads, nor what was saved.

    ``copy_mode`` says how:

    - ``"deepcopy"``: ``copy.deepcopy`` on save and on every load (Kedro's default).
    - ``"copy"``: ``data.copy()`` on save and on every load.
    - ``"assign"``: no copy at all; every load returns the saved object itself. For data
      nobody modifies, or handles (Spark frames, database tables).
    - unset (the default), chosen by the data's type, so that memory stays at most twice the
      data's size:

      - values that cannot change (``str``, ``bytes``, numbers, ``None``, tuples and
        frozensets of such) are never copied;
      - big mutable buffers (``bytearray``, numpy arrays, pandas frames and series) are
        copied once per load with ``.copy()`` and not on save. Each load gets its own copy,
        so a node that edits its input changes nothing for the others; but the dataset keeps
        the object it was given, so code that keeps and edits an object after saving it
        changes the stored data. A node's output is never used so (the runner drops it), so
        this only matters when saving by hand; give ``copy_mode="copy"`` there. Copying at
        save and at load would hold three copies of a 200 MB array (Kedro peaks at 3-4x);
        this holds two.
      - other data frames (Spark, Polars lazy frames, Ibis tables) are assigned, as in Kedro;
      - anything else (dicts, lists, objects) is deep-copied on save and on load, as in Kedro.

    Args:
        data: Initial data (optional); loading before any data raises ``DatasetError``.
        copy_mode: ``"deepcopy"``, ``"copy"``, ``"assign"``, or ``None`` (the default) for the
            type-based choice above.
        metadata: Free-form information for plugins; ignored here.

    Example:
        >>> ds = MemoryDataset(data=[1, 2])
        >>> ds.load()
        [1, 2]
    """

    _EPHEMERAL = True
    _RECORD_INIT = False  # never keep the caller's ``data`` alive (it is copied on save)

    def __init__(
        self,
        data: Any = _EMPTY,
        copy_mode: TCopyMode | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if copy_mode is not None and copy_mode not in _COPY_MODES:
            raise _invalid_copy_mode(copy_mode)
        self._copy_mode = copy_mode
        self.metadata = metadata
        self._data: Any = _EMPTY
        if data is not _EMPTY:
            self._save(data)

    # load/save are defined directly (not through _load/_save) because they are the runner's
    # hot path; __init_subclass__ of the base still wraps them with the error handling.
    def load(self) -> Any:
        """The stored data (copied according to ``copy_mode``)."""
        data = self._data
        if data is _EMPTY:
            raise DatasetError("Data for MemoryDataset has not been saved yet.")
        mode = self._copy_mode or _default_modes(data)[1]
        if mode == "assign":
            return data
        return _copy_with_mode(data, mode)

    def save(self, data: Any) -> None:
        """Store ``data`` (copied according to ``copy_mode``)."""
        mode = self._copy_mode or _default_modes(data)[0]
        self._data = data if mode == "assign" else _copy_with_mode(data, mode)

    def _load(self) -> Any:
        return MemoryDataset.load(self)

    def _save(self, data: Any) -> None:
        MemoryDataset.save(self, data)

    def _exists(self) -> bool:
        return self._data is not _EMPTY

    def _release(self) -> None:
        self._data = _EMPTY

    def _describe(self) -> dict[str, Any]:
        if self._data is _EMPTY:
            return {"data": None}
        return {"data": f"<{type(self._data).__name__}>"}

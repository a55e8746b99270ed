"""Stable content hashes of Python values, for deciding whether a node's inputs changed.

Every level of a nested value and every byte of an array goes into the digest: nothing is
truncated at some depth, so a model whose weights changed deep inside hashes differently
(depth-limited hashes are how other tools served stale predictions after a retrain). The digest
does not depend on the process (no ``hash()``, which is salted for strings), so it can be kept
on disk and compared after a kernel restart.

A value that cannot be hashed faithfully (a lock, an open file, a generator) raises
``UnhashableValueError``; callers treat that as "changed", never as "the same".
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from kedro_ipy.errors import KedroIpyError

__all__ = ["UnhashableValueError", "content_hash"]

#: Types whose ``repr`` is exact and process-independent: a flat list of them is hashed at once.
_PLAIN: Final = frozenset({str, int, float, bool, type(None)})
_DIGEST_SIZE: Final = 20


class UnhashableValueError(KedroIpyError):
    """A value (or something inside it) has no faithful content hash; the message says what.

    Raised by ``content_hash``; incremental runs catch it and run the node instead."""


def content_hash(value: Any) -> str:
    """A hex digest of ``value``'s content: equal values of the same types hash the same.

    Raises:
        UnhashableValueError: something inside ``value`` cannot be hashed by content.
    """
    hasher = _Hasher()
    try:
        hasher.feed(value)
    except UnhashableValueError:
        raise
    except RecursionError as exc:
        raise UnhashableValueError("the value is nested too deeply to hash") from exc
    except Exception as exc:  # a library object failing in its own way: still "unknown"
        raise UnhashableValueError(
            f"hashing a {type(value).__name__} failed: {type(exc).__name__}: {exc}") from exc
    return hasher.digest.hexdigest()


def _qualified(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


class _Hasher:
    """Feeds a value into one blake2b digest, depth first; shared objects and cycles are
    written once and then referred to by their position (so a cycle ends)."""

    __slots__ = ("_alive", "_seen", "digest")

    def __init__(self) -> None:
        self.digest = hashlib.blake2b(digest_size=_DIGEST_SIZE)
        self._seen: dict[int, int] = {}
        self._alive: list[Any] = []  # keeps visited objects alive, so their ids stay unique

    def _tag(self, tag: bytes, payload: bytes = b"") -> None:
        update = self.digest.update
        update(tag)
        update(len(payload).to_bytes(8, "little"))
        update(payload)

    def _text(self, tag: bytes, text: str) -> None:
        self._tag(tag, text.encode("utf-8", "surrogatepass"))

    def _visited(self, value: Any) -> bool:
        """Refer to an object already written; otherwise remember it and say no."""
        key = id(value)
        index = self._seen.get(key)
        if index is not None:
            self._tag(b"@", index.to_bytes(8, "little"))
            return True
        self._seen[key] = len(self._seen)
        self._alive.append(value)
        return False

    def feed(self, value: Any) -> None:
        kind = type(value)
        if kind in _PLAIN:
            self._text(b"p" + kind.__name__.encode(), repr(value))
            return
        if kind is bytes or kind is bytearray:
            self._tag(b"b", bytes(value))
            return
        if kind is complex:
            self._text(b"c", repr(value))
            return
        if self._visited(value):
            return
        if kind is list or kind is tuple:
            self._sequence(kind.__name__, value)
            return
        if kind is dict:
            self._mapping("dict", value)
            return
        if kind is set or kind is frozenset:
            self._unordered(kind.__name__, value)
            return
        module = kind.__module__.partition(".")[0]
        if module == "numpy" and self._numpy(value):
            return
        if module == "pandas" and self._pandas(value):
            return
        if module == "torch" and hasattr(value, "detach"):
            self._text(b"T", str(value.dtype))
            self.feed(value.detach().cpu().numpy())
            return
        if isinstance(value, type):
            self._text(b"t", _qualified(value))
            return
        if kind.__name__ == "module":
            self._text(b"m", value.__name__)
            return
        if kind.__name__ in ("function", "builtin_function_or_method", "method"):
            self._function(value)
            return
        if isinstance(value, (list, tuple)):  # namedtuples and list subclasses keep their type
            self._text(b"T", _qualified(kind))
            self._sequence(kind.__name__, value)
            self._reduced(value, state_only=True)
            return
        if isinstance(value, dict):
            self._text(b"T", _qualified(kind))
            self._mapping(kind.__name__, value, ordered=kind.__name__ == "OrderedDict")
            self._reduced(value, state_only=True)
            return
        self._reduced(value)

    def _sequence(self, name: str, items: Any) -> None:
        self._text(b"s", f"{name}:{len(items)}")
        if all(type(item) in _PLAIN for item in items):
            self._text(b"r", repr(list(items)))
            return
        for item in items:
            self.feed(item)

    def _mapping(self, name: str, mapping: dict[Any, Any], ordered: bool = False) -> None:
        """A plain dict hashes the same whatever its insertion order (as ``==`` sees it: a
        reordered parameters.yml is the same parameters); an ``OrderedDict`` keeps order."""
        self._text(b"d", f"{name}:{len(mapping)}")
        items = list(mapping.items())
        if not ordered:
            items.sort(key=lambda item: content_hash(item[0]))
        for key, item in items:
            self.feed(key)
            self.feed(item)

    def _unordered(self, name: str, items: Any) -> None:
        # Each element hashed on its own, then sorted: iteration order of a set of strings
        # differs between processes.
        digests = sorted(content_hash(item) for item in items)
        self._text(b"u", f"{name}:{len(digests)}:{','.join(digests)}")

    def _function(self, func: Any) -> None:
        """A function passed as data: its name, its code and the values it closes over."""
        self._text(b"f", f"{getattr(func, '__module__', None)}.{func.__qualname__}")
        owner = getattr(func, "__self__", None)
        if owner is not None and type(owner).__name__ != "module":
            self.feed(owner)
        code = getattr(func, "__code__", None)
        if code is None:
            return
        self._code(code)
        self.feed(getattr(func, "__defaults__", None))
        self.feed(getattr(func, "__kwdefaults__", None))
        for cell in getattr(func, "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:  # an empty cell (a name not bound yet)
                contents = None
            self.feed(contents)

    def _code(self, code: Any) -> None:
        self._tag(b"C", code.co_code)
        self._text(b"n", repr((code.co_names, code.co_varnames, code.co_freevars)))
        for const in code.co_consts:
            if type(const).__name__ == "code":
                self._code(const)
            else:
                self.feed(const)

    def _numpy(self, value: Any) -> bool:
        import numpy as np

        if isinstance(value, np.ndarray):
            self._text(b"A", f"{value.dtype.str}:{value.shape}")
            if value.dtype.hasobject:
                for item in value.ravel(order="C"):
                    self.feed(item)
            else:
                self._tag(b"a", np.ascontiguousarray(value).tobytes())
            return True
        if isinstance(value, np.generic):
            self._text(b"G", value.dtype.str)
            if value.dtype.hasobject:
                self.feed(value.item())
            else:
                self._tag(b"g", value.tobytes())
            return True
        if isinstance(value, np.dtype):
            self._text(b"D", value.str)
            return True
        return False

    def _pandas(self, value: Any) -> bool:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            self._text(b"F", repr(value.shape))
            self.feed(value.index)
            self.feed(list(value.columns))
            for _, column in value.items():
                self._pandas_values(column)
            self.feed(dict(value.attrs))
            return True
        if isinstance(value, pd.Series):
            self._text(b"S", repr(value.name))
            self.feed(value.index)
            self._pandas_values(value)
            return True
        if isinstance(value, pd.Index):
            self._text(b"I", f"{type(value).__name__}:{value.dtype}:{value.names}")
            self._pandas_values(value)
            return True
        return False

    def _pandas_values(self, values: Any) -> None:
        dtype = values.dtype
        self._text(b"V", str(dtype))
        if getattr(dtype, "kind", "O") in "biufcmM" and type(dtype).__module__ == "numpy":
            self.feed(values.to_numpy())
        else:  # objects, strings, categoricals, extension types: element by element
            self._sequence("values", values.tolist())

    def _reduced(self, value: Any, state_only: bool = False) -> None:
        """Any other object, as pickle sees it: its class, constructor arguments and state."""
        try:
            reduced = value.__reduce_ex__(4)
        except Exception as exc:
            raise UnhashableValueError(
                f"{type(value).__name__} objects cannot be hashed by content ({exc})"
            ) from exc
        if isinstance(reduced, str):  # a module-level singleton, known by its name
            self._text(b"N", f"{_qualified(type(value))}:{reduced}")
            return
        self._text(b"R", _qualified(type(value)))
        parts = list(reduced) + [None] * (5 - len(reduced))
        constructor, args, state, items, pairs = parts[:5]
        if state_only:
            self.feed(state)
            return
        self._text(b"k", getattr(constructor, "__qualname__", repr(constructor)))
        self.feed(args)
        self.feed(state)
        self.feed(list(items) if items is not None else None)
        self.feed(dict(pairs) if pairs is not None else None)


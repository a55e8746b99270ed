"""The cache of node outputs that no dataset persists (in-memory data), for incremental runs.

A skipped node's in-memory outputs are still needed when a node that runs reads them, or when
the run returns them. They are kept twice: in a bounded in-session cache (the same kernel's next
run) and under ``<project>/.kedro_ipy/cache`` (after a kernel restart), each value keyed by the
fingerprint of the node that produced it and the dataset's name.

Only pickles are kept, so a cached value can never be changed by the code that later uses it.
Unpickling runs code, so a pickle is loaded only from this project's own cache folder, only if
the folder (mode 0700) and the file (mode 0600) belong to the current user and nobody else can
write them, and only if its bytes have the digest recorded when it was written. Any doubt is a
cache miss: the node runs again. The metadata (``index.json``) is plain JSON. The folder is
size-capped (least recently used entries go first) and ``clear()`` empties it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import stat
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Final

__all__ = ["DEFAULT_DISK_BYTES", "DEFAULT_MEMORY_BYTES", "OutputCache"]

logger = logging.getLogger("kedro_ipy.framework.session")

#: Default caps; ``KEDRO_IPY_CACHE_MAX_BYTES`` / ``KEDRO_IPY_CACHE_MEMORY_BYTES`` override them.
DEFAULT_DISK_BYTES: Final = 2 * 1024**3
DEFAULT_MEMORY_BYTES: Final = 256 * 1024**2
_INDEX: Final = "index.json"
_OBJECTS: Final = "objects"
_FORMAT: Final = 1


def _env_bytes(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return max(0, int(value))
    except ValueError:
        logger.warning("Ignoring %s=%r: not a number of bytes; using %d.", name, value, default)
        return default


def cache_key(fingerprint: str, dataset: str) -> str:
    """The entry's file name: hex only, so it can never point outside the cache folder."""
    return hashlib.blake2b(f"{fingerprint}\0{dataset}".encode(), digest_size=20).hexdigest()


class OutputCache:
    """In-memory outputs of nodes, by (node fingerprint, dataset name), in memory and on disk.

    Args:
        folder: The cache folder (``<project>/.kedro_ipy/cache``); created on first write.
        max_bytes: Cap of the folder's pickles.
        memory_bytes: Cap of the in-session copies.
    """

    def __init__(self, folder: Path, max_bytes: int | None = None,
                 memory_bytes: int | None = None) -> None:
        self.folder = Path(folder)
        self.max_bytes = _env_bytes("KEDRO_IPY_CACHE_MAX_BYTES", DEFAULT_DISK_BYTES) \
            if max_bytes is None else max_bytes
        self.memory_bytes = _env_bytes("KEDRO_IPY_CACHE_MEMORY_BYTES", DEFAULT_MEMORY_BYTES) \
            if memory_bytes is None else memory_bytes
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_size = 0
        self._index: dict[str, dict[str, Any]] | None = None
        self._dirty = False
        self._lock = threading.RLock()
        self._warned: set[str] = set()

    # -- reading -------------------------------------------------------------------------
    def get(self, fingerprint: str, dataset: str) -> tuple[bool, Any]:
        """``(True, value)`` for a trusted cached value, else ``(False, None)``."""
        key = cache_key(fingerprint, dataset)
        with self._lock:
            data = self._memory.get(key)
            if data is not None:
                self._memory.move_to_end(key)
            else:
                data = self._read_disk(key)
                if data is None:
                    return False, None
                self._remember(key, data)
            entry = self._load_index().get(key)
            if entry is not None:
                entry["last_used"] = time.time()
                self._dirty = True
        try:
            return True, pickle.loads(data)
        except Exception as exc:
            logger.warning("Cached value of '%s' could not be read (%s); the node runs again.",
                           dataset, exc)
            return False, None

    # -- writing -------------------------------------------------------------------------
    def put(self, fingerprint: str, dataset: str, value: Any,
            run_id: str | None = None) -> str | None:
        """Keep ``value``; returns why it could not be kept, or ``None``."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            return f"cannot pickle {type(value).__name__} ({exc})"
        key = cache_key(fingerprint, dataset)
        with self._lock:
            self._remember(key, data)
            if len(data) > self.max_bytes:
                return None
            try:
                self._write_disk(key, data)
            except OSError as exc:
                self._warn("write", f"Could not write the cache at {self.folder}: {exc}")
                return None
            self._load_index()[key] = {
                "dataset": dataset, "fingerprint": fingerprint, "size": len(data),
                "digest": hashlib.blake2b(data, digest_size=20).hexdigest(),
                "created": time.time(), "last_used": time.time(), "run_id": run_id,
            }
            self._dirty = True
        return None

    def flush(self) -> None:
        """Evict beyond the cap and write the index (once per run, not per value)."""
        with self._lock:
            if not self._dirty:
                return
            index = self._merged_index()
            self._evict(index)
            self._write_index(index)
            self._index = index
            self._dirty = False

    def clear(self) -> int:
        """Forget every cached value, in memory and on disk; returns how many files went."""
        with self._lock:
            self._memory.clear()
            self._memory_size = 0
            self._index = {}
            self._dirty = False
            removed = 0
            objects = self.folder / _OBJECTS
            if objects.is_dir() and not objects.is_symlink():
                for path in objects.iterdir():
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += 1
            with contextlib.suppress(OSError):
                (self.folder / _INDEX).unlink()
            return removed

    def stats(self) -> dict[str, Any]:
        """How much is cached, for ``%session_cache``."""
        with self._lock:
            index = self._load_index()
            return {
                "folder": str(self.folder),
                "entries": len(index),
                "disk_bytes": sum(int(e.get("size", 0)) for e in index.values()),
                "max_bytes": self.max_bytes,
                "memory_entries": len(self._memory),
                "memory_bytes": self._memory_size,
            }

    # -- memory ---------------------------------------------------------------------------
    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > self.memory_bytes:
            return
        old = self._memory.pop(key, None)
        if old is not None:
            self._memory_size -= len(old)
        self._memory[key] = data
        self._memory_size += len(data)
        while self._memory_size > self.memory_bytes and self._memory:
            _, dropped = self._memory.popitem(last=False)
            self._memory_size -= len(dropped)

    # -- disk -----------------------------------------------------------------------------
    def _warn(self, topic: str, message: str) -> None:
        if topic not in self._warned:
            self._warned.add(topic)
            logger.warning(message)

    def _ensure_folder(self) -> Path:
        objects = self.folder / _OBJECTS
        for path in (self.folder.parent, self.folder, objects):
            if not path.exists():
                path.mkdir(mode=0o700, exist_ok=True)
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o700)
        return objects

    def _trusted_folder(self, path: Path) -> bool:
        """Our own folder, not a link, that nobody else can write or read."""
        if not hasattr(os, "getuid"):
            return False  # no owners to check (Windows): never unpickle from disk
        try:
            info = os.lstat(path)
        except OSError:
            return False
        if (not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid()
                or info.st_mode & 0o077):
            self._warn(f"folder {path}", (
                f"Not using cached values in {path}: the folder must belong to you with mode "
                f"0700 (it has {oct(info.st_mode & 0o777)}). Run %session_cache clear, or "
                f"chmod 700 it."))
            return False
        return True

    def _read_disk(self, key: str) -> bytes | None:
        entry = self._load_index().get(key)
        objects = self.folder / _OBJECTS
        if entry is None or not self._trusted_folder(self.folder) \
                or not self._trusted_folder(objects):
            return None
        path = objects / f"{key}.pkl"
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
            descriptor = os.open(path, flags)
        except OSError:
            return None
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid()
                    or info.st_mode & 0o077):
                self._warn(f"file {path}", f"Not using cached value {path}: it must belong to "
                           "you with mode 0600.")
                return None
            data = handle.read()
        if hashlib.blake2b(data, digest_size=20).hexdigest() != entry.get("digest"):
            self._warn(f"digest {path}", f"Not using cached value {path}: its content is not "
                       "what was written.")
            return None
        return data

    def _write_disk(self, key: str, data: bytes) -> None:
        objects = self._ensure_folder()
        final = objects / f"{key}.pkl"
        temporary = objects / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, final)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise

    def _load_index(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            self._index = self._read_index()
        return self._index

    def _read_index(self) -> dict[str, dict[str, Any]]:
        try:
            content = json.loads((self.folder / _INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("format") != _FORMAT:
            return {}
        entries = content.get("entries")
        return {k: v for k, v in entries.items() if isinstance(v, dict)} \
            if isinstance(entries, dict) else {}

    def _merged_index(self) -> dict[str, dict[str, Any]]:
        """What another process wrote meanwhile, then ours on top."""
        merged = self._read_index()
        merged.update(self._load_index())
        objects = self.folder / _OBJECTS
        return {k: v for k, v in merged.items() if (objects / f"{k}.pkl").exists()}

    def _evict(self, index: dict[str, dict[str, Any]]) -> None:
        total = sum(int(e.get("size", 0)) for e in index.values())
        if total <= self.max_bytes:
            return
        for key, entry in sorted(index.items(), key=lambda item: item[1].get("last_used", 0)):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                (self.folder / _OBJECTS / f"{key}.pkl").unlink()
            total -= int(entry.get("size", 0))
            del index[key]

    def _write_index(self, index: dict[str, dict[str, Any]]) -> None:
        try:
            self._ensure_folder()
            write_json(self.folder / _INDEX, {"format": _FORMAT, "entries": index})
        except OSError as exc:
            self._warn("index", f"Could not write the cache index at {self.folder}: {exc}")


def write_json(path: Path, content: Any) -> None:
    """Write JSON through a private temporary file and an atomic rename."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(content, handle, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise

"""What the last successful run of each node recorded, kept in ``.kedro_ipy/cache/nodes.json``.

Per node: its fingerprint and the parts it was made of (code digests, parameter values,
input fingerprints, versions), what each persisted output held after the save, and the run's
id. Comparing a new fingerprint's parts with these is how a run explains why a node runs again.
The file is JSON only and written atomically; another process's entries are merged, not lost.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any, Final

from kedro_ipy.framework.session._incremental.cache import write_json

__all__ = ["NodeHistory"]

_FILE: Final = "nodes.json"
_FORMAT: Final = 1


class NodeHistory:
    """Per-node records of the last successful run, read once and written after each run."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._entries: dict[str, dict[str, Any]] | None = None
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        return self.folder / _FILE

    def entries(self) -> dict[str, dict[str, Any]]:
        """Node name -> its last successful record (read from disk on first use)."""
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            return self._entries

    def record(self, updates: dict[str, dict[str, Any]],
               forget: frozenset[str] = frozenset()) -> None:
        """Store new records for some nodes and drop others', keeping other processes'."""
        if not updates and not forget:
            return
        with self._lock:
            merged = self._read()  # another process may have written meanwhile
            merged.update(updates)
            for name in forget:
                merged.pop(name, None)
            self._entries = merged
            for folder in (self.folder.parent, self.folder):
                folder.mkdir(exist_ok=True, mode=0o700)
            write_json(self.path, {"format": _FORMAT, "nodes": merged})

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
            with contextlib.suppress(OSError):
                self.path.unlink()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            content = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("format") != _FORMAT:
            return {}
        nodes = content.get("nodes")
        return {k: v for k, v in nodes.items() if isinstance(v, dict)} \
            if isinstance(nodes, dict) else {}

"""The hooks plugin of an ``only_changed`` run: checks inputs around each node, caches outputs.

Each running node's inputs are hashed just before it runs and again right after: a node that
changes an input in place has a result that depends on more than its fingerprint says, so it is
not recorded as reusable (the next run runs it again and says why). In-memory outputs go to the
output cache under the node's fingerprint as soon as the node returns them.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.runner._content_hash import UnhashableValueError, content_hash

if TYPE_CHECKING:
    from kedro_ipy.framework.session._incremental.cache import OutputCache
    from kedro_ipy.framework.session._incremental.decide import ChangePlan

__all__ = ["ChangeRecorder"]


def _hash_or_none(value: Any) -> str | None:
    try:
        return content_hash(value)
    except UnhashableValueError:  # content_hash turns any failure into this
        return None


class ChangeRecorder:
    """Registered on the session's hook manager for one ``only_changed`` run."""

    def __init__(self, plan: ChangePlan, cache: OutputCache, run_id: str | None) -> None:
        self._plan = plan
        self._cache = cache
        self._run_id = run_id
        self._lock = threading.Lock()
        self._before: dict[str, dict[str, str | None]] = {}
        #: node name -> the input it changed (or could not check)
        self.mutated: dict[str, str] = {}
        #: node name -> why one of its in-memory outputs could not be cached
        self.uncached: dict[str, str] = {}

    @hook_impl
    def before_node_run(self, node: Any, inputs: dict[str, Any]) -> None:
        hashes = {name: _hash_or_none(value) for name, value in inputs.items()}
        with self._lock:
            self._before[node.name] = hashes

    @hook_impl
    def after_node_run(self, node: Any, inputs: dict[str, Any], outputs: dict[str, Any]) -> None:
        with self._lock:
            before = self._before.pop(node.name, {})
        for name, value in inputs.items():
            old = before.get(name)
            if old is None:
                self._mark(node.name, f"{name} (it could not be hashed to check)")
                break
            if _hash_or_none(value) != old:
                self._mark(node.name, name)
                break
        state = self._plan.states.get(node.name) or {}
        fingerprint = state.get("fingerprint")
        if fingerprint is None or node.name in self.mutated:
            return
        for name, value in outputs.items():
            if name in self._plan.ephemeral:
                problem = self._cache.put(fingerprint, name, value, self._run_id)
                if problem is not None:
                    with self._lock:
                        self.uncached[node.name] = f"output {name}: {problem}"

    def _mark(self, node: str, what: str) -> None:
        with self._lock:
            self.mutated.setdefault(node, what)

"""Incremental runs (``only_changed``): run only the nodes whose fingerprint or outputs changed.

``ChangeTracker`` is the session's one object for it: it owns the per-node history and the
output cache of a project (both under ``<project>/.kedro_ipy/cache``) and the code
fingerprinter (whose memo makes deciding on a large pipeline cheap after the first run). A run
asks it for a plan before running, registers its recorder while running, and tells it which
nodes finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.session._incremental.cache import OutputCache
from kedro_ipy.framework.session._incremental.decide import (
    ChangePlan,
    NodeDecision,
    environment,
    plan_changes,
)
from kedro_ipy.framework.session._incremental.history import NodeHistory
from kedro_ipy.framework.session._incremental.recorder import ChangeRecorder
from kedro_ipy.runner._code_fingerprint import CodeFingerprinter
from kedro_ipy.runner._dataset_fingerprint import dataset_fingerprint

if TYPE_CHECKING:
    from kedro_ipy.pipeline import Pipeline

__all__ = ["CACHE_FOLDER", "ChangePlan", "ChangeRecorder", "ChangeTracker", "NodeDecision"]

#: Where a project's history and cached values live, relative to the project root.
CACHE_FOLDER = Path(".kedro_ipy") / "cache"


class ChangeTracker:
    """A project's fingerprints, history and output cache.

    Args:
        project_path: The project root.
        package_name: The project's package, whose code fingerprints follow.
        version: The kedro_ipy version (part of every fingerprint).
        packages: Distributions whose versions count too (e.g. ``("pandas",)``).
    """

    def __init__(self, project_path: Path, package_name: str | None, version: str,
                 packages: tuple[str, ...] = ()) -> None:
        folder = Path(project_path) / CACHE_FOLDER
        self.cache = OutputCache(folder)
        self.history = NodeHistory(folder)
        self.fingerprinter = CodeFingerprinter({package_name} if package_name else set())
        self.environment = environment(version, packages)
        self._specs: dict[int, Any] = {}  # what was read of each node, kept between runs

    def plan(self, pipeline: Pipeline, catalog: Any) -> ChangePlan:
        """Which nodes of ``pipeline`` run, decided before anything runs."""
        return plan_changes(pipeline, catalog, self.history.entries(), self.cache,
                            self.fingerprinter, self.environment, self._specs)

    def recorder(self, plan: ChangePlan, run_id: str | None) -> ChangeRecorder:
        return ChangeRecorder(plan, self.cache, run_id)

    def prepare_catalog(self, plan: ChangePlan, catalog: Any) -> None:
        """Give the run what skipped nodes would have produced: cached in-memory values and
        the versions of persisted outputs their last run saved."""
        from kedro_ipy.io import MemoryDataset

        for name, version in plan.pinned.items():
            catalog.add(name, catalog._at_version(name, catalog[name], version), replace=True)
        for name, value in plan.feed.items():
            catalog.add(name, MemoryDataset(data=value), replace=True)

    def finish(self, plan: ChangePlan, recorder: ChangeRecorder, catalog: Any,
               done: list[str], run_id: str) -> None:
        """Record the nodes that finished: what they were fingerprinted as, and what each
        persisted output holds now that they saved it."""
        updates: dict[str, dict[str, Any]] = {}
        forget: set[str] = set()
        for name in done:
            state = plan.states.get(name)
            if state is None:
                continue
            if state["fingerprint"] is None:
                forget.add(name)
                continue
            if name in recorder.mutated:
                updates[name] = {"fingerprint": None, "mutated": recorder.mutated[name],
                                 "run_id": run_id}
                continue
            outputs = _saved_outputs(plan, catalog, name, state)
            if outputs is None:
                forget.add(name)
                continue
            updates[name] = {key: value for key, value in state.items() if key != "problems"}
            updates[name]["outputs"] = outputs
            updates[name]["run_id"] = run_id
        self.history.record(updates, frozenset(forget))
        self.cache.flush()

    def clear(self) -> int:
        """Forget every recorded fingerprint and cached value; returns how many values went."""
        self.history.clear()
        return self.cache.clear()


def _saved_outputs(plan: ChangePlan, catalog: Any, node: str,
                   state: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """What each persisted output of ``node`` holds now (``None`` if one cannot be told)."""
    outputs: dict[str, dict[str, Any]] = {}
    for name in state["produces"]:
        if name in plan.ephemeral:
            continue
        dataset = catalog[name]
        version = None
        if getattr(dataset, "_version", None) is not None:
            try:
                # the version this run saved (the catalog's save version), else the newest
                version = dataset._version.save or dataset.resolve_load_version()
                dataset = catalog._at_version(name, dataset, version)
            except Exception:
                return None
        fingerprint = dataset_fingerprint(dataset)
        if fingerprint is None:
            return None
        outputs[name] = {"fp": fingerprint, "version": version}
    return outputs

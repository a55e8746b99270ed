"""A session double with the narrow surface the panel uses, for fast widget tests.

It runs nodes in order itself (calling the real hook manager's node hooks), records runs in
``store["runs"]`` with the session's record shape, and can hold a run open at a node so a test
can click while a run is in progress. The integration tests drive the real ``KedroSession``.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from kedro_ipy.framework.hooks import _create_hook_manager


class VersionedThing:
    """Stands in for a versioned dataset: only ``list_versions`` matters to the panel."""

    def __init__(self, versions: list[str]) -> None:
        self.versions = versions

    def list_versions(self) -> list[str]:
        return list(self.versions)


class FakeCatalog:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def keys(self) -> list[str]:
        return list(self.data)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def exists(self, name: str) -> bool:
        return not isinstance(self.data[name], VersionedThing) or bool(self.data[name].versions)

    def load(self, name: str) -> Any:
        return self.data[name]


class FakeSession:
    """Runs ``pipelines[name].filter(...)`` node by node with hooks; records each run."""

    def __init__(self, pipelines: dict[str, Any], inputs: dict[str, Any],
                 fail_at: str | None = None) -> None:
        self.pipelines = pipelines
        self.inputs = inputs
        self.fail_at = fail_at
        self._hook_manager = _create_hook_manager()
        self.store: dict[str, Any] = {"runs": []}
        self.calls: list[dict[str, Any]] = []
        self.catalog = FakeCatalog({"raw": inputs["raw"], "model": VersionedThing(["v2", "v1"]),
                                    "params:alpha": 0.5})
        #: when set, the run waits at this node until ``release`` is set
        self.hold_at: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    def load_context(self) -> Any:
        return SimpleNamespace(catalog=self.catalog, params={"alpha": 0.5})

    def run(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        name = kwargs.get("pipeline_name") or "__default__"
        filters = {k: kwargs.get(k) for k in ("tags", "node_names", "from_nodes", "to_nodes",
                                              "from_inputs", "to_outputs")}
        pipeline = self.pipelines[name].filter(**{k: v for k, v in filters.items() if v})
        record = {"run_id": f"run{len(self.calls)}", "pipeline_name": name, **filters,
                  "load_versions": kwargs.get("load_versions"),
                  "runner": type(kwargs["runner"]).__name__ if kwargs.get("runner") else None,
                  "status": "running", "started_at": "2026-11-24T10:00:00.000Z",
                  "finished_at": None, "duration_s": None, "nodes_total": len(pipeline.nodes),
                  "nodes_done": [], "error": None, "resume_from_nodes": None}
        self.store["runs"].append(record)
        hook = self._hook_manager.hook
        hook.before_pipeline_run(run_params=record, pipeline=pipeline, catalog=self.catalog)
        data = dict(self.inputs)
        for node in pipeline.nodes:
            inputs = {d: data[d] for d in node.inputs}
            hook.before_node_run(node=node, catalog=self.catalog, inputs=inputs,
                                 is_async=False, run_id=record["run_id"])
            if node.name == self.hold_at:
                self.holding.set()
                self.release.wait(10)
            try:
                if node.name == self.fail_at:
                    raise ValueError(f"Input contains NaN in {node.name}")
                outputs = node.run(inputs)
            except Exception as exc:
                hook.on_node_error(error=exc, node=node, catalog=self.catalog, inputs=inputs,
                                   is_async=False, run_id=record["run_id"])
                record.update(status="failed", duration_s=0.01, resume_from_nodes=[node.name],
                              error={"type": type(exc).__name__, "message": str(exc),
                                     "node": node.name})
                raise
            data.update(outputs)
            hook.after_node_run(node=node, catalog=self.catalog, inputs=inputs, outputs=outputs,
                                is_async=False, run_id=record["run_id"])
            record["nodes_done"].append(node.name)
        record.update(status="success", duration_s=0.01)
        produced = {o for n in pipeline.nodes for o in n.outputs}
        consumed = {i for n in pipeline.nodes for i in n.inputs}
        return {k: data[k] for k in sorted(produced - consumed)}

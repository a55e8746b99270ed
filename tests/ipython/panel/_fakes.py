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
    """What is persisted: the session's ``inputs`` (read live) and a versioned ``model``."""

    def __init__(self, inputs: dict[str, Any], extra: dict[str, Any]) -> None:
        self.inputs = inputs
        self.extra = extra

    @property
    def data(self) -> dict[str, Any]:
        return {**self.extra, **self.inputs}

    def keys(self) -> list[str]:
        return list(self.data)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def exists(self, name: str) -> bool:
        value = self.data[name]
        return not isinstance(value, VersionedThing) or bool(value.versions)

    def load(self, name: str) -> Any:
        return self.data[name]


class FakeSession:
    """Runs ``pipelines[name].filter(...)`` node by node with hooks; records each run.

    It has the session's narrow surface for front doors: ``plan``, ``execute`` (which keeps
    every request in ``calls``), run listeners, ``store`` and ``load_context``.
    """

    def __init__(self, pipelines: dict[str, Any], inputs: dict[str, Any],
                 fail_at: str | None = None) -> None:
        self.pipelines = pipelines
        self.inputs = inputs
        self.fail_at = fail_at
        self._hook_manager = _create_hook_manager()
        self.store: dict[str, Any] = {"runs": []}
        self.calls: list[Any] = []
        self.listeners: list[Any] = []
        self.catalog = FakeCatalog(inputs, {"model": VersionedThing(["v2", "v1"])})
        #: when set, the run waits at this node until ``release`` is set
        self.hold_at: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    def load_context(self) -> Any:
        return SimpleNamespace(catalog=self.catalog, params={"alpha": 0.5})

    def add_run_listener(self, listener: Any) -> None:
        self.listeners.append(listener)

    def remove_run_listener(self, listener: Any) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def plan(self, request: Any, *, catalog: Any = None) -> Any:
        from kedro_ipy.framework.session.plan import make_plan

        return make_plan(self.pipelines, request, catalog or self.catalog)

    def execute(self, request: Any) -> Any:
        from kedro_ipy.framework.session.result import RunResult

        self.calls.append(request)
        plan = self.plan(request)
        plan.raise_for_problem()
        pipeline = plan.pipeline
        result = RunResult(request, f"run{len(self.calls)}", nodes=plan.nodes,
                           started_at="2026-11-24T10:00:00.000Z",
                           context=self.load_context(), catalog=self.catalog)
        record = result.to_record()
        self.store["runs"].append(record)
        try:
            result.outputs = self.run_nodes(pipeline, result)
            result.status = "success"
        except Exception as exc:
            result.status, result.exception, result.failed_node = "failed", exc, self.fail_at
            if result.nodes_done:
                result.resume_request = request.resume_from([self.fail_at])
        result.duration_s = 0.01
        record.update(result.to_record())
        for listener in list(self.listeners):
            listener(result)
        return result

    def run_nodes(self, pipeline: Any, result: Any) -> dict[str, Any]:
        hook = self._hook_manager.hook
        hook.before_pipeline_run(run_params={}, pipeline=pipeline, catalog=self.catalog)
        data = dict(self.inputs)
        for node in pipeline.nodes:
            inputs = {d: data[d] for d in node.inputs}
            hook.before_node_run(node=node, catalog=self.catalog, inputs=inputs,
                                 is_async=False, run_id=result.run_id)
            if node.name == self.hold_at:
                self.holding.set()
                self.release.wait(10)
            try:
                if node.name == self.fail_at:
                    raise ValueError(f"Input contains NaN in {node.name}")
                outputs = node.run(inputs)
            except Exception as exc:
                hook.on_node_error(error=exc, node=node, catalog=self.catalog, inputs=inputs,
                                   is_async=False, run_id=result.run_id)
                raise
            data.update(outputs)
            hook.after_node_run(node=node, catalog=self.catalog, inputs=inputs, outputs=outputs,
                                is_async=False, run_id=result.run_id)
            result.nodes_done.append(node.name)
        produced = {o for n in pipeline.nodes for o in n.outputs}
        consumed = {i for n in pipeline.nodes for i in n.inputs}
        return {k: data[k] for k in sorted(produced - consumed)}

"""A tiny stand-in for the session layer, so the magics are tested on their own.

It honours the contract the magics rely on (``KedroSession.create``, ``run`` with the seed's
keyword arguments, ``store["runs"]`` records, ``load_context()``, ``close()``) and nothing more.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(eq=False)
class FakeNode:
    func: Any
    inputs: list[str]
    outputs: list[str]
    name: str
    tags: set[str] = field(default_factory=set)

    def run(self, inputs: dict[str, Any]) -> dict[str, Any]:
        result = self.func(*(inputs[name] for name in self.inputs))
        if len(self.outputs) == 1:
            return {self.outputs[0]: result}
        return dict(zip(self.outputs, result, strict=True))


class FakePipeline:
    def __init__(self, nodes: list[FakeNode]) -> None:
        self.nodes = nodes

    def datasets(self) -> set[str]:
        return {ds for node in self.nodes for ds in (*node.inputs, *node.outputs)}


class FakeCatalog:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = dict(data)

    def keys(self) -> list[str]:
        return list(self.data)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def exists(self, name: str) -> bool:
        return self.data.get(name) is not None

    def load(self, name: str) -> Any:
        if name not in self.data:
            raise KeyError(f"Dataset '{name}' not found")
        return self.data[name]

    def save(self, name: str, value: Any) -> None:
        self.data[name] = value


class FakeContext:
    def __init__(self, catalog: FakeCatalog, params: dict[str, Any], env: str | None) -> None:
        self.catalog = catalog
        self.params = params
        self.env = env


_ids = itertools.count(1)


class FakeSession:
    """Runs nodes in list order; persisted = everything in the catalog's data dict."""

    pipelines: dict[str, FakePipeline] = {}
    data: dict[str, Any] = {}
    created: list[FakeSession] = []

    def __init__(self, project_path: Path, env: str | None, extra_params: dict | None) -> None:
        self.session_id = f"2026-01-01T00.00.0{next(_ids)}.000Z"
        self._project_path = project_path
        self.env = env
        self.params = {"alpha": 1, **(extra_params or {})}
        self.catalog = FakeCatalog({**self.data, "params:alpha": self.params["alpha"]})
        self._store: dict[str, Any] = {"runs": []}
        self.closed = False

    @classmethod
    def create(cls, package_name=None, project_path=None, save_on_close=True, env=None,
               extra_params=None) -> FakeSession:
        session = cls(Path(project_path), env, extra_params)
        cls.created.append(session)
        return session

    @property
    def store(self) -> dict[str, Any]:
        return {"runs": [dict(r) for r in self._store["runs"]]}

    def load_context(self) -> FakeContext:
        return FakeContext(self.catalog, self.params, self.env)

    def close(self) -> None:
        self.closed = True

    def execute(self, request: Any) -> Any:
        """The session's ``execute``: the run's result, a node's failure as data."""
        from kedro_ipy.framework.session._runners import check_runner
        from kedro_ipy.framework.session.result import RunResult

        runner = check_runner(request.runner) if request.runner else None
        result = RunResult(request=request, run_id=f"run-{len(self._store['runs']) + 1}",
                           context=self.load_context(), catalog=self.catalog)
        try:
            result.outputs = self.run(
                request.pipeline_names[0], request.tags, runner, request.node_names,
                request.from_nodes, request.to_nodes, request.from_inputs, request.to_outputs,
                dict(request.load_versions))
            result.status = "success"
        except (Exception, KeyboardInterrupt) as exc:
            result.exception = exc
            result.status = "cancelled" if isinstance(exc, KeyboardInterrupt) else "failed"
        record = self._store["runs"][-1]
        result.nodes = tuple(record["nodes"])
        result.nodes_done = list(record["nodes_done"])
        result.duration_s = record["duration_s"]
        if record["error"]:
            result.failed_node = record["error"]["node"]
        if record["resume_from_nodes"] and result.nodes_done:
            result.resume_request = request.resume_from(record["resume_from_nodes"])
        return result

    def run(self, pipeline_name=None, tags=None, runner=None, node_names=None, from_nodes=None,
            to_nodes=None, from_inputs=None, to_outputs=None, load_versions=None) -> dict:
        pipe = self.pipelines[pipeline_name or "__default__"]
        nodes = list(pipe.nodes)
        if tags:
            nodes = [n for n in nodes if n.tags & set(tags)]
        if node_names:
            nodes = [n for n in nodes if n.name in node_names]
        if to_outputs:
            last = max(i for i, n in enumerate(nodes) if set(n.outputs) & set(to_outputs))
            nodes = nodes[: last + 1]
        if from_nodes:
            start = min(i for i, n in enumerate(nodes) if n.name in from_nodes)
            nodes = nodes[start:]
        record: dict[str, Any] = {
            "run_id": f"run-{len(self._store['runs']) + 1}", "pipeline_name": pipeline_name,
            "tags": list(tags or []), "node_names": list(node_names or []),
            "from_nodes": list(from_nodes or []), "to_nodes": list(to_nodes or []),
            "from_inputs": [], "to_outputs": [], "load_versions": dict(load_versions or {}),
            "runner": type(runner).__name__ if runner else "SequentialRunner",
            "status": "running", "nodes_total": len(nodes), "nodes_done": [],
            "nodes": [node.name for node in nodes],
            "duration_s": None, "error": None, "resume_from_nodes": None,
        }
        self._store["runs"].append(record)
        memory: dict[str, Any] = {}
        for node in nodes:
            inputs = {name: memory[name] if name in memory else self.catalog.load(name)
                      for name in node.inputs}
            try:
                produced = node.run(inputs)
            except (Exception, KeyboardInterrupt) as exc:
                record.update(status="failed", duration_s=0.01, resume_from_nodes=[node.name],
                              error={"type": type(exc).__name__, "message": str(exc),
                                     "node": node.name})
                raise
            record["nodes_done"].append(node.name)
            for name, value in produced.items():
                if name in self.catalog:
                    self.catalog.save(name, value)
                else:
                    memory[name] = value
        record.update(status="success", duration_s=0.01)
        consumed = {name for node in nodes for name in node.inputs}
        return {name: value for name, value in memory.items() if name not in consumed}


def double(numbers: list[int]) -> list[int]:
    return [2 * n for n in numbers]


def total(numbers: list[int], alpha: int) -> int:
    return sum(numbers) * alpha


def check(value: int) -> int:
    if value == 99:
        raise KeyboardInterrupt
    if value > 100:
        raise ValueError(f"value too large: {value}")
    return value


def fake_pipelines() -> dict[str, FakePipeline]:
    """raw -> double_numbers -> doubled -> sum_numbers -> summed -> check_sum -> checked."""
    nodes = [
        FakeNode(double, ["raw"], ["doubled"], "double_numbers", {"prep"}),
        FakeNode(total, ["doubled", "params:alpha"], ["summed"], "sum_numbers", {"model"}),
        FakeNode(check, ["summed"], ["checked"], "check_sum", {"model", "report"}),
    ]
    return {"__default__": FakePipeline(nodes), "prep": FakePipeline(nodes[:1])}


class FakeRunner:
    """Accepted by ``--runner tests.ipython.fakes.FakeRunner``; the fake session ignores it.

    It has a ``run`` method because ``--runner`` accepts only classes that can run.
    """

    def run(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}

"""Random pipelines, random edits: a ``--changed`` run always returns and saves exactly what a
full run does (hypothesis)."""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_ipy.framework.project import pipelines
from kedro_ipy.framework.session import KedroSession, RunRequest

PACKAGE = "incr_random"

REGISTRY = f"""
import json
from pathlib import Path

from kedro_ipy.pipeline import Pipeline, node

from {PACKAGE} import nodes


def register_pipelines():
    graph = json.loads((Path(__file__).parents[2] / "graph.json").read_text())
    return {{"__default__": Pipeline([
        node(getattr(nodes, spec["func"]), spec["inputs"], spec["output"], name=spec["name"])
        for spec in graph
    ])}}
"""

NODES = f"""
from {PACKAGE} import helpers


def combine_a(*values):
    return sum(int(v) for v in values) + helpers.OFFSET


def combine_b(*values):
    return sum(int(v) for v in values) * 2 - helpers.OFFSET
"""


def helpers_source(offset: int, documented: bool) -> str:
    doc = '"""Shared constants (documented)."""\n# a comment\n' if documented else ""
    return f"{doc}OFFSET = {offset}\n"


@st.composite
def graphs(draw: st.DrawFn) -> list[dict]:
    size = draw(st.integers(2, 6))
    graph = []
    for index in range(size):
        sources = ["raw"] + [f"d{i}" for i in range(index)]
        inputs = draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            inputs.append(f"params:k{index}")
        graph.append({"name": f"n{index}", "inputs": inputs, "output": f"d{index}",
                      "func": draw(st.sampled_from(["combine_a", "combine_b"])),
                      "persisted": draw(st.booleans())})
    return graph


edits = st.one_of(
    st.tuples(st.just("param"), st.integers(0, 5), st.integers(-3, 3)),
    st.tuples(st.just("raw"), st.integers(0, 99)),
    st.tuples(st.just("swap"), st.integers(0, 5)),
    st.tuples(st.just("offset"), st.integers(0, 3)),
    st.tuples(st.just("doc"), st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("corrupt"), st.integers(0, 5)),
)


class _Project:
    def __init__(self, root: Path, graph: list[dict]) -> None:
        self.root, self.graph = root, graph
        self.params = {f"k{i}": i for i in range(6)}
        self.offset, self.documented = 1, False
        files = {
            "pyproject.toml": f'[tool.kedro]\npackage_name = "{PACKAGE}"\n'
                              'project_name = "r"\nkedro_init_version = "1.7.0"\n'
                              'source_dir = "src"\n',
            f"src/{PACKAGE}/__init__.py": "",
            f"src/{PACKAGE}/settings.py": "",
            f"src/{PACKAGE}/pipeline_registry.py": REGISTRY,
            f"src/{PACKAGE}/nodes.py": NODES,
            "conf/local/.keep": "",
            "data/raw.txt": "5",
            "conf/base/catalog.yml": "raw:\n  type: text.TextDataset\n  filepath: data/raw.txt\n"
            + "".join(f"{s['output']}:\n  type: json.JSONDataset\n"
                      f"  filepath: data/{s['output']}.json\n"
                      for s in graph if s["persisted"]),
        }
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        self.write()

    def write(self) -> None:
        (self.root / "graph.json").write_text(json.dumps(self.graph))
        (self.root / "conf/base/parameters.yml").write_text(
            "".join(f"{key}: {value}\n" for key, value in self.params.items()))
        (self.root / f"src/{PACKAGE}/helpers.py").write_text(
            helpers_source(self.offset, self.documented))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            if name != f"{PACKAGE}.settings":
                del sys.modules[name]
        pipelines.reset()

    def apply(self, edit: tuple) -> None:
        kind = edit[0]
        if kind == "param":
            self.params[f"k{edit[1]}"] = edit[2]
        elif kind == "raw":
            (self.root / "data/raw.txt").write_text(str(edit[1]))
        elif kind == "swap":
            spec = self.graph[edit[1] % len(self.graph)]
            spec["func"] = "combine_b" if spec["func"] == "combine_a" else "combine_a"
        elif kind == "offset":
            self.offset = edit[1]
        elif kind == "doc":
            self.documented = edit[1]
        elif kind in ("delete", "corrupt"):
            path = self.root / f"data/d{edit[1] % len(self.graph)}.json"
            if path.exists():
                path.unlink() if kind == "delete" else path.write_text("-1000")
        self.write()

    def saved(self) -> dict[str, str]:
        return {p.name: p.read_text() for p in sorted((self.root / "data").glob("d*.json"))}


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graph=graphs(), steps=st.lists(edits, min_size=1, max_size=4))
def test_changed_runs_give_what_full_runs_give(graph: list[dict], steps: list[tuple]) -> None:
    saved_path = list(sys.path)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # edits within a second must never import a stale .pyc
    try:
        with tempfile.TemporaryDirectory() as folder:
            project = _Project(Path(folder), graph)
            with KedroSession.create(project_path=folder, save_on_close=False) as session:
                session.run(RunRequest(only_changed=True))
                for edit in steps:
                    project.apply(edit)
                    changed = session.run(RunRequest(only_changed=True))
                    changed_files = project.saved()
                    if edit[0] == "doc":  # documentation only: nothing may run
                        assert session.last_result.nodes_done == []
                    full = session.run()
                    assert changed == full, (edit, session.last_result)
                    assert changed_files == project.saved(), edit
    finally:
        sys.dont_write_bytecode = dont_write
        sys.path[:] = saved_path
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]

"""Incremental runs (``only_changed``), kedro_ipy only: Kedro has no counterpart.

Figures:
- deciding what to run on a 1,000-node pipeline with nothing changed, in the session that ran
  it (limit 50 ms), and in a new session of a new process for information (code fingerprints
  computed from scratch; the history and cache come from disk);
- a 100-node project (10 layers of 10 nodes, each node with its own function doing ~5 ms of
  work) after one node in the middle had its code edited: how many nodes the ``--changed`` run
  ran (exactly that node's downstream), and its time against a full run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, parse_args
from _project import write_project

EDITED_PACKAGE = "bench_edited"

DECIDE_IN_NEW_PROCESS = """
import sys, time
from kedro_ipy.framework.session import KedroSession, RunRequest
with KedroSession.create(project_path=sys.argv[1], save_on_close=False) as session:
    context = session.load_context()
    catalog = context._get_catalog()
    from kedro_ipy.framework.project import pipelines
    pipeline = pipelines["__default__"]
    start = time.perf_counter()
    plan = session._changes().plan(pipeline, catalog)
    print(time.perf_counter() - start, len(plan.to_run))
"""


def _decide_1000(root: Path, quick: bool) -> None:
    from kedro_ipy.framework.project import pipelines
    from kedro_ipy.framework.session import KedroSession, RunRequest
    from kedro_ipy.framework.startup import bootstrap_project

    nodes = 200 if quick else 1000
    write_project(root, nodes=nodes, width=10)
    bootstrap_project(root)
    with KedroSession.create(project_path=root, save_on_close=False) as session:
        session.run(RunRequest(only_changed=True))
        catalog = session.load_context()._get_catalog()
        pipeline = pipelines["__default__"]
        tracker = session._changes()
        plan = tracker.plan(pipeline, catalog)
        assert not plan.to_run, [str(d) for d in plan.decisions if d.runs]
        emit(f"decide {nodes} nodes, nothing changed (same session)",
             best_of(lambda: tracker.plan(pipeline, catalog), repeat=5),
             limit=0.05, group="incremental")
        start = time.perf_counter()
        session.run(RunRequest(only_changed=True))
        emit(f"--changed run of {nodes} nodes, nothing changed", time.perf_counter() - start,
             group="incremental")
    done = subprocess.run([sys.executable, "-c", DECIDE_IN_NEW_PROCESS, str(root)],
                          capture_output=True, text=True, check=True)
    seconds, to_run = done.stdout.split()
    assert to_run == "0", done.stdout
    emit(f"decide {nodes} nodes, nothing changed (new process)", float(seconds),
         group="incremental")


def _edited_project(root: Path, nodes: int, width: int) -> Path:
    package = root / "src" / EDITED_PACKAGE
    package.mkdir(parents=True)
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.kedro]\npackage_name = "{EDITED_PACKAGE}"\nproject_name = "edited"\n'
        'kedro_init_version = "1.7.0"\nsource_dir = "src"\n')
    (root / "conf/base/parameters.yml").write_text("seed: 1\n")
    (root / "conf/base/catalog.yml").write_text("# every dataset lives in memory\n")
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text("")
    functions = ["def work(value):\n    return sum(range(150_000)) % 7 + value\n"]
    for index in range(nodes):
        functions.append(f"def f{index}(*values):\n    return work(sum(values)) + {index}\n")
    (package / "nodes.py").write_text("\n\n".join(functions))
    (package / "pipeline_registry.py").write_text(textwrap.dedent(f"""
        from kedro_ipy.pipeline import Pipeline, node

        from {EDITED_PACKAGE} import nodes


        def register_pipelines():
            made = []
            for index in range({nodes}):
                layer, column = divmod(index, {width})
                inputs = (["params:seed"] if layer == 0 else
                          [f"d{{index - {width}}}",
                           f"d{{(layer - 1) * {width} + (column + 1) % {width}}}"])
                made.append(node(getattr(nodes, f"f{{index}}"), inputs, f"d{{index}}",
                                 name=f"n{{index}}"))
            return {{"__default__": Pipeline(made)}}
        """))
    return root


def _edit_middle(quick: bool, root: Path) -> None:
    from kedro_ipy.framework.project import pipelines
    from kedro_ipy.framework.session import KedroSession, RunRequest

    nodes, width = (40, 5) if quick else (100, 10)
    _edited_project(root, nodes, width)
    middle = nodes // 2
    with KedroSession.create(project_path=root, save_on_close=False) as session:
        session.run(RunRequest(only_changed=True))
        full = best_of(lambda: session.run(), repeat=3)
        downstream = {n.name for n in pipelines["__default__"].from_nodes(f"n{middle}").nodes}
        nodes_py = root / "src" / EDITED_PACKAGE / "nodes.py"

        def edit() -> None:
            source = nodes_py.read_text()
            old = f"    return work(sum(values)) + {middle}\n"
            new = f"    return work(sum(values)) + {middle} + 0 * {time.time_ns()}\n"
            if old not in source:  # back to the original, so each edit is a change
                old, new = source.split(f"def f{middle}(*values):\n", 1)[1].split("\n")[0], \
                    f"    return work(sum(values)) + {middle}"
            nodes_py.write_text(source.replace(old, new.rstrip("\n")))
            for name in [m for m in sys.modules if m.split(".")[0] == EDITED_PACKAGE]:
                if name != f"{EDITED_PACKAGE}.settings":
                    del sys.modules[name]
            pipelines.reset()

        timings = []
        for _ in range(3):
            edit()
            start = time.perf_counter()
            session.run(RunRequest(only_changed=True))
            timings.append(time.perf_counter() - start)
            ran = set(session.last_result.nodes_done)
            assert ran == downstream, (sorted(ran ^ downstream), session.last_result.explain())
        changed = min(timings)
    emit(f"{nodes}-node project, middle node edited: nodes --changed ran", len(ran),
         unit="nodes", group="incremental")
    emit(f"{nodes}-node project, middle node edited: downstream of it", len(downstream),
         unit="nodes", group="incremental")
    emit(f"{nodes}-node project: full run", full, group="incremental")
    emit(f"{nodes}-node project, middle node edited: --changed run", changed,
         group="incremental")
    emit(f"{nodes}-node project, middle node edited: --changed / full", changed / full,
         unit="x", group="incremental")


def main() -> None:
    args = parse_args()
    if args.framework != "kedro_ipy":
        return  # Kedro has no incremental runs to compare with
    sys.dont_write_bytecode = True  # edits within a second must not import a stale .pyc
    with tempfile.TemporaryDirectory() as folder:
        _decide_1000(Path(folder) / "large", args.quick)
    with tempfile.TemporaryDirectory() as folder:
        _edit_middle(args.quick, Path(folder) / "edited")


if __name__ == "__main__":
    main()

"""Generate an N-node Kedro-style project, identical for both frameworks but for the imports.

``write_project(root, framework="kedro_ipy", nodes=100)`` writes::

    root/pyproject.toml                  [tool.kedro] package_name = "bench_project"
    root/conf/base/parameters.yml        one parameter per layer
    root/conf/base/catalog.yml           a few MemoryDataset entries (no file I/O)
    root/conf/local/                     empty (the default run environment)
    root/src/bench_project/{__init__,settings,pipeline_registry,nodes}.py

The pipeline is layered: ``width`` nodes per layer, each node of a layer reading two outputs of
the layer before and a parameter. The outputs of the last layer are free outputs, which the run
returns. Node functions are trivial so that the framework's own overhead is what is measured.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "bench_project"


def _pyproject(framework: str) -> str:
    return f"""[project]
name = "{PACKAGE}"
version = "0.1.0"

[tool.kedro]
package_name = "{PACKAGE}"
project_name = "Bench project ({framework})"
kedro_init_version = "1.7.0"
source_dir = "src"
"""


_NODES = '''"""Trivial node functions: the framework is what is measured."""


def start(offset):
    return offset


def combine(left, right, offset):
    return left + right + offset
'''


def _registry(framework: str, nodes: int, width: int) -> str:
    return f'''"""{nodes} nodes in layers of {width}."""

from {framework}.pipeline import Pipeline, node

from {PACKAGE}.nodes import combine, start

NODES = {nodes}
WIDTH = {width}


def _build():
    made = []
    layer = 0
    previous = []
    while len(made) < NODES:
        current = []
        for i in range(min(WIDTH, NODES - len(made))):
            out = f"d_{{layer}}_{{i}}"
            param = f"params:offsets.layer_{{layer % 10}}"
            if not previous:
                made.append(node(start, param, out, name=f"n_{{layer}}_{{i}}",
                                 tags=[f"layer_{{layer}}"]))
            else:
                left = previous[i % len(previous)]
                right = previous[(i + 1) % len(previous)]
                made.append(node(combine, [left, right, param], out, name=f"n_{{layer}}_{{i}}",
                                 tags=[f"layer_{{layer}}"]))
            current.append(out)
        previous = current
        layer += 1
    return Pipeline(made)


def register_pipelines():
    pipeline = _build()
    return {{"__default__": pipeline, "all": pipeline}}
'''


def _catalog(nodes: int, width: int) -> str:
    lines = ["# Some intermediate results, declared in the catalog as in-memory datasets."]
    for i in range(min(width, nodes)):
        lines += [f"d_1_{i}:", "  type: MemoryDataset", ""]
    return "\n".join(lines) + "\n"


def _parameters() -> str:
    lines = ["offsets:"] + [f"  layer_{i}: {i}" for i in range(10)]
    return "\n".join(lines) + "\n"


def write_project(root: Path, framework: str = "kedro_ipy", nodes: int = 100,
                  width: int = 10) -> Path:
    """Write the project under ``root`` (created if needed) and return ``root``."""
    package = root / "src" / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    (root / "conf" / "base").mkdir(parents=True, exist_ok=True)
    (root / "conf" / "local").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(_pyproject(framework))
    (root / "conf" / "base" / "parameters.yml").write_text(_parameters())
    (root / "conf" / "base" / "catalog.yml").write_text(_catalog(nodes, width))
    (package / "__init__.py").write_text('"""Generated benchmark project."""\n')
    (package / "settings.py").write_text('"""Defaults only."""\n')
    (package / "nodes.py").write_text(_NODES)
    (package / "pipeline_registry.py").write_text(_registry(framework, nodes, width))
    return root


#: The script a cold process runs: bootstrap, create, load_context, run (same for both).
COLD_RUN = """
import sys
from {framework}.framework.startup import bootstrap_project
from {framework}.framework.session import KedroSession

path = sys.argv[1]
bootstrap_project(path)
with KedroSession.create(project_path=path, save_on_close=False) as session:
    session.load_context()
    outputs = session.run()
assert outputs, "the run returned no free outputs"
"""

"""A small project written to a temporary folder, whose files the incremental tests edit.

``load`` -> ``rows`` (in memory) -> ``scale`` (uses ``helpers.scale`` and ``params:model``)
-> ``scaled_rows`` (JSON on disk) -> ``total`` (returned); ``rows`` -> ``count`` (returned).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

PACKAGE = "incr_shop"

FILES = {
    "pyproject.toml": f"""
        [tool.kedro]
        package_name = "{PACKAGE}"
        project_name = "Incremental shop"
        kedro_init_version = "1.7.0"
        source_dir = "src"
        """,
    f"src/{PACKAGE}/__init__.py": "",
    f"src/{PACKAGE}/settings.py": "",
    f"src/{PACKAGE}/pipeline_registry.py": f"""
        from kedro_ipy.pipeline import Pipeline, node

        from {PACKAGE} import nodes


        def register_pipelines():
            return {{"__default__": Pipeline([
                node(nodes.load_rows, "raw_rows", "rows", name="load"),
                node(nodes.scaled, ["rows", "params:model"], "scaled_rows", name="scale"),
                node(nodes.total, "scaled_rows", "total", name="total"),
                node(nodes.count, "rows", "row_count", name="count"),
            ])}}
        """,
    f"src/{PACKAGE}/nodes.py": f"""
        from {PACKAGE} import helpers


        def load_rows(text):
            return [int(x) for x in text.split()]


        def scaled(rows, model):
            return [helpers.scale(r, model["alpha"]) for r in rows]


        def total(rows):
            return sum(rows)


        def count(rows):
            return len(rows)
        """,
    f"src/{PACKAGE}/helpers.py": """
        def scale(value, alpha):
            return value * alpha
        """,
    "conf/base/catalog.yml": """
        raw_rows:
          type: text.TextDataset
          filepath: data/raw.txt

        scaled_rows:
          type: json.JSONDataset
          filepath: data/scaled.json
        """,
    "conf/base/parameters.yml": """
        model:
          alpha: 2
        """,
    "conf/local/.keep": "",
    "data/raw.txt": "1 2 3\n",
}


def write_project(root: Path, files: dict[str, str] | None = None) -> Path:
    for relative, text in {**FILES, **(files or {})}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def edit(root: Path, relative: str, text: str) -> None:
    """Replace a file's content, as a user saving it in an editor."""
    (root / relative).write_text(textwrap.dedent(text).lstrip("\n"))


def forget_project_modules() -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]

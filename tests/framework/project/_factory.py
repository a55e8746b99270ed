"""Build throwaway projects on disk, and undo what bootstrapping one does to the process."""

from __future__ import annotations

import contextlib
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from kedro_ipy.framework import project

#: Package names created by make_project, whose modules are dropped after each test.
CREATED_PACKAGES: set[str] = set()

DEFAULT_REGISTRY = """\
from kedro_ipy.framework.project import find_pipelines


def register_pipelines():
    pipelines = find_pipelines()
    pipelines["__default__"] = sum(pipelines.values())
    return pipelines
"""

PIPELINE_TEMPLATE = """\
from kedro_ipy.pipeline import node, pipeline


def {func}(x):
    return x


def create_pipeline(**kwargs):
    return pipeline([node({func}, "{name}_in", "{name}_out", name="{name}_node")])
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_project(
    root: Path,
    package: str = "demo_pkg",
    *,
    section: str = "kedro",
    extra_metadata: str = "",
    settings: str | None = None,
    registry: str | None = DEFAULT_REGISTRY,
    pipelines: tuple[str, ...] = ("ingest", "train"),
    source_dir: str = "src",
) -> Path:
    """A minimal project at ``root``: pyproject, package, settings, registry, pipelines, conf."""
    CREATED_PACKAGES.add(package)
    write(
        root / "pyproject.toml",
        f"""\
        [project]
        name = "{package}"

        [tool.{section}]
        package_name = "{package}"
        project_name = "Demo Project"
        {extra_metadata}
        """,
    )
    pkg = root / source_dir / package
    write(pkg / "__init__.py", "")
    if settings is not None:
        write(pkg / "settings.py", settings)
    if registry is not None:
        write(pkg / "pipeline_registry.py", registry)
    for name in pipelines:
        write(pkg / "pipelines" / name / "__init__.py", "from .pipeline import create_pipeline\n")
        write(
            pkg / "pipelines" / name / "pipeline.py",
            PIPELINE_TEMPLATE.format(name=name, func=f"{name}_func"),
        )
    write(root / "conf" / "base" / "parameters.yml", "alpha: 1\n")
    (root / "conf" / "local").mkdir(parents=True, exist_ok=True)
    return root


@contextlib.contextmanager
def restored_process_state() -> Iterator[None]:
    """Put back sys.path, PYTHONPATH, the configured project and the created packages."""
    path = list(sys.path)
    python_path = os.environ.get("PYTHONPATH")
    package_name = project.PACKAGE_NAME
    settings_state = (project.settings._module_name, project.settings._values)
    pipelines_state = (
        project.pipelines._module_name,
        project.pipelines._content,
        project.pipelines._requested_pipelines,
    )
    try:
        yield
    finally:
        sys.path[:] = path
        if python_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = python_path
        project.PACKAGE_NAME = package_name
        project.settings._module_name, project.settings._values = settings_state
        (
            project.pipelines._module_name,
            project.pipelines._content,
            project.pipelines._requested_pipelines,
        ) = pipelines_state
        for name in list(sys.modules):
            if name.partition(".")[0] in CREATED_PACKAGES:
                del sys.modules[name]

"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "coffee_shop"
#: Packages of projects that tests bootstrap; their modules are unloaded after each test, so
#: the next test imports its own copy.
PROJECT_PACKAGES = {"coffee_shop", "demo_shop"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    """Leave what earlier runs of the repository's copy wrote (only data/01_raw is source)."""
    skipped = {"sessions", "__pycache__"}
    if Path(folder).name == "data":
        skipped |= {name for name in names if name != "01_raw"}
    return skipped & set(names)


@pytest.fixture
def example_project(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of ``examples/coffee_shop``: tests never write into the repository.

    Bootstrapping a project changes ``sys.path``, ``PYTHONPATH`` and ``sys.modules``; all three
    are put back afterwards.
    """
    target = tmp_path / "coffee_shop"
    shutil.copytree(EXAMPLE, target, ignore=_ignore)
    saved_path, saved_env = list(sys.path), os.environ.get("PYTHONPATH")
    yield target
    sys.path[:] = saved_path
    if saved_env is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = saved_env
    for name in [m for m in sys.modules if m.split(".")[0] in PROJECT_PACKAGES]:
        del sys.modules[name]


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    """Each test starts without the secrets earlier tests registered (they are process-wide)."""
    yield
    from kedro_ipy import redaction

    redaction.forget_all()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Put every logger back as it was: a project's ``conf/logging.yml`` applied by one test
    (``dictConfig`` disables existing loggers unless told not to) must not silence another's."""
    import logging

    manager = logging.Logger.manager
    loggers = [logging.getLogger()] + [
        lg for lg in list(manager.loggerDict.values()) if isinstance(lg, logging.Logger)
    ]
    saved = {id(lg): (lg, lg.level, lg.disabled, lg.propagate, list(lg.handlers))
             for lg in loggers}
    project = sys.modules.get("kedro_ipy.framework.project")
    in_force = (dict(project.LOGGING.data), project.LOGGING.source) if project else None
    yield
    if project is not None and in_force is not None:  # the project logging config in force
        project.LOGGING.data, project.LOGGING.source = in_force
    elif "kedro_ipy.framework.project" in sys.modules:
        project = sys.modules["kedro_ipy.framework.project"]
        project.LOGGING.data, project.LOGGING.source = {}, None
    for lg, level, disabled, propagate, handlers in saved.values():
        lg.setLevel(level)
        lg.disabled, lg.propagate = disabled, propagate
        lg.handlers[:] = handlers
    for lg in list(manager.loggerDict.values()):  # loggers created during the test
        if isinstance(lg, logging.Logger) and id(lg) not in saved:
            lg.disabled = False

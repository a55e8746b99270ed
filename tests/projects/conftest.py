"""Fixtures for the ported-project tests: each test leaves the process as it found it
(sys.path, PYTHONPATH, the projects' modules, logging)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator

import pytest

from tests.projects.kedro_projects import PROJECTS


@pytest.fixture(autouse=True)
def _isolated_process() -> Iterator[None]:
    import kedro_ipy.framework.project as project

    saved_path, saved_env = list(sys.path), os.environ.get("PYTHONPATH")
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    loggers = {name: (lg.level, list(lg.handlers), lg.propagate)
               for name, lg in logging.Logger.manager.loggerDict.items()
               if isinstance(lg, logging.Logger)}
    yield
    sys.path[:] = saved_path
    if saved_env is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = saved_env
    for name in [m for m in sys.modules if m.split(".")[0] in PROJECTS]:
        del sys.modules[name]
    for handler in root.handlers:
        if handler not in saved_handlers:
            handler.close()
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, lg in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(lg, logging.Logger):
            level, handlers, propagate = loggers.get(name, (logging.NOTSET, [], True))
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate = propagate
            lg.disabled = False
    project.LOGGING.data, project.LOGGING.source = {}, None

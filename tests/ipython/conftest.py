"""Fixtures for the extension's tests: one real IPython shell per module, the extension loaded
(and unloaded after each test, which also closes the session), and a fake or real project."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.getipython import get_ipython as current_ipython
from IPython.testing.globalipapp import get_ipython

from tests.ipython import fakes


@pytest.fixture(scope="module")
def ipython() -> Any:
    # globalipapp starts its shell once per process and returns None on later calls.
    return get_ipython() or current_ipython()


@pytest.fixture
def ip(ipython: Any) -> Iterator[Any]:
    """The shell with ``%load_ext kedro_ipy`` done; unloaded (session closed) afterwards."""
    ipython.run_line_magic("load_ext", "kedro_ipy")
    before = set(ipython.user_ns)
    yield ipython
    ipython.run_line_magic("unload_ext", "kedro_ipy")
    for name in set(ipython.user_ns) - before:
        ipython.user_ns.pop(name, None)
    for name in ("session", "context", "catalog", "params", "pipelines", "outputs"):
        ipython.user_ns.pop(name, None)


@pytest.fixture
def fake_project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> types.SimpleNamespace:
    """Replace the session layer by ``tests.ipython.fakes`` for magics-only tests."""
    import kedro_ipy.framework.project as project
    import kedro_ipy.framework.session as session
    import kedro_ipy.framework.startup as startup

    pipelines = fakes.fake_pipelines()
    fakes.FakeSession.pipelines = pipelines
    fakes.FakeSession.data = {"raw": [1, 2, 3], "summed": 5}
    fakes.FakeSession.created = []
    monkeypatch.setattr(session, "KedroSession", fakes.FakeSession, raising=False)
    monkeypatch.setattr(project, "pipelines", pipelines, raising=False)
    monkeypatch.setattr(startup, "find_project_root", lambda start: tmp_path, raising=False)
    monkeypatch.setattr(
        startup, "bootstrap_project",
        lambda path: types.SimpleNamespace(package_name="fake_pkg", project_name="fake"),
        raising=False,
    )
    return types.SimpleNamespace(path=tmp_path, pipelines=pipelines, sessions=fakes.FakeSession)

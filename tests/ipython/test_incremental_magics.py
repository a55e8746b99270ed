"""``%session_run --changed [--explain]``, ``%session_explain`` and ``%session_cache`` on a
real project edited between cells."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from kedro_ipy.ipython.testing import TestingShell
from tests.framework.session.incremental_project import (
    edit,
    forget_project_modules,
    write_project,
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    saved_path = list(sys.path)
    root = write_project(tmp_path / "incr_shop")
    monkeypatch.chdir(root)
    yield root
    sys.path[:] = saved_path
    forget_project_modules()


@pytest.fixture
def shell(ip, project) -> TestingShell:
    shell = TestingShell(ip)
    shell.run_cell("%session_create")
    return shell


def lines(text: str) -> list[str]:
    return [re.sub(r"run \S+", "run <id>", line.rstrip()) for line in text.splitlines()]


def test_changed_run_explains_which_nodes_ran_and_why(shell, project, capsys):
    shell.run_cell("%session_run --changed")
    assert "0 unchanged nodes skipped (--explain says why)" in capsys.readouterr().out
    edit(project, "src/incr_shop/helpers.py", """
        def scale(value, alpha):
            return value * alpha + 10
        """)
    shell.run_cell("%session_run --changed --explain")
    out = lines(capsys.readouterr().out)
    assert "reloaded the project code (src/incr_shop/helpers.py changed)" in out
    assert "2 unchanged nodes skipped" in out
    assert out[out.index("2 unchanged nodes skipped") + 1:][:4] == [
        "load   skipped: unchanged since run <id>",
        "count  skipped: unchanged since run <id>",
        "scale  ran: code of helper `scale()` changed",
        "total  ran: input scaled_rows changed upstream",
    ]
    assert shell.user_ns["outputs"] == {"total": 42, "row_count": 3}
    record = shell.user_ns["session"].store["runs"][-1]
    assert record["command"] == "%session_run --changed"
    assert record["incremental"]["ran"] == 2


def test_explain_before_running_and_clear_the_cache(shell, capsys):
    shell.run_cell("%session_run --changed")
    capsys.readouterr()
    shell.run_cell("%session_explain")
    assert set(lines(capsys.readouterr().out)) == {
        f"{node:<5}  would skip: unchanged since run <id>"
        for node in ("load", "count", "scale", "total")}
    shell.run_cell("%session_cache")
    assert re.match(r"\d+ cached values, .* in .*\.kedro_ipy/cache; \d+ in memory",
                    capsys.readouterr().out)
    shell.run_cell("%session_cache clear")
    assert capsys.readouterr().out.startswith("Cache cleared (")
    shell.run_cell("%session_explain --params model.alpha=5")
    assert set(lines(capsys.readouterr().out)) == {
        f"{node:<5}  would run: no previous run" for node in ("load", "count", "scale", "total")}


def test_bad_lines_are_usage_errors(shell):
    with pytest.raises(UsageError, match=re.escape(
            "--explain says why each node of a --changed run ran or was skipped: add --changed")):
        shell.run_cell("%session_run --explain")
    with pytest.raises(UsageError, match=re.escape(
            "%session_cache takes 'info' or 'clear', got 'claer'. Did you mean 'clear'?")):
        shell.run_cell("%session_cache claer")

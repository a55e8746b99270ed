"""``kedro-ipy run --changed [--explain]``: each command is a new session, so what is skipped
comes from the project's .kedro_ipy/cache."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli._parser import CommandLineError, parse
from tests.framework.session.incremental_project import forget_project_modules, write_project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    saved_path = list(sys.path)
    yield write_project(tmp_path / "incr_shop")
    sys.path[:] = saved_path
    forget_project_modules()


def test_second_command_skips_what_did_not_change(project, capsys):
    assert main(["run", "--changed", "--project-path", str(project)]) == 0
    first = capsys.readouterr().out
    assert "0 unchanged nodes skipped (--explain says why)." in first
    (project / "data/raw.txt").write_text("1 2 3 4\n")
    assert main(["run", "--changed", "--explain", "--project-path", str(project)]) == 0
    out = [re.sub(r"run \S+", "run <id>", line) for line in capsys.readouterr().out.splitlines()]
    assert "total = 20" in out and "row_count = 4" in out
    assert "load   ran: input raw_rows changed" in out
    assert "scale  ran: input rows changed upstream" in out
    assert "0 unchanged nodes skipped." in out
    assert main(["run", "--changed", "--explain", "--project-path", str(project)]) == 0
    out = capsys.readouterr().out
    assert "4 unchanged nodes skipped." in out
    assert "row_count = 4" in out  # returned from the cache on disk


def test_explain_needs_changed() -> None:
    with pytest.raises(CommandLineError, match=re.escape(
            "--explain says why each node of a --changed run ran or was skipped: add "
            "--changed")):
        parse(["run", "--explain"])

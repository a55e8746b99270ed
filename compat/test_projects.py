"""Differential tests: five Kedro-style projects run by Kedro 1.7.0 as written, and by
kedro_ipy after ``kedro-ipy port``, write the same data.

Kedro runs in this (``.venv-kedro``) interpreter; kedro_ipy runs in the project's own
environment (``KEDRO_IPY_PYTHON``, default ``.venv/bin/python``), where Kedro is not
installed, so kedro_ipy's own dataset classes do the work. The projects are built by
``tests/projects/kedro_projects.py``, shared with the test suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("KEDRO_IPY_ROOT") or HERE.parent)
sys.path.insert(0, str(ROOT))

from tests.projects.kedro_projects import PROJECTS, build, cli_arguments, digest  # noqa: E402

OURS = os.environ.get("KEDRO_IPY_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
ENV = {**os.environ, "DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "true"}


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_ported_project_writes_what_kedro_writes(name: str, tmp_path: Path) -> None:
    kedro_project = build(name, tmp_path / "kedro")
    _run([sys.executable, "-m", "kedro", "run", *cli_arguments(name)], kedro_project)

    unported = build(name, tmp_path / "unported")
    ours = tmp_path / "ours"
    _run([OURS, "-m", "kedro_ipy.framework.cli.cli", "port", str(unported), "--to", str(ours)],
         tmp_path)
    _run([OURS, "-m", "kedro_ipy.framework.cli.cli", "run", *cli_arguments(name)], ours)

    expected, got = digest(kedro_project), digest(ours)
    assert sorted(got) == sorted(expected)
    for key in expected:
        assert got[key] == expected[key], key

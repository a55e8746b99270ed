"""A ported project runs as ``python -m <package>`` with Kedro's run options, logs through
its ``conf/logging.yml`` (``info.log`` in the project), and its own tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli.port import port_project
from tests.projects.kedro_projects import build


def _ported(tmp_path: Path) -> Path:
    port_project(build("spaceflights", tmp_path / "kedro"), to=tmp_path / "ported")
    return tmp_path / "ported"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KEDRO_LOGGING_CONFIG"}
    env["PYTHONPATH"] = "src"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the project's pytest needs none of ours
    return env


def test_python_m_package_runs_with_kedro_run_options_and_logs_to_info_log(
    tmp_path: Path,
) -> None:
    project = _ported(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "spaceflights", "--pipeline", "data_processing",
         "--nodes", "preprocess_companies_node"],
        cwd=project, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "1/1 nodes" in done.stdout
    assert (project / "data/02_intermediate/preprocessed_companies.parquet").is_file()
    assert not (project / "data/02_intermediate/preprocessed_shuttles.parquet").exists()
    log = (project / "info.log").read_text()
    # conf/logging.yml's file handler and format, our loggers under kedro_ipy
    assert " kedro_ipy.runner INFO: Completed 1 out of 1 tasks" in log


def test_logging_config_from_environment_variable_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _ported(tmp_path)
    other = tmp_path / "quiet.yml"
    other.write_text(
        "version: 1\ndisable_existing_loggers: false\n"
        "handlers:\n  f:\n    class: logging.FileHandler\n    filename: quiet.log\n"
        "loggers:\n  kedro_ipy:\n    level: WARNING\nroot:\n  handlers: [f]\n  level: INFO\n"
    )
    monkeypatch.setenv("KEDRO_LOGGING_CONFIG", str(other))
    assert main(["run", "--project-path", str(project), "--pipeline", "data_processing"]) == 0
    assert not (project / "info.log").exists()
    quiet = (project / "quiet.log").read_text()  # relative to the project, as info.log
    assert "Completed" not in quiet  # kedro_ipy at WARNING
    assert "Model has" not in quiet


def test_ported_projects_own_test_capturing_kedro_logs_passes(tmp_path: Path) -> None:
    project = _ported(tmp_path)
    assert 'logger="kedro_ipy"' in (project / "tests" / "test_logs.py").read_text()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout

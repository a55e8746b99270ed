"""``%session_run --runner Dask`` and ``--runner dask://HOST:PORT`` through a real IPython
shell, on the example project, with one local cluster of worker processes for the module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.ipython.magics import NodeRunError
from kedro_ipy.ipython.testing import TestingShell

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Any:
    cluster = distributed.LocalCluster(
        processes=True, n_workers=1, threads_per_worker=2, dashboard_address=":0",
        silence_logs=50,
    )
    client = distributed.Client(cluster)  # the process's default client: `Dask` finds it
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def project(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(example_project / "src")
    return example_project


@pytest.fixture
def shell(ip: Any) -> TestingShell:
    return TestingShell(ip)


def test_run_on_dask_then_fix_the_source_and_resume_on_the_scheduler_address(
    client: Any, shell: TestingShell, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("%session_create --no-save-on-close")
    shell.run_cell("%session_run --runner Dask")
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    out = capsys.readouterr().out
    assert "11/11 nodes" in out
    session = shell.user_ns["session"]
    assert session.store["runs"][-1]["status"] == "success"
    assert session.store["runs"][-1]["runner"] == "DaskRunner"

    # scenario 2 on the cluster: a node fails in a worker process, the user fixes the
    # project's source, and the suggested resume line runs the edited node on the same
    # workers (no restart, nothing uploaded)
    shell.run_cell("%session_create --params model.alpha=-1 --no-save-on-close")
    with pytest.raises(NodeRunError) as failure:
        shell.run_cell("%session_run --runner Dask")
    assert isinstance(failure.value.original, ValueError)
    lines = failure.value._render_traceback_()
    assert lines[0] == "✗ node 'fit_model' failed: ValueError: model.alpha must be >= 0, got -1."
    assert lines[2] == "  7 of 11 nodes finished. Resume without recomputing persisted data:"
    resume = lines[3].strip()
    assert resume.startswith("%session_run --from-nodes ")
    assert resume.endswith(" --runner Dask")

    nodes_py = project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes_py.read_text()
    fixed = source.replace('raise ValueError(f"model.alpha must be >= 0, got {model[\'alpha\']}.")',
                           'model = {**model, "alpha": 0.0}')
    assert fixed != source
    nodes_py.write_text(fixed)
    address = client.scheduler.address.removeprefix("tcp://")
    shell.run_cell(resume.replace("--runner Dask", f"--runner dask://{address}"))
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    record = shell.user_ns["session"].store["runs"][-1]
    assert record["status"] == "success"
    assert client.status == "running"  # the runner closed only the client it opened

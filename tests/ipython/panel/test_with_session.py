"""The panel over a real ``KedroSession`` on a copy of the example project."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from kedro_ipy.framework.session import RunRequest
from kedro_ipy.ipython.panel import SessionPanel

ALL_NODES = 11


class SpySession:
    """The real session, with every request the panel runs recorded."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.calls: list[RunRequest] = []

    def execute(self, request: RunRequest) -> Any:
        self.calls.append(request)
        return self._real.execute(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _session(project: Path) -> SpySession:
    from kedro_ipy.framework.session import KedroSession

    return SpySession(KedroSession.create(project_path=project, save_on_close=False))


@pytest.fixture
def shell():
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    for name in ("outputs", "session", "context", "catalog", "params", "pipelines"):
        ip.user_ns.pop(name, None)
    return ip


@pytest.fixture
def project(example_project: Path) -> Path:
    return example_project


@pytest.fixture
def session(project: Path):
    spy = _session(project)
    yield spy
    spy._real.close()


@pytest.fixture
def panel(session, shell):
    panel = SessionPanel(session, shell)
    yield panel
    panel.close()
    w.Widget.close_all()


def _rows(panel) -> dict[str, str]:
    return dict(re.findall(r'data-node="([^"]+)" data-status="([^"]+)"', panel.view.table.value))


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _text(out: w.Output) -> str:
    return "".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in out.outputs)


def test_a_full_run_from_the_panel(panel, session, shell):
    view = panel.view
    assert set(view.pipeline.options) == {"__default__", "data_processing", "forecasting",
                                          "reporting"}
    assert _plain(view.count.value) == f"will run {ALL_NODES} of {ALL_NODES} nodes"
    view.run_button.click()
    assert session.calls == [RunRequest()]
    assert (view.progress.value, view.progress.max) == (ALL_NODES, ALL_NODES)
    assert set(_rows(panel).values()) == {"done"}
    assert len(_rows(panel)) == ALL_NODES
    assert re.search(r"<td>fit_model</td>.*?\d+\.\d+ m?s</td>", view.table.value)
    assert set(shell.user_ns["outputs"]) == {"metrics", "next_week_forecast"}
    assert "metrics:" in _text(view.outputs)
    assert type(shell.user_ns["catalog"]).__name__ == "DataCatalog"
    assert shell.user_ns["session"] is session


def test_thread_runner_events_from_worker_threads(panel, session):
    view = panel.view
    view.runner.value = "Thread"
    view.pipeline.value = "data_processing"
    view.run_button.click()
    assert session.calls[0].runner == "Thread"
    assert session.calls[0].pipeline_names == ("data_processing",)
    assert session.last_result.runner == "ThreadRunner"
    rows = _rows(panel)
    assert len(rows) == 4 and set(rows.values()) == {"done"}
    assert view.progress.value == 4


def test_failure_then_resume_with_the_real_suggestion(example_project, shell):
    project = example_project
    params = project / "conf" / "base" / "parameters.yml"
    params.write_text(params.read_text().replace("alpha: 0.5", "alpha: -1.0"))
    session = _session(project)
    panel = SessionPanel(session, shell)
    try:
        view = panel.view
        view.run_button.click()
        rows = _rows(panel)
        assert rows["fit_model"] == "failed"
        assert rows["parse_orders"] == "done"
        assert "not run" in rows.values() and "pending" not in rows.values()
        error = _text(view.error)
        assert "node 'fit_model' failed: ValueError: model.alpha must be >= 0, got -1.0." in error
        assert "Traceback" in error
        assert "forecasting/nodes.py" in error and ", in fit_model" in error
        assert "runner.py" not in error  # the machinery's frames are left out
        assert "outputs" not in shell.user_ns
        # one resume hint: the panel's own, not also the runner's note in the traceback
        assert error.count("without recomputing") == 1 and "kedro_ipy: node" not in error
        suggestion = session.store["runs"][-1]["resume_from_nodes"]
        assert suggestion
        assert view.resume_button.layout.display is None
        view.resume_button.click()
        assert view.filters["from_nodes"].value == list(suggestion)
        assert _plain(view.magic.value) == f"%session_run --from-nodes {','.join(suggestion)}"
    finally:
        panel.close()
        session._real.close()


def test_a_failed_panel_run_is_reported_once_not_also_by_the_runner_log(
        example_project, shell, caplog):
    # The runner's own error line gives the resume hint in CLI syntax; the panel shows its own.
    params = example_project / "conf" / "base" / "parameters.yml"
    params.write_text(params.read_text().replace("alpha: 0.5", "alpha: -1.0"))
    session = _session(example_project)
    panel = SessionPanel(session, shell)
    try:
        with caplog.at_level("INFO", logger="kedro_ipy"):
            panel.view.run_button.click()
        assert _rows(panel)["fit_model"] == "failed"
        runner_records = [r for r in caplog.records if r.name.startswith("kedro_ipy.runner")]
        assert runner_records  # the runner did log (its info lines still pass)
        assert not [r for r in runner_records if r.levelname == "ERROR"]
    finally:
        panel.close()
        session._real.close()


def test_history_comes_from_the_session_store(panel, session):
    view = panel.view
    view.filters["tags"].value = ["preprocessing"]
    view.run_button.click()
    assert len(view.history.options) == 1
    label, index = view.history.options[0]
    assert "--tags preprocessing · success · 4/4 nodes" in label
    view.filters["tags"].value = []
    view.history.value = index
    assert view.filters["tags"].value == ["preprocessing"]


def test_load_versions_list_versions_on_disk(panel, session):
    view = panel.view
    view.run_button.click()
    assert set(view.version_controls) >= {"sales_model", "sales_report"}
    options = view.version_controls["sales_model"].options
    assert options[0] == ("latest", "")
    saved = options[1][1]
    assert saved == session.store["runs"][-1]["run_id"]
    view.version_controls["sales_model"].value = saved
    view.pipeline.value = "reporting"
    view.run_button.click()
    assert session.calls[-1].load_versions == {"sales_model": saved}
    assert session.store["runs"][-1]["status"] == "success"


def test_runs_outside_the_panel_update_history_and_versions(panel, session):
    view = panel.view
    assert view.history.options == ()
    assert view.version_controls["sales_model"].options == (("latest", ""),)
    session.run()  # as %session_run in another cell does
    (label, _), = view.history.options
    assert "__default__ · success · 11/11 nodes" in label
    run_id = session.store["runs"][-1]["run_id"]
    assert view.version_controls["sales_model"].options == (("latest", ""), (run_id, run_id))
    assert view.controller.model.snapshot().status == "idle"  # not shown as a panel run


def test_a_selection_missing_an_input_is_stopped_before_running(panel, session):
    view = panel.view
    view.filters["from_nodes"].value = ["clean_orders"]
    view.filters["to_nodes"].value = ["aggregate_daily"]
    assert _plain(view.count.value) == (
        "Pipeline '__default__' cannot run: the selected nodes read input 'orders' that no "
        "selected node produces and the catalog does not hold. Widen the selection to "
        "include the nodes producing it, or save it in the catalog.")
    assert view.run_button.disabled
    view.run_button.click()
    assert session.calls == []
    assert view.resume_button.layout.display == "none"


def test_catalog_tab_never_shows_credentials(panel, project):
    credentials = (project / "conf" / "local" / "credentials.yml").read_text()
    secrets = re.findall(r":\s*(\S{6,})\s*$", credentials, flags=re.M)
    view = panel.view
    view.tabs.selected_index = 2
    table = view.catalog_table.value
    assert "<td>raw_orders</td><td>TextDataset</td><td>yes</td>" in table
    assert "<td>sales_model</td><td>PickleDataset</td><td>no</td><td>none yet</td>" in table
    view.preview_name.value = "supplier_costs"
    view.preview_button.click()
    shown = table + _text(view.preview_out) + view.widget.children[0].children[-1].children[0].value
    assert secrets and not any(secret in shown for secret in secrets)


def test_panel_from_the_magic_picks_up_edited_project_code(ip, example_project):
    project = example_project
    ip.run_line_magic("session_create", str(project))
    ip.run_line_magic("session_panel", "")
    panel = ip.magics_manager.registry["SessionMagics"].panel
    assert isinstance(panel, SessionPanel)
    panel.view.run_button.click()
    assert "edited" not in ip.user_ns["outputs"]["metrics"]

    nodes = project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes.read_text()
    assert '    return {\n        "mae"' in source
    nodes.write_text(source.replace('    return {\n        "mae"',
                                    '    return {\n        "edited": True,\n        "mae"'))
    stat = nodes.stat()
    os.utime(nodes, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    panel.view.run_button.click()
    assert ip.user_ns["outputs"]["metrics"]["edited"] is True
    assert panel.controller.model.snapshot().status == "success"


def test_a_typo_saved_in_project_code_fails_the_run_without_wedging_the_panel(
        ip, example_project):
    ip.run_line_magic("session_create", str(example_project))
    ip.run_line_magic("session_panel", "")
    panel = ip.magics_manager.registry["SessionMagics"].panel
    view = panel.view
    nodes = example_project / "src" / "coffee_shop" / "pipelines" / "forecasting" / "nodes.py"
    source = nodes.read_text()
    nodes.write_text(source + "\ndef broken(:\n")

    view.run_button.click()  # reloads the edited code: the import fails
    assert panel.controller.model.snapshot().status == "failed"
    assert view.run_button.description == "Run" and not view.run_button.disabled
    assert "the run failed: SyntaxError" in _text(view.error)
    assert "importlib" not in _text(view.error)  # only the project's frames
    assert "cannot be drawn: SyntaxError" in view.picture.message.value
    view.pipeline.value = "forecasting"  # choosing still works and says what is wrong
    assert _plain(view.count.value).startswith(
        "The project's pipelines cannot be read (SyntaxError: invalid syntax")
    assert not view.run_button.disabled  # Run retries once the code is fixed

    nodes.write_text(source)
    view.pipeline.value = "__default__"
    view.run_button.click()
    assert panel.controller.model.snapshot().status == "success"
    assert _plain(view.count.value) == f"will run {ALL_NODES} of {ALL_NODES} nodes"


def test_parallel_runner_run_ends_with_every_node_settled(panel, session):
    panel.choose(runner="Parallel", pipeline_name="data_processing")
    panel.view.run_button.click()
    assert session.last_result.runner == "ParallelRunner"
    assert _rows(panel) == dict.fromkeys(
        ["parse_orders", "clean_orders", "add_margins", "aggregate_daily"], "done")
    assert panel.view.progress.value == 4


def test_what_a_node_printed_is_under_its_row_and_in_its_picture_details(project, shell):
    nodes = project / "src" / "coffee_shop" / "pipelines" / "data_processing" / "nodes.py"
    nodes.write_text(nodes.read_text().replace(
        "    return list(csv.DictReader(io.StringIO(raw_orders)))\n",
        "    print('parsing <the> orders')\n"
        "    return list(csv.DictReader(io.StringIO(raw_orders)))\n",
    ))
    session = _session(project)
    panel = SessionPanel(session, shell)
    try:
        panel.view.run_button.click()
        table = panel.view.table.value
        row = re.search(r'<tr data-node="parse_orders".*?</tr>', table, re.S).group(0)
        assert '<details class="kip-log"><summary>1 line</summary>' in row
        assert "parsing &lt;the&gt; orders" in row
        assert "kip-log" not in re.search(r'<tr data-node="clean_orders".*?</tr>', table).group(0)
        panel.view.picture.widget.selected = "parse_orders"
        assert "parsing &lt;the&gt; orders" in panel.view.picture.node_details.value
    finally:
        panel.close()
        session._real.close()
        w.Widget.close_all()


def test_only_what_changed_runs_and_the_rest_shows_cached_with_the_reason(panel):
    view = panel.view
    view.pipeline.value = "data_processing"
    view.only_changed.value = True
    assert _plain(view.magic.value) == "%session_run data_processing --changed"
    view.run_button.click()  # no earlier run: every node runs, and says why
    rows = dict(re.findall(r'data-node="([^"]+)" data-status="([^"]+)"', view.table.value))
    assert set(rows.values()) == {"done"}
    view.run_button.click()  # nothing changed: every node is served from the last run
    table = view.table.value
    rows = dict(re.findall(r'data-node="([^"]+)" data-status="([^"]+)"', table))
    assert rows == dict.fromkeys(["parse_orders", "clean_orders", "add_margins",
                                  "aggregate_daily"], "cached")
    assert re.search(r'data-node="parse_orders" data-status="cached" title="skipped: '
                     r'unchanged since run [^"]+"', table)
    assert panel.view.picture.states()["parse_orders"] == "cached"

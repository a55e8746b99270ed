"""The panel's widgets driven as a user would: set values, click, read what is shown."""

from __future__ import annotations

import html
import re

import ipywidgets as w
import pytest

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.session import RunRequest
from kedro_ipy.ipython.panel import SessionPanel

from ._fakes import FakeSession

RAW = list(range(8))


@pytest.fixture
def shell():
    from IPython.testing.globalipapp import get_ipython

    ip = get_ipython()
    for name in ("outputs", "session", "context", "catalog", "params", "pipelines"):
        ip.user_ns.pop(name, None)
    return ip


@pytest.fixture
def session(pipelines):
    return FakeSession(pipelines, {"raw": RAW, "params:alpha": 0.5})


@pytest.fixture
def panel(session, shell, pipelines):
    panel = SessionPanel(session, shell, pipelines=pipelines)
    yield panel
    panel.close()
    w.Widget.close_all()


def _text(out: w.Output) -> str:
    parts = []
    for item in out.outputs:
        if "text" in item:
            parts.append(item["text"])
        else:
            parts.append(item["data"].get("text/plain", ""))
    return "".join(parts)


def _rows(panel) -> list[tuple[str, str]]:
    return re.findall(r'data-node="([^"]+)" data-status="([^"]+)"', panel.view.table.value)


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _count(panel) -> str:
    return _plain(panel.view.count.value)


def _magic(panel) -> str:
    return _plain(panel.view.magic.value)


class AfterNode:
    """A plugin called after the panel's own observer for each node event."""

    def __init__(self, callback):
        self.callback = callback

    @hook_impl(trylast=True)
    def before_node_run(self, node):
        self.callback("before", node)

    @hook_impl(trylast=True)
    def after_node_run(self, node):
        self.callback("after", node)


class TestChoosing:
    def test_starts_on_the_default_pipeline_with_everything_offered(self, panel):
        view = panel.view
        assert view.pipeline.options == ("__default__", "ds", "prep", "report")
        assert view.offered["tags"] == ["eval", "prep", "report", "training"]
        assert view.offered["node_names"] == ["split", "clean", "fit", "evaluate", "report"]
        assert view.filters["node_names"].placeholder == "a node, e.g. split"
        assert "params:alpha" in view.offered["from_inputs"]
        assert _count(panel) == "will run 5 of 5 nodes"
        assert _magic(panel) == "%session_run"
        assert not view.run_button.disabled

    def test_count_and_magic_line_follow_the_controls(self, panel, session):
        session.inputs.update(clean_rows=[1, 2], test_rows=[3])
        view = panel.view
        view.filters["tags"].value = ["training"]
        assert _count(panel) == "will run 2 of 5 nodes"
        view.runner.value = "Parallel"
        view.filters["to_nodes"].value = ["fit"]
        assert _count(panel) == "will run 1 of 5 nodes"
        assert _magic(panel) == "%session_run --tags training --to-nodes fit --runner Parallel"

    def test_changing_pipeline_offers_its_names_and_drops_foreign_ones(self, panel):
        view = panel.view
        view.filters["tags"].value = ["training"]
        view.pipeline.value = "prep"
        assert view.offered["tags"] == ["prep"]
        assert view.filters["tags"].value == []
        assert view.offered["from_nodes"] == ["split", "clean"]
        assert _count(panel) == "will run 2 of 2 nodes"
        assert _magic(panel) == "%session_run prep"

    def test_an_empty_selection_names_the_filter_and_disables_run(self, panel, session):
        view = panel.view
        view.filters["from_nodes"].value = ["report"]
        view.filters["to_nodes"].value = ["clean"]
        assert _count(panel) == (
            "Pipeline '__default__' has no nodes to run: each filter selects nodes on its "
            "own, but to_nodes=['clean'] leaves none once combined with from_nodes=['report'].")
        assert view.run_button.disabled
        view.run_button.click()
        assert session.calls == []

    def test_a_selection_missing_an_input_cannot_run_and_says_why(self, panel, session):
        view = panel.view
        view.filters["from_nodes"].value = ["fit"]
        assert _count(panel).startswith(
            "Pipeline '__default__' cannot run: the selected nodes read inputs 'clean_rows', "
            "'test_rows' that no selected node produces and the catalog does not hold.")
        assert view.run_button.disabled
        view.run_button.click()
        assert session.calls == []
        assert view.resume_button.layout.display == "none"

    def test_load_versions_offer_the_versions_on_disk(self, panel, session):
        control = panel.view.version_controls["model"]
        assert control.options == (("latest", ""), ("v2", "v2"), ("v1", "v1"))
        control.value = "v1"
        assert _magic(panel) == "%session_run --load-versions model:v1"
        panel.view.run_button.click()
        assert session.calls[0].load_versions == {"model": "v1"}


class TestRunning:
    def test_run_passes_exactly_the_chosen_arguments(self, panel, session):
        session.inputs.update(train_rows=[1, 2], test_rows=[3])
        panel.view.filters["from_nodes"].value = ["clean"]
        panel.view.filters["to_outputs"].value = ["metrics"]
        panel.view.run_button.click()
        assert session.calls == [RunRequest(from_nodes=("clean",), to_outputs=("metrics",))]

    def test_progress_table_outputs_and_namespace_after_a_run(self, panel, session, shell):
        view = panel.view
        view.run_button.click()
        assert (view.progress.value, view.progress.max) == (5, 5)
        assert view.progress_label.value == "5/5 nodes"
        assert _rows(panel) == [(n, "done") for n in
                                ("split", "clean", "fit", "evaluate", "report")]
        assert "✓ 5/5 nodes done" in _plain(view.status.value)
        shown = _text(view.outputs)
        assert "report:" in shown and "'score=8'" in shown
        assert shell.user_ns["outputs"] == {"report": "score=8"}
        assert shell.user_ns["catalog"] is session.catalog
        assert shell.user_ns["session"] is session
        assert not view.run_button.disabled
        assert view.run_button.description == "Run"

    def test_each_output_is_shown_with_its_own_rich_repr(self, panel, session, shell,
                                                         monkeypatch):
        # A kernel's shell formats every MIME type; IPython's terminal test shell only text.
        monkeypatch.setattr(shell.display_formatter, "active_types",
                            ["text/plain", "text/html"])

        class Rich:
            def _repr_html_(self):
                return "<b>rich!</b>"

        session.inputs["raw"] = RAW
        panel.view.filters["to_nodes"].value = ["split"]
        original = session.run_nodes
        session.run_nodes = lambda *args: (original(*args), {"thing": Rich()})[1]
        panel.view.run_button.click()
        html_parts = [o["data"].get("text/html", "") for o in panel.view.outputs.outputs
                      if "data" in o]
        assert "<b>rich!</b>" in html_parts

    def test_progress_is_updated_as_hooks_fire(self, panel, session):
        seen = []

        def spy(when, node):
            if when == "after":
                seen.append((panel.view.progress.value, dict(_rows(panel))[node.name]))

        session._hook_manager.register(AfterNode(spy))
        panel.view.run_button.click()
        assert seen == [(1, "done"), (2, "done"), (3, "done"), (4, "done"), (5, "done")]

    def test_failure_shows_node_error_traceback_and_resume(self, panel, session, shell):
        session.fail_at = "evaluate"
        view = panel.view
        view.run_button.click()
        assert dict(_rows(panel)) == {"split": "done", "clean": "done", "fit": "done",
                                      "evaluate": "failed", "report": "not run"}
        assert "node 'evaluate' failed" in _plain(view.status.value)
        error = _text(view.error)
        assert "node 'evaluate' failed: ValueError: Input contains NaN in evaluate" in error
        assert "Traceback (most recent call last)" in error
        assert "%session_run --from-nodes evaluate" in error
        assert "outputs" not in shell.user_ns
        assert view.resume_button.layout.display is None
        assert not view.run_button.disabled

        # what a resume reads was persisted by the failed run (the fake keeps it in inputs)
        session.inputs.update(test_rows=[4, 5, 6, 7], model={"alpha": 0.5, "n": 2})
        view.resume_button.click()
        assert view.filters["from_nodes"].value == ["evaluate"]
        assert _magic(panel) == "%session_run --from-nodes evaluate"
        assert _count(panel) == "will run 2 of 5 nodes"
        session.fail_at = None
        view.run_button.click()
        assert session.calls[-1].from_nodes == ("evaluate",)
        assert view.resume_button.layout.display == "none"

    def test_a_click_while_running_is_ignored(self, panel, session):
        clicks = []

        def click_again(when, node):
            if when == "before":
                clicks.append(panel.view.run_button.disabled)
                panel.view.run_button.click()

        session._hook_manager.register(AfterNode(click_again))
        panel.view.run_button.click()
        assert len(session.calls) == 1
        assert clicks == [True] * 5

    def test_double_click_with_a_background_run_starts_one_run(self, session, shell, pipelines):
        panel = SessionPanel(session, shell, pipelines=pipelines, background=True)
        try:
            session.hold_at = "fit"
            panel.view.run_button.click()
            assert session.holding.wait(10)
            assert panel.view.run_button.disabled
            assert dict(_rows(panel))["fit"] == "running"
            panel.view.run_button.click()
            assert not panel.run()
            session.release.set()
            assert panel.wait(10)
            assert len(session.calls) == 1
            assert panel.view.progress.value == 5
            assert shell.user_ns["outputs"] == {"report": "score=8"}
        finally:
            panel.close()


class TestHistoryAndInspection:
    def test_history_lists_runs_and_selecting_one_refills_the_controls(self, panel, session):
        view = panel.view
        session.inputs.update(clean_rows=[1, 2], test_rows=[3])
        view.pipeline.value = "ds"
        view.filters["tags"].value = ["training"]
        view.run_button.click()
        view.pipeline.value = "__default__"
        view.filters["tags"].value = []
        view.run_button.click()
        labels = [label for label, _ in view.history.options]
        assert len(labels) == 2
        assert "ds --tags training · success · 2/2 nodes" in labels[1]
        assert "__default__ · success · 5/5 nodes" in labels[0]
        view.history.value = 0  # the first run
        assert view.pipeline.value == "ds"
        assert view.filters["tags"].value == ["training"]
        assert _magic(panel) == "%session_run ds --tags training"

    def test_picture_draws_every_node_coloured_by_selection_then_status(self, panel, session):
        session.inputs.update(clean_rows=[1, 2], test_rows=[3])
        view = panel.view
        view.filters["tags"].value = ["training"]
        states = view.picture.states()
        assert states == {"split": "unselected", "clean": "unselected", "fit": "selected",
                          "evaluate": "selected", "report": "unselected"}
        view.run_button.click()
        states = view.picture.states()
        assert states == {"fit": "done", "evaluate": "done", "split": "unselected",
                          "clean": "unselected", "report": "unselected"}

    def test_picture_follows_the_choice_after_a_run(self, panel, session):
        view = panel.view
        session.fail_at = "evaluate"
        view.run_button.click()
        view.pipeline.value = "prep"  # another pipeline: its nodes, the last run's states
        states = view.picture.states()
        assert states == {"split": "done", "clean": "done"}
        view.pipeline.value = "__default__"
        view.filters["tags"].value = ["report"]  # a filter: states of chosen nodes only
        states = view.picture.states()
        assert states == {"split": "unselected", "clean": "unselected", "fit": "unselected",
                          "evaluate": "unselected", "report": "not run"}

    def test_catalog_tab_lists_datasets_and_previews_one(self, panel):
        view = panel.view
        view.tabs.selected_index = 2
        table = view.catalog_table.value
        assert "<td>raw</td><td>list</td><td>yes</td>" in table
        assert "<td>model</td><td>VersionedThing</td><td>yes</td><td>v2, v1</td>" in table
        assert "params:alpha" not in table
        view.preview_name.value = "raw"
        view.preview_button.click()
        assert _text(view.preview_out) == repr(RAW)


def test_choose_from_code_updates_the_controls(panel, session):
    session.inputs.update(clean_rows=[1, 2], test_rows=[3])
    selection = panel.choose(pipeline_name="ds", tags=["training"], runner="Thread")
    assert selection == panel.selection
    view = panel.view
    assert (view.pipeline.value, view.runner.value) == ("ds", "Thread")
    assert view.filters["tags"].value == ["training"]
    assert panel.message == "will run 2 of 2 nodes"
    with pytest.raises(TypeError):
        panel.choose(tagz=["x"])


def test_close_stops_listening_and_closes_every_widget(session, shell, pipelines):
    panel = SessionPanel(session, shell, pipelines=pipelines)
    run_button = panel.view.run_button
    panel.close()
    assert run_button.comm is None
    assert not session._hook_manager.is_registered(panel.controller.observer)


def test_a_big_run_ends_with_the_whole_table_and_picture_up_to_date(shell):
    from kedro_ipy.pipeline import Pipeline, node

    def step(x):
        return x + 1

    chain = Pipeline([node(step, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(300)])
    session = FakeSession({"__default__": chain}, {"d0": 0, "raw": RAW})
    panel = SessionPanel(session, shell, pipelines={"__default__": chain})
    try:
        panel.view.run_button.click()
        rows = dict(_rows(panel))
        assert len(rows) == 300 and set(rows.values()) == {"done"}
        states = panel.view.picture.states()
        assert len(states) == 300 and set(states.values()) == {"done"}
        assert shell.user_ns["outputs"] == {"d300": 300}
    finally:
        panel.close()


def test_a_mistyped_name_is_shown_with_its_close_match_not_dropped(panel, session):
    session.inputs.update(clean_rows=[1, 2])
    view = panel.view
    view.filters["node_names"].value = ["fti"]  # what the browser sends for a typed name
    assert view.filters["node_names"].value == ["fti"]
    assert "Pipeline does not contain nodes named ['fti']. Did you mean: ['fit']?" in _count(panel)
    assert _count(panel).count("Did you mean") == 1
    assert view.run_button.disabled
    view.filters["node_names"].value = ["fit"]
    assert _count(panel) == "will run 1 of 5 nodes" and not view.run_button.disabled


class TestParametersAndComparison:
    def test_edited_parameters_run_once_and_show_in_the_magic_line(self, panel, session,
                                                                   tmp_path, monkeypatch):
        view = panel.view
        monkeypatch.setattr(panel.controller, "conf_local", lambda: tmp_path / "local")
        assert view.params.text.value == "alpha: 0.5\n"
        view.params.text.value = "alpha: 0.1\n"
        assert "alpha" in view.params.changes.value and "0.1" in view.params.changes.value
        assert _magic(panel) == "%session_run --params alpha=0.1"
        view.run_button.click()
        assert session.calls[-1].params_dict() == {"alpha": 0.1}
        view.params.text.value = "alpha: [\n"  # invalid: shown, and the last valid edit stays
        assert "Not valid YAML" in view.params.changes.value
        assert _magic(panel) == "%session_run --params alpha=0.1"
        assert not (tmp_path / "local").exists()  # nothing written without Save

    def test_a_run_refilled_from_history_brings_its_params_back(self, panel, session):
        view = panel.view
        view.params.text.value = "alpha: 0.2\n"
        view.run_button.click()
        view.params.reset_button.click()
        assert _magic(panel) == "%session_run"
        view.history.value = 0
        assert view.params.text.value == "alpha: 0.2\n"
        assert _magic(panel) == "%session_run --params alpha=0.2"

    def test_two_runs_side_by_side(self, panel, session):
        view = panel.view
        session.inputs.update(clean_rows=[1, 2], test_rows=[3])
        view.run_button.click()
        view.params.text.value = "alpha: 0.9\n"
        view.run_button.click()
        assert (view.compare_a.value, view.compare_b.value) == (0, 1)
        view.compare_button.click()
        shown = view.comparison.value
        assert "run run1" in shown and "run run2" in shown
        assert "<th style='text-align:left'>alpha</th><td>(configured)</td><td>0.9</td>" in shown
        assert "Outputs" in shown and "not kept" not in shown

"""The Picture tab driven as the browser drives it: clicks and collapses are trait changes."""

from __future__ import annotations

import ipywidgets as w
import pytest

from kedro_ipy.ipython.panel import SessionPanel
from kedro_ipy.pipeline import Pipeline, node, pipeline

from ._fakes import FakeSession


def step(x):
    return x + 1


@pytest.fixture
def shell():
    from IPython.testing.globalipapp import get_ipython

    return get_ipython()


@pytest.fixture
def panel(shell, pipelines):
    session = FakeSession(pipelines, {"raw": list(range(8)), "params:alpha": 0.5})
    panel = SessionPanel(session, shell, pipelines=pipelines)
    yield panel
    panel.close()
    w.Widget.close_all()


def test_clicking_a_node_shows_its_inputs_outputs_tags_and_last_run(panel):
    picture = panel.view.picture
    picture.widget.selected = "fit"  # what picture.js does on a click
    details = picture.node_details.value
    assert "clean_rows, params:alpha" in details and "model" in details
    assert "training" in details and "not in the last run" in details
    panel.view.run_button.click()
    assert "<td>done</td>" in picture.node_details.value  # follows the run
    assert "ms</td>" in picture.node_details.value or " s</td>" in picture.node_details.value


def test_a_run_sends_statuses_not_the_picture(shell):
    chain = Pipeline([node(step, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(60)])
    session = FakeSession({"__default__": chain}, {"d0": 0, "raw": []})
    panel = SessionPanel(session, shell, pipelines={"__default__": chain})
    sent: list[str] = []
    panel.view.picture.widget.observe(lambda change: sent.append(change["name"]),
                                      names=["svg", "statuses"])
    try:
        panel.view.run_button.click()
        assert set(panel.view.picture.states().values()) == {"done"}
        # The whole drawing is sent at most once per run (at its start, when the selection
        # becomes the run's); every node event after that is a small statuses update.
        assert sent.count("svg") <= 1
        assert sent.count("statuses") >= 2
    finally:
        panel.close()


def test_namespaces_collapse_into_one_box_and_expand_again(shell):
    inner = Pipeline([node(step, "a", "b", name="train"), node(step, "b", "c", name="score")])
    pipe = Pipeline([pipeline(inner, namespace="ds", inputs={"a"}, outputs={"c"}),
                     node(step, "c", "d", name="publish")])
    session = FakeSession({"__default__": pipe}, {"a": 1, "raw": []})
    panel = SessionPanel(session, shell, pipelines={"__default__": pipe})
    picture = panel.view.picture
    try:
        assert set(picture.states()) == {"ds.train", "ds.score", "publish"}
        picture.collapse_all.click()
        assert picture.widget.collapsed == ["ds"]
        assert set(picture.states()) == {"ds", "publish"}
        panel.view.run_button.click()
        assert picture.states() == {"ds": "done", "publish": "done"}
        picture.widget.collapsed = []  # what a click on the namespace box does
        assert picture.states() == {"ds.train": "done", "ds.score": "done", "publish": "done"}
    finally:
        panel.close()


def test_the_picture_ships_its_script_and_style_with_the_package(panel):
    widget = panel.view.picture.widget
    script, style = str(widget._esm), str(widget._css)
    assert "export default" in script and "http" not in script.replace("https://", "")
    assert "--jp-layout-color" in style


def test_collapsing_redraws_a_picture_shown_without_a_selection():
    from kedro_ipy.ipython.panel.picture import PipelinePicture

    inner = Pipeline([node(step, "a", "b", name="train"), node(step, "b", "c", name="score")])
    pipe = Pipeline([pipeline(inner, namespace="ds", inputs={"a"}, outputs={"c"})])
    picture = PipelinePicture(lambda name: name)
    picture.show(pipe, selected=None, statuses={})
    picture.collapse(["ds"])
    assert set(picture.states()) == {"ds"}
    picture.expand()
    assert set(picture.states()) == {"ds.train", "ds.score"}

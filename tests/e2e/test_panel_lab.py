"""The panel in a real browser: JupyterLab, headless Chromium, a click on Run.

The notebook is written to ``tmp_path`` (never into ``notebooks/``, where nbval would collect it)
next to a copy of the example project. The test runs its cells, presses Run in the panel, waits
for the progress bar to reach the end and checks what a user sees: every node done in the table,
the outputs listed, the picture drawn. A screenshot lands in ``test-artifacts/``.

Without Chromium the test is skipped on a developer machine but fails on CI (``CI`` set), where
``make test`` installs it first.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ._jupyter import (
    ARTIFACTS,
    copy_example,
    first_panel,
    notebook_running,
    require_browser,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

ALL_NODES = 11
# A project hook that makes each node take a moment, so the test can watch the run progress.
SLOW_NODES = """\
import time
from kedro_ipy.framework.hooks import hook_impl

class SlowNodes:
    @hook_impl
    def before_node_run(self, node):
        time.sleep(0.2)

session._hook_manager.register(SlowNodes());
"""
# A second session whose parameters make the node fit_model fail, with its own panel.
BROKEN_PANEL = """\
from kedro_ipy.framework.session import KedroSession
from kedro_ipy.ipython.panel import SessionPanel

broken = KedroSession.create(project_path="coffee_shop", extra_params={"model": {"alpha": -1.0}})
SessionPanel(broken, get_ipython()).widget
"""


def test_panel_runs_the_pipeline_in_jupyterlab(tmp_path: Path) -> None:
    chromium = require_browser()
    copy_example(tmp_path)
    write_notebook(tmp_path / "panel_e2e.ipynb", [
        "%load_ext kedro_ipy", "%session_create coffee_shop", SLOW_NODES, "%session_panel",
        BROKEN_PANEL,
    ])
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "panel_lab.png"

    with notebook_running(tmp_path, "panel_e2e.ipynb", app="lab", chromium=chromium,
                          fail_shot=ARTIFACTS / "panel_lab.fail.png") as page:
        from playwright.sync_api import expect  # importable: require_browser() checked

        panel = first_panel(page)
        expect(panel.locator(".kip-count")).to_have_text(
            f"will run {ALL_NODES} of {ALL_NODES} nodes")
        expect(panel.locator(".kip-magic")).to_have_text("%session_run")

        # Narrow the choice in the browser: the count follows before Run is pressed.
        tags = panel.locator(".jupyter-widget-tagsinput").first
        tags.locator("input").press_sequentially("preprocessing")
        # The widget adds a tag on the input's "change" event; with the suggestion list
        # open, headless Chromium fires it on leaving the field, not on Enter.
        tags.locator("input").press("Tab")
        expect(panel.locator(".kip-count")).to_have_text(
            f"will run 4 of {ALL_NODES} nodes")
        tags.locator(".jupyter-widget-tag-close").first.click()
        expect(panel.locator(".kip-count")).to_have_text(
            f"will run {ALL_NODES} of {ALL_NODES} nodes")

        run = panel.locator(".kip-run")
        run.dblclick()  # a double click must start a single run
        # While it runs: button disabled, one node running, the bar part-way.
        expect(run).to_be_disabled()
        expect(panel.locator('.kip-nodes tr[data-status="running"]')).to_have_count(1)
        expect(panel.locator(".kip-progress-label")).to_have_text(
            re.compile(rf"^([1-9]|10)/{ALL_NODES} nodes$"))
        expect(panel.locator('.kip-pipeline .kip-node[data-state="running"]')
               ).to_have_count(1)
        expect(panel.locator(".kip-status")).to_contain_text(
            f"✓ {ALL_NODES}/{ALL_NODES} nodes done")
        expect(panel.locator(".kip-progress-label")).to_have_text(
            f"{ALL_NODES}/{ALL_NODES} nodes")
        progress = panel.locator(".kip-progress .progress-bar")
        expect(progress).to_have_attribute("style", re.compile(r"width:\s*100%"))
        rows = panel.locator(".kip-nodes tbody tr")
        expect(rows).to_have_count(ALL_NODES)
        expect(panel.locator('.kip-nodes tr[data-status="done"]')).to_have_count(
            ALL_NODES)
        expect(panel.locator(".jp-OutputArea-output",
                             has_text="also in the variable `outputs`")).to_be_visible()
        expect(panel.locator(".jp-OutputArea-output", has_text="metrics")
               .first).to_be_visible()
        expect(run).to_be_enabled()
        expect(run).to_have_text("Run")
        page.screenshot(path=str(shot), full_page=True)

        # Exactly one run in the history although Run got two clicks.
        panel.locator(".lm-TabBar-tab", has_text="History").click()
        options = panel.locator(".widget-select select option")
        expect(options).to_have_count(1)
        expect(options.first).to_contain_text("success")

        panel.locator(".lm-TabBar-tab", has_text="Picture").click()
        expect(panel.locator(".kip-pipeline .kip-node")).to_have_count(ALL_NODES)
        expect(panel.locator('.kip-pipeline .kip-node[data-state="done"]')).to_have_count(
            ALL_NODES)
        page.screenshot(path=str(ARTIFACTS / "panel_lab_picture.png"), full_page=True)

        # Another pipeline chosen after the run: the picture follows the choice (its nodes
        # only, with the last run's states), not the run.
        panel.locator(".widget-dropdown select").first.select_option("data_processing")
        expect(panel.locator(".kip-count")).to_have_text("will run 4 of 4 nodes")
        expect(panel.locator(".kip-pipeline .kip-node")).to_have_count(4)
        expect(panel.locator('.kip-pipeline .kip-node[data-state="done"]')).to_have_count(4)
        panel.locator(".widget-dropdown select").first.select_option("__default__")
        expect(panel.locator(".kip-pipeline .kip-node")).to_have_count(ALL_NODES)

        panel.locator(".lm-TabBar-tab", has_text="Catalog").click()
        expect(panel.locator(".kip-catalog")).to_contain_text("raw_orders")
        expect(panel.locator(".kip-catalog")).not_to_contain_text("api_key")

        # The second panel: a node fails; the error, traceback and Resume are shown.
        broken = page.locator(".kedro-ipy-panel").nth(1)
        broken.scroll_into_view_if_needed()
        broken.locator(".kip-run").click()
        expect(broken.locator(".kip-status")).to_contain_text("✗ node 'fit_model' failed")
        expect(broken.locator('.kip-nodes tr[data-node="fit_model"]')).to_have_attribute(
            "data-status", "failed")
        # the nodes after the failure never ran: "not run", not "pending"
        expect(broken.locator('.kip-nodes tr[data-node="evaluate_model"]')).to_have_attribute(
            "data-status", "not run")
        expect(broken.locator('.kip-nodes tr[data-status="pending"]')).to_have_count(0)
        expect(broken.locator(".jp-OutputArea-output", has_text="model.alpha must be >= 0")
               .first).to_be_visible()
        expect(broken.locator(".jp-OutputArea-output", has_text="Traceback")
               .first).to_be_visible()
        resume = broken.locator(".kip-resume")
        expect(resume).to_be_visible()
        # one resume hint in the error box: the panel's (the runner's note is left out)
        expect(broken.locator(".jp-OutputArea-output",
                              has_text="without recomputing")).to_have_count(1)
        resume.click()
        expect(broken.locator(".kip-magic")).to_have_text(
            "%session_run --from-nodes fit_model")
        expect(broken.locator(".kip-count")).to_contain_text("will run")
        broken.screenshot(path=str(ARTIFACTS / "panel_lab_failure.png"))

"""The panel in a real browser again, this time in Notebook 7 with the stock ipywidgets frontend.

Issue 7 promises the panel works in Notebook 7 as well as JupyterLab, without a JavaScript
build step of its own. Notebook 7 shares Lab's components but has its own shell, page routes and
widget-manager wiring, so a panel that renders in Lab is not proof enough. This test runs the
plain path a user takes there: load the extension, create a session on a copy of the example,
``%session_panel``, press Run, and checks the finished progress bar, the per-node table and the
outputs. The screenshot ``test-artifacts/panel_notebook7.png`` shows the result. The test runs the
same way as the JupyterLab one: skipped without Chromium on a developer machine, a failure on CI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ._jupyter import (
    APP_NAME_JS,
    APPS,
    ARTIFACTS,
    copy_example,
    first_panel,
    notebook_running,
    require_browser,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

ALL_NODES = 11


def test_panel_runs_the_pipeline_in_notebook7(tmp_path: Path) -> None:
    chromium = require_browser()
    pytest.importorskip("notebook", minversion="7")  # also a test extra; never skipped on CI
    copy_example(tmp_path)
    write_notebook(tmp_path / "panel_nb7.ipynb",
                   ["%load_ext kedro_ipy", "%session_create coffee_shop", "%session_panel"])
    ARTIFACTS.mkdir(exist_ok=True)

    with notebook_running(tmp_path, "panel_nb7.ipynb", app="notebook", chromium=chromium,
                          fail_shot=ARTIFACTS / "panel_notebook7.fail.png") as page:
        from playwright.sync_api import expect  # importable: require_browser() checked

        # Notebook 7 itself, not Lab reached through some redirect.
        assert page.evaluate(APP_NAME_JS) == APPS["notebook"].display_name
        assert "/notebooks/panel_nb7.ipynb" in page.url

        panel = first_panel(page)
        expect(panel.locator(".kip-count")).to_have_text(
            f"will run {ALL_NODES} of {ALL_NODES} nodes")
        expect(panel.locator(".kip-magic")).to_have_text("%session_run")
        expect(panel.locator('.kip-nodes tr[data-status="done"]')).to_have_count(0)

        run = panel.locator(".kip-run")
        run.click()
        expect(panel.locator(".kip-progress-label")).to_have_text(
            f"{ALL_NODES}/{ALL_NODES} nodes")
        expect(panel.locator(".kip-progress .progress-bar")).to_have_attribute(
            "style", re.compile(r"width:\s*100%"))
        expect(panel.locator(".kip-status")).to_contain_text(
            f"✓ {ALL_NODES}/{ALL_NODES} nodes done")
        expect(panel.locator(".kip-nodes tbody tr")).to_have_count(ALL_NODES)
        expect(panel.locator('.kip-nodes tr[data-status="done"]')).to_have_count(ALL_NODES)
        # ... and the status a reader sees in each row says so.
        expect(panel.locator(".kip-nodes tbody td:nth-child(2)")).to_have_text(
            ["done"] * ALL_NODES)
        expect(panel.locator(".jp-OutputArea-output",
                             has_text="also in the variable `outputs`")).to_be_visible()
        expect(panel.locator(".jp-OutputArea-output", has_text="metrics").first).to_be_visible()
        expect(run).to_be_enabled()
        page.screenshot(path=str(ARTIFACTS / "panel_notebook7.png"), full_page=True)

        # The Lumino tabs and the inline SVG work here too.
        panel.locator(".lm-TabBar-tab", has_text="Picture").click()
        expect(panel.locator('.kip-pipeline .kip-node[data-state="done"]')).to_have_count(
            ALL_NODES)

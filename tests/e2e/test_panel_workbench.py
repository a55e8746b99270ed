"""The panel as a workbench in a real browser, in JupyterLab and Notebook 7, light and dark.

A user mistypes a node name (shown with its close match, Run waits), edits a parameter in the
Parameters tab (the ``%session_run`` line follows), runs, unfolds what a node printed, runs
again and compares the two runs in History. A screenshot of each view lands in
``test-artifacts/``, in the light theme and then in the dark one.
"""

from __future__ import annotations

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

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

ALL_NODES = 11
TABS = ("Run", "Picture", "Catalog", "History", "Parameters")
# Labels and inputs of the panel whose text does not fit (cut off or overflowing).
CUT_OFF_JS = """(panel) => [...panel.querySelectorAll(
    '.widget-label, .jupyter-widget-tagsinput, .widget-dropdown select, .jupyter-button')]
  .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.className + ': ' + (el.textContent || el.placeholder || '').trim())"""
# Forecasting's nodes take a moment, so that Stop has a run to stop.
SLOW_FORECASTING = """\
import time
from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.framework.project import pipelines

class SlowForecasting:
    slow = {n.name for n in pipelines["forecasting"].nodes}

    @hook_impl
    def before_node_run(self, node):
        if node.name in self.slow:
            time.sleep(0.4)

session._hook_manager.register(SlowForecasting());
"""


def _chatty_parse_orders(project: Path) -> None:
    nodes = project / "src" / "coffee_shop" / "pipelines" / "data_processing" / "nodes.py"
    body = "    return list(csv.DictReader(io.StringIO(raw_orders)))\n"
    nodes.write_text(nodes.read_text().replace(
        body, "    print('parsing the till export')\n" + body))


def _shoot(page, panel, app: str, theme: str) -> None:
    for tab in TABS:
        panel.locator(".lm-TabBar-tab", has_text=tab).click()
        page.wait_for_timeout(300)
        panel.screenshot(path=str(ARTIFACTS / f"workbench_{app}_{theme}_{tab.lower()}.png"))


@pytest.mark.parametrize(("app", "width"), [("lab", 1280), ("notebook", 1000)])
def test_typo_parameters_logs_comparison_and_stop(tmp_path: Path, app: str, width: int) -> None:
    chromium = require_browser()
    _chatty_parse_orders(copy_example(tmp_path))
    write_notebook(tmp_path / "workbench.ipynb", [
        "%load_ext kedro_ipy", "%session_create coffee_shop", SLOW_FORECASTING,
        "%session_panel",
    ])
    ARTIFACTS.mkdir(exist_ok=True)
    with notebook_running(tmp_path, "workbench.ipynb", app=app, chromium=chromium,
                          fail_shot=ARTIFACTS / f"workbench_{app}.fail.png",
                          viewport={"width": width, "height": 1500}) as page:
        from playwright.sync_api import expect

        panel = first_panel(page)
        count, magic, run = (panel.locator(".kip-count"), panel.locator(".kip-magic"),
                             panel.locator(".kip-run"))
        expect(count).to_have_text(f"will run {ALL_NODES} of {ALL_NODES} nodes")
        # Nothing cut off: labels, inputs (with their placeholders), choices and buttons fit.
        assert page.evaluate(CUT_OFF_JS, panel.element_handle()) == []

        # A typo is kept and explained, and Run waits for the fix.
        nodes = panel.locator(".kip-filter-node-names input")
        nodes.press_sequentially("fit_modle")
        nodes.press("Tab")  # the widget takes a tag on the input's "change" event
        expect(count).to_contain_text("Did you mean: ['fit_model']?")
        expect(run).to_be_disabled()
        panel.locator(".kip-filter-node-names .jupyter-widget-tag-close").click()
        expect(count).to_have_text(f"will run {ALL_NODES} of {ALL_NODES} nodes")

        # Parameters: an edit becomes this run's --params, live.
        panel.locator(".lm-TabBar-tab", has_text="Parameters").click()
        text = panel.locator(".kip-params-text textarea")
        yaml = text.input_value()
        assert "alpha:" in yaml
        edited = "\n".join(
            line.split(":")[0] + ": 0.25" if line.strip().startswith("alpha:") else line
            for line in yaml.splitlines())
        text.fill(edited)
        text.blur()
        expect(panel.locator(".kip-params-changes")).to_contain_text("model.alpha")
        expect(magic).to_have_text("%session_run --params model.alpha=0.25")

        # Run; the node's printed line is under its row.
        panel.locator(".lm-TabBar-tab", has_text="Run").click()
        run.click()
        expect(panel.locator(".kip-status")).to_contain_text(
            f"✓ {ALL_NODES}/{ALL_NODES} nodes done")
        row = panel.locator('.kip-nodes tr[data-node="parse_orders"]')
        row.locator("summary").click()
        expect(row.locator("pre")).to_have_text("parsing the till export")

        # A second run with the configured parameters, then both side by side.
        panel.locator(".lm-TabBar-tab", has_text="Parameters").click()
        panel.locator(".kip-params-reset").click()
        expect(magic).to_have_text("%session_run")
        run.click()
        expect(panel.locator(".widget-select select option")).to_have_count(2)
        panel.locator(".lm-TabBar-tab", has_text="History").click()
        panel.locator(".kip-compare-button").click()
        comparison = panel.locator(".kip-comparison")
        expect(comparison.locator(".kip-compare-parameters")).to_contain_text("0.25")
        expect(comparison.locator(".kip-compare-outputs")).to_contain_text("metrics")

        # Stop a run part-way: it ends "cancelled", and no node runs after it.
        panel.locator(".widget-dropdown select").first.select_option("forecasting")
        panel.locator(".lm-TabBar-tab", has_text="Run").click()
        run.click()
        expect(panel.locator('.kip-nodes tr[data-status="done"]').first).to_be_visible()
        panel.locator(".kip-stop").click()
        expect(panel.locator(".kip-status")).to_contain_text("■ cancelled after")
        expect(panel.locator(".kip-stop")).to_be_hidden()
        expect(panel.locator('.kip-nodes tr[data-status="not run"]').first).to_be_visible()

        _shoot(page, panel, app, "light")
        page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', "
                      "{theme: 'JupyterLab Dark'})")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
        _shoot(page, panel, app, "dark")

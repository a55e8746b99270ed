"""The panel in a real browser: JupyterLab, headless Chromium, a click on Run.

The notebook is written to ``tmp_path`` (never into ``notebooks/``, where nbval would collect it)
next to a copy of the example project. The test runs its cells, presses Run in the panel, waits
for the progress bar to reach the end and checks what a user sees: every node done in the table,
the outputs listed, the picture drawn. A screenshot lands in ``test-artifacts/``.

Without Chromium the test is skipped on a developer machine but fails on CI (``CI`` set), where
``make test`` installs it first.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from ._lab import CHROMIUM_FLAGS, KERNEL_IDLE_JS, RUN_ALL_JS, LabServer, find_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "coffee_shop"
ARTIFACTS = REPO / "test-artifacts"
ALL_NODES = 11


def _need(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


def _write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext kedro_ipy"),
        nbformat.v4.new_code_cell("%session_create coffee_shop"),
        nbformat.v4.new_code_cell("%session_panel"),
    ]
    nbformat.write(nb, str(path))


def test_panel_runs_the_pipeline_in_jupyterlab(tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        _need("no chromium binary (bash scripts/ensure-chromium.sh installs it)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _need("playwright is not installed")

    shutil.copytree(EXAMPLE, tmp_path / "coffee_shop",
                    ignore=shutil.ignore_patterns("sessions", "__pycache__"))
    _write_notebook(tmp_path / "panel_e2e.ipynb")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "panel_lab.png"

    server = LabServer(tmp_path)
    try:
        server.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True,
                                        args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1100})
            page.set_default_timeout(60_000)
            expect.set_options(timeout=45_000)
            try:
                page.goto(server.url("/lab/tree/panel_e2e.ipynb"))
                page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for()
                page.wait_for_function(KERNEL_IDLE_JS, timeout=90_000)
                page.evaluate(RUN_ALL_JS)

                panel = page.locator(".kedro-ipy-panel")
                expect(panel).to_be_visible()
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
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "panel_lab.fail.png"), full_page=True)
                print(server.log_tail())
                raise
            finally:
                browser.close()
    finally:
        started = time.monotonic()
        how = server.stop()
        print(f"server stopped via {how} in {time.monotonic() - started:.1f} s")
    assert how in ("api/shutdown", "SIGTERM")

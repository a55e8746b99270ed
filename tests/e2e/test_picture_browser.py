"""The pipeline picture in a real browser: zoom, pan, hover, click, collapse, live statuses, themes.

A 500-node pipeline of 100 namespaces is drawn with the panel's picture widget, in JupyterLab and
in Notebook 7. After a click the last cell streams a status for every node, one every 20 ms
(faster than a panel run sends them), while the page records long tasks; the longest one is
written to ``test-artifacts/picture_<app>.json`` and printed (a figure to report, not a timed
assertion). Screenshots of the light and dark themes land in ``test-artifacts/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._jupyter import (
    ARTIFACTS,
    LONG_TASKS_JS,
    notebook_running,
    require_browser,
    write_notebook,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

NAMESPACES = 100
NODES = NAMESPACES * 5
BUILD = f"""\
from kedro_ipy.pipeline import Pipeline, node, pipeline
from kedro_ipy.ipython.panel.picture import PipelinePicture

def f(x):
    return x

def block(i):
    return Pipeline([node(f, "a", "b", name="load"), node(f, "b", "c", name="prep"),
                     node(f, "c", "d", name="train"), node(f, "d", "e", name="score"),
                     node(f, "e", "out", name="report")])

big = Pipeline([pipeline(block(i), namespace=f"ns{{i}}",
                         inputs={{"a": f"out{{i - 1}}"}}, outputs={{"out": f"out{{i}}"}})
                for i in range({NAMESPACES})])
pic = PipelinePicture(lambda name: f'<span class="kip-test-details">{{name}}</span>')
pic.show(big, selected=None, statuses={{}})
pic.box
"""
STREAM = """\
import threading, time

def stream():
    # The test first exercises zoom, pan, hover, click and collapse, then clicks ns1.load.
    while pic.widget.selected != "ns1.load":
        time.sleep(0.05)
    statuses = {}
    for n in big.nodes:
        statuses[n.name] = "done"
        pic.show(big, selected=None, statuses=statuses)
        time.sleep(0.02)

threading.Thread(target=stream, daemon=True).start()
"""
LUMINANCE_JS = """(sel) => {
  const channels = (css) => {
    const nums = (css.match(/[\\d.]+/g) || []).map(Number).slice(0, 3);
    return css.startsWith("color(") ? nums : nums.map((v) => v / 255);
  };
  const lum = (css) => { const [r, g, b] = channels(css); return 0.2126*r + 0.7152*g + 0.0722*b; };
  const g = document.querySelector(sel);
  return [lum(getComputedStyle(g.querySelector("rect")).fill),
          lum(getComputedStyle(g.querySelector("text")).fill)];
}"""


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_picture_zooms_pans_highlights_collapses_and_follows_the_theme(tmp_path: Path, app):
    chromium = require_browser()
    write_notebook(tmp_path / "picture.ipynb", [BUILD, STREAM])
    ARTIFACTS.mkdir(exist_ok=True)
    with notebook_running(tmp_path, "picture.ipynb", app=app, chromium=chromium,
                          fail_shot=ARTIFACTS / f"picture_{app}.fail.png") as page:
        from playwright.sync_api import expect

        picture = page.locator(".kip-picture").first
        nodes = picture.locator(".kip-pipeline .kip-node")
        expect(nodes).to_have_count(NODES)

        # Zoom in with the button, then back to the width.
        zoom = float(picture.get_attribute("data-zoom"))
        picture.locator(".kip-zoom-in").click()
        expect(picture).to_have_attribute("data-zoom", f"{zoom * 1.25:.3f}")
        picture.locator(".kip-zoom-fit").click()
        expect(picture).to_have_attribute("data-zoom", f"{zoom:.3f}")

        # Pan by dragging the background.
        stage = picture.locator(".kip-picture-stage")
        before = stage.get_attribute("style")
        box = picture.locator(".kip-picture-viewport").bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 20)
        page.mouse.down()
        page.mouse.move(box["x"] + 60, box["y"] + box["height"] - 120, steps=5)
        page.mouse.up()
        assert stage.get_attribute("style") != before

        picture.locator(".kip-zoom-fit").click()
        first = picture.locator('.kip-node[data-name="ns0.prep"]')
        # Hover: the node, its two datasets and the nodes across them light up.
        first.hover()
        expect(picture.locator("g.kip-hl")).to_have_count(5)
        # Click: the details of that node are shown below the picture.
        first.click()
        expect(page.locator(".kip-test-details")).to_have_text("ns0.prep")

        # Collapse every namespace, then expand one by clicking its box.
        page.locator(".kip-collapse-all").click()
        expect(nodes).to_have_count(NAMESPACES)
        picture.locator('.kip-namespace[data-name="ns0"]').click()
        expect(nodes).to_have_count(NAMESPACES - 1 + 5)
        page.locator(".kip-expand-all").click()
        expect(nodes).to_have_count(NODES)

        # A click on ns1.load starts the stream of statuses; they arrive without re-sending
        # the drawing, and the page's long tasks are recorded meanwhile.
        page.evaluate(LONG_TASKS_JS)
        picture.locator('.kip-node[data-name="ns1.load"]').click()
        expect(picture.locator('.kip-node[data-state="done"]')).to_have_count(
            NODES, timeout=90_000)
        longest = page.evaluate("window.__kipLongest")
        page.screenshot(path=str(ARTIFACTS / f"picture_{app}_light.png"))
        light = page.evaluate(LUMINANCE_JS, '.kip-picture .kip-node[data-name="ns0.load"]')

        page.evaluate("window.jupyterapp.commands.execute('apputils:change-theme', "
                      "{theme: 'JupyterLab Dark'})")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
        page.wait_for_timeout(500)
        dark = page.evaluate(LUMINANCE_JS, '.kip-picture .kip-node[data-name="ns0.load"]')
        page.screenshot(path=str(ARTIFACTS / f"picture_{app}_dark.png"))

    # Text reads on its box in both themes: dark on light, light on dark.
    assert light[1] < light[0] - 0.3, light
    assert dark[1] > dark[0] + 0.3, dark
    figures = {"nodes": NODES, "status_updates": NODES, "longest_main_thread_task_ms": longest}
    (ARTIFACTS / f"picture_{app}.json").write_text(json.dumps(figures, indent=2))
    print(f"{app}: {figures}")

"""The panel's Picture tab: the pipeline drawn, zoomable, clickable, and live during a run.

Why anywidget: the stock ipywidgets cannot run a script, so an ``HTML`` widget can neither zoom,
pan nor report a click, and re-sending a 4,000-pixel SVG on every node event blocked the
browser's main thread for seconds. anywidget ships our ~200 lines of JavaScript inside the
Python package (no CDN, no build step, no labextension of our own) and works unchanged in
JupyterLab and Notebook 7. With it the SVG goes to the browser once per layout or selection,
and a run only sends a small ``statuses`` dict that the front end applies to the boxes.

Everything the user does in the picture is a trait, so tests drive it from Python exactly as the
browser would: ``picture.widget.selected = "fit_model"`` is a click on that node.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from kedro_ipy.pipeline.drawing import Layout, layout_pipeline, render_svg, vertex_statuses

__all__ = ["PictureWidget", "PipelinePicture"]

_HERE = Path(__file__).parent


class PictureWidget(anywidget.AnyWidget):
    """The browser side: an SVG with zoom, pan, hover and click (see ``picture.js``)."""

    _esm = _HERE / "picture.js"
    _css = _HERE / "picture.css"

    #: the drawing, re-sent only when the layout or the selection changes
    svg = traitlets.Unicode("").tag(sync=True)
    #: drawn vertex id ("node:x", "namespace:ns") -> run status, updated during a run
    statuses = traitlets.Dict().tag(sync=True)
    #: the node the user clicked ("" for none)
    selected = traitlets.Unicode("").tag(sync=True)
    #: namespaces drawn as one box
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)


#: Details shown for a clicked node: (node name) -> HTML.
DetailsFn = Callable[[str], str]


class PipelinePicture:
    """The Picture tab: a toolbar to collapse namespaces, the picture, and a node's details.

    Args:
        details: renders the details of a clicked node (the view knows statuses, timings and
            logs of the last run); called again when a run changes them.
    """

    def __init__(self, details: DetailsFn) -> None:
        self._details = details
        self.widget = PictureWidget()
        self.widget.add_class("kip-picture-widget")
        self.collapse_all = w.Button(description="Collapse namespaces", icon="compress",
                                     tooltip="draw each top-level namespace as one box")
        self.expand_all = w.Button(description="Expand all", icon="expand",
                                   tooltip="draw every node")
        self.collapse_all.add_class("kip-collapse-all")
        self.expand_all.add_class("kip-expand-all")
        self.node_details = w.HTML()
        self.node_details.add_class("kip-node-details")
        self.message = w.HTML()
        self.box = w.VBox([
            w.HBox([self.collapse_all, self.expand_all, self.message]),
            self.widget,
            self.node_details,
        ])
        self._pipeline: Any = None
        self._layout: Layout | None = None
        self._layout_key: tuple[int, tuple[str, ...]] | None = None
        self._selected: tuple[str, ...] | None = None
        self._statuses: dict[str, str] = {}
        self.collapse_all.on_click(lambda _b: self.collapse(self._top_namespaces()))
        self.expand_all.on_click(lambda _b: self.expand())
        self.widget.observe(self._on_collapsed, names="collapsed")
        self.widget.observe(lambda _c: self.refresh_details(), names="selected")

    @property
    def pipeline(self) -> Any:
        """The pipeline drawn now (``None`` before one is shown)."""
        return self._pipeline

    @property
    def layout(self) -> Layout | None:
        """The current layout (``None`` before a pipeline is shown)."""
        return self._layout

    def show(
        self,
        pipeline: Any,
        *,
        selected: Iterable[str] | None,
        statuses: Mapping[str, str],
    ) -> None:
        """Draw ``pipeline`` with the nodes the current choice would run and their statuses.

        Only what changed is sent: the layout is recomputed when the pipeline or the collapsed
        namespaces change, the SVG when the layout or the selection does, and otherwise just
        the statuses.
        """
        self._pipeline = pipeline
        self._statuses = dict(statuses)
        if pipeline is None:
            self._layout, self._layout_key = None, None
            self.widget.svg = ""
            self.message.value = "<i>no pipeline to draw</i>"
            return
        key = (id(pipeline), tuple(self.widget.collapsed))
        chosen = None if selected is None else tuple(sorted(selected))
        redraw = key != self._layout_key
        if redraw:
            try:
                self._layout = layout_pipeline(pipeline, collapsed=self.widget.collapsed)
            except Exception as exc:  # a broken pipeline must not break the panel
                self._layout, self._layout_key = None, None
                self.widget.svg = ""
                self.message.value = (f"<i>the pipeline cannot be drawn: "
                                      f"{html.escape(type(exc).__name__)}: "
                                      f"{html.escape(str(exc))}</i>")
                return
            self._layout_key = key
            self.message.value = ""
        assert self._layout is not None
        drawn = vertex_statuses(self._layout, statuses)
        if redraw or chosen != self._selected or not self.widget.svg:
            self._selected = chosen
            # The statuses trait is set first so the front end never shows the new SVG with
            # an old run's colours.
            self.widget.statuses = drawn
            self.widget.svg = render_svg(self._layout, selected=chosen)
        elif drawn != self.widget.statuses:
            self.widget.statuses = drawn
        self.refresh_details()

    def states(self) -> dict[str, str]:
        """Box name -> the state the browser shows (the SVG's, updated by ``statuses``).

        The same computation as ``picture.js``, for tests and for reading the picture from code.
        """
        shown = dict(re.findall(r'data-id="(?:node|namespace):[^"]*" data-name="([^"]+)" '
                                r'data-state="([^"]+)"', self.widget.svg))
        for vertex_id, status in self.widget.statuses.items():
            shown[vertex_id.split(":", 1)[1]] = status
        return shown

    def collapse(self, namespaces: Iterable[str]) -> None:
        """Draw each of ``namespaces`` as one box."""
        self.widget.collapsed = sorted(set(self.widget.collapsed) | set(namespaces))

    def expand(self, namespaces: Iterable[str] | None = None) -> None:
        """Draw the nodes of ``namespaces`` again (all of them by default)."""
        keep = set() if namespaces is None else set(self.widget.collapsed) - set(namespaces)
        self.widget.collapsed = sorted(keep)

    def refresh_details(self) -> None:
        """Show the clicked node's details (again, e.g. after its status changed)."""
        name = self.widget.selected
        self.node_details.value = self._details(name) if name else ""

    def _top_namespaces(self) -> list[str]:
        if self._layout is None:
            return []
        return sorted({ns.split(".")[0] for ns in self._layout.namespaces})

    def _on_collapsed(self, _change: Any) -> None:
        if self._pipeline is not None:
            self.show(self._pipeline, selected=self._selected, statuses=self._statuses)

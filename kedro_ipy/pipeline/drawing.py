"""A pipeline drawn as an inline SVG string: a layered layout in pure Python.

Why our own layout: the picture must work in any notebook frontend with nothing installed beside
the package, so there is no Graphviz binary, no JavaScript layout library and no server to call.
A pipeline is a DAG, so a layered (Sugiyama-style) drawing is natural:

- each vertex sits one row below its deepest parent;
- an edge that spans several rows gets a thin "bend" vertex in every row it crosses, so it is
  routed through the gaps between boxes rather than across them;
- rows are reordered a few times by the barycentre of their neighbours to cut crossings, then
  each vertex is pulled towards its parents so chains draw straight;
- a namespace can be collapsed into one box, which is how a 500-node pipeline stays readable.

Layout is computed once per (pipeline, options) (:func:`layout_pipeline`); colouring by run
status is a cheap re-render (:func:`render_svg`), and the panel's picture widget goes further:
it sends the SVG once and then only the statuses.

Colours come from JupyterLab's theme variables (with light fallbacks for other frontends), so
the picture reads in light and dark themes alike.

This module lives in the pipeline layer because ``Pipeline._repr_html_`` draws with it; it
imports nothing outside that layer. Which node writes and which nodes read each dataset comes
from the pipeline's graph index (``pipeline.graph``).
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._graph import PipelineGraph
from .transcoding import _strip_transcoding

__all__ = [
    "STATUSES",
    "STATUS_COLOURS",
    "Layout",
    "Vertex",
    "layout_pipeline",
    "render_svg",
    "vertex_status",
    "vertex_statuses",
]

#: Run statuses the picture and the node table know, in legend order.
STATUSES = ("pending", "running", "done", "cached", "failed", "not run", "cancelled")

# A status fill is the theme's semantic colour mixed into the page background: pastel on a light
# theme, a dark tint on a dark one, and the text colour (the theme's own) reads on both.
_BG = "var(--jp-layout-color1, #ffffff)"


def _tint(colour: str, percent: int) -> str:
    return f"color-mix(in srgb, {colour} {percent}%, {_BG})"


#: CSS colour of each run status (also used by the panel's node table).
STATUS_COLOURS: dict[str, str] = {
    "pending": _tint("var(--jp-ui-font-color3, #9ca3af)", 22),
    "running": _tint("var(--jp-warn-color1, #f59e0b)", 55),
    "done": _tint("var(--jp-success-color1, #16a34a)", 40),
    "cached": _tint("var(--jp-info-color1, #0891b2)", 35),
    "failed": _tint("var(--jp-error-color1, #dc2626)", 45),
    "not run": _tint("var(--jp-layout-color3, #d1d5db)", 35),
    "cancelled": _tint("var(--jp-warn-color2, #fbbf24)", 30),
}
_SELECTED = _tint("var(--jp-brand-color1, #2563eb)", 28)
_UNSELECTED = "var(--jp-layout-color2, #f1f5f9)"

_STYLE = (
    ".kip-pipeline{font-family:var(--jp-ui-font-family,sans-serif);font-size:12px}"
    ".kip-pipeline text{fill:var(--jp-ui-font-color1,#111827)}"
    ".kip-pipeline .kip-legend text{font-size:11px;fill:var(--jp-ui-font-color2,#374151)}"
    f".kip-node rect{{fill:{_SELECTED};stroke:var(--jp-border-color0,#4b5563);stroke-width:1.3}}"
    f".kip-node.kip-unselected rect{{fill:{_UNSELECTED};stroke-dasharray:4 3}}"
    + "".join(
        f'.kip-node[data-state="{s}"] rect,.kip-swatch-{s.replace(" ", "-")}{{fill:{c}}}'
        for s, c in STATUS_COLOURS.items()
    )
    + f".kip-swatch-selected{{fill:{_SELECTED}}}"
    ".kip-swatch{stroke:var(--jp-border-color1,#6b7280)}"
    '.kip-node[data-state="failed"] rect{stroke:var(--jp-error-color1,#b91c1c);stroke-width:2}'
    '.kip-node[data-state="not run"] rect{stroke-dasharray:2 3}'
    ".kip-namespace rect{stroke-width:2.2}"
    ".kip-dataset rect{fill:var(--jp-layout-color1,#ffffff);"
    "stroke:var(--jp-border-color1,#9ca3af)}"
    ".kip-dataset text{font-style:italic;fill:var(--jp-ui-font-color2,#374151)}"
    ".kip-edge{fill:none;stroke:var(--jp-ui-font-color3,#9ca3af);stroke-width:1.2}"
    ".kip-arrow{fill:var(--jp-ui-font-color3,#9ca3af)}"
    ".kip-faded{opacity:0.45}"
    ".kip-node:hover rect,.kip-dataset:hover rect,.kip-hl rect{"
    "stroke:var(--jp-brand-color1,#2563eb);stroke-width:2.4}"
    ".kip-edge.kip-hl{stroke:var(--jp-brand-color1,#2563eb);stroke-width:2.2}"
    ".kip-hovering .kip-node:not(.kip-hl),.kip-hovering .kip-dataset:not(.kip-hl),"
    ".kip-hovering .kip-edge:not(.kip-hl){opacity:0.25}"
    ".kip-picked rect{stroke:var(--jp-brand-color0,#1d4ed8);stroke-width:3}"
)

_CHAR_W = 7.0  # average glyph width of 12px sans-serif, good enough to size boxes
_BOX_H = 28.0
_DATA_H = 22.0
_BEND_W = 8.0
_ROW_GAP = 46.0
_COL_GAP = 18.0
_MARGIN = 12.0
_LEGEND_ROW_H = 20.0
_MIN_WIDTH = 320.0

Key = tuple[str, str]  # (kind, name); kind is "node", "namespace", "dataset" or "bend"


@dataclass
class Vertex:
    """One drawn thing: a node, a collapsed namespace, a dataset, or an edge's bend point."""

    kind: str
    name: str
    layer: int = 0
    x: float = 0.0  # centre
    y: float = 0.0  # centre
    width: float = 0.0
    height: float = 0.0
    #: for a collapsed namespace: the names of the nodes inside it
    members: tuple[str, ...] = ()
    #: the namespace a node sits in (for a collapsed namespace: the one around it)
    namespace: str | None = None


@dataclass
class Edge:
    """A drawn edge: from ``source`` to ``target`` through the bend vertices ``via``."""

    source: Key
    target: Key
    via: tuple[Key, ...] = ()


@dataclass
class Layout:
    """Positions of every vertex and the edges between them, ready to render."""

    vertices: dict[Key, Vertex] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    #: dataset name (transcoding suffix removed) -> names of the nodes reading or writing it
    dataset_nodes: dict[str, set[str]] = field(default_factory=dict)
    #: node name -> the drawn vertex that stands for it (its own box or its namespace's)
    node_vertex: dict[str, Key] = field(default_factory=dict)
    #: every namespace of the pipeline (outer ones too), for collapse controls
    namespaces: tuple[str, ...] = ()

    def boxes(self) -> list[Vertex]:
        """The vertices drawn as boxes (every kind but bends)."""
        return [v for v in self.vertices.values() if v.kind != "bend"]


def _dataset_owners(
    graph: PipelineGraph | None, nodes: list[Any], vertex_of: Mapping[str, Key]
) -> tuple[dict[str, set[Key]], dict[str, set[Key]]]:
    """Which vertices write and which read each dataset (by its name without ``@suffix``).

    A kedro_ipy pipeline answers from its graph index; anything else with ``.nodes`` (Kedro's
    ``Pipeline``) is walked node by node.
    """
    writers: dict[str, set[Key]] = {}
    readers: dict[str, set[Key]] = {}
    if graph is not None:
        owners = [vertex_of[name] for name in graph.names]
        for dataset, k in graph.producer.items():
            writers[dataset] = {owners[k]}
        for dataset, ks in graph.consumers.items():
            readers[dataset] = {owners[k] for k in ks}
        return writers, readers
    for node in nodes:
        owner = vertex_of[node.name]
        for dataset in node.inputs:
            readers.setdefault(_strip_transcoding(dataset), set()).add(owner)
        for dataset in node.outputs:
            writers.setdefault(_strip_transcoding(dataset), set()).add(owner)
    return writers, readers


def _hidden(dataset: str, show_params: bool) -> bool:
    return not show_params and (dataset == "parameters" or dataset.startswith("params:"))


def _namespaces_of(namespace: str | None) -> list[str]:
    """``"a.b.c"`` -> ``["a", "a.b", "a.b.c"]``: outermost first."""
    if not namespace:
        return []
    parts = namespace.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def layout_pipeline(
    pipeline: Any,
    *,
    show_params: bool = False,
    collapsed: Iterable[str] = (),
    sweeps: int = 4,
) -> Layout:
    """Place the nodes and datasets of ``pipeline`` on rows, parents above children.

    Args:
        pipeline: anything with ``.nodes`` (in topological order) whose items have ``.name``,
            ``.inputs``, ``.outputs`` and optionally ``.namespace`` (a
            ``kedro_ipy.pipeline.Pipeline``; Kedro's works too).
        show_params: draw ``parameters`` and ``params:*`` inputs. Off by default because a
            parameter feeds many nodes and its edges hide the data flow.
        collapsed: namespaces drawn as one box each; datasets used only inside a collapsed
            namespace are not drawn.
        sweeps: up-and-down passes of barycentre reordering; more passes, fewer crossings.

    Returns:
        The layout; render it with :func:`render_svg`.
    """
    folded = set(collapsed)
    layout = Layout()
    order: list[Key] = []  # first appearance in the pipeline's topological order
    children: dict[Key, list[Key]] = {}
    parents: dict[Key, list[Key]] = {}
    members: dict[Key, list[str]] = {}
    namespaces: dict[str, None] = {}

    def add(key: Key) -> None:
        if key not in children:
            order.append(key)
            children[key] = []
            parents[key] = []

    def connect(src: Key, dst: Key) -> None:
        if src != dst and dst not in children[src]:
            children[src].append(dst)
            parents[dst].append(src)

    # Which vertex stands for each node; which datasets stay inside a collapsed namespace
    # (written and read there and nowhere else: inputs and outputs of the box stay drawn).
    graph = getattr(pipeline, "graph", None)
    if not isinstance(graph, PipelineGraph):
        graph = None
    nodes = list(pipeline.nodes if graph is None else graph.nodes)
    for node in nodes:
        chain = _namespaces_of(getattr(node, "namespace", None))
        namespaces.update(dict.fromkeys(chain))
        owner = next((("namespace", ns) for ns in chain if ns in folded), ("node", node.name))
        layout.node_vertex[node.name] = owner
        members.setdefault(owner, []).append(node.name)
    writers, readers = _dataset_owners(graph, nodes, layout.node_vertex)

    def inside(name: str) -> bool:
        owners = writers.get(name, set())
        return len(owners) == 1 and owners == readers.get(name) and next(iter(owners))[0] != "node"

    for node in nodes:
        owner = layout.node_vertex[node.name]
        for dataset in node.inputs:
            name = _strip_transcoding(dataset)
            if _hidden(dataset, show_params) or inside(name):
                continue
            add(("dataset", name))
            layout.dataset_nodes.setdefault(name, set()).add(node.name)
        add(owner)
        for dataset in node.inputs:
            name = _strip_transcoding(dataset)
            if ("dataset", name) in children:
                connect(("dataset", name), owner)
        for dataset in node.outputs:
            name = _strip_transcoding(dataset)
            if inside(name):
                continue
            add(("dataset", name))
            layout.dataset_nodes.setdefault(name, set()).add(node.name)
            connect(owner, ("dataset", name))
    # A namespace that both writes and reads a dataset draws only the write: no 2-cycles.
    for key in order:
        if key[0] == "namespace":
            for data in list(parents[key]):
                if data in children[key]:
                    parents[key].remove(data)
                    children[data].remove(key)

    layout.namespaces = tuple(namespaces)
    node_namespace = {node.name: getattr(node, "namespace", None) for node in nodes}
    for key in order:
        kind, name = key
        if kind == "namespace":
            label = f"{name} ({len(members[key])})"
            width = max(90.0, len(label) * _CHAR_W + 24.0)
            outer = name.rpartition(".")[0] or None
            vertex = Vertex(kind, name, width=width, height=_BOX_H, members=tuple(members[key]),
                            namespace=outer)
        elif kind == "node":
            width = max(60.0, len(name) * _CHAR_W + 20.0)
            vertex = Vertex(kind, name, width=width, height=_BOX_H,
                            namespace=node_namespace[name])
        else:
            width = max(60.0, len(name) * _CHAR_W + 20.0)
            vertex = Vertex(kind, name, width=width, height=_DATA_H)
        layout.vertices[key] = vertex

    _assign_layers(layout, order, parents, children)
    rows = _add_bends(layout, order, children)
    bend_parents, bend_children = _row_neighbours(layout)
    _reduce_crossings(rows, bend_parents, bend_children, sweeps)
    _place(layout, rows, bend_parents)
    return layout


def _assign_layers(
    layout: Layout,
    order: list[Key],
    parents: Mapping[Key, list[Key]],
    children: Mapping[Key, list[Key]],
) -> None:
    """Longest-path layering over the first-appearance order.

    That order is topological for an uncollapsed pipeline. Collapsing a namespace can close a
    loop (out of the namespace and back in); an edge against the order is then drawn but does
    not push layers, so layering always terminates.
    """
    position = {key: index for index, key in enumerate(order)}
    for key in order:
        vertex = layout.vertices[key]
        earlier = [layout.vertices[p].layer for p in parents[key] if position[p] < position[key]]
        vertex.layer = max(earlier, default=-1) + 1
    # Pull sources (free inputs) down next to their first reader so they are not all on top.
    for key in order:
        if not parents[key] and children[key]:
            first = min(layout.vertices[c].layer for c in children[key])
            layout.vertices[key].layer = max(first - 1, 0)


def _add_bends(
    layout: Layout, order: list[Key], children: Mapping[Key, list[Key]]
) -> list[list[Key]]:
    """Edges become layout edges; a long one gets a bend vertex in each row it crosses."""
    depth = max((v.layer for v in layout.vertices.values()), default=-1) + 1
    rows: list[list[Key]] = [[] for _ in range(depth)]
    for key in order:
        rows[layout.vertices[key].layer].append(key)
    for src in order:
        for dst in children[src]:
            a, b = layout.vertices[src].layer, layout.vertices[dst].layer
            via: list[Key] = []
            for layer in range(a + 1, b):
                bend = ("bend", f"{src[0]}:{src[1]}->{dst[0]}:{dst[1]}#{layer}")
                layout.vertices[bend] = Vertex("bend", bend[1], layer=layer, width=_BEND_W)
                rows[layer].append(bend)
                via.append(bend)
            layout.edges.append(Edge(src, dst, tuple(via)))
    return rows


def _row_neighbours(layout: Layout) -> tuple[dict[Key, list[Key]], dict[Key, list[Key]]]:
    """Neighbours one row up and one row down, bends included (what crossing counts see)."""
    up: dict[Key, list[Key]] = {key: [] for key in layout.vertices}
    down: dict[Key, list[Key]] = {key: [] for key in layout.vertices}
    for edge in layout.edges:
        chain = [edge.source, *edge.via, edge.target]
        for a, b in itertools.pairwise(chain):
            if layout.vertices[b].layer == layout.vertices[a].layer + 1:
                down[a].append(b)
                up[b].append(a)
    return up, down


def _reduce_crossings(
    rows: list[list[Key]],
    parents: Mapping[Key, list[Key]],
    children: Mapping[Key, list[Key]],
    sweeps: int,
) -> None:
    """Sort each row by the mean position of its neighbours in the row before (barycentre)."""
    position: dict[Key, float] = {}
    for row in rows:
        for index, key in enumerate(row):
            position[key] = float(index)

    def sort_row(row: list[Key], neighbours: Mapping[Key, list[Key]]) -> None:
        def barycentre(key: Key) -> float:
            placed = [position[n] for n in neighbours[key]]
            return sum(placed) / len(placed) if placed else position[key]

        row.sort(key=barycentre)
        for index, key in enumerate(row):
            position[key] = float(index)

    for sweep in range(sweeps):
        if sweep % 2 == 0:
            for row in rows[1:]:
                sort_row(row, parents)
        else:
            for row in reversed(rows[:-1]):
                sort_row(row, children)


def _place(layout: Layout, rows: list[list[Key]], parents: Mapping[Key, list[Key]]) -> None:
    """Give coordinates: each vertex near the mean of its parents, in row order, no overlaps."""
    y = _MARGIN + _BOX_H / 2
    for row in rows:
        wanted: list[float] = []
        cursor = 0.0
        for key in row:
            vertex = layout.vertices[key]
            above = [layout.vertices[p].x for p in parents[key]]
            packed = cursor + vertex.width / 2
            wanted.append(sum(above) / len(above) if above else packed)
            cursor += vertex.width + _COL_GAP
        # Left to right, never closer than the gap; then centre the row's drift on the wishes.
        placed: list[float] = []
        for key, want in zip(row, wanted, strict=True):
            vertex = layout.vertices[key]
            if placed:
                previous = layout.vertices[row[len(placed) - 1]]
                want = max(want, placed[-1] + previous.width / 2 + _COL_GAP + vertex.width / 2)
            placed.append(want)
        if placed:
            drift = sum(p - w for p, w in zip(placed, wanted, strict=True)) / len(placed)
            placed = [p - drift for p in placed]
        for key, x in zip(row, placed, strict=True):
            layout.vertices[key].x = x
            layout.vertices[key].y = y
        y += _BOX_H + _ROW_GAP
    if layout.vertices:
        left = min(v.x - v.width / 2 for v in layout.vertices.values())
        for vertex in layout.vertices.values():
            vertex.x += _MARGIN - left
        right = max(v.x + v.width / 2 for v in layout.vertices.values())
        layout.width = max(right + _MARGIN, _MIN_WIDTH)
        layout.height = y - _ROW_GAP - _BOX_H / 2 + _MARGIN
    else:
        layout.width, layout.height = _MIN_WIDTH, 2 * _MARGIN


def _legend(width: float) -> tuple[str, float]:
    """The legend, wrapped onto as many rows as ``width`` needs so it is never cut off."""
    items = ["selected", *STATUSES]
    parts = ['<g class="kip-legend" role="list" aria-label="legend">']
    x, y = _MARGIN, _MARGIN
    for label in items:
        item_w = 16 + len(label) * 6.5 + 14
        if x + item_w > width - _MARGIN and x > _MARGIN:
            x, y = _MARGIN, y + _LEGEND_ROW_H
        swatch = f"kip-swatch kip-swatch-{label.replace(' ', '-')}"
        parts.append(
            f'<g role="listitem"><rect class="{swatch}" x="{x:.0f}" y="{y - 2:.0f}" width="12" '
            f'height="12" rx="3"/><text x="{x + 16:.0f}" y="{y + 8:.0f}">{label}</text></g>'
        )
        x += item_w
    parts.append("</g>")
    return "".join(parts), y + _LEGEND_ROW_H - _MARGIN + 4


def _bottom(vertex: Vertex) -> float:
    return vertex.y + _BOX_H / 2 if vertex.kind == "bend" else vertex.y + vertex.height / 2


def edge_path(layout: Layout, edge: Edge) -> str:
    """The SVG path of ``edge``: straight inside rows, a smooth curve between them.

    Inside a row the line runs vertically in its own column (its vertex's, or its bend's slot),
    and between rows it is a curve that stays in the gap, so it never crosses a box.
    """
    chain = [layout.vertices[k] for k in (edge.source, *edge.via, edge.target)]
    first = chain[0]
    parts = [f"M {first.x:.1f} {first.y + first.height / 2:.1f}"]
    for a, b in itertools.pairwise(chain):
        y1 = a.y + _BOX_H / 2
        # The last step ends on the box itself, so the arrow head touches it.
        y2 = b.y - b.height / 2 if b is chain[-1] else b.y - _BOX_H / 2
        if b.layer <= a.layer:  # against the order (a loop through a collapsed namespace)
            parts.append(f"L {b.x:.1f} {_bottom(b):.1f}")
            continue
        mid = (y1 + y2) / 2
        parts.append(f"L {a.x:.1f} {y1:.1f}")
        parts.append(f"C {a.x:.1f} {mid:.1f}, {b.x:.1f} {mid:.1f}, {b.x:.1f} {y2:.1f}")
        if b.kind == "bend":
            parts.append(f"L {b.x:.1f} {_bottom(b):.1f}")
    return " ".join(parts)


def render_svg(
    layout: Layout,
    *,
    selected: Iterable[str] | None = None,
    statuses: Mapping[str, str] | None = None,
) -> str:
    """The SVG markup for ``layout``, coloured by selection and run status.

    Args:
        layout: from :func:`layout_pipeline`.
        selected: names of the nodes the current choices would run; others are drawn faded.
            ``None`` means every node.
        statuses: node name -> one of :data:`STATUSES`; a status wins over the selection
            colour, so a run in progress reads at a glance. A collapsed namespace shows the
            "worst" status of its members (failed, running, ... done).

    Returns:
        A standalone ``<svg>`` element (no scripts, no external references). Every node group
        has ``class="kip-node"``, ``data-name`` and ``data-state``; datasets ``kip-dataset``;
        edges ``kip-edge`` with ``data-from``/``data-to``.
    """
    chosen = None if selected is None else set(selected)
    statuses = statuses or {}
    legend, legend_h = _legend(layout.width)
    height = layout.height + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kip-pipeline" role="img" '
        f'aria-label="pipeline picture" viewBox="0 0 {layout.width:.0f} {height:.0f}" '
        f'width="{layout.width:.0f}" height="{height:.0f}">',
        f"<style>{_STYLE}</style>",
        '<defs><marker id="kip-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="kip-arrow" '
        'd="M 0 0 L 10 5 L 0 10 z"/></marker></defs>',
        legend,
        f'<g class="kip-graph" transform="translate(0 {legend_h:.0f})">',
    ]
    for edge in layout.edges:
        out.append(
            f'<path class="kip-edge" data-from="{html.escape(":".join(edge.source))}" '
            f'data-to="{html.escape(":".join(edge.target))}" d="{edge_path(layout, edge)}" '
            f'marker-end="url(#kip-arrow)"/>'
        )
    for key, vertex in layout.vertices.items():
        if vertex.kind == "bend":
            continue
        out.append(_vertex_markup(key, vertex, layout, chosen, statuses))
    out.append("</g></svg>")
    return "".join(out)


_WORST_FIRST = ("failed", "cancelled", "running", "pending", "not run", "cached", "done")


def vertex_status(vertex: Vertex, statuses: Mapping[str, str]) -> str | None:
    """The run status drawn on ``vertex``: a node's own, or a collapsed namespace's worst."""
    if vertex.kind == "node":
        return statuses.get(vertex.name)
    found = {statuses[n] for n in vertex.members if n in statuses}
    return next((s for s in _WORST_FIRST if s in found), next(iter(found), None))


def vertex_statuses(layout: Layout, statuses: Mapping[str, str]) -> dict[str, str]:
    """Drawn vertex id (``"node:x"``, ``"namespace:ns"``) -> status, for live updates."""
    drawn: dict[str, str] = {}
    for (kind, name), vertex in layout.vertices.items():
        if kind in ("node", "namespace"):
            status = vertex_status(vertex, statuses)
            if status is not None:
                drawn[f"{kind}:{name}"] = status
    return drawn


def _vertex_markup(
    key: Key,
    vertex: Vertex,
    layout: Layout,
    chosen: set[str] | None,
    statuses: Mapping[str, str],
) -> str:
    kind, name = key
    label = html.escape(name)
    left = vertex.x - vertex.width / 2
    top = vertex.y - vertex.height / 2
    ident = html.escape(":".join(key))
    if kind == "dataset":
        users = layout.dataset_nodes.get(name, set())
        faded = chosen is not None and not (users & chosen)
        return (
            f'<g class="kip-dataset{" kip-faded" if faded else ""}" data-id="{ident}" '
            f'data-name="{label}"><title>dataset {label}</title>'
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{vertex.width:.1f}" '
            f'height="{vertex.height:.1f}" rx="{vertex.height / 2:.1f}"/>'
            f'<text x="{vertex.x:.1f}" y="{vertex.y + 4:.1f}" text-anchor="middle">{label}</text>'
            "</g>"
        )
    names = vertex.members if kind == "namespace" else (name,)
    in_selection = chosen is None or any(n in chosen for n in names)
    status = vertex_status(vertex, statuses)
    state = status or ("selected" if in_selection else "unselected")
    classes = "kip-node" + (" kip-namespace" if kind == "namespace" else "")
    if not in_selection and status is None:
        classes += " kip-unselected kip-faded"
    text = f"{label} ({len(names)})" if kind == "namespace" else label
    what = f"namespace {label}, {len(names)} nodes" if kind == "namespace" else f"node {label}"
    namespace = (
        f' data-namespace="{html.escape(vertex.namespace)}"' if vertex.namespace else ""
    )
    return (
        f'<g class="{classes}" data-id="{ident}" data-name="{label}" data-state="{state}"'
        f'{namespace} '
        f'tabindex="0" role="button" aria-label="{what}: {state}"><title>{what}: {state}</title>'
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{vertex.width:.1f}" '
        f'height="{vertex.height:.1f}" rx="6"/>'
        f'<text x="{vertex.x:.1f}" y="{vertex.y + 4:.1f}" text-anchor="middle">{text}</text></g>'
    )

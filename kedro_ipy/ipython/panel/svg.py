"""The pipeline drawn as an inline SVG string: a layered layout in pure Python.

Why our own layout: the panel must work in any notebook frontend with nothing installed beside
ipywidgets, so there is no Graphviz binary, no JavaScript library and no server to call. A pipeline
is a DAG, so a layered (Sugiyama-style) drawing is natural: each vertex sits one row below its
deepest parent, rows are reordered a few times by the barycentre of their neighbours to cut edge
crossings, and edges are drawn as smooth curves. Layout is computed once per pipeline
(:func:`layout_pipeline`); colouring is a cheap re-render (:func:`render_svg`) so the picture can
follow a run node by node.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["STATUS_COLOURS", "Layout", "Vertex", "layout_pipeline", "render_svg"]

#: Fill colour of a node in each run status (also used by the node table).
STATUS_COLOURS: dict[str, str] = {
    "pending": "#e5e7eb",
    "running": "#fcd34d",
    "done": "#86efac",
    "failed": "#fca5a5",
    "not run": "#f3f4f6",
}
_SELECTED_FILL = "#bfdbfe"
_UNSELECTED_FILL = "#f8fafc"
_DATASET_FILL = "#ffffff"

_CHAR_W = 7.0  # average glyph width of 12px sans-serif, good enough to size boxes
_BOX_H = 28.0
_DATA_H = 22.0
_ROW_GAP = 46.0
_COL_GAP = 18.0
_MARGIN = 12.0
_LEGEND_H = 22.0


@dataclass
class Vertex:
    """One drawn thing: a node (``kind == "node"``) or a dataset (``kind == "dataset"``)."""

    kind: str
    name: str
    layer: int = 0
    x: float = 0.0  # centre
    y: float = 0.0  # centre
    width: float = 0.0
    height: float = 0.0


@dataclass
class Layout:
    """Positions of every vertex and the edges between them, ready to render."""

    vertices: dict[tuple[str, str], Vertex] = field(default_factory=dict)
    edges: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    #: dataset name (transcoding suffix removed) -> names of the nodes reading or writing it
    dataset_nodes: dict[str, set[str]] = field(default_factory=dict)


def _base(dataset: str) -> str:
    """``"cars@pandas"`` and ``"cars@spark"`` are one dataset in the picture."""
    return dataset.split("@", 1)[0]


def _hidden(dataset: str, show_params: bool) -> bool:
    return not show_params and (dataset == "parameters" or dataset.startswith("params:"))


def layout_pipeline(pipeline: Any, *, show_params: bool = False, sweeps: int = 4) -> Layout:
    """Place the nodes and datasets of ``pipeline`` on rows, parents above children.

    Args:
        pipeline: anything with ``.nodes`` whose items have ``.name``, ``.inputs`` and
            ``.outputs`` (a ``kedro_ipy.pipeline.Pipeline``; Kedro's works too).
        show_params: draw ``parameters`` and ``params:*`` inputs. Off by default because a
            parameter feeds many nodes and its edges hide the data flow.
        sweeps: up-and-down passes of barycentre reordering; more passes, fewer crossings.

    Returns:
        The layout; render it with :func:`render_svg`.
    """
    layout = Layout()
    children: dict[tuple[str, str], list[tuple[str, str]]] = {}
    parents: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def add_vertex(key: tuple[str, str]) -> None:
        if key not in layout.vertices:
            kind, name = key
            width = max(60.0, len(name) * _CHAR_W + 20.0)
            height = _BOX_H if kind == "node" else _DATA_H
            layout.vertices[key] = Vertex(kind, name, width=width, height=height)
            children[key] = []
            parents[key] = []

    def add_edge(src: tuple[str, str], dst: tuple[str, str]) -> None:
        if dst not in children[src]:
            children[src].append(dst)
            parents[dst].append(src)
            layout.edges.append((src, dst))

    for node in pipeline.nodes:
        key = ("node", node.name)
        add_vertex(key)
        for dataset in node.inputs:
            if _hidden(dataset, show_params):
                continue
            data_key = ("dataset", _base(dataset))
            add_vertex(data_key)
            add_edge(data_key, key)
            layout.dataset_nodes.setdefault(data_key[1], set()).add(node.name)
        for dataset in node.outputs:
            data_key = ("dataset", _base(dataset))
            add_vertex(data_key)
            add_edge(key, data_key)
            layout.dataset_nodes.setdefault(data_key[1], set()).add(node.name)

    rows = _assign_layers(layout, parents, children)
    _reduce_crossings(rows, parents, children, sweeps)
    _place(layout, rows)
    return layout


def _assign_layers(
    layout: Layout,
    parents: Mapping[tuple[str, str], list[tuple[str, str]]],
    children: Mapping[tuple[str, str], list[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    """Longest-path layering (Kahn's order keeps it linear in the size of the graph)."""
    indegree = {key: len(parents[key]) for key in layout.vertices}
    ready = [key for key in layout.vertices if indegree[key] == 0]
    order: list[tuple[str, str]] = []
    while ready:
        key = ready.pop()
        order.append(key)
        for child in children[key]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    for key in order:
        vertex = layout.vertices[key]
        for child in children[key]:
            child_vertex = layout.vertices[child]
            child_vertex.layer = max(child_vertex.layer, vertex.layer + 1)
    # Pull sources (free inputs) down next to their first reader so they are not all on top.
    for key in order:
        if not parents[key] and children[key]:
            layout.vertices[key].layer = min(layout.vertices[c].layer for c in children[key]) - 1
    depth = max((v.layer for v in layout.vertices.values()), default=-1) + 1
    rows: list[list[tuple[str, str]]] = [[] for _ in range(depth)]
    for key in order:  # topological order gives a stable, meaningful first ordering
        rows[layout.vertices[key].layer].append(key)
    return rows


def _reduce_crossings(
    rows: list[list[tuple[str, str]]],
    parents: Mapping[tuple[str, str], list[tuple[str, str]]],
    children: Mapping[tuple[str, str], list[tuple[str, str]]],
    sweeps: int,
) -> None:
    """Sort each row by the mean position of its neighbours in the row before (barycentre)."""
    position: dict[tuple[str, str], float] = {}
    for row in rows:
        for index, key in enumerate(row):
            position[key] = float(index)

    def sort_row(row: list[tuple[str, str]], neighbours: Mapping[Any, list[Any]]) -> None:
        def barycentre(key: tuple[str, str]) -> float:
            placed = [position[n] for n in neighbours[key] if n in position]
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


def _place(layout: Layout, rows: list[list[tuple[str, str]]]) -> None:
    """Give coordinates: rows centred horizontally, fixed vertical pitch."""
    widths = [
        sum(layout.vertices[k].width for k in row) + _COL_GAP * max(len(row) - 1, 0)
        for row in rows
    ]
    total_width = max(widths, default=0.0) + 2 * _MARGIN
    y = _MARGIN + _LEGEND_H + _BOX_H / 2
    for row, row_width in zip(rows, widths, strict=True):
        x = (total_width - row_width) / 2
        for key in row:
            vertex = layout.vertices[key]
            vertex.x = x + vertex.width / 2
            vertex.y = y
            x += vertex.width + _COL_GAP
        y += _BOX_H + _ROW_GAP
    layout.width = max(total_width, 320.0)
    layout.height = (y - _ROW_GAP - _BOX_H / 2 + _MARGIN) if rows else 2 * _MARGIN + _LEGEND_H


def _legend() -> str:
    items = [
        ("selected", _SELECTED_FILL),
        *((status, colour) for status, colour in STATUS_COLOURS.items()),
    ]
    parts = []
    x = _MARGIN
    for label, colour in items:
        parts.append(
            f'<rect x="{x:.0f}" y="{_MARGIN - 2:.0f}" width="12" height="12" rx="3" '
            f'fill="{colour}" stroke="#6b7280"/>'
            f'<text x="{x + 16:.0f}" y="{_MARGIN + 8:.0f}" class="kip-legend">{label}</text>'
        )
        x += 16 + len(label) * 6.5 + 14
    return "".join(parts)


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
        statuses: node name -> ``pending`` / ``running`` / ``done`` / ``failed``; a status wins
            over the selection colour, so a run in progress reads at a glance.

    Returns:
        A standalone ``<svg>`` element (no scripts, no external references).
    """
    chosen = None if selected is None else set(selected)
    statuses = statuses or {}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kip-pipeline" '
        f'viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" width="{layout.width:.0f}" '
        f'style="max-width:100%;height:auto;font-family:sans-serif;font-size:12px">',
        "<style>.kip-legend{font-size:11px;fill:#374151}"
        ".kip-faded{opacity:0.4}</style>",
        '<defs><marker id="kip-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#9ca3af"/></marker></defs>',
        _legend(),
    ]
    for src, dst in layout.edges:
        a, b = layout.vertices[src], layout.vertices[dst]
        x1, y1 = a.x, a.y + a.height / 2
        x2, y2 = b.x, b.y - b.height / 2
        mid = (y1 + y2) / 2
        out.append(
            f'<path d="M {x1:.1f} {y1:.1f} C {x1:.1f} {mid:.1f}, {x2:.1f} {mid:.1f}, '
            f'{x2:.1f} {y2:.1f}" fill="none" stroke="#9ca3af" stroke-width="1.2" '
            f'marker-end="url(#kip-arrow)"/>'
        )
    for (kind, name), vertex in layout.vertices.items():
        label = html.escape(name)
        left = vertex.x - vertex.width / 2
        top = vertex.y - vertex.height / 2
        if kind == "node":
            status = statuses.get(name)
            in_selection = chosen is None or name in chosen
            if status is not None:
                fill = STATUS_COLOURS.get(status, _SELECTED_FILL)
            else:
                fill = _SELECTED_FILL if in_selection else _UNSELECTED_FILL
            faded = not in_selection and status is None
            state = status or ("selected" if in_selection else "unselected")
            stroke = "#b91c1c" if status == "failed" else "#4b5563"
            dash = ' stroke-dasharray="4 3"' if faded else ""
            out.append(
                f'<g class="kip-node{" kip-faded" if faded else ""}" data-name="{label}" '
                f'data-state="{state}"><title>node {label}: {state}</title>'
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{vertex.width:.1f}" '
                f'height="{vertex.height:.1f}" rx="6" fill="{fill}" stroke="{stroke}"'
                f' stroke-width="1.3"{dash}/>'
                f'<text x="{vertex.x:.1f}" y="{vertex.y + 4:.1f}" text-anchor="middle" '
                f'fill="#111827">{label}</text></g>'
            )
        else:
            users = layout.dataset_nodes.get(name, set())
            faded = chosen is not None and not (users & chosen)
            out.append(
                f'<g class="kip-dataset{" kip-faded" if faded else ""}" data-name="{label}">'
                f"<title>dataset {label}</title>"
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{vertex.width:.1f}" '
                f'height="{vertex.height:.1f}" rx="{vertex.height / 2:.1f}" '
                f'fill="{_DATASET_FILL}" stroke="#9ca3af"/>'
                f'<text x="{vertex.x:.1f}" y="{vertex.y + 4:.1f}" text-anchor="middle" '
                f'fill="#374151" font-style="italic">{label}</text></g>'
            )
    out.append("</svg>")
    return "".join(out)

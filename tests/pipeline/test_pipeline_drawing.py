"""The pipeline picture: every node and dataset drawn, edges around boxes, namespaces, themes."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from test_pipeline_properties import dags

from kedro_ipy.pipeline import Pipeline, node, pipeline
from kedro_ipy.pipeline.drawing import (
    STATUS_COLOURS,
    STATUSES,
    Layout,
    edge_path,
    layout_pipeline,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def f(*args):
    return args[0] if args else None


@pytest.fixture
def small() -> Pipeline:
    """split -> clean -> fit -> evaluate -> report, with a parameter and a long edge."""
    return Pipeline([
        node(f, "raw", ["train_rows", "test_rows"], name="split", tags=["prep"]),
        node(f, "train_rows", "clean_rows", name="clean", tags=["prep"]),
        node(f, ["clean_rows", "params:alpha"], "model", name="fit", tags=["training"]),
        node(f, ["model", "test_rows"], "metrics", name="evaluate", tags=["eval"]),
        node(f, "metrics", "report", name="report"),
    ])


def _groups(svg: str, cls: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)  # also proves the markup is well-formed XML
    return {g.get("data-name"): g for g in root.iter(f"{SVG}g")
            if cls in g.get("class", "").split()}


def test_every_node_and_dataset_is_drawn(small):
    svg = render_svg(layout_pipeline(small))
    assert set(_groups(svg, "kip-node")) == {"split", "clean", "fit", "evaluate", "report"}
    assert set(_groups(svg, "kip-dataset")) == {
        "raw", "train_rows", "test_rows", "clean_rows", "model", "metrics", "report"}


def test_parameters_are_hidden_unless_asked(small):
    assert "params:alpha" not in _groups(render_svg(layout_pipeline(small)), "kip-dataset")
    layout = layout_pipeline(small, show_params=True)
    assert "params:alpha" in _groups(render_svg(layout), "kip-dataset")


def test_parents_are_drawn_above_children(small):
    layout = layout_pipeline(small)
    for edge in layout.edges:
        assert layout.vertices[edge.source].y < layout.vertices[edge.target].y, edge


def _assert_no_overlap(layout: Layout) -> None:
    rows: dict[float, list] = {}
    for v in layout.vertices.values():
        rows.setdefault(v.y, []).append(v)
    for row in rows.values():
        row.sort(key=lambda v: v.x)
        for a, b in itertools.pairwise(row):
            assert a.x + a.width / 2 <= b.x - b.width / 2 + 1e-6, (a.name, b.name)


def _path_points(d: str, steps: int = 12) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, L and C commands (curves sampled)."""
    tokens = re.findall(r"[MLC]|-?\d+(?:\.\d+)?", d)
    points: list[tuple[float, float]] = []
    i = 0
    while i < len(tokens):
        cmd = tokens[i]
        if cmd in "ML":
            points.append((float(tokens[i + 1]), float(tokens[i + 2])))
            i += 3
        else:  # C x1 y1 x2 y2 x y from the last point
            (x0, y0) = points[-1]
            x1, y1, x2, y2, x3, y3 = map(float, tokens[i + 1 : i + 7])
            for step in range(1, steps + 1):
                t = step / steps
                u = 1 - t
                points.append((
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                ))
            i += 7
    return points


def _assert_edges_avoid_boxes(layout: Layout) -> None:
    for edge in layout.edges:
        ends = {edge.source, edge.target}
        points = _path_points(edge_path(layout, edge))
        for key, box in layout.vertices.items():
            if key in ends or box.kind == "bend":
                continue
            left, right = box.x - box.width / 2, box.x + box.width / 2
            top, bottom = box.y - box.height / 2, box.y + box.height / 2
            inside = [(x, y) for x, y in points
                      if left + 0.5 < x < right - 0.5 and top + 0.5 < y < bottom - 0.5]
            assert not inside, f"edge {edge.source}->{edge.target} crosses {key} at {inside[0]}"


def test_long_edges_are_routed_around_boxes(small):
    layout = layout_pipeline(small)
    # test_rows is read three rows below where it is written: the edge bends through the gaps.
    edge = next(e for e in layout.edges if e.source == ("dataset", "test_rows"))
    assert edge.via
    _assert_edges_avoid_boxes(layout)
    _assert_no_overlap(layout)


@settings(max_examples=40, deadline=None)
@given(dags())
def test_random_pipelines_draw_without_overlaps_or_edges_through_boxes(case):
    nodes, _ = case
    layout = layout_pipeline(Pipeline(nodes))
    _assert_no_overlap(layout)
    _assert_edges_avoid_boxes(layout)
    drawn = _groups(render_svg(layout), "kip-node")
    assert set(drawn) == {n.name for n in nodes}


def test_selection_colours_chosen_nodes_and_fades_the_rest(small):
    svg = render_svg(layout_pipeline(small), selected=["fit", "evaluate"])
    nodes = _groups(svg, "kip-node")
    assert nodes["fit"].get("data-state") == "selected"
    assert nodes["split"].get("data-state") == "unselected"
    assert "kip-faded" in nodes["split"].get("class")
    datasets = _groups(svg, "kip-dataset")
    assert "kip-faded" not in datasets["model"].get("class")
    assert "kip-faded" in datasets["raw"].get("class")


def test_status_wins_over_the_selection_and_every_status_has_a_theme_colour(small):
    statuses = {"split": "done", "clean": "failed", "fit": "running", "evaluate": "not run"}
    svg = render_svg(layout_pipeline(small), statuses=statuses, selected=["fit"])
    nodes = _groups(svg, "kip-node")
    for name, status in statuses.items():
        assert nodes[name].get("data-state") == status
        assert f'[data-state="{status}"] rect' in svg  # the style colours that state
    for status in STATUSES:
        # Colours follow JupyterLab's theme variables, with a light fallback elsewhere.
        assert STATUS_COLOURS[status].startswith("color-mix(in srgb, var(--jp-")
    assert "#111827" not in svg.replace("var(--jp-ui-font-color1,#111827)", "")


def test_the_legend_is_whole_even_on_a_narrow_picture():
    one = Pipeline([node(f, "a", "b", name="n")])
    layout = layout_pipeline(one)
    root = ET.fromstring(render_svg(layout))
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "kip-legend")
    labels = [t.text for t in legend.iter(f"{SVG}text")]
    assert labels == ["selected", *STATUSES]
    width = float(root.get("width"))
    for rect in legend.iter(f"{SVG}rect"):
        assert float(rect.get("x")) + 12 <= width
    for text in legend.iter(f"{SVG}text"):
        assert float(text.get("x")) + len(text.text) * 6.5 <= width


def _namespaced() -> Pipeline:
    inner = Pipeline([
        node(f, "features", "model", name="train"),
        node(f, ["model", "features"], "scores", name="score"),
    ])
    return Pipeline([
        node(f, "raw", "features", name="prepare"),
        pipeline(inner, namespace="ds", inputs={"features"}, outputs={"scores"}),
        node(f, "scores", "report", name="publish"),
    ])


def test_a_collapsed_namespace_is_one_box_and_hides_its_inner_datasets():
    pipe = _namespaced()
    layout = layout_pipeline(pipe, collapsed=["ds"])
    assert layout.namespaces == ("ds",)
    svg = render_svg(layout, statuses={"ds.train": "done", "ds.score": "failed"})
    nodes = _groups(svg, "kip-node")
    assert set(nodes) == {"prepare", "ds", "publish"}
    assert nodes["ds"].get("data-state") == "failed"  # the worst of its members
    assert "2 nodes" in nodes["ds"].get("aria-label")
    assert set(_groups(svg, "kip-dataset")) == {"raw", "features", "scores", "report"}
    _assert_edges_avoid_boxes(layout)
    expanded = _groups(render_svg(layout_pipeline(pipe)), "kip-node")
    assert set(expanded) == {"prepare", "ds.train", "ds.score", "publish"}
    assert expanded["ds.train"].get("data-namespace") == "ds"


def test_collapsing_a_namespace_that_loops_out_and_back_still_draws():
    # ds.a -> x -> outside -> y -> ds.b: collapsed, ds writes x and reads y, which it also
    # leads to, a loop the layering must survive.
    with pytest.warns(UserWarning, match="interrupted"):
        pipe = Pipeline([
            node(f, "start", "x", name="a", namespace="ds"),
            node(f, "x", "y", name="outside"),
            node(f, "y", "end", name="b", namespace="ds"),
        ])
    layout = layout_pipeline(pipe, collapsed=["ds"])
    assert set(_groups(render_svg(layout), "kip-node")) == {"ds", "outside"}
    _assert_no_overlap(layout)


def test_transcoded_datasets_are_one_vertex_and_names_are_escaped():
    pipe = Pipeline([node(f, "a<b>", "cars@pandas", name="load"),
                     node(f, "cars@spark", "out", name="use")])
    svg = render_svg(layout_pipeline(pipe))
    assert set(_groups(svg, "kip-dataset")) == {"a<b>", "cars", "out"}
    assert "<b>" not in re.sub(r"</?(svg|g|rect|text|title|path|style|defs|marker)\b", "", svg)


def test_empty_pipeline_draws_an_empty_picture():
    svg = render_svg(layout_pipeline(Pipeline([])))
    assert _groups(svg, "kip-node") == {}


def test_a_pipeline_shows_itself_as_a_picture_in_a_notebook(small):
    html_repr = small._repr_html_()
    assert 'class="kip-pipeline"' in html_repr
    assert set(_groups(re.search(r"<svg.*</svg>", html_repr, re.S).group(0), "kip-node")) == {
        "split", "clean", "fit", "evaluate", "report"}
    assert repr(small).startswith("Pipeline(")  # the text repr is unchanged

"""The pipeline picture: every node and dataset drawn, parents above children, colours."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from kedro_ipy.ipython.panel.svg import STATUS_COLOURS, layout_pipeline, render_svg
from kedro_ipy.pipeline import Pipeline, node

SVG = "{http://www.w3.org/2000/svg}"


def _groups(svg: str, cls: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)  # also proves the markup is well-formed XML
    return {g.get("data-name"): g for g in root.iter(f"{SVG}g")
            if g.get("class", "").split()[0] == cls}


def _fill(group: ET.Element) -> str:
    return group.find(f"{SVG}rect").get("fill")


def test_every_node_and_dataset_is_drawn(pipelines):
    svg = render_svg(layout_pipeline(pipelines["__default__"]))
    assert set(_groups(svg, "kip-node")) == {"split", "clean", "fit", "evaluate", "report"}
    assert set(_groups(svg, "kip-dataset")) == {
        "raw", "train_rows", "test_rows", "clean_rows", "model", "metrics", "report"}


def test_parameters_are_hidden_unless_asked(pipelines):
    layout = layout_pipeline(pipelines["__default__"], show_params=True)
    assert "params:alpha" in _groups(render_svg(layout), "kip-dataset")


def test_parents_are_drawn_above_children(pipelines):
    layout = layout_pipeline(pipelines["__default__"])
    for src, dst in layout.edges:
        assert layout.vertices[src].y < layout.vertices[dst].y, (src, dst)


def test_vertices_of_a_row_do_not_overlap(pipelines):
    layout = layout_pipeline(pipelines["__default__"])
    rows: dict[float, list] = {}
    for v in layout.vertices.values():
        rows.setdefault(v.y, []).append(v)
    for row in rows.values():
        row.sort(key=lambda v: v.x)
        for a, b in itertools.pairwise(row):
            assert a.x + a.width / 2 <= b.x - b.width / 2


def test_selection_colours_chosen_nodes_and_fades_the_rest(pipelines):
    svg = render_svg(layout_pipeline(pipelines["__default__"]), selected=["fit", "evaluate"])
    nodes = _groups(svg, "kip-node")
    assert nodes["fit"].get("data-state") == "selected"
    assert nodes["split"].get("data-state") == "unselected"
    assert "kip-faded" in nodes["split"].get("class")
    assert _fill(nodes["fit"]) != _fill(nodes["split"])
    datasets = _groups(svg, "kip-dataset")
    assert "kip-faded" not in datasets["model"].get("class")
    assert "kip-faded" in datasets["raw"].get("class")


def test_status_colours_win_over_the_selection(pipelines):
    statuses = {"split": "done", "clean": "failed", "fit": "running", "evaluate": "pending"}
    svg = render_svg(layout_pipeline(pipelines["__default__"]), statuses=statuses,
                     selected=["fit"])
    nodes = _groups(svg, "kip-node")
    for name, status in statuses.items():
        assert _fill(nodes[name]) == STATUS_COLOURS[status]
        assert nodes[name].get("data-state") == status


def test_transcoded_datasets_are_one_vertex_and_names_are_escaped():
    def f(x):
        return x

    pipe = Pipeline([node(f, "a<b>", "cars@pandas", name="load"),
                     node(f, "cars@spark", "out", name="use")])
    svg = render_svg(layout_pipeline(pipe))
    datasets = _groups(svg, "kip-dataset")
    assert set(datasets) == {"a<b>", "cars", "out"}
    assert "<b>" not in re.sub(r"</?(svg|g|rect|text|title|path|style|defs|marker)\b", "", svg)


def test_empty_pipeline_draws_an_empty_picture():
    svg = render_svg(layout_pipeline(Pipeline([])))
    assert _groups(svg, "kip-node") == {}

"""``pipeline.graph``: the read-only index (execution order, parents, children, who writes and
who reads each dataset by its name without ``@suffix``) that the runner and the drawing read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_ipy.pipeline import Pipeline, node
from tests.pipeline.test_pipeline_properties import base, dags, reach, reference_edges


def f(*args):
    return args


def _transcoded() -> Pipeline:
    return Pipeline([
        node(f, "raw", "cars@pandas", name="load"),
        node(f, ["cars@spark", "params:x"], "model", name="train", tags="ml"),
        node(f, ["cars@pandas", "model"], "report", name="report"),
    ])


class TestIndex:
    def test_nodes_in_execution_order_with_numbered_edges(self):
        graph = _transcoded().graph
        assert graph.names == ["load", "train", "report"]
        assert list(graph.nodes) == _transcoded().nodes
        assert graph.parents == [(), (0,), (0, 1)]
        assert graph.children == [[1, 2], [2], []]

    def test_datasets_are_keyed_without_transcoding_suffix(self):
        graph = _transcoded().graph
        assert graph.producer == {"cars": 0, "model": 1, "report": 2}
        assert graph.consumers == {"raw": [0], "cars": [1, 2], "params:x": [1], "model": [2]}

    def test_computed_once_per_pipeline(self):
        pipe = _transcoded()
        assert pipe.graph is pipe.graph
        assert pipe.graph.producer is pipe.graph.producer

    def test_a_filtered_pipeline_has_its_own_numbering(self):
        pipe = _transcoded().only_nodes("train", "report")
        graph = pipe.graph
        assert graph.names == ["train", "report"]
        assert graph.parents == [(), (0,)]
        assert graph.producer == {"model": 0, "report": 1}
        assert graph.number("report") == 1

    def test_unknown_node_name_is_a_key_error(self):
        import pytest

        with pytest.raises(KeyError):
            _transcoded().graph.number("nope")

    def test_upstream_and_downstream_follow_the_edges(self):
        graph = _transcoded().graph
        assert graph.upstream([2]) == {0, 1, 2}
        assert graph.downstream([1]) == {1, 2}
        assert graph.downstream([]) == set()

    def test_empty_pipeline(self):
        graph = Pipeline([]).graph
        assert len(graph) == 0
        assert graph.parents == [] and graph.producer == {} and graph.consumers == {}


def _as_names(graph) -> tuple[dict, dict, dict, dict]:
    """The index in node names, to compare with the naive reference."""
    name = graph.names
    parents = {name[k]: {name[p] for p in ps} for k, ps in enumerate(graph.parents)}
    children = {name[k]: {name[c] for c in cs} for k, cs in enumerate(graph.children)}
    producer = {ds: name[k] for ds, k in graph.producer.items()}
    consumers = {ds: {name[k] for k in ks} for ds, ks in graph.consumers.items()}
    return parents, children, producer, consumers


def _check_against_pipeline(pipe: Pipeline) -> None:
    graph = pipe.graph
    nodes = pipe.nodes
    assert list(graph.nodes) == nodes
    assert list(graph.names) == [n.name for n in nodes]
    in_pipe = {n.name for n in nodes}
    ref_children, ref_parents = reference_edges(nodes)
    parents, children, producer, consumers = _as_names(graph)
    assert parents == {n: ref_parents[n] & in_pipe for n in in_pipe}
    assert children == {n: ref_children.get(n, set()) & in_pipe for n in in_pipe}
    # numbers are topological, and each edge list ascends (the scheduler relies on it)
    for k, ps in enumerate(graph.parents):
        assert all(p < k for p in ps) and list(ps) == sorted(ps)
    for k, cs in enumerate(graph.children):
        assert all(c > k for c in cs) and list(cs) == sorted(cs)
    assert producer == {base(o): n.name for n in nodes for o in n.outputs}
    expected_consumers: dict[str, set[str]] = {}
    for n in nodes:
        for i in n.inputs:
            expected_consumers.setdefault(base(i), set()).add(n.name)
    assert consumers == expected_consumers
    for ks in graph.consumers.values():
        assert list(ks) == sorted(set(ks))


@settings(max_examples=60, deadline=None)
@given(dags(), st.data())
def test_index_agrees_with_the_pipeline_on_random_dags(case, data):
    nodes, _ = case
    pipe = Pipeline(nodes)
    _check_against_pipeline(pipe)
    # a filtered pipeline derives its graph from its parent's: it must agree as well
    picked = data.draw(st.sets(st.sampled_from([n.name for n in nodes]), min_size=1, max_size=3))
    for part in (pipe.from_nodes(*picked), pipe.to_nodes(*picked), pipe.tag("extra")):
        _check_against_pipeline(part)
        fresh = Pipeline(part.nodes).graph
        assert _as_names(part.graph) == _as_names(fresh)


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_upstream_and_downstream_are_the_closures(case, data):
    nodes, _ = case
    pipe = Pipeline(nodes)
    graph = pipe.graph
    children, parents = reference_edges(nodes)
    picked = data.draw(st.sets(st.sampled_from([n.name for n in nodes]), min_size=1, max_size=3))
    numbers = [graph.number(name) for name in picked]
    assert {graph.names[k] for k in graph.downstream(numbers)} == reach(picked, children)
    assert {graph.names[k] for k in graph.upstream(numbers)} == reach(picked, parents)


class _OnlyNodes:
    """A pipeline-like object without a graph index (as Kedro's ``Pipeline`` is)."""

    def __init__(self, pipe: Pipeline) -> None:
        self.nodes = pipe.nodes


@settings(max_examples=25, deadline=None)
@given(dags(), st.data())
def test_the_drawing_from_the_index_equals_the_drawing_from_the_nodes(case, data):
    from kedro_ipy.pipeline.drawing import layout_pipeline

    nodes, _ = case
    pipe = Pipeline(nodes)
    show_params = data.draw(st.booleans())
    from_index = layout_pipeline(pipe, show_params=show_params)
    walked = layout_pipeline(_OnlyNodes(pipe), show_params=show_params)
    assert from_index == walked


def test_a_collapsed_namespace_draws_the_same_from_the_index():
    import warnings

    from kedro_ipy.pipeline import pipeline
    from kedro_ipy.pipeline.drawing import layout_pipeline

    inner = Pipeline([
        node(f, "features@pandas", "model", name="train"),
        node(f, ["model", "features@spark"], "scores", name="score"),
    ])
    pipe = Pipeline([
        node(f, "raw", "features@pandas", name="prepare"),
        pipeline(inner, namespace="ds", inputs={"features@pandas", "features@spark"},
                 outputs={"scores"}),
        node(f, "scores", "report", name="publish"),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_index = layout_pipeline(pipe, collapsed=["ds"])
        walked = layout_pipeline(_OnlyNodes(pipe), collapsed=["ds"])
    assert from_index == walked
    assert set(from_index.dataset_nodes) == {"raw", "features", "scores", "report"}
    assert from_index.node_vertex["ds.train"] == ("namespace", "ds")

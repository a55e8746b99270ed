"""Property-based tests: filters and ordering on random DAGs, against a naive reference."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_ipy.pipeline import Pipeline, node


def f(*args):
    return args


TAGS = ["a", "b", "c"]


@st.composite
def dags(draw: st.DrawFn) -> tuple[list, list[str]]:
    """Nodes ``n0..nk``; node i writes ``d{i}`` (sometimes transcoded), reads earlier datasets
    and free inputs. Returns the nodes in a shuffled order and the dataset names used."""
    count = draw(st.integers(min_value=1, max_value=25))
    transcoded = [draw(st.booleans()) for _ in range(count)]
    nodes = []
    used: set[str] = set()
    for i in range(count):
        parents = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        inputs = [f"d{p}@r" if transcoded[p] else f"d{p}" for p in sorted(parents)]
        if draw(st.booleans()):
            inputs.append(f"free{draw(st.integers(0, 3))}")
        inputs = list(dict.fromkeys(inputs))
        output = f"d{i}@w" if transcoded[i] else f"d{i}"
        tags = draw(st.sets(st.sampled_from(TAGS), max_size=2))
        nodes.append(node(f, inputs or None, output, name=f"n{i}", tags=tags))
        used.update(inputs)
        used.add(output)
    order = draw(st.permutations(nodes))
    return list(order), sorted(used)


def base(name: str) -> str:
    return name.split("@")[0]


def reference_edges(nodes: list) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Children and parents by node name, computed naively from dataset names."""
    writer = {base(o): n.name for n in nodes for o in n.outputs}
    parents: dict[str, set[str]] = {n.name: set() for n in nodes}
    children: dict[str, set[str]] = defaultdict(set)
    for n in nodes:
        for i in n.inputs:
            if base(i) in writer:
                parents[n.name].add(writer[base(i)])
                children[writer[base(i)]].add(n.name)
    return children, parents


def reach(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    todo = list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def names(pipe: Pipeline) -> set[str]:
    return {n.name for n in pipe.nodes}


@settings(max_examples=40, deadline=None)
@given(dags())
def test_nodes_are_a_valid_deterministic_topological_order(case):
    nodes, _ = case
    pipe = Pipeline(nodes)
    _, parents = reference_edges(nodes)
    position = {n.name: i for i, n in enumerate(pipe.nodes)}
    assert len(position) == len(nodes)
    for child, ps in parents.items():
        assert all(position[p] < position[child] for p in ps)
    # the same nodes in another order give the same execution order
    assert [n.name for n in Pipeline(sorted(nodes, key=lambda n: n.name)).nodes] == [
        n.name for n in pipe.nodes
    ]
    # layers: every parent sits in an earlier layer; flattening the layers gives .nodes
    layer_of = {n.name: k for k, group in enumerate(pipe.grouped_nodes) for n in group}
    for child, ps in parents.items():
        assert all(layer_of[p] < layer_of[child] for p in ps)
    assert [n for group in pipe.grouped_nodes for n in group] == pipe.nodes


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_from_nodes_and_to_nodes_are_closures(case, data):
    nodes, _ = case
    pipe = Pipeline(nodes)
    children, parents = reference_edges(nodes)
    picked = data.draw(st.sets(st.sampled_from([n.name for n in nodes]), min_size=1, max_size=3))
    assert names(pipe.from_nodes(*picked)) == reach(picked, children)
    assert names(pipe.to_nodes(*picked)) == reach(picked, parents)


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_from_inputs_and_to_outputs(case, data):
    nodes, datasets = case
    pipe = Pipeline(nodes)
    children, parents = reference_edges(nodes)
    chosen = data.draw(st.sets(st.sampled_from(datasets), min_size=1, max_size=2))

    readers = {n.name for n in nodes for d in chosen if d in n.inputs}
    assert names(pipe.only_nodes_with_inputs(*chosen)) == readers
    assert names(pipe.from_inputs(*chosen)) == reach(readers, children)

    writers = {n.name for n in nodes for d in chosen if d in n.outputs}
    assert names(pipe.only_nodes_with_outputs(*chosen)) == writers
    assert names(pipe.to_outputs(*chosen)) == reach(writers, parents)


@settings(max_examples=30, deadline=None)
@given(dags(), st.data())
def test_filter_is_the_intersection_of_single_filters(case, data):
    nodes, datasets = case
    pipe = Pipeline(nodes)
    node_names = [n.name for n in nodes]
    pick_names = st.lists(st.sampled_from(node_names), max_size=2)
    args = {
        "tags": data.draw(st.lists(st.sampled_from(TAGS), max_size=2)),
        "from_nodes": data.draw(pick_names),
        "to_nodes": data.draw(pick_names),
        "node_names": data.draw(pick_names),
        "from_inputs": data.draw(st.lists(st.sampled_from(datasets), max_size=1)),
        "to_outputs": data.draw(st.lists(st.sampled_from(datasets), max_size=1)),
    }
    single = {
        "tags": lambda v: pipe.only_nodes_with_tags(*v),
        "from_nodes": lambda v: pipe.from_nodes(*v),
        "to_nodes": lambda v: pipe.to_nodes(*v),
        "node_names": lambda v: pipe.only_nodes(*v),
        "from_inputs": lambda v: pipe.from_inputs(*v),
        "to_outputs": lambda v: pipe.to_outputs(*v),
    }
    expected = set(node_names)
    for key, value in args.items():
        if value:
            expected &= names(single[key](value))
    if expected:
        assert names(pipe.filter(**args)) == expected
    else:
        try:
            pipe.filter(**args)
        except ValueError as exc:
            assert "no nodes after applying" in str(exc)
        else:
            raise AssertionError("an empty filter result must raise")


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_set_operations_partition(case, data):
    nodes, _ = case
    pipe = Pipeline(nodes)
    picked = data.draw(st.sets(st.sampled_from([n.name for n in nodes])))
    part = pipe.only_nodes(*picked)
    assert names(pipe - part) | names(pipe & part) == names(pipe)
    assert names(pipe - part) & names(pipe & part) == set()
    assert names((pipe - part) + part) == names(pipe)
    assert names(pipe.tag("z").only_nodes_with_tags("z")) == names(pipe)

"""Differential tests: kedro_ipy.pipeline against Kedro 1.7.0 on random pipelines.

Run with the Kedro environment's Python (``make compat``); ``KEDRO_IPY_ROOT`` points at the
repository so that kedro_ipy is importable next to Kedro. Both frameworks get the same node
specifications; every view and filter must give the same node names in the same order (the
execution order is part of the contract: ties are broken by node name in both), and invalid
input must fail in both.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from typing import Any

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("KEDRO_IPY_ROOT") or os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import kedro.pipeline as kp  # noqa: E402

import kedro_ipy.pipeline as ip  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Namespace .* is interrupted")

SEEDS = range(40)
TAGS = ["a", "b", "c"]


def func(*args: Any) -> Any:
    return args


def random_spec(seed: int, size: int = 40) -> list[tuple]:
    """(inputs, output, name or None, tags, namespace) per node, some transcoded."""
    rng = random.Random(seed)
    transcoded = [rng.random() < 0.2 for _ in range(size)]
    spec = []
    for i in range(size):
        parents = {rng.randrange(i) for _ in range(rng.randint(0, 3))} if i else set()
        inputs = [f"d{p}@r" if transcoded[p] else f"d{p}" for p in sorted(parents)]
        if rng.random() < 0.3:
            inputs.append(f"free{rng.randrange(5)}")
        if rng.random() < 0.2:
            inputs.append(f"params:p{rng.randrange(3)}")
        inputs = list(dict.fromkeys(inputs)) or None
        output = f"d{i}@w" if transcoded[i] else f"d{i}"
        name = f"n{i}" if rng.random() < 0.7 else None
        tags = rng.sample(TAGS, rng.randint(0, 2))
        namespace = rng.choice([None, None, "eu", "eu.fr", "us"])
        spec.append((inputs, output, name, tags, namespace))
    rng.shuffle(spec)
    return spec


def build(pl: Any, spec: list[tuple]) -> Any:
    return pl.Pipeline(
        [
            pl.node(func, ins, out, name=name, tags=tags, namespace=ns)
            for ins, out, name, tags, ns in spec
        ]
    )


def outcome(call: Callable[[], Any]) -> Any:
    """Node names in order, or the kind of error raised."""
    try:
        result = call()
    except ValueError:
        return "ValueError"
    except Exception as exc:  # the type is what is compared
        return type(exc).__name__
    if hasattr(result, "nodes"):
        return [n.name for n in result.nodes]
    return result


@pytest.mark.parametrize("seed", SEEDS)
def test_views_match(seed: int) -> None:
    spec = random_spec(seed)
    theirs, ours = build(kp, spec), build(ip, spec)
    assert [n.name for n in ours.nodes] == [n.name for n in theirs.nodes]
    assert [[n.name for n in g] for g in ours.grouped_nodes] == [
        [n.name for n in g] for g in theirs.grouped_nodes
    ]
    for view in ("inputs", "outputs", "all_inputs", "all_outputs", "datasets"):
        assert getattr(ours, view)() == getattr(theirs, view)(), view
    assert ours.describe() == theirs.describe()
    assert ours.describe(names_only=False) == theirs.describe(names_only=False)
    assert [str(n) for n in ours.nodes] == [str(n) for n in theirs.nodes]
    theirs_deps = {k.name: sorted(p.name for p in v) for k, v in theirs.node_dependencies.items()}
    ours_deps = {k.name: sorted(p.name for p in v) for k, v in ours.node_dependencies.items()}
    assert ours_deps == theirs_deps
    assert [vars(g) for g in ours.group_nodes_by("namespace")] == [
        vars(g) for g in theirs.group_nodes_by("namespace")
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_filters_match(seed: int) -> None:
    spec = random_spec(seed)
    theirs, ours = build(kp, spec), build(ip, spec)
    rng = random.Random(seed + 1000)
    node_names = [*(n.name for n in theirs.nodes), "missing_node"]
    datasets = [*sorted(theirs.datasets()), "d0", "missing_ds"]
    for _ in range(25):
        some_nodes = rng.sample(node_names, rng.randint(1, 2))
        some_data = rng.sample(datasets, rng.randint(1, 2))
        some_tags = rng.sample(TAGS, rng.randint(0, 2))
        namespaces = rng.sample(["eu", "eu.fr", "us", "asia"], 1)
        calls: dict[str, Callable[[Any], Any]] = {
            "only_nodes": lambda p, v=some_nodes: p.only_nodes(*v),
            "from_nodes": lambda p, v=some_nodes: p.from_nodes(*v),
            "to_nodes": lambda p, v=some_nodes: p.to_nodes(*v),
            "from_inputs": lambda p, v=some_data: p.from_inputs(*v),
            "to_outputs": lambda p, v=some_data: p.to_outputs(*v),
            "only_nodes_with_inputs": lambda p, v=some_data: p.only_nodes_with_inputs(*v),
            "only_nodes_with_outputs": lambda p, v=some_data: p.only_nodes_with_outputs(*v),
            "only_nodes_with_tags": lambda p, v=some_tags: p.only_nodes_with_tags(*v),
            "only_nodes_with_namespaces": lambda p, v=namespaces: p.only_nodes_with_namespaces(v),
            "filter": lambda p, n=some_nodes, d=some_data, t=some_tags: p.filter(
                tags=t, from_nodes=n[:1], to_outputs=d[:1]
            ),
            "filter_ns": lambda p, v=namespaces, d=some_data: p.filter(
                node_namespaces=v, from_inputs=d
            ),
        }
        for label, call in calls.items():
            assert outcome(lambda c=call: c(ours)) == outcome(lambda c=call: c(theirs)), label


@pytest.mark.parametrize("seed", SEEDS[:20])
def test_set_operations_match(seed: int) -> None:
    spec = random_spec(seed)
    theirs, ours = build(kp, spec), build(ip, spec)
    half = [n.name for n in theirs.nodes][::2]
    for op in ("__add__", "__sub__", "__and__", "__or__"):
        expected = outcome(lambda o=op: getattr(theirs, o)(theirs.only_nodes(*half)))
        got = outcome(lambda o=op: getattr(ours, o)(ours.only_nodes(*half)))
        assert got == expected, op


@pytest.mark.parametrize("seed", SEEDS[:20])
def test_modular_pipeline_matches(seed: int) -> None:
    spec = random_spec(seed, size=15)
    theirs, ours = build(kp, spec), build(ip, spec)
    rng = random.Random(seed)
    free = sorted(d for d in theirs.inputs() if not d.startswith("params:"))
    params = sorted(d[len("params:") :] for d in theirs.inputs() if d.startswith("params:"))
    outs = sorted(theirs.all_outputs())
    kwargs = {
        "namespace": rng.choice(["ns", "outer.inner", None]),
        "inputs": {d: f"in_{d}" for d in rng.sample(free, min(1, len(free)))} or None,
        "outputs": set(rng.sample(outs, 1)),
        "parameters": {p: f"new_{p}" for p in params[:1]} or None,
        "tags": ["reused"],
    }
    if kwargs["namespace"] is None:
        kwargs["namespace"] = "ns"
    a = ip.pipeline(ours, **kwargs)
    b = kp.pipeline(theirs, **kwargs)
    assert [(n.name, n.inputs, n.outputs, n.namespace, sorted(n.tags)) for n in a.nodes] == [
        (n.name, n.inputs, n.outputs, n.namespace, sorted(n.tags)) for n in b.nodes
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda pl: pl.Pipeline([pl.node(func, "a", "b", name="x"), pl.node(func, "b", "a")]),
        lambda pl: pl.Pipeline([pl.node(func, "a", "b", name="x"), pl.node(func, "c", "b")]),
        lambda pl: pl.Pipeline(
            [pl.node(func, "a", "b", name="x"), pl.node(func, "c", "d", name="x")]
        ),
        lambda pl: pl.Pipeline([pl.node(func, "a@p", "b", name="x"), pl.node(func, "a", "d")]),
        lambda pl: pl.node(func, "a", "a@p"),
        lambda pl: pl.node(func, "a", ["b", "b"]),
        lambda pl: pl.pipeline(pl.Pipeline([pl.node(func, "a", "b")]), inputs={"b": "c"}),
        lambda pl: pl.pipeline(pl.Pipeline([pl.node(func, "a", "b")]), outputs={"a": "c"}),
        lambda pl: pl.pipeline(pl.Pipeline([pl.node(func, "a", "b")]), parameters={"x": "y"}),
    ],
)
def test_invalid_input_fails_in_both(make: Callable[[Any], Any]) -> None:
    theirs = outcome(lambda: make(kp))
    ours = outcome(lambda: make(ip))
    assert isinstance(theirs, str)
    assert ours == theirs


def test_large_random_dag_orders_match() -> None:
    """The benchmark's DAG shape at 3,000 nodes: same order, same filter results."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from bench_pipeline import build_nodes, random_dag

    spec = random_dag(3000, seed=7)
    theirs = kp.Pipeline(build_nodes(kp, spec))
    ours = ip.Pipeline(build_nodes(ip, spec))
    assert [n.name for n in ours.nodes] == [n.name for n in theirs.nodes]
    calls: list[Callable[[Any], Any]] = [
        lambda p: p.from_nodes("n1500"),
        lambda p: p.to_nodes("n1500"),
        lambda p: p.to_outputs("d2999"),
        lambda p: p.only_nodes_with_tags("t3"),
        lambda p: p.filter(tags=["t1", "t2"], from_inputs=["raw0"], to_outputs=["d2000"]),
        lambda p: p.from_nodes("n100").to_nodes("n2500"),
    ]
    for call in calls:
        assert outcome(lambda c=call: c(ours)) == outcome(lambda c=call: c(theirs))

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


def warnings_of(call: Callable[[], Any], needle: str) -> list[str]:
    import warnings

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            call()
        except Exception as exc:  # the warnings given before the error still count
            return [f"raised {type(exc).__name__}"]
    return sorted(str(w.message) for w in record if needle in str(w.message))


@pytest.mark.parametrize("seed", SEEDS)
def test_interrupted_namespace_warnings_match(seed: int) -> None:
    """Same namespaces reported, as often. Which interrupting path is quoted may differ: Kedro
    picks one from a set, so even two Kedro processes can disagree."""
    spec = random_spec(seed, size=25)

    def reported(pl: Any) -> list[str]:
        found = warnings_of(lambda: build(pl, spec), "is interrupted")
        return [message.split(" is interrupted")[0] for message in found]

    assert reported(ip) == reported(kp)


@pytest.mark.parametrize(
    "spaces",
    [["ns1", None, "ns1"], ["ns1", "ns1.child", "ns1"], ["a.b", "c", "a.b.d", "a"]],
)
def test_interrupted_namespace_message_matches(spaces: list[str | None]) -> None:
    def make(pl: Any) -> Any:
        return pl.Pipeline(
            [
                pl.node(func, f"d{i}", f"d{i + 1}", name=f"n{i}", namespace=ns)
                for i, ns in enumerate(spaces)
            ]
        )

    assert warnings_of(lambda: make(ip), "is interrupted") == warnings_of(
        lambda: make(kp), "is interrupted"
    )


def one(a: Any) -> Any:
    return a


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((one, "a", "b"), {"name": ""}),
        ((one, "a", "b"), {"name": "n", "namespace": "ns"}),
        ((one, {"a": "x"}, {"k": "y"}), {}),
        ((one, "a", []), {}),
        ((one, "a", "b"), {"name": "bad name"}),
        ((one, "a", "b"), {"tags": ["bad tag"]}),
        ((one, ["a", "b"], "c"), {}),
        (("not callable", "a", "b"), {}),
    ],
)
def test_node_construction_matches(args: tuple, kwargs: dict) -> None:
    def describe(pl: Any) -> Any:
        try:
            n = pl.node(*args, **kwargs)
        except Exception as exc:
            return type(exc).__name__, str(exc)
        return n.name, str(n), n.short_name, n.inputs, n.outputs, repr(n)

    ours, theirs = describe(ip), describe(kp)
    if isinstance(theirs[1], str) and len(theirs) == 2 and len(ours) == 2:
        assert ours[0] == theirs[0]
        assert ours[1].startswith(theirs[1].rstrip(".")), (ours, theirs)  # we may append
    else:
        assert ours == theirs


@pytest.mark.parametrize(
    "outputs, returned",
    [
        ({"ret": "B"}, {"ret": 1, "extra": 2}),
        ({"x": "A", "y": "B"}, {"x": 1}),
        (["B", "C"], 1),
        (["B", "C"], [1, 2, 3]),
        ({"x": "A"}, 5),
        ([], None),
    ],
)
def test_run_output_errors_match(outputs: Any, returned: Any) -> None:
    def error(pl: Any) -> tuple[str, str]:
        try:
            pl.node(lambda a: returned, "a", outputs, name="n").run({"a": 0})
        except Exception as exc:
            return type(exc).__name__, str(exc)
        return "no error", ""

    (ours_type, ours_msg), (theirs_type, theirs_msg) = error(ip), error(kp)
    assert ours_type == theirs_type
    if len(returned if isinstance(returned, dict) else ()) <= 1 and len(outputs) <= 1:
        # set reprs of one element are deterministic: the sentence must be Kedro's
        assert ours_msg.startswith(theirs_msg.rstrip(".")), (ours_msg, theirs_msg)
    else:
        assert ours_msg.split("\n")[0] == theirs_msg.split("\n")[0]


def test_no_outputs_and_dotted_name_warnings_start_like_kedros() -> None:
    def first(pl: Any, needle: str, call: Callable[[], Any]) -> str:
        node_cls = pl.Node
        if hasattr(node_cls, "__dotted_dataset_name_warned__"):
            delattr(node_cls, "__dotted_dataset_name_warned__")
        return warnings_of(call, needle)[0]

    for needle, make in [
        ("outputs=None", lambda pl: pl.node(one, "a", None, name="n").run({"a": 1})),
        ("contain '.'", lambda pl: pl.node(one, "a.b", "c")),
    ]:
        theirs = first(kp, needle, lambda m=make: m(kp))
        ours = first(ip, needle, lambda m=make: m(ip))
        cut = theirs.index(".") + 1  # Kedro's first sentence
        assert ours.startswith(theirs[:cut]), (ours, theirs)


def test_preview_fn_matches() -> None:
    from kedro.pipeline import preview_contract as kc

    from kedro_ipy.pipeline import preview_contract as ic

    def payload(pl: Any, contract: Any) -> Any:
        n = pl.node(one, "a", "b", preview_fn=lambda: contract.CustomPreview("t", {"k": [1]}))
        copied = pl.pipeline([n], namespace="ns").nodes[0]
        return n.preview().to_dict(), copied.preview().to_dict()

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert payload(ip, ic) == payload(kp, kc)

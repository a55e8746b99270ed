"""A namespace left and re-entered along a path warns when the pipeline is built."""

from __future__ import annotations

import re
import warnings

import pytest

from kedro_ipy.pipeline import Pipeline, node, pipeline


def identity(x):
    return x


def build_quietly(nodes):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return Pipeline(nodes)


def test_namespace_interrupted_by_plain_node_warns_with_the_path():
    nodes = [
        node(identity, "a", "b", name="load", namespace="prep"),
        node(identity, "b", "c", name="check"),
        node(identity, "c", "d", name="audit"),
        node(identity, "d", "e", name="clean", namespace="prep"),
    ]
    msg = "Namespace 'prep' is interrupted by nodes ['check', 'audit'] and thus invalid."
    with pytest.warns(UserWarning, match=re.escape(msg)) as record:
        Pipeline(nodes)
    assert len(record) == 1


def test_outer_namespace_warned_once_for_nested_reentry():
    nodes = [
        node(identity, "a", "b", name="n1", namespace="ml.train"),
        node(identity, "b", "c", name="n2", namespace="report"),
        node(identity, "c", "d", name="n3", namespace="ml.score"),
        node(identity, "d", "e", name="n4", namespace="ml"),
    ]
    with pytest.warns(UserWarning) as record:
        Pipeline(nodes)
    # 'ml' is re-entered at n3; n4 is reached from inside 'ml', so it is not reported again
    assert [str(w.message) for w in record] == [
        "Namespace 'ml' is interrupted by nodes ['report.n2'] and thus invalid."
    ]


@pytest.mark.parametrize(
    "spaces",
    [
        ["ns", "ns", "ns"],  # contiguous
        ["ns", "ns.child", "ns"],  # a child namespace stays inside
        [None, "ns", None],  # plain nodes around one block
        ["a", "b", "c"],  # each namespace entered once
    ],
)
def test_contiguous_namespaces_do_not_warn(spaces):
    nodes = [
        node(identity, f"d{i}", f"d{i + 1}", name=f"n{i}", namespace=ns)
        for i, ns in enumerate(spaces)
    ]
    build_quietly(nodes)


def test_parallel_branches_in_other_namespaces_do_not_warn():
    def fork(x):
        return x, x

    build_quietly(
        [
            node(fork, "a", ["b", "c"], name="src", namespace="shared"),
            node(identity, "b", "d", name="left", namespace="l"),
            node(identity, "c", "e", name="right", namespace="r"),
        ]
    )


def test_reused_pipeline_under_one_namespace_is_contiguous():
    base = Pipeline([node(identity, "x", "y", name="a"), node(identity, "y", "z", name="b")])
    build_quietly([pipeline(base, namespace="eu", inputs={"x": "raw"})])

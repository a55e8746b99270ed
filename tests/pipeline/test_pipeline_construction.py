"""``Pipeline``: validation, execution order, dataset views, set operations and reports."""

from __future__ import annotations

import json
import re

import pytest

import kedro_ipy
from kedro_ipy.pipeline import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    GroupedNodes,
    OutputNotUniqueError,
    Pipeline,
    node,
)


def f(*args):
    return args


def names(pipe: Pipeline) -> list[str]:
    return [n.name for n in pipe.nodes]


@pytest.fixture
def diamond() -> Pipeline:
    return Pipeline(
        [
            node(f, "c", "d", name="join_left"),  # deliberately out of order
            node(f, ["d", "e"], "out", name="final"),
            node(f, "raw", ["c", "e2"], name="split"),
            node(f, "e2", "e", name="join_right"),
        ]
    )


class TestInvalidPipeline:
    def test_none(self):
        msg = "'nodes' argument of 'Pipeline' is None."
        with pytest.raises(ValueError, match=re.escape(msg)):
            Pipeline(None)

    def test_not_a_node(self):
        with pytest.raises(TypeError, match=re.escape("got 'int': 1.")):
            Pipeline([node(f, "a", "b"), 1])

    def test_duplicate_node_names(self):
        msg = (
            "Pipeline nodes must have unique names. The following node names appear more "
            "than once:\n\nFree nodes:\n  - x\n"
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            Pipeline([node(f, "a", "b", name="x"), node(f, "c", "d", name="x")])

    def test_duplicate_node_names_across_pipelines(self):
        inner = Pipeline([node(f, "a", "b", name="x")])
        with pytest.raises(ValueError, match="appear more than once"):
            Pipeline([inner, node(f, "c", "d", name="x")])

    def test_same_node_twice_is_a_duplicate(self):
        n = node(f, "a", "b", name="x")
        with pytest.raises(ValueError, match="appear more than once"):
            Pipeline([n, n])

    def test_two_nodes_writing_one_output(self):
        msg = (
            "Output(s) ['b'] are returned by more than one nodes. Node outputs must be unique. "
            "Written 'b' by 'x', 'y'."
        )
        with pytest.raises(OutputNotUniqueError, match=re.escape(msg)):
            Pipeline([node(f, "a", "b", name="x"), node(f, "c", "b", name="y")])

    def test_transcoded_outputs_clash_on_their_base(self):
        with pytest.raises(OutputNotUniqueError, match=re.escape("['b']")):
            Pipeline([node(f, "a", "b@pandas", name="x"), node(f, "c", "b@spark", name="y")])

    def test_confirms_unique(self):
        msg = "['a'] datasets are confirmed by more than one node."
        with pytest.raises(ConfirmNotUniqueError, match=re.escape(msg)):
            Pipeline(
                [
                    node(f, "a", "b", name="x", confirms="a"),
                    node(f, "c", "d", name="y", confirms=["a@pandas"]),
                ]
            )

    def test_cycle_names_the_nodes_in_it(self):
        nodes = [
            node(f, "start", "x0", name="entry"),
            node(f, ["x0", "c"], "a", name="first"),
            node(f, "a", "b", name="second"),
            node(f, "b", "c", name="third"),
            node(f, "c", "after", name="downstream"),
        ]
        with pytest.raises(CircularDependencyError) as info:
            Pipeline(nodes)
        message = str(info.value)
        assert message.startswith("Circular dependencies exist among the following 3 item(s): ")
        loop = re.search(r"The loop is: (.*)\.$", message).group(1).split(" -> ")
        assert loop[0] == loop[-1]
        assert sorted(loop[:-1]) == ["first", "second", "third"]
        # the names follow the data: each node feeds the next
        cycle = ["first", "second", "third"]
        start = cycle.index(loop[0])
        assert loop[:-1] == cycle[start:] + cycle[:start]

    def test_transcoded_and_plain_name_mixed(self):
        msg = (
            "The following datasets are used with transcoding, but were referenced without the "
            "separator: a.\nPlease specify a transcoding option or rename the datasets."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            Pipeline([node(f, "a@pandas", "b", name="x"), node(f, "a", "c", name="y")])


class TestOrder:
    def test_topological_with_name_tie_break(self, diamond):
        assert names(diamond) == ["split", "join_left", "join_right", "final"]
        assert [[n.name for n in g] for g in diamond.grouped_nodes] == [
            ["split"],
            ["join_left", "join_right"],
            ["final"],
        ]

    def test_same_order_whatever_the_input_order(self, diamond):
        reversed_pipe = Pipeline(list(reversed(diamond.nodes)))
        assert names(reversed_pipe) == names(diamond)

    def test_transcoded_names_are_one_dataset_for_ordering(self):
        pipe = Pipeline(
            [node(f, "cars@spark", "out", name="read"), node(f, "raw", "cars@pandas", name="w")]
        )
        assert names(pipe) == ["w", "read"]

    def test_node_dependencies(self, diamond):
        deps = {k.name: sorted(p.name for p in v) for k, v in diamond.node_dependencies.items()}
        assert deps == {
            "split": [],
            "join_left": ["split"],
            "join_right": ["split"],
            "final": ["join_left", "join_right"],
        }

    def test_deep_chain_has_no_recursion_limit(self):
        pipe = Pipeline([node(f, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(5000)])
        assert names(pipe)[:3] == ["n0", "n1", "n2"]
        assert len(pipe.to_nodes("n4999").nodes) == 5000
        assert len(pipe.from_nodes("n0").nodes) == 5000

    def test_nodes_returns_a_copy(self, diamond):
        diamond.nodes.clear()
        assert len(diamond.nodes) == 4

    def test_empty_pipeline(self):
        pipe = Pipeline([])
        assert pipe.nodes == []
        assert pipe.inputs() == set()
        assert pipe.grouped_nodes == []


class TestDatasets:
    def test_views(self, diamond):
        assert diamond.inputs() == {"raw"}
        assert diamond.outputs() == {"out"}
        assert diamond.all_inputs() == {"c", "d", "e", "e2", "raw"}
        assert diamond.all_outputs() == {"c", "d", "e", "e2", "out"}
        assert diamond.datasets() == {"raw", "c", "d", "e", "e2", "out"}

    def test_transcoded_intermediate_is_neither_input_nor_output(self):
        pipe = Pipeline(
            [node(f, "raw", "cars@pandas", name="w"), node(f, "cars@spark", "out", name="r")]
        )
        assert pipe.inputs() == {"raw"}
        assert pipe.outputs() == {"out"}
        assert pipe.datasets() == {"raw", "cars@pandas", "cars@spark", "out"}

    def test_parameters_are_free_inputs(self):
        pipe = Pipeline([node(f, ["a", "params:alpha", "parameters"], "b", name="x")])
        assert pipe.inputs() == {"a", "params:alpha", "parameters"}


class TestSetOperations:
    @pytest.fixture
    def left(self):
        return Pipeline([node(f, "a", "b", name="n1"), node(f, "b", "c", name="n2")])

    @pytest.fixture
    def right(self):
        return Pipeline([node(f, "b", "c", name="n2"), node(f, "c", "d", name="n3")])

    def test_add_or_sub_and(self, left, right):
        assert names(left + right) == ["n1", "n2", "n3"]
        assert names(left | right) == ["n1", "n2", "n3"]
        assert names(left - right) == ["n1"]
        assert names(left & right) == ["n2"]

    def test_sum_of_pipelines(self, left, right):
        assert names(sum([left, right])) == ["n1", "n2", "n3"]

    def test_add_validates_the_union(self, left):
        clash = Pipeline([node(f, "x", "b", name="other")])
        with pytest.raises(OutputNotUniqueError):
            left + clash

    def test_same_name_different_node_is_a_duplicate(self, left):
        with pytest.raises(ValueError, match="appear more than once"):
            left + Pipeline([node(f, "z", "y", name="n1")])

    @pytest.mark.parametrize("op", ["__add__", "__sub__", "__and__", "__or__"])
    def test_foreign_types_are_not_implemented(self, left, op):
        assert getattr(left, op)(1) is NotImplemented
        with pytest.raises(TypeError):
            left + "not a pipeline"

    def test_tag(self, left):
        tagged = left.tag(["x", "y"])
        assert all(n.tags == {"x", "y"} for n in tagged.nodes)
        assert all(n.tags == set() for n in left.nodes)
        assert names(tagged) == names(left)
        assert names(tagged.only_nodes_with_tags("x")) == names(left)
        assert left.only_nodes_with_tags("x").nodes == []

    def test_constructor_tags(self):
        pipe = Pipeline([node(f, "a", "b", name="n", tags="old")], tags=["new"])
        assert pipe.nodes[0].tags == {"old", "new"}

    def test_nested_pipelines_are_flattened(self, left, right):
        pipe = Pipeline([left, node(f, "c", "z", name="n9")])
        assert names(pipe) == ["n1", "n2", "n9"]
        assert names(Pipeline(left)) == ["n1", "n2"]


class TestReports:
    def test_describe(self, diamond):
        assert diamond.describe() == (
            "#### Pipeline execution order ####\n"
            "Inputs: raw\n\n"
            "split\njoin_left\njoin_right\nfinal\n\n"
            "Outputs: out\n"
            "##################################"
        )
        assert "split: f([raw]) -> [c;e2]" in diamond.describe(names_only=False)

    def test_to_json(self, diamond):
        data = json.loads(diamond.tag("t").to_json())
        assert data["kedro_ipy_version"] == kedro_ipy.__version__
        # Kedro's key is there too, for code written against Kedro's JSON
        assert data["kedro_version"] == kedro_ipy.__version__
        assert data["pipeline"][0] == {
            "name": "split",
            "inputs": ["raw"],
            "outputs": ["c", "e2"],
            "tags": ["t"],
        }
        assert [n["name"] for n in data["pipeline"]] == names(diamond)

    def test_repr_lists_nodes(self, diamond):
        text = repr(diamond)
        assert text.startswith("Pipeline([\nNode(f, 'raw', ['c', 'e2'], 'split')")
        big = Pipeline([node(f, f"d{i}", f"d{i + 1}", name=f"n{i}") for i in range(12)])
        assert repr(big).endswith("...\n])")
        assert repr(Pipeline([])) == "Pipeline([])"

    def test_group_nodes_by_namespace(self):
        pipe = Pipeline(
            [
                node(f, "a", "b", name="x", namespace="prep.inner"),
                node(f, "b", "c", name="y", namespace="prep"),
                node(f, "c", "d", name="z"),
            ]
        )
        assert pipe.group_nodes_by("namespace") == [
            GroupedNodes("prep", "namespace", ["prep.inner.x", "prep.y"], []),
            GroupedNodes("z", "nodes", ["z"], ["prep"]),
        ]
        assert [g.name for g in pipe.group_nodes_by(None)] == ["prep.inner.x", "prep.y", "z"]
        assert pipe.group_nodes_by(None)[1].dependencies == ["prep.inner.x"]
        with pytest.raises(ValueError, match="Unsupported group_by strategy: bogus"):
            pipe.group_nodes_by("bogus")


def test_transcoding_helpers_importable_where_kedro_has_them():
    import sys

    module = sys.modules["kedro_ipy.pipeline.pipeline"]  # `pipeline` is also the function
    assert module._transcode_split("cars@pandas") == ("cars", "pandas")
    assert module._transcode_split("cars") == ("cars", "")
    assert module._strip_transcoding("cars@spark") == "cars"
    with pytest.raises(ValueError, match="Expected maximum 1 transcoding separator"):
        module._transcode_split("a@b@c")

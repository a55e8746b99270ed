"""Pipeline filters: selection rules, transcoding, unknown names and ``filter()``."""

from __future__ import annotations

import re

import pytest

from kedro_ipy.pipeline import Pipeline, UnknownNameError, node


def f(*args):
    return args


def names(pipe: Pipeline) -> set[str]:
    return {n.name for n in pipe.nodes}


@pytest.fixture
def pipe() -> Pipeline:
    """raw -> prep -> clean -> train -> model -> report, plus a side branch from clean."""
    return Pipeline(
        [
            node(f, "raw", "prepped", name="prep", tags=["etl"]),
            node(f, ["prepped", "params:drop"], "clean", name="clean_data", tags=["etl"]),
            node(f, ["clean", "params:alpha"], "model", name="train", tags=["ml"]),
            node(f, ["model", "clean"], "report", name="report", tags=["ml", "report"]),
            node(f, "clean", "stats", name="describe_data", tags="report"),
        ]
    )


@pytest.fixture
def spaced() -> Pipeline:
    return Pipeline(
        [
            node(f, "a", "b", name="one", namespace="eu"),
            node(f, "b", "c", name="two", namespace="eu.fr"),
            node(f, "c", "d", name="three", namespace="us"),
            node(f, "d", "e", name="four"),
        ]
    )


class TestSimpleFilters:
    def test_only_nodes(self, pipe):
        assert names(pipe.only_nodes("train", "prep")) == {"train", "prep"}

    def test_only_nodes_with_tags_any_of(self, pipe):
        assert names(pipe.only_nodes_with_tags("report")) == {"report", "describe_data"}
        assert names(pipe.only_nodes_with_tags("etl", "report")) == {
            "prep",
            "clean_data",
            "report",
            "describe_data",
        }
        assert pipe.only_nodes_with_tags().nodes == []
        assert pipe.only_nodes_with_tags("nothing").nodes == []

    def test_only_nodes_with_namespaces_includes_sub_namespaces(self, spaced):
        assert names(spaced.only_nodes_with_namespaces(["eu"])) == {"eu.one", "eu.fr.two"}
        assert names(spaced.only_nodes_with_namespaces(["eu.fr", "us"])) == {
            "eu.fr.two",
            "us.three",
        }
        assert names(spaced.only_nodes_with_namespaces("us")) == {"us.three"}

    def test_only_nodes_with_inputs_and_outputs(self, pipe):
        assert names(pipe.only_nodes_with_inputs("clean")) == {
            "train",
            "report",
            "describe_data",
        }
        assert names(pipe.only_nodes_with_outputs("model", "stats")) == {
            "train",
            "describe_data",
        }

    def test_params_are_datasets_for_filters(self, pipe):
        assert names(pipe.only_nodes_with_inputs("params:alpha")) == {"train"}


class TestGraphFilters:
    def test_from_nodes(self, pipe):
        assert names(pipe.from_nodes("train")) == {"train", "report"}
        assert names(pipe.from_nodes("clean_data")) == {
            "clean_data",
            "train",
            "report",
            "describe_data",
        }

    def test_to_nodes(self, pipe):
        assert names(pipe.to_nodes("train")) == {"prep", "clean_data", "train"}
        assert names(pipe.to_nodes("prep")) == {"prep"}

    def test_from_inputs(self, pipe):
        assert names(pipe.from_inputs("model")) == {"report"}
        assert names(pipe.from_inputs("params:drop")) == {
            "clean_data",
            "train",
            "report",
            "describe_data",
        }

    def test_to_outputs(self, pipe):
        assert names(pipe.to_outputs("model")) == {"prep", "clean_data", "train"}
        assert names(pipe.to_outputs("stats", "model")) == {
            "prep",
            "clean_data",
            "train",
            "describe_data",
        }

    def test_results_are_ordered_pipelines(self, pipe):
        assert [n.name for n in pipe.from_nodes("clean_data").nodes] == [
            "clean_data",
            "describe_data",
            "train",
            "report",
        ]


class TestTranscoding:
    @pytest.fixture
    def tpipe(self) -> Pipeline:
        return Pipeline(
            [
                node(f, "raw", "cars@pandas", name="write"),
                node(f, "cars@spark", "big", name="read_spark"),
                node(f, "cars@pandas", "small", name="read_pandas"),
                node(f, "big", "final", name="after_spark"),
            ]
        )

    def test_plain_name_matches_every_variant(self, tpipe):
        assert names(tpipe.only_nodes_with_inputs("cars")) == {"read_spark", "read_pandas"}
        assert names(tpipe.from_inputs("cars")) == {"read_spark", "read_pandas", "after_spark"}
        assert names(tpipe.to_outputs("cars")) == {"write"}

    def test_full_name_matches_only_itself(self, tpipe):
        assert names(tpipe.only_nodes_with_inputs("cars@spark")) == {"read_spark"}
        assert names(tpipe.from_inputs("cars@spark")) == {"read_spark", "after_spark"}
        assert names(tpipe.only_nodes_with_outputs("cars@pandas")) == {"write"}
        assert tpipe.only_nodes_with_outputs("cars@spark").nodes == []

    def test_unknown_transcoded_variant(self, tpipe):
        with pytest.raises(UnknownNameError, match=re.escape("['cars@polars']")):
            tpipe.from_inputs("cars@polars")

    def test_downstream_follows_the_base_name(self, tpipe):
        assert names(tpipe.from_nodes("write")) == {
            "write",
            "read_spark",
            "read_pandas",
            "after_spark",
        }
        assert names(tpipe.to_nodes("after_spark")) == {"write", "read_spark", "after_spark"}


class TestUnknownNames:
    def test_unknown_node_lists_names_and_close_matches(self, pipe):
        msg = "Pipeline does not contain nodes named ['trian']. Did you mean: ['train']?"
        with pytest.raises(UnknownNameError, match=re.escape(msg)) as info:
            pipe.only_nodes("trian")
        assert info.value.names == ["trian"]
        assert info.value.suggestions == ["train"]
        assert info.value.kind == "node"
        assert isinstance(info.value, ValueError)

    def test_unknown_node_suggests_namespaced_name(self, spaced):
        msg = "Pipeline does not contain nodes named ['two']. Did you mean: ['eu.fr.two']?"
        with pytest.raises(UnknownNameError, match=re.escape(msg)):
            spaced.from_nodes("two")

    def test_unknown_node_without_close_match(self, pipe):
        msg = "Pipeline does not contain nodes named ['zzzzzz']."
        with pytest.raises(UnknownNameError, match=re.escape(msg) + "$"):
            pipe.to_nodes("zzzzzz")

    def test_several_unknown_nodes(self, pipe):
        with pytest.raises(UnknownNameError, match=re.escape("['trian', 'prepp']")):
            pipe.only_nodes("trian", "prep", "prepp")

    def test_unknown_dataset(self, pipe):
        msg = "Pipeline does not contain datasets named ['modle']. Did you mean: ['model']?"
        with pytest.raises(UnknownNameError, match=re.escape(msg)):
            pipe.to_outputs("modle")
        for method in ("from_inputs", "only_nodes_with_inputs", "only_nodes_with_outputs"):
            with pytest.raises(UnknownNameError, match=re.escape("datasets named ['nope']")):
                getattr(pipe, method)("nope")

    def test_dataset_named_without_its_namespace_suggests_the_namespaced_one(self):
        from kedro_ipy.pipeline import pipeline

        # Short names: too far from 'eu.xy' for a spelling-based suggestion.
        reused = pipeline(Pipeline([node(f, "df", "xy", name="prep")]), namespace="eu")
        msg = "Pipeline does not contain datasets named ['xy']. Did you mean: ['eu.xy']?"
        with pytest.raises(UnknownNameError, match=re.escape(msg)) as info:
            reused.to_outputs("xy")
        assert info.value.suggestions == ["eu.xy"]

    def test_unknown_namespace(self, spaced):
        msg = "Pipeline does not contain nodes with the following namespaces: ['eu.de']"
        with pytest.raises(UnknownNameError, match=re.escape(msg)) as info:
            spaced.only_nodes_with_namespaces(["eu.de"])
        assert "eu.fr" in info.value.suggestions


class TestFilterMethod:
    def test_no_arguments_keeps_everything(self, pipe):
        assert names(pipe.filter()) == names(pipe)

    def test_intersection_independent_of_argument_order(self):
        pipe = Pipeline(
            [
                node(f, "A", "B", name="node1"),
                node(f, "B", "C", name="node2"),
                node(f, "C", "D", name="node3"),
            ]
        )
        # Chaining only_nodes then from_inputs would lose node3; filter() does not.
        assert names(pipe.filter(node_names=["node1", "node3"], from_inputs=["A"])) == {
            "node1",
            "node3",
        }

    def test_each_argument(self, pipe, spaced):
        assert names(pipe.filter(tags=["ml"], from_nodes=["clean_data"])) == {"train", "report"}
        assert names(pipe.filter(to_nodes=["report"], tags=["etl"])) == {"prep", "clean_data"}
        assert names(pipe.filter(from_inputs=["clean"], to_outputs=["report"])) == {
            "train",
            "report",
        }
        assert names(spaced.filter(node_namespaces=["eu"], from_nodes=["eu.fr.two"])) == {
            "eu.fr.two"
        }

    def test_empty_arguments_are_ignored(self, pipe):
        assert names(pipe.filter(tags=[], node_names=None, from_nodes=["train"])) == {
            "train",
            "report",
        }

    def test_empty_result(self, pipe):
        msg = "Pipeline contains no nodes after applying all provided filters."
        with pytest.raises(ValueError, match=re.escape(msg)):
            pipe.filter(tags=["etl"], from_nodes=["train"])

    def test_unknown_names_raise(self, pipe):
        with pytest.raises(UnknownNameError, match="does not contain nodes named"):
            pipe.filter(from_nodes=["nope"])
        with pytest.raises(UnknownNameError, match="does not contain datasets named"):
            pipe.filter(to_outputs=["nope"])

    def test_single_string_is_one_name(self, pipe):
        assert names(pipe.filter(node_names="train")) == {"train"}

    def test_filtered_pipeline_supports_further_filtering(self, pipe):
        sub = pipe.from_nodes("clean_data")
        assert names(sub.to_nodes("report")) == {"clean_data", "train", "report"}
        assert sub.inputs() == {"prepped", "params:drop", "params:alpha"}
        assert names(sub - sub.only_nodes("report")) == {"clean_data", "train", "describe_data"}


def test_unknown_name_error_survives_pickling(pipe):
    import pickle

    with pytest.raises(UnknownNameError) as info:
        pipe.only_nodes("trian")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (str(copy), copy.kind, copy.names, copy.suggestions) == (
        str(info.value),
        "node",
        ["trian"],
        ["train"],
    )

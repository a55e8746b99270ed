"""``pipeline()``: reusing nodes under a namespace, with renamed datasets and parameters."""

from __future__ import annotations

import re

import pytest

from kedro_ipy.pipeline import Pipeline, PipelineError, node, pipeline


def f(*args):
    return args


@pytest.fixture
def base() -> Pipeline:
    return Pipeline(
        [
            node(
                f,
                ["raw", "params:alpha", "parameters"],
                "mid@spark",
                name="first",
                confirms="raw",
            ),
            node(f, "mid@pandas", ["out", "side"], name="second", tags="t"),
        ]
    )


def io(pipe: Pipeline) -> list[tuple]:
    return [(n.name, n.inputs, n.outputs, n.namespace) for n in pipe.nodes]


class TestNamespace:
    def test_prefixes_datasets_params_and_nodes(self, base):
        assert io(pipeline(base, namespace="eu")) == [
            ("eu.first", ["eu.raw", "params:eu.alpha", "parameters"], ["eu.mid@spark"], "eu"),
            ("eu.second", ["eu.mid@pandas"], ["eu.out", "eu.side"], "eu"),
        ]

    def test_confirms_are_renamed_too(self, base):
        assert pipeline(base, namespace="eu").nodes[0].confirms == ["eu.raw"]

    def test_nested_namespaces(self, base):
        inner = pipeline(base, namespace="inner")
        outer = pipeline(inner, namespace="outer")
        assert outer.nodes[0].name == "outer.inner.first"
        assert outer.nodes[0].namespace == "outer.inner"
        assert outer.nodes[0].inputs[0] == "outer.inner.raw"

    def test_without_dataset_prefix(self, base):
        assert io(pipeline(base, namespace="eu", prefix_datasets_with_namespace=False)) == [
            ("eu.first", ["raw", "params:alpha", "parameters"], ["mid@spark"], "eu"),
            ("eu.second", ["mid@pandas"], ["out", "side"], "eu"),
        ]

    def test_tags_and_original_untouched(self, base):
        tagged = pipeline(base, namespace="eu", tags=["reuse"])
        assert all("reuse" in n.tags for n in tagged.nodes)
        assert base.nodes[0].name == "first"
        assert base.nodes[0].tags == set()

    def test_default_names_are_namespaced(self):
        reused = pipeline([node(f, "a", "b")], namespace="ns")
        assert re.fullmatch(r"ns\.f__[0-9a-f]{8}", reused.nodes[0].name)


class TestMapping:
    def test_kept_and_renamed_inputs_outputs(self, base):
        reused = pipeline(base, namespace="eu", inputs={"raw": "raw_eu"}, outputs={"out"})
        assert io(reused)[0][1] == ["raw_eu", "params:eu.alpha", "parameters"]
        assert io(reused)[1][2] == ["out", "eu.side"]

    def test_intermediate_output_can_be_exposed(self, base):
        reused = pipeline(base, namespace="eu", outputs={"mid": "shared"})
        # the mapping is given for the base name; each transcoding suffix follows it
        assert reused.nodes[0].outputs == ["shared@spark"]
        assert reused.nodes[1].inputs == ["shared@pandas"]

    def test_parameters_with_or_without_prefix(self, base):
        assert pipeline(base, parameters={"alpha": "beta"}).nodes[0].inputs[1] == "params:beta"
        assert (
            pipeline(base, namespace="eu", parameters={"params:alpha"}).nodes[0].inputs[1]
            == "params:alpha"
        )
        assert pipeline(base, namespace="eu", parameters="parameters").nodes[0].inputs[2] == (
            "parameters"
        )

    def test_string_and_set_forms(self, base):
        assert pipeline(base, namespace="eu", inputs="raw").nodes[0].inputs[0] == "raw"
        assert pipeline(base, namespace="eu", outputs={"out", "side"}).nodes[1].outputs == [
            "out",
            "side",
        ]

    def test_pipeline_constructor_accepts_the_same_arguments(self, base):
        assert io(Pipeline(base, namespace="eu")) == io(pipeline(base, namespace="eu"))

    def test_list_of_nodes_and_pipelines(self, base):
        extra = node(f, "out", "final", name="third")
        reused = pipeline([base, extra], namespace="x")
        assert [n.name for n in reused.nodes] == ["x.first", "x.second", "x.third"]


class TestErrors:
    def test_unknown_dataset(self, base):
        msg = (
            "Failed to map datasets and/or parameters onto the nodes provided: rwa does not "
            "exist in the pipeline. - did you mean one of these instead: raw"
        )
        with pytest.raises(PipelineError, match=re.escape(msg)):
            pipeline(base, inputs={"rwa": "x"})

    def test_several_unknown(self, base):
        msg = (
            "The following datasets and/or parameters do not exist in the pipeline: "
            "nope, params:nothing."
        )
        with pytest.raises(PipelineError, match=re.escape(msg)):
            pipeline(base, outputs={"nope"}, parameters={"nothing": "x"})

    def test_input_written_by_a_node(self, base):
        msg = "Inputs must not be outputs from another node in the same pipeline"
        with pytest.raises(PipelineError, match=re.escape(msg)):
            pipeline(base, inputs={"mid": "x"})

    def test_output_that_is_a_free_input(self, base):
        msg = "All outputs must be generated by some node within the pipeline"
        with pytest.raises(PipelineError, match=re.escape(msg)):
            pipeline(base, outputs={"raw": "x"})

    def test_parameter_given_as_input(self, base):
        msg = "Parameters should be specified in the 'parameters' argument"
        with pytest.raises(PipelineError, match=re.escape(msg)):
            pipeline(base, inputs={"params:alpha": "x"})

    def test_renaming_that_creates_duplicate_outputs(self, base):
        with pytest.raises(ValueError, match="duplicate output"):
            pipeline(base, outputs={"out": "same", "side": "same"})


def test_map_nodes_on_a_pipeline_returns_renamed_copies():
    # Kedro keeps this helper on Pipeline and its test suite calls it directly
    base = Pipeline([node(lambda x: x, "a", "b", name="n1")])
    copies = base._map_nodes(nodes=base, namespace="ds", inputs={"a": "raw"})
    assert [(n.name, n.namespace, n.inputs, n.outputs) for n in copies] == [
        ("ds.n1", "ds", ["raw"], ["ds.b"])
    ]
    assert base.nodes[0].name == "n1"  # the source pipeline is untouched

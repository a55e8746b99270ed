"""``RunRequest``: one value for a run, its ``%session_run`` line, and reading it back."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kedro_ipy.framework.session import RunRequest, RunRequestError
from kedro_ipy.framework.session.request import FILTERS


class TestNormalised:
    def test_one_spelling_for_the_defaults(self):
        assert RunRequest() == RunRequest(pipeline_names=None, runner="SequentialRunner")
        assert RunRequest() == RunRequest.from_run_kwargs(pipeline_name="__default__",
                                                          runner="sequential")
        assert RunRequest().pipeline_names == ("__default__",)
        assert RunRequest().runner is None
        assert str(RunRequest()) == "%session_run"

    def test_runner_names_become_aliases(self):
        assert RunRequest(runner="ThreadRunner").runner == "Thread"
        assert RunRequest(runner="parallel").runner == "Parallel"
        assert RunRequest(runner="my_pkg.runners.Fast").runner == "my_pkg.runners.Fast"

    def test_a_lone_string_is_one_name(self):
        assert RunRequest(tags="training").tags == ("training",)
        assert RunRequest.from_run_kwargs(node_names="a,b").node_names == ("a,b",)

    def test_is_frozen_including_its_mappings(self):
        request = RunRequest(params={"model": {"alpha": 1}}, load_versions={"m": "v1"})
        with pytest.raises(AttributeError):
            request.tags = ("x",)  # type: ignore[misc]
        with pytest.raises(TypeError):
            request.params["model"]["alpha"] = 2  # type: ignore[index]
        with pytest.raises(TypeError):
            request.load_versions["m"] = "v2"  # type: ignore[index]
        assert request.params_dict() == {"model": {"alpha": 1}}
        assert hash(request) == hash(RunRequest(params={"model": {"alpha": 1}},
                                                load_versions={"m": "v1"}))

    def test_keyword_form_pipeline_name_wins(self):
        request = RunRequest.from_run_kwargs("a", pipeline_names=["b", "c"])
        assert request.pipeline_names == ("a",)
        request = RunRequest.from_run_kwargs(pipeline_names=["b", "c"])
        assert request.pipeline_name == "b + c"
        assert str(request) == "%session_run b,c"

    def test_resume_keeps_the_narrowing_filters(self):
        request = RunRequest.parse("--tags training --from-inputs raw --to-nodes evaluate "
                                   "--runner Thread")
        assert str(request.resume_from(["train", "split"])) == (
            "%session_run --tags training --from-nodes train,split --to-nodes evaluate "
            "--runner Thread")


class TestLine:
    def test_every_option(self):
        request = RunRequest.parse(
            "%session_run a,b --tags t1, t2 --nodes n --from-nodes f --to-nodes t "
            "--from-inputs i --to-outputs o --namespaces ns1,ns2 --runner Thread "
            "--load-versions m:2026-01-01T00.00.00.000Z --params model.alpha=0.1,seed=3 "
            "--only-missing-outputs")
        assert request == RunRequest(
            pipeline_names=("a", "b"), tags=("t1", "t2"), node_names=("n",), from_nodes=("f",),
            to_nodes=("t",), from_inputs=("i",), to_outputs=("o",), namespaces=("ns1", "ns2"),
            runner="Thread", load_versions={"m": "2026-01-01T00.00.00.000Z"},
            params={"model": {"alpha": 0.1}, "seed": 3}, only_missing_outputs=True)
        assert str(request) == (
            "%session_run a,b --tags t1,t2 --nodes n --from-nodes f --to-nodes t "
            "--from-inputs i --to-outputs o --namespaces ns1,ns2 --runner Thread "
            "--load-versions m:2026-01-01T00.00.00.000Z --params model.alpha=0.1,seed=3 "
            "--only-missing-outputs")

    def test_text_that_looks_like_a_number_stays_text(self):
        request = RunRequest(params={"version": "1.0", "flag": "true", "pad": " x"})
        assert str(request) == "%session_run --params \"version='1.0',flag='true',pad=' x'\""
        assert RunRequest.parse(str(request)) == request

    def test_a_name_starting_with_a_dash_is_glued_to_its_option(self):
        request = RunRequest(tags=("-x",))
        assert str(request) == "%session_run --tags=-x"
        assert RunRequest.parse(str(request)) == request

    @pytest.mark.parametrize(("line", "start"), [
        ("--tag x", "unrecognized arguments: --tag"),
        ("--params alpha", "Invalid --params item 'alpha'"),
        ("--load-versions m", "Invalid --load-versions item 'm'"),
    ])
    def test_errors(self, line, start):
        with pytest.raises(RunRequestError, match="^" + start):
            RunRequest.parse(line)

    def test_record_round_trip(self):
        request = RunRequest.parse("a --tags t --runner Thread --params x.y=1 "
                                   "--load-versions m:v1 --namespaces n")
        assert RunRequest.from_record(request.to_record()) == request
        # records written before the request existed: class name of the runner, joined names
        old = {"pipeline_name": "a + b", "tags": ["t"], "runner": "ThreadRunner"}
        assert str(RunRequest.from_record(old)) == "%session_run a,b --tags t --runner Thread"


_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.:@0123456789 -'\"", min_size=1,
                max_size=12).map(str.strip).filter(lambda s: bool(s) and "," not in s)
_names = st.lists(_name, max_size=3, unique=True).map(tuple)
_key = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
_value = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
          | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not math.isinf(f))
          | st.text(alphabet="abc xyz019.-_:'", max_size=8).filter(lambda s: "," not in s))
_params = st.recursive(st.dictionaries(_key, _value, max_size=3),
                       lambda inner: st.dictionaries(_key, inner, min_size=1, max_size=2),
                       max_leaves=6)


@given(
    pipeline_names=st.lists(_name.filter(lambda s: not s.startswith("-")), max_size=2,
                            unique=True).map(tuple),
    filters=st.fixed_dictionaries({key: _names for key in FILTERS}),
    runner=st.none() | st.sampled_from(["Thread", "Parallel", "pkg.mod.MyRunner"]),
    load_versions=st.dictionaries(_name.filter(lambda s: ":" not in s and s[0] != "-"), _name,
                                  max_size=2),
    params=_params,
    only_missing_outputs=st.booleans(),
)
def test_round_trip_through_the_line(pipeline_names, filters, **fields):
    request = RunRequest(pipeline_names=pipeline_names, **filters, **fields)
    line = str(request)
    assert line.startswith("%session_run")
    assert RunRequest.parse(line) == request

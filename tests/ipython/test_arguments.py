"""Parsing magic lines: the objects, the round trip to a line, and the error messages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kedro_ipy.framework.session import RunRequest
from kedro_ipy.ipython._arguments import (
    CreateArguments,
    LoadNodeArguments,
    MagicArgumentError,
    RunArguments,
    _HelpRequested,
    magic_help,
    parse_no_arguments,
)


class TestRunArguments:
    def test_every_option(self):
        args = RunArguments.parse(
            "data_science --tags a,b --tags c --nodes n1 --from-nodes f1,f2 --to-nodes t1 "
            "--from-inputs raw --to-outputs params:model.alpha --namespaces ns --runner Thread "
            "--load-versions model:2026-01-01T00.00.00.000Z,report:v2 --params model.alpha=0.1 "
            "--only-missing-outputs --as result"
        )
        assert args == RunArguments(RunRequest(
            pipeline_names=("data_science",), tags=("a", "b", "c"), node_names=("n1",),
            from_nodes=("f1", "f2"), to_nodes=("t1",), from_inputs=("raw",),
            to_outputs=("params:model.alpha",), namespaces=("ns",), runner="Thread",
            load_versions={"model": "2026-01-01T00.00.00.000Z", "report": "v2"},
            params={"model": {"alpha": 0.1}}, only_missing_outputs=True,
        ), as_name="result")

    def test_empty_line_is_the_default_run(self):
        assert RunArguments.parse("") == RunArguments()
        assert RunArguments().to_magic_line() == "%session_run"
        assert RunArguments().request.pipeline_names == ("__default__",)

    def test_equals_form_spaces_after_commas_and_duplicates(self):
        args = RunArguments.parse("--tags=a,b --tags ' b, c ,'")
        assert args.request.tags == ("a", "b", "c")

    def test_a_space_after_a_comma_continues_the_list(self):
        # what people type: "--tags training, evaluation" means both tags
        args = RunArguments.parse("--tags training, evaluation --nodes a ,b")
        assert args.request.tags == ("training", "evaluation")
        assert args.request.node_names == ("a", "b")

    def test_magic_line_quotes_what_the_shell_would_split(self):
        args = RunArguments(RunRequest(node_names=("my node",)))
        assert args.to_magic_line() == "%session_run --nodes 'my node'"
        assert RunArguments.parse(args.to_magic_line().removeprefix("%session_run")) == args

    def test_default_runner_is_left_out_of_the_line(self):
        assert RunArguments.parse("x --runner SequentialRunner").to_magic_line() \
            == "%session_run x"
        assert RunArguments.parse("--runner thread").request.runner == "Thread"

    @pytest.mark.parametrize(("line", "message"), [
        ("--tag x", "unrecognized argument --tag (did you mean --tags?)"),
        ("--tag=x", "unrecognized argument --tag (did you mean --tags?)"),
        ("--from-node a", "unrecognized argument --from-node (did you mean --from-nodes?)"),
        ("--quiet", "unrecognized argument --quiet"),
        # kedro run habits: point at the magic that takes them, not at a look-alike option
        ("--env=prod", "unrecognized argument --env: the environment is fixed when the "
                       "session is created: %session_create --env ENV"),
        ("--tags a b c", "unexpected argument 'c': list values are separated by commas, not "
                       "spaces (for example --tags a,b)"),
        ("--tags", "argument --tags: expected one argument"),
        ("--load-versions model", "Invalid --load-versions item 'model': expected "
                                  "dataset:version, e.g. model:2026-01-01T00.00.00.000Z."),
        ("--params alpha", "Invalid --params item 'alpha': expected key=value, e.g. "
                           "model.alpha=0.1."),
        ("--as 2x", "--as expects a Python variable name, got '2x'"),
        ("--as class", "--as expects a Python variable name, got 'class'"),
        ("--nodes 'a", "cannot split the line: No closing quotation"),
    ])
    def test_errors_are_one_line_then_the_usage(self, line, message):
        with pytest.raises(MagicArgumentError) as info:
            RunArguments.parse(line)
        assert info.value.message == message
        assert str(info.value).startswith(
            message + "\nusage: %session_run [PIPELINE] [--tags TAG,...]")

    def test_help(self):
        with pytest.raises(_HelpRequested, match=r"^usage: %session_run"):
            RunArguments.parse("--tags a -h")
        help_text = magic_help("session_run")
        for option in ("--load-versions DATASET:VERSION,...", "--namespaces NAMESPACE,...",
                       "--params KEY=VALUE,...", "--only-missing-outputs"):
            assert option in help_text


@given(request=st.from_type(type(None)).flatmap(lambda _: st.just(RunRequest()))
       | st.builds(RunRequest, tags=st.lists(st.sampled_from(["a", "b c", "x:y"]),
                                             max_size=2).map(tuple)),
       as_name=st.sampled_from(["outputs", "result", "_x2"]))
def test_run_arguments_round_trip_through_the_magic_line(request, as_name):
    args = RunArguments(request, as_name)
    line = args.to_magic_line()
    assert line.startswith("%session_run")
    assert RunArguments.parse(line.removeprefix("%session_run")) == args


class TestCreateArguments:
    def test_every_option_and_round_trip(self):
        args = CreateArguments.parse(
            "'../my project' --env test --params model.alpha=0.1,model.n=3,name=abc,on=true "
            "--package-name my_pkg --no-save-on-close --panel"
        )
        assert args == CreateArguments(
            project_path="../my project", env="test",
            params={"model": {"alpha": 0.1, "n": 3}, "name": "abc", "on": True},
            package_name="my_pkg", save_on_close=False, panel=True,
        )
        assert args.to_magic_line() == (
            "%session_create '../my project' --env test --params "
            "model.alpha=0.1,model.n=3,name=abc,on=true --package-name my_pkg "
            "--no-save-on-close --panel"
        )
        assert CreateArguments.parse(args.to_magic_line().removeprefix("%session_create")) \
            == args

    def test_defaults(self):
        assert CreateArguments.parse("") == CreateArguments(save_on_close=True)

    @pytest.mark.parametrize(("line", "message"), [
        ("--params alpha", "Invalid --params item 'alpha': expected key=value, e.g. "
                           "model.alpha=0.1.\nusage: %session_create"),
        ("--params =3", "Invalid --params item '=3': the key is empty; expected key=value, "
                        "e.g. model.alpha=0.1.\nusage: %session_create"),
        ("--environment x", "unrecognized argument --environment (did you mean --env?)"),
        ("a b", "unexpected argument 'b'"),
    ])
    def test_errors(self, line, message):
        with pytest.raises(MagicArgumentError, match="^" + re.escape(message)):
            CreateArguments.parse(line)


class TestOthers:
    def test_load_node(self):
        assert LoadNodeArguments.parse("train --no-source") == LoadNodeArguments("train", False)
        with pytest.raises(MagicArgumentError, match=r"^the following arguments are required"):
            LoadNodeArguments.parse("")

    def test_no_arguments(self):
        parse_no_arguments("%session_info", "  ")
        with pytest.raises(MagicArgumentError, match=r"^%session_info takes no arguments"):
            parse_no_arguments("%session_info", "x")

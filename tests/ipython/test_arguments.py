"""Parsing magic lines: the objects, the round trip to a line, and the error messages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
            "--from-inputs raw --to-outputs params:model.alpha --runner Thread "
            "--load-versions model:2026-01-01T00.00.00.000Z,report:v2 --as result"
        )
        assert args == RunArguments(
            pipeline="data_science", tags=("a", "b", "c"), node_names=("n1",),
            from_nodes=("f1", "f2"), to_nodes=("t1",), from_inputs=("raw",),
            to_outputs=("params:model.alpha",), runner="Thread",
            load_versions={"model": "2026-01-01T00.00.00.000Z", "report": "v2"},
            as_name="result",
        )

    def test_empty_line_is_the_default_run(self):
        assert RunArguments.parse("") == RunArguments()
        assert RunArguments().to_magic_line() == "%session_run"

    def test_equals_form_spaces_after_commas_and_duplicates(self):
        args = RunArguments.parse("--tags=a,b --tags ' b, c ,'")
        assert args.tags == ("a", "b", "c")

    def test_to_run_kwargs_match_the_seed_signature(self):
        kwargs = RunArguments.parse("p --tags a --load-versions d:1").to_run_kwargs()
        assert kwargs == {
            "pipeline_name": "p", "tags": ["a"], "runner": None, "node_names": None,
            "from_nodes": None, "to_nodes": None, "from_inputs": None, "to_outputs": None,
            "load_versions": {"d": "1"},
        }

    def test_magic_line_quotes_what_the_shell_would_split(self):
        args = RunArguments(node_names=("my node",))
        assert args.to_magic_line() == "%session_run --nodes 'my node'"
        assert RunArguments.parse(args.to_magic_line().removeprefix("%session_run")) == args

    def test_from_run_record_and_resume(self):
        record = {
            "pipeline_name": "__default__", "tags": ["training"], "node_names": None,
            "from_nodes": None, "to_nodes": ["evaluate"], "from_inputs": ["raw"],
            "to_outputs": None, "load_versions": None, "runner": "ThreadRunner",
        }
        args = RunArguments.from_run_record(record)
        assert args.to_magic_line() == \
            "%session_run --tags training --to-nodes evaluate --from-inputs raw --runner Thread"
        assert args.resume_from(["train", "split"]).to_magic_line() == (
            "%session_run --tags training --from-nodes train,split --to-nodes evaluate "
            "--runner Thread"
        )

    def test_default_runner_is_left_out_of_suggested_lines(self):
        record = {"pipeline_name": "x", "runner": "SequentialRunner"}
        assert RunArguments.from_run_record(record).to_magic_line() == "%session_run x"
        record = {"pipeline_name": "x", "runner": "my_pkg.runners.FastRunner"}
        assert RunArguments.from_run_record(record).runner == "my_pkg.runners.FastRunner"

    @pytest.mark.parametrize(("line", "message"), [
        ("--tag x", "unrecognized argument --tag (did you mean --tags?)"),
        ("--tag=x", "unrecognized argument --tag (did you mean --tags?)"),
        ("--from-node a", "unrecognized argument --from-node (did you mean --from-nodes?)"),
        ("--quiet", "unrecognized argument --quiet"),
        # kedro run habits: point at the magic that takes them, not at a look-alike option
        ("--params model.alpha=2", "unrecognized argument --params: parameters are fixed when "
                                   "the session is created: %session_create --params "
                                   "model.alpha=0.1"),
        ("--env=prod", "unrecognized argument --env: the environment is fixed when the "
                       "session is created: %session_create --env ENV"),
        ("--tags a b c", "unexpected argument 'c': list values are separated by commas, not "
                       "spaces (for example --tags a,b)"),
        ("--tags", "argument --tags: expected one argument"),
        ("--load-versions model", "Invalid --load-versions item 'model': expected "
                                  "dataset:version, e.g. model:2026-01-01T00.00.00.000Z."),
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
        assert "--load-versions DATASET:VERSION,..." in magic_help("session_run")


_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.:@0123456789 ", min_size=1,
                max_size=12).map(str.strip).filter(lambda s: s and "," not in s)
_names = st.lists(_name, max_size=3, unique=True).map(tuple)


@given(
    pipeline=st.none() | _name.filter(lambda s: not s.startswith("-")),
    tags=_names, node_names=_names, from_nodes=_names, to_nodes=_names, from_inputs=_names,
    to_outputs=_names,
    runner=st.none() | st.sampled_from(["Thread", "Parallel", "pkg.mod.MyRunner"]),
    load_versions=st.dictionaries(_name.filter(lambda s: ":" not in s), _name, max_size=2),
    as_name=st.sampled_from(["outputs", "result", "_x2"]),
)
def test_run_arguments_round_trip_through_the_magic_line(**fields):
    args = RunArguments(**fields)
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

    def test_runner_errors_come_from_to_run_kwargs_without_usage(self):
        # Resolved when the run starts (a dotted path may need the project's code).
        args = RunArguments.parse("--runner Paralel")
        with pytest.raises(MagicArgumentError) as info:
            args.to_run_kwargs()
        assert info.value.usage == ""
        assert info.value.message.startswith("Unknown runner 'Paralel'. Use one of: ")
        assert info.value.message.endswith("Did you mean 'Parallel'?")
        assert type(RunArguments.parse("--runner thread").to_run_kwargs()["runner"]).__name__ \
            == "ThreadRunner"

"""The run-option readers shared by ``kedro-ipy run`` and the magics (one place for their tests).

What each front door adds (its error type, its usage line) is tested with the front door:
tests/framework/cli/test_cli.py and tests/ipython/test_arguments.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kedro_ipy.framework.session import KedroSessionError
from kedro_ipy.framework.session._options import (
    RUNNER_ALIASES,
    RunOptionError,
    params_to_items,
    parse_load_versions,
    parse_params,
    resolve_runner,
    runner_alias,
    split_items,
)
from kedro_ipy.framework.session._runners import check_runner
from kedro_ipy.runner import DaskRunner, ParallelRunner, SequentialRunner, ThreadRunner

_RUNNER_HELP = ("Use one of: Sequential, Thread, Parallel, Dask (any case, 'Runner' suffix "
                "optional), dask://HOST:PORT for a Dask scheduler, or a dotted path to a runner "
                "class such as my_package.runners.MyRunner.")


class TestSplitItems:
    def test_commas_and_repeats_keep_the_first_order(self) -> None:
        assert split_items(["a,b", " b , c,", "", "a"]) == ["a", "b", "c"]

    def test_one_string_and_nothing(self) -> None:
        assert split_items("x, y") == ["x", "y"]
        assert split_items(None) == []
        assert split_items([",", " "]) == []


class TestParams:
    def test_dotted_keys_nest_and_values_are_yaml_scalars(self) -> None:
        assert parse_params(["model.alpha=0.1,model.n=3", "flag=true", "name=x=y",
                             "empty=", "none=null", " spaced = v "]) == {
            "model": {"alpha": 0.1, "n": 3}, "flag": True, "name": "x=y", "empty": None,
            "none": None, "spaced": "v"}

    def test_non_scalars_stay_the_text_typed(self) -> None:
        assert parse_params(["day=2026-01-01,lags=[1],bad=: x"]) == {
            "day": "2026-01-01", "lags": "[1]", "bad": ": x"}

    def test_later_items_win(self) -> None:
        assert parse_params(["model=5,model.alpha=1"]) == {"model": {"alpha": 1}}
        assert parse_params(["model.alpha=1", "model=5"]) == {"model": 5}
        assert parse_params(None) == {}

    @pytest.mark.parametrize(("item", "problem"), [
        ("alpha", "expected key=value, e.g. model.alpha=0.1."),
        ("=1", "the key is empty; expected key=value, e.g. model.alpha=0.1."),
        ("model..alpha=1", "the dotted key 'model..alpha' has an empty part; expected "
                           "key=value, e.g. model.alpha=0.1."),
    ])
    def test_bad_items_are_named(self, item: str, problem: str) -> None:
        with pytest.raises(RunOptionError) as info:
            parse_params([f"ok=1,{item}"])
        assert str(info.value) == f"Invalid --params item '{item}': {problem}"

    def test_items_read_back(self) -> None:
        params = {"model": {"alpha": 0.1, "n": 3}, "on": True, "off": None, "name": "abc"}
        assert params_to_items(params) == [
            "model.alpha=0.1", "model.n=3", "on=true", "off=null", "name=abc"]
        assert parse_params(params_to_items(params)) == params


_key = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
_scalar = (st.integers(-10**6, 10**6) | st.booleans() | st.none()
           | st.from_regex(r"[a-z][a-z_]{0,6}", fullmatch=True).filter(
               lambda s: s not in {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}))
_params = st.recursive(_scalar, lambda children: st.dictionaries(_key, children, min_size=1),
                       max_leaves=6)


@given(st.dictionaries(_key, _params, max_size=4))
def test_params_round_trip_through_items(params: dict) -> None:
    assert parse_params(params_to_items(params)) == params


class TestLoadVersions:
    def test_items(self) -> None:
        assert parse_load_versions(["m:2026-01-01T00.00.00.000Z,r: v2", "s:a:b"]) == {
            "m": "2026-01-01T00.00.00.000Z", "r": "v2", "s": "a:b"}
        assert parse_load_versions(None) == {}

    @pytest.mark.parametrize("item", ["model", ":v1", "model:"])
    def test_bad_items_are_named(self, item: str) -> None:
        with pytest.raises(RunOptionError) as info:
            parse_load_versions([item])
        assert str(info.value) == (f"Invalid --load-versions item '{item}': expected "
                                   "dataset:version, e.g. model:2026-01-01T00.00.00.000Z.")


class TestResolveRunner:
    @pytest.mark.parametrize(("name", "expected"), [
        ("Sequential", SequentialRunner), ("sequential", SequentialRunner),
        ("THREAD", ThreadRunner), ("ThreadRunner", ThreadRunner),
        ("parallelrunner", ParallelRunner), (" Parallel ", ParallelRunner),
        ("kedro_ipy.runner.ThreadRunner", ThreadRunner), ("dask", DaskRunner),
        ("DaskRunner", DaskRunner),
    ])
    def test_aliases_and_paths(self, name: str, expected: type) -> None:
        assert resolve_runner(name) is expected

    @pytest.mark.parametrize(("name", "message"), [
        ("Paralel", f"Unknown runner 'Paralel'. {_RUNNER_HELP} Did you mean 'Parallel'?"),
        ("sequentalrunner",
         f"Unknown runner 'sequentalrunner'. {_RUNNER_HELP} Did you mean 'Sequential'?"),
        ("Fast", f"Unknown runner 'Fast'. {_RUNNER_HELP}"),
        ("nope.Runner", "Cannot import runner 'nope.Runner': No module named 'nope'"),
        ("os.nope", "Cannot import runner 'os.nope': module 'os' has no attribute 'nope'"),
        ("os.sep", "Runner 'os.sep' is not a runner class: expected a class with a run "
                   "method, got str."),
        ("collections.OrderedDict", "Runner 'collections.OrderedDict' is not a runner class: "
         "expected a class with a run method, got the class OrderedDict."),
        ("Dusk", f"Unknown runner 'Dusk'. {_RUNNER_HELP} Did you mean 'Dask'?"),
        ("dask://localhost", "Invalid Dask scheduler address 'dask://localhost': expected "
         "dask://HOST:PORT, e.g. dask://127.0.0.1:8786."),
    ])
    def test_errors(self, name: str, message: str) -> None:
        with pytest.raises(RunOptionError, match=f"^{re.escape(message)}$"):
            resolve_runner(name)

    def test_a_dask_address_gives_a_dask_runner_on_that_scheduler(self) -> None:
        runner = check_runner("dask://10.0.0.5:8786")
        assert repr(runner) == "DaskRunner(address='tcp://10.0.0.5:8786')"
        # and the option shown back to the user (resume lines, run records) is the same
        assert runner_alias(runner) == "dask://10.0.0.5:8786"
        assert runner_alias(DaskRunner()) == "Dask"
        assert runner_alias("dask://10.0.0.5:8786") == "dask://10.0.0.5:8786"

    def test_the_session_takes_names_and_reports_with_its_own_error(self) -> None:
        assert type(check_runner("thread")) is ThreadRunner
        with pytest.raises(KedroSessionError, match=r"^Unknown runner 'Paralel'\..*'Parallel'"):
            check_runner("Paralel")


class _OwnRunner:
    def run(self) -> None:  # pragma: no cover - never run
        pass


class TestRunnerAlias:
    @pytest.mark.parametrize(("runner", "alias"), [
        (None, None), ("", None),
        (SequentialRunner, None), (SequentialRunner(), None), ("SequentialRunner", None),
        ("sequential", None),
        (ThreadRunner(), "Thread"), ("ThreadRunner", "Thread"), ("thread", "Thread"),
        ("kedro_ipy.runner.ParallelRunner", "Parallel"), (ParallelRunner, "Parallel"),
        ("my_pkg.runners.ThreadRunner", "my_pkg.runners.ThreadRunner"),
        ("FastRunner", "FastRunner"),
        (_OwnRunner, f"{__name__}._OwnRunner"),
    ])
    def test_alias(self, runner: object, alias: str | None) -> None:
        assert runner_alias(runner) == alias

    @pytest.mark.parametrize("alias", list(RUNNER_ALIASES))
    def test_round_trip(self, alias: str) -> None:
        back = runner_alias(resolve_runner(alias))
        assert resolve_runner(back or "Sequential") is resolve_runner(alias)


def test_importing_the_readers_is_cheap() -> None:
    code = ("import json, sys; import kedro_ipy.framework.session._options; "
            "print(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    loaded = json.loads(proc.stdout)
    assert [m for m in loaded if m == "yaml" or m.startswith("kedro_ipy.runner")] == []

"""The magics over a fake session: namespace, printed text, errors, resume lines."""

from __future__ import annotations

import re

import pytest
from IPython.core.error import UsageError

from kedro_ipy.ipython.magics import NodeRunError


def run(ip, line: str):
    magic, _, rest = line.lstrip("%").partition(" ")
    return ip.run_line_magic(magic, rest)


class TestCreate:
    def test_pushes_the_session_variables_and_prints_a_summary(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        out = capsys.readouterr().out
        session = fake_project.sessions.created[-1]
        assert ip.user_ns["session"] is session
        assert ip.user_ns["catalog"] is session.catalog
        assert ip.user_ns["params"] == {"alpha": 1}
        assert ip.user_ns["pipelines"] is fake_project.pipelines
        assert out.splitlines() == [
            f"Session {session.session_id} on 'fake' (env: local)",
            "pipelines: __default__ (3 nodes), prep (1)",
            "datasets: 2 in catalog · variables: session, context, catalog, params, pipelines",
        ]

    def test_passes_env_and_params_and_closes_the_previous_session(self, ip, fake_project):
        run(ip, "%session_create")
        run(ip, f"%session_create {fake_project.path} --env test --params alpha=3,x.y=true")
        first, second = fake_project.sessions.created
        assert first.closed and not second.closed
        assert second.env == "test"
        assert ip.user_ns["params"] == {"alpha": 3, "x": {"y": True}}

    def test_missing_folder_is_a_usage_error(self, ip, fake_project, tmp_path):
        with pytest.raises(UsageError, match="Project folder 'nowhere' does not exist"):
            run(ip, "%session_create nowhere")

    def test_bad_option_names_the_closest_one(self, ip, fake_project):
        with pytest.raises(UsageError, match=re.escape(
                "unrecognized argument --evn (did you mean --env?)")):
            run(ip, "%session_create --evn test")


class TestRun:
    def test_without_a_session_explains_what_to_do(self, ip, fake_project):
        with pytest.raises(UsageError, match=r"no session is open\. Create one with"):
            run(ip, "%session_run")

    def test_runs_again_and_again_and_publishes_outputs(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        run(ip, "%session_run")
        assert ip.user_ns["outputs"] == {"checked": 12}
        run(ip, "%session_run prep --as prepared")
        assert ip.user_ns["prepared"] == {"doubled": [2, 4, 6]}
        out = capsys.readouterr().out
        assert "████████████████████ 3/3 nodes · 0.01 s" in out
        assert "outputs: 1 output\n  checked  int: 12" in out
        assert "prepared: 1 output\n  doubled  list: [2, 4, 6]" in out
        assert len(ip.user_ns["session"].store["runs"]) == 2

    def test_filters_reach_session_run(self, ip, fake_project):
        run(ip, "%session_create")
        run(ip, "%session_run --tags model,report --from-nodes check_sum "
            "--runner tests.ipython.fakes.FakeRunner")
        record = ip.user_ns["session"].store["runs"][-1]
        assert record["tags"] == ["model", "report"]
        assert record["from_nodes"] == ["check_sum"]
        assert record["nodes_done"] == ["check_sum"]
        assert record["runner"] == "FakeRunner"

    # Names are checked by the session (see tests/ipython/test_example_project.py); a runner
    # name by the session's runner check, whatever the session.
    @pytest.mark.parametrize(("line", "message"), [
        ("--runner Sequental", "Unknown runner 'Sequental'. Use one of: Sequential, Thread, "
                               "Parallel, Dask (any case, 'Runner' suffix optional), "
                               "dask://HOST:PORT for a Dask scheduler, or a dotted path to a "
                               "runner class such as my_package.runners.MyRunner. Did you mean "
                               "'Sequential'?"),
    ])
    def test_unknown_names_are_usage_errors_with_the_closest_match(
            self, ip, fake_project, line, message):
        run(ip, "%session_create")
        with pytest.raises(UsageError, match=re.escape(message) + "$"):
            run(ip, f"%session_run {line}")
        assert ip.user_ns["session"].store["runs"] == []

    def test_parse_error_shows_one_line_and_the_usage(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        result = ip.run_cell("%session_run --tag x")
        assert isinstance(result.error_in_exec, UsageError)
        text = capsys.readouterr()
        shown = text.out + text.err
        assert "UsageError: unrecognized argument --tag (did you mean --tags?)\n" \
               "usage: %session_run [PIPELINE] [--tags TAG,...]" in shown
        assert "Traceback" not in shown

    def test_failing_node_reports_compactly_with_a_resume_line(self, ip, fake_project, capsys):
        run(ip, "%session_create --params alpha=100")
        capsys.readouterr()
        result = ip.run_cell("%session_run --tags model,prep --as res")
        assert isinstance(result.error_in_exec, NodeRunError)
        assert isinstance(result.error_in_exec.original, ValueError)
        shown = capsys.readouterr().out
        lines = shown.splitlines()
        assert lines[0] == "✗ node 'check_sum' failed: ValueError: value too large: 1200"
        assert re.search(r"fakes.py:\d+ in check: raise ValueError", shown)
        assert "  2 of 3 nodes finished. Resume without recomputing persisted data:\n" \
               "  %session_run --tags model,prep --from-nodes check_sum --as res\n" in shown
        assert "Traceback" not in shown
        assert "res" not in ip.user_ns
        # The session stays usable.
        ip.user_ns["catalog"].save("summed", 5)
        run(ip, "%session_run --from-nodes check_sum --as res")
        assert ip.user_ns["res"] == {"checked": 5}

    def test_interrupted_run_reports_and_offers_the_resume_line(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        ip.user_ns["catalog"].save("summed", 99)
        capsys.readouterr()
        result = ip.run_cell("%session_run --from-nodes check_sum")
        assert isinstance(result.error_in_exec, NodeRunError)
        assert capsys.readouterr().out.splitlines() == [
            "✗ run interrupted during node 'check_sum'",
            "  0 of 1 nodes finished.",
            "  (%debug opens the debugger where it failed)",
        ]

    def test_help_is_printed_for_dash_h_and_is_the_docstring(self, ip, fake_project, capsys):
        run(ip, "%session_run -h")
        assert capsys.readouterr().out.startswith("usage: %session_run [PIPELINE]")
        capsys.readouterr()
        ip.run_line_magic("pinfo", "%session_run")
        shown = capsys.readouterr().out
        assert "--from-inputs DATASET,..." in shown
        assert "Every filter of KedroSession.run is available" in shown


class TestInfoCloseLoadNode:
    def test_info_lists_runs_with_status(self, ip, fake_project, capsys):
        run(ip, "%session_create --params alpha=100")
        run(ip, "%session_run prep")
        ip.run_cell("%session_run")
        capsys.readouterr()
        run(ip, "%session_info")
        out = capsys.readouterr().out.splitlines()
        session = ip.user_ns["session"]
        assert out[0] == f"Session {session.session_id} on 'fake' (env: local)"
        assert out[2] == "runs: 2"
        assert out[3].split() == ["1", "✓", "success", "1/1", "nodes", "0.01", "s", "prep"]
        assert out[4].split() == ["2", "✗", "failed", "2/3", "nodes", "0.01", "s",
                                  "(default", "pipeline)", "[check_sum:", "ValueError]"]

    def test_close_then_run_asks_for_a_session(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        session = ip.user_ns["session"]
        run(ip, "%session_close")
        assert session.closed
        assert capsys.readouterr().out.endswith(f"Session {session.session_id} closed.\n")
        with pytest.raises(UsageError, match="no session is open"):
            run(ip, "%session_run")
        run(ip, "%session_close")
        assert capsys.readouterr().out == "No session is open.\n"

    def test_magics_without_arguments_reject_them(self, ip, fake_project):
        with pytest.raises(UsageError, match="%session_info takes no arguments, got 'now'"):
            run(ip, "%session_info now")

    def test_load_node_loads_inputs_and_shows_the_source(self, ip, fake_project, capsys):
        run(ip, "%session_create")
        run(ip, "%session_run")
        capsys.readouterr()
        run(ip, "%load_node sum_numbers")
        out = capsys.readouterr().out
        assert ip.user_ns["params_alpha"] == 1
        assert ip.user_ns["doubled"] == [2, 4, 6]  # in memory during a run: computed
        assert "Inputs of node 'sum_numbers' loaded into variables:\n" \
               "  doubled      <- doubled (list, computed by %session_run --to-outputs doubled)\n" \
               "  params_alpha <- params:alpha (int)\n" \
               "Call it: total(doubled, params_alpha)\n" in out
        assert "def total(numbers: list[int], alpha: int) -> int:" in out

    def test_load_node_unknown_name(self, ip, fake_project):
        run(ip, "%session_create")
        with pytest.raises(UsageError, match=re.escape(
                "Node 'check_sun' not found in the registered pipelines. "
                "Did you mean 'check_sum'?")):
            run(ip, "%load_node check_sun")


class TestCompletion:
    def complete(self, ip, line: str) -> list[str]:
        from kedro_ipy.ipython.testing import TestingShell

        return TestingShell(ip).complete(line)

    def test_pipeline_names_and_options(self, ip, fake_project):
        run(ip, "%session_create")
        assert self.complete(ip, "%session_run pr") == ["prep"]
        assert self.complete(ip, "%session_run --from-") == ["--from-nodes", "--from-inputs"]

    def test_node_tag_and_dataset_values_including_comma_lists(self, ip, fake_project):
        run(ip, "%session_create")
        assert self.complete(ip, "%session_run --nodes ") == [
            "double_numbers", "sum_numbers", "check_sum"]
        assert self.complete(ip, "%session_run --from-nodes=double_numbers,s") == ["sum_numbers"]
        assert self.complete(ip, "%session_run prep --tags ") == ["prep"]
        assert self.complete(ip, "%session_run --to-outputs params:") == ["params:alpha"]
        assert self.complete(ip, "%session_run --load-versions r") == ["raw:"]
        assert self.complete(ip, "%session_run --runner Th") == ["Thread"]
        assert self.complete(ip, "%load_node check") == ["check_sum"]

    def test_without_a_session_only_options(self, ip, fake_project):
        assert self.complete(ip, "%session_run --ta") == ["--tags"]
        # Nothing of ours to offer, so IPython's own matchers answer instead.
        assert "double_numbers" not in self.complete(ip, "%session_run --nodes ")


class TestExtension:
    def test_unload_removes_magics_and_closes_the_session(self, ipython, fake_project, capsys):
        ipython.run_line_magic("load_ext", "kedro_ipy")
        ipython.run_line_magic("session_create", "")
        session = ipython.user_ns["session"]
        capsys.readouterr()
        ipython.run_line_magic("unload_ext", "kedro_ipy")
        assert session.closed
        # `session` is still in the namespace: say that it is closed and what to do.
        assert capsys.readouterr().out == (
            f"kedro_ipy unloaded: session {session.session_id} closed "
            "(%session_create opens a new one).\n")
        assert ipython.find_line_magic("session_run") is None
        ipython.run_line_magic("load_ext", "kedro_ipy")
        assert ipython.find_line_magic("session_run") is not None
        assert ipython.run_line_magic("reload_ext", "kedro_ipy") is None
        assert ipython.find_line_magic("session_create") is not None
        ipython.run_line_magic("unload_ext", "kedro_ipy")

    def test_panel_is_a_clear_error_without_a_session(self, ip, fake_project):
        with pytest.raises(UsageError, match="Cannot run %session_panel because no session"):
            run(ip, "%session_panel")

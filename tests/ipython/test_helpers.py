"""Pure helpers of the extension: completion logic, display text, variable names, reloading."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from kedro_ipy.ipython import _display
from kedro_ipy.ipython._namespace import dataset_variable_name, dataset_variable_names
from kedro_ipy.ipython._reload import ProjectReloader
from kedro_ipy.ipython.completion import SessionNames, complete_line
from tests.ipython import fakes


@pytest.fixture
def names() -> SessionNames:
    catalog = fakes.FakeCatalog({"raw": 1, "summed": 2, "parameters": {}, "params:alpha": 1})
    return SessionNames(
        get_pipelines=fakes.fake_pipelines,
        get_catalog=lambda: catalog,
        get_params=lambda: {"alpha": 1, "model": {"depth": 3}},
    )


class TestCompleteLine:
    @pytest.mark.parametrize(("text", "expected"), [
        ("%session_run ", ("", ["__default__", "prep"])),
        ("session_run p", ("p", ["prep"])),
        ("%session_run prep ", ("", [])),
        ("%session_run --to", ("--to", ["--to-nodes", "--to-outputs"])),
        ("%session_run --nodes double_numbers,", ("", ["sum_numbers", "check_sum"])),
        ("%session_run prep --nodes ", ("", ["double_numbers"])),
        ("%session_run --tags m", ("m", ["model"])),
        ("%session_run --from-inputs params:", ("params:", ["params:alpha"])),
        ("%session_run --load-versions raw:1,s", ("s", ["summed:"])),
        ("%session_run --load-versions raw:", ("", [])),
        ("%session_run --as o", ("o", [])),
        ("%load_node ", ("", ["check_sum", "double_numbers", "sum_numbers"])),
        ("%session_create --params model.", ("model.", ["model.depth="])),
        ("%session_create --no", ("--no", ["--no-save-on-close"])),
        ("%session_run --cha", ("--cha", ["--changed"])),
        ("%session_explain --tags m", ("m", ["model"])),
        ("%session_explain p", ("p", ["prep"])),
        ("%session_cache ", ("", ["clear", "info"])),
        ("%session_cache cl", ("cl", ["clear"])),
        ("%session_cache clear ", ("", [])),
    ])
    def test_candidates(self, names, text, expected):
        assert complete_line(text, names) == expected

    def test_other_lines_are_not_ours(self, names):
        assert complete_line("%time x", names) is None
        assert complete_line("session_runner = 1", names) is None
        assert complete_line("%session_create ../ex", names) is None  # paths: IPython's

    def test_envs_come_from_the_conf_folder(self, tmp_path):
        for env in ("base", "local", "test"):
            (tmp_path / "conf" / env).mkdir(parents=True)
        source = SessionNames(dict, dict, get_project_path=lambda: tmp_path)
        assert complete_line("%session_create --env ", source) == ("", ["local", "test"])


class TestDisplay:
    def test_pseudo_files_are_not_the_projects_frames(self, tmp_path, monkeypatch):
        # A notebook runs from the project root; "<frozen ...>" must not resolve into it.
        monkeypatch.chdir(tmp_path)
        (tmp_path / "proj_mod_frames.py").write_text("def inner():\n    raise ValueError('x')\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        import proj_mod_frames

        namespace: dict = {}
        exec(compile("def through(g):\n    g()\n", "<frozen fake>", "exec"), namespace)
        with pytest.raises(ValueError) as info:
            namespace["through"](proj_mod_frames.inner)
        frames = _display.user_frames(info.value, [tmp_path])
        assert [(Path(f.filename).name, f.name) for f in frames] == [
            ("proj_mod_frames.py", "inner")]

    def test_code_failure_points_at_the_bad_line(self, tmp_path):
        bad = tmp_path / "src" / "nodes.py"
        try:
            compile("x = 1\ndef broken(:\n", str(bad), "exec")
        except SyntaxError as exc:
            lines = _display.format_code_failure(exc, project_path=tmp_path)
        assert lines == [
            "✗ the project's code could not be imported: SyntaxError: invalid syntax",
            "  src/nodes.py:2: def broken(:",
            "  Fix it and run the magic again: the edited code is picked up.",
        ]

    def test_durations(self):
        assert [_display.format_duration(s) for s in (None, 0.4123, 12.34, 125)] == [
            "-", "0.41 s", "12.3 s", "2 min 5 s"]

    def test_progress_and_pipelines(self):
        assert _display.format_progress(3, 6, 0.5) == "██████████░░░░░░░░░░ 3/6 nodes · 0.50 s"
        assert _display.format_pipelines({"b": 2, "__default__": 5, "a": 3}) == \
            "__default__ (5 nodes), a (3), b (2)"

    def test_outputs(self):
        assert _display.format_outputs({}, "outputs") == \
            "outputs: {} (every output is kept by the catalog)"
        text = _display.format_outputs({"metrics": {"mae": 1.5}, "n": 3}, "res")
        assert text == "res: 2 outputs\n  metrics  dict: {'mae': 1.5}\n  n        int: 3"

    def test_node_failure_lines(self, tmp_path):
        try:
            fakes.check(1000)
        except ValueError as exc:
            error = exc
        lines = _display.format_node_failure(
            "check_sum", error, done=2, total=3, resume_line="%session_run --from-nodes x",
            project_path=Path(fakes.__file__).parent)
        assert lines[0] == "✗ node 'check_sum' failed: ValueError: value too large: 1000"
        assert lines[1].startswith("  test_helpers.py:")  # the caller, also a user file
        assert lines[2].startswith("  fakes.py:")
        assert lines[2].endswith(' in check: raise ValueError(f"value too large: {value}")')
        assert lines[3:] == [
            "  2 of 3 nodes finished. Resume without recomputing persisted data:",
            "  %session_run --from-nodes x",
            "  (%debug opens the debugger where it failed)",
        ]


class TestVariableNames:
    @pytest.mark.parametrize(("dataset", "variable"), [
        ("companies", "companies"),
        ("params:model.alpha", "params_model_alpha"),
        ("companies@pandas", "companies_pandas"),
        ("01_raw", "_01_raw"),
        ("class", "class_"),
        ("parameters", "parameters"),
    ])
    def test_rules(self, dataset, variable):
        assert dataset_variable_name(dataset) == variable

    def test_collisions_get_a_suffix(self):
        assert dataset_variable_names(["a.b", "a_b", "a:b"]) == {
            "a.b": "a_b", "a_b": "a_b_2", "a:b": "a_b_3"}


class TestReloader:
    def test_edited_module_is_imported_afresh_and_pipelines_reset(self, tmp_path, monkeypatch):
        package = tmp_path / "reload_demo_pkg"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "settings.py").write_text("X = 1\n")
        nodes = package / "nodes.py"
        nodes.write_text("def f():\n    return 1\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        import reload_demo_pkg.nodes
        import reload_demo_pkg.settings  # noqa: F401

        resets = []
        reloader = ProjectReloader("reload_demo_pkg", lambda: resets.append(1))
        assert reloader.reload_if_changed() == []
        settings_module = sys.modules["reload_demo_pkg.settings"]
        nodes.write_text(textwrap.dedent("""\
            def f():
                return 2
        """))
        changed = reloader.reload_if_changed()
        assert [Path(p).resolve() for p in changed] == [nodes.resolve()]
        assert resets == [1]
        assert "reload_demo_pkg.nodes" not in sys.modules
        assert sys.modules["reload_demo_pkg.settings"] is settings_module
        import reload_demo_pkg.nodes as fresh

        assert fresh.f() == 2
        reloader.snapshot_new()
        assert reloader.reload_if_changed() == []
        for name in [m for m in sys.modules if m.startswith("reload_demo_pkg")]:
            del sys.modules[name]

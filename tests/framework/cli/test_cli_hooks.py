"""CLI hooks: installed command-line plugins (telemetry-style) are called before every
``kedro-ipy`` command and after it with its exit code. Plugins are fake distributions made in a
temporary folder: ``kedro_ipy.cli_hooks`` ones need no Kedro; ``kedro.cli_hooks`` ones, marked
with Kedro's ``cli_hook_impl``, are used when (a fake) Kedro is importable."""

from __future__ import annotations

import logging
import sys
import textwrap
from pathlib import Path

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli.hooks import manager as cli_hooks_manager

PLUGIN = '''
from {marker_module} import cli_hook_impl

import cli_calls


class Plugin:
    def __init__(self, name, fail=False):
        self.name = name
        self.fail = fail

    @cli_hook_impl
    def before_command_run(self, project_metadata, command_args):
        package = project_metadata.package_name if project_metadata else None
        cli_calls.CALLS.append(("before", self.name, package, command_args))
        print(f"[{{self.name}} before]")
        if self.fail:
            raise RuntimeError("plugin broke before")

    @cli_hook_impl
    def after_command_run(self, project_metadata, command_args, exit_code):
        cli_calls.CALLS.append(("after", self.name, exit_code))
        print(f"[{{self.name}} after {{exit_code}}]")
        if self.fail:
            raise RuntimeError("plugin broke after")


cli_hooks = Plugin("{module}")
failing_hooks = Plugin("{module}-failing", fail=True)
'''

MODULES = {"kedro", "cli_calls", "ours_cli_plugin", "kedro_cli_plugin", "broken_cli_plugin"}


def _distribution(site: Path, module: str, group: str, marker_module: str,
                  objects: tuple[str, ...] = ("cli_hooks",)) -> None:
    (site / f"{module}.py").write_text(PLUGIN.format(module=module, marker_module=marker_module))
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    lines = "".join(f"{module}_{name} = {module}:{name}\n" for name in objects)
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}")


def _fake_kedro(site: Path) -> None:
    hooks = site / "kedro" / "framework" / "cli" / "hooks"
    hooks.mkdir(parents=True)
    for folder in (site / "kedro", site / "kedro/framework", site / "kedro/framework/cli"):
        (folder / "__init__.py").write_text("")
    (hooks / "__init__.py").write_text(textwrap.dedent('''
        import pluggy

        cli_hook_impl = pluggy.HookimplMarker("kedro_cli")
        '''))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path for fake distributions, and a CLI hook manager built afresh."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "cli_calls.py").write_text("CALLS = []\n")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setattr(cli_hooks_manager, "_cli_hook_manager", None)
    yield folder
    for name in [m for m in sys.modules if m.split(".")[0] in MODULES]:
        del sys.modules[name]


def _calls() -> list[tuple]:
    import cli_calls  # type: ignore[import-not-found]

    return cli_calls.CALLS


def test_plugin_is_called_around_a_run(site: Path, example_project: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    argv = ["run", "--project-path", str(example_project), "-p", "data_processing"]
    assert main(argv) == 0
    assert _calls() == [("before", "ours_cli_plugin", "coffee_shop", argv),
                        ("after", "ours_cli_plugin", 0)]
    out = capsys.readouterr().out
    # before the command printed anything, after it printed everything
    assert out.startswith("[ours_cli_plugin before]\n")
    assert out.endswith("[ours_cli_plugin after 0]\n")
    assert out.count("\n") > 2


@pytest.mark.parametrize(("argv", "code"), [
    (["run", "--params", "model.alpha=-1"], 1),  # a node fails
    (["run", "--no-such-option"], 2),  # bad input
    (["--version"], 0),
])
def test_after_command_run_gets_the_exit_code(site: Path, example_project: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              argv: list[str], code: int) -> None:
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    monkeypatch.chdir(example_project)  # metadata found from the current folder
    assert main(argv) == code
    assert _calls() == [("before", "ours_cli_plugin", "coffee_shop", argv),
                        ("after", "ours_cli_plugin", code)]


def test_new_and_port_outside_a_project(site: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "hooked", "--directory", str(tmp_path)]) == 0
    assert main(["port", str(tmp_path / "nowhere"), "--dry-run"]) == 2
    assert [call[:3] for call in _calls()] == [
        ("before", "ours_cli_plugin", None), ("after", "ours_cli_plugin", 0),
        ("before", "ours_cli_plugin", None), ("after", "ours_cli_plugin", 2),
    ]


def test_an_escaping_exception_still_reaches_after_command_run(
    site: Path, example_project: Path
) -> None:
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    registry = example_project / "src/coffee_shop/pipeline_registry.py"
    registry.write_text(registry.read_text() + "\nimport no_such_module\n")
    with pytest.raises(ModuleNotFoundError):
        main(["run", "--project-path", str(example_project), "--traceback"])
    assert _calls()[-1] == ("after", "ours_cli_plugin", 1)


def test_failing_plugin_is_logged_and_changes_nothing(
    site: Path, example_project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Registered second, the failing plugin is called first (pluggy: last registered first);
    # the other plugin is still called, and the exit codes are the command's.
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks",
                  "kedro_ipy.framework.cli.hooks", objects=("cli_hooks", "failing_hooks"))
    with caplog.at_level(logging.WARNING):
        assert main(["run", "--project-path", str(example_project)]) == 0
        assert main(["run", "--project-path", str(example_project),
                     "--params", "model.alpha=-1"]) == 1
    assert [call[:2] for call in _calls()] == [
        ("before", "ours_cli_plugin-failing"), ("before", "ours_cli_plugin"),
        ("after", "ours_cli_plugin-failing"), ("after", "ours_cli_plugin"),
    ] * 2
    assert [call[2] for call in _calls() if call[0] == "after"] == [0, 0, 1, 1]
    failures = [r for r in caplog.records if "CLI hook" in r.getMessage()]
    assert len(failures) == 4
    assert ("CLI hook before_command_run of plugin 'ours_cli_plugin_failing_hooks' failed"
            in failures[0].getMessage())
    exc_info = failures[0].exc_info
    assert exc_info is not None and "plugin broke before" in str(exc_info[1])


def test_plugin_that_cannot_load_is_logged_and_skipped(
    site: Path, example_project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    _distribution(site, "broken_cli_plugin", "kedro_ipy.cli_hooks", "no_such_package.hooks")
    with caplog.at_level(logging.WARNING):
        assert main(["run", "--project-path", str(example_project)]) == 0
    assert [call[:2] for call in _calls()] == [("before", "ours_cli_plugin"),
                                               ("after", "ours_cli_plugin")]
    assert any("broken_cli_plugin-0.1" in r.getMessage() and "could not be used" in r.getMessage()
               for r in caplog.records)


def test_kedro_plugin_is_called_when_kedro_is_importable(site: Path,
                                                         example_project: Path) -> None:
    _fake_kedro(site)
    _distribution(site, "kedro_cli_plugin", "kedro.cli_hooks", "kedro.framework.cli.hooks")
    _distribution(site, "ours_cli_plugin", "kedro_ipy.cli_hooks", "kedro_ipy.framework.cli.hooks")
    assert main(["run", "--project-path", str(example_project)]) == 0
    assert sorted(call[:2] for call in _calls()) == [
        ("after", "kedro_cli_plugin"), ("after", "ours_cli_plugin"),
        ("before", "kedro_cli_plugin"), ("before", "ours_cli_plugin"),
    ]


def test_kedro_cli_hooks_group_is_not_read_without_kedro(site: Path,
                                                         example_project: Path) -> None:
    _distribution(site, "kedro_cli_plugin", "kedro.cli_hooks", "kedro.framework.cli.hooks")
    assert main(["run", "--project-path", str(example_project)]) == 0
    assert "kedro_cli_plugin" not in sys.modules
    assert _calls() == []


def test_ported_kedro_plugin_runs_without_kedro(site: Path, example_project: Path) -> None:
    """A telemetry-style plugin's code and entry point, put through ``kedro-ipy port``."""
    from kedro_ipy.framework.cli.port._config import port_pyproject
    from kedro_ipy.framework.cli.port._python import port_python_source

    source = PLUGIN.format(module="kedro_cli_plugin", marker_module="kedro.framework.cli.hooks")
    ported, _, problems = port_python_source(source, Path("kedro_cli_plugin.py"))
    assert problems == []
    table = '[project.entry-points."kedro.cli_hooks"]\nkedro_cli_plugin = "x:cli_hooks"\n'
    new_table, _, table_problems = port_pyproject(table, Path("pyproject.toml"))
    assert table_problems == []
    group = new_table.splitlines()[0].split('"')[1]
    assert group == "kedro_ipy.cli_hooks"
    _distribution(site, "kedro_cli_plugin", group, "unused")
    (site / "kedro_cli_plugin.py").write_text(ported)
    assert main(["run", "--project-path", str(example_project)]) == 0
    assert [call[:2] for call in _calls()] == [("before", "kedro_cli_plugin"),
                                               ("after", "kedro_cli_plugin")]

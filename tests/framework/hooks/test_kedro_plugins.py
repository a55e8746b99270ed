"""Plugins written for Kedro (entry points in ``kedro.hooks``, methods marked with Kedro's own
``hook_impl``) are found and called when Kedro is importable; plugins written for kedro_ipy
(``kedro_ipy.hooks``) need no Kedro. A fake ``kedro`` package and fake distributions are made
in a temporary folder."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
from {marker_module} import hook_impl


class Plugin:
    def __init__(self):
        self.calls = []

    # mlflow-style tracking
    @hook_impl
    def after_context_created(self, context):
        self.calls.append("after_context_created")

    @hook_impl
    def before_pipeline_run(self, run_params, pipeline, catalog):
        self.calls.append("before_pipeline_run")

    @hook_impl
    def after_node_run(self, node, outputs):
        self.calls.append("after_node_run")

    @hook_impl
    def after_pipeline_run(self, run_params):
        self.calls.append("after_pipeline_run")

    # telemetry-style
    @hook_impl
    def after_catalog_created(self, catalog):
        self.calls.append("after_catalog_created")

    # dataset timing
    @hook_impl
    def before_dataset_loaded(self, dataset_name):
        self.calls.append("before_dataset_loaded")

    @hook_impl
    def after_dataset_loaded(self, dataset_name, data):
        self.calls.append("after_dataset_loaded")

    @hook_impl
    def before_dataset_saved(self, dataset_name, data):
        self.calls.append("before_dataset_saved")

    @hook_impl
    def after_dataset_saved(self, dataset_name, data):
        self.calls.append("after_dataset_saved")


hooks = Plugin()
'''

STYLES = {"after_context_created", "before_pipeline_run", "after_node_run",
          "after_pipeline_run", "after_catalog_created", "before_dataset_loaded",
          "after_dataset_loaded", "before_dataset_saved", "after_dataset_saved"}


def _distribution(site: Path, module: str, group: str, marker_module: str) -> None:
    (site / f"{module}.py").write_text(PLUGIN.format(marker_module=marker_module))
    info = site / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{module} = {module}:hooks\n")


def _fake_kedro(site: Path) -> None:
    hooks = site / "kedro" / "framework" / "hooks"
    hooks.mkdir(parents=True)
    (site / "kedro" / "__init__.py").write_text("")
    (site / "kedro" / "framework" / "__init__.py").write_text("")
    (hooks / "__init__.py").write_text(textwrap.dedent('''
        import pluggy

        hook_impl = pluggy.HookimplMarker("kedro")
        '''))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in [m for m in sys.modules if m.split(".")[0] in
                 {"kedro", "kedro_style_plugin", "our_style_plugin"}]:
        del sys.modules[name]


def _run(project: Path) -> None:
    from kedro_ipy.framework.session import KedroSession

    with KedroSession.create(project_path=project) as session:
        session.run()


def test_kedro_plugin_is_called_when_kedro_is_importable(site: Path,
                                                         example_project: Path) -> None:
    _fake_kedro(site)
    _distribution(site, "kedro_style_plugin", "kedro.hooks", "kedro.framework.hooks")
    _run(example_project)
    import kedro_style_plugin  # type: ignore[import-not-found]

    calls = kedro_style_plugin.hooks.calls
    assert set(calls) == STYLES
    assert calls.count("before_pipeline_run") == calls.count("after_pipeline_run") == 1
    assert calls.count("before_dataset_saved") == calls.count("after_dataset_saved") > 0


def test_kedro_hooks_group_is_not_read_without_kedro(site: Path,
                                                     example_project: Path) -> None:
    _distribution(site, "kedro_style_plugin", "kedro.hooks", "kedro.framework.hooks")
    _run(example_project)  # would fail importing kedro if the entry point were loaded
    assert "kedro_style_plugin" not in sys.modules


def test_kedro_ipy_plugin_needs_no_kedro(site: Path, example_project: Path) -> None:
    _distribution(site, "our_style_plugin", "kedro_ipy.hooks", "kedro_ipy.framework.hooks")
    _run(example_project)
    import our_style_plugin  # type: ignore[import-not-found]

    assert set(our_style_plugin.hooks.calls) == STYLES

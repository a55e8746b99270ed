"""``kedro-ipy port``: what it rewrites, what it leaves, what it reports, and that a second run
changes nothing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kedro_ipy.framework.cli import main
from kedro_ipy.framework.cli.port import PortError, port_project
from kedro_ipy.framework.cli.port._config import port_pyproject, port_yaml
from kedro_ipy.framework.cli.port._python import port_python_source


def _port(source: str, name: str = "module.py") -> tuple[str, list[str], list[str]]:
    text, changes, problems = port_python_source(textwrap.dedent(source), Path(name))
    return text, [str(c) for c in changes], [str(p) for p in problems]


def test_imports_and_module_references_are_renamed_but_strings_and_comments_are_not() -> None:
    text, changes, problems = _port('''
        """Run me with kedro run; see kedro.io docs."""
        import kedro
        import kedro.io as kio
        from kedro.pipeline import node  # kedro.pipeline is where node lives
        from kedro.framework.session import KedroSession

        VERSION = kedro.__version__
        HINT = "kedro run --pipeline x"
        ''')
    assert text == textwrap.dedent('''
        """Run me with kedro run; see kedro.io docs."""
        import kedro_ipy
        import kedro_ipy.io as kio
        from kedro_ipy.pipeline import node  # kedro.pipeline is where node lives
        from kedro_ipy.framework.session import KedroSession

        VERSION = kedro_ipy.__version__
        HINT = "kedro run --pipeline x"
        ''')
    assert changes[0] == "module.py:3: import kedro  ->  import kedro_ipy"
    assert len(changes) == 5
    assert problems == []


def test_moved_and_renamed_names_and_pipe_keyword() -> None:
    text, _, problems = _port('''
        import kedro.pipeline.modular_pipeline
        from kedro.pipeline.modular_pipeline import pipeline as reuse
        from kedro.io import KedroDataCatalog
        from kedro_datasets.matplotlib import MatplotlibWriter

        a = reuse(pipe=[], namespace="x")
        b = kedro.pipeline.modular_pipeline.pipeline(pipe=[], namespace="y")
        c = KedroDataCatalog()
        d = MatplotlibWriter(filepath="f.png")
        e = other_function(pipe=1)
        ''')
    assert text == textwrap.dedent('''
        import kedro_ipy.pipeline
        from kedro_ipy.pipeline import pipeline as reuse
        from kedro_ipy.io import DataCatalog
        from kedro_datasets.matplotlib import MatplotlibDataset

        a = reuse(nodes=[], namespace="x")
        b = kedro_ipy.pipeline.pipeline(nodes=[], namespace="y")
        c = DataCatalog()
        d = MatplotlibDataset(filepath="f.png")
        e = other_function(pipe=1)
        ''')
    assert problems == []


def test_logger_names_in_tests_are_mapped() -> None:
    text, _, _ = _port('''
        import logging

        def test_logs(caplog):
            caplog.set_level(logging.INFO, logger="kedro")
            logging.getLogger("kedro.runner").info("x")
            assert [r for r in caplog.records if r.name == "kedro.io.data_catalog"]
            print("kedro")
        ''')
    assert 'logger="kedro_ipy"' in text
    assert 'getLogger("kedro_ipy.runner")' in text
    assert 'r.name == "kedro_ipy.io.data_catalog"' in text
    assert 'print("kedro")' in text  # a string that is not a logger name stays


def test_what_cannot_be_ported_is_reported_with_its_line() -> None:
    _, _, problems = _port('''
        from kedro.framework.cli.starters import create_cli
        from kedro_viz.integrations.kedro.sqlite_store import SQLiteStore
        from kedro.pipeline import nodee
        ''')
    assert problems[0].startswith("module.py:2: from kedro.framework.cli.starters import "
                                  "create_cli: kedro_ipy has no module")
    assert problems[1].startswith("module.py:3: kedro-viz needs Kedro itself")
    assert "has no name 'nodee'. Did you mean one of these: 'node'" in problems[2]


def test_setup_py_entry_points_and_requirements() -> None:
    text, _, problems = _port('''
        from setuptools import setup

        setup(
            name="plugin",
            install_requires=["kedro>=0.19,<2.0", "pandas"],
            entry_points={"kedro.hooks": ["plugin = plugin.hooks:hooks"],
                          "kedro.cli_hooks": ["plugin = plugin.hooks:cli_hooks"],
                          "kedro.project_commands": ["plugin = plugin.cli:commands"]},
        )
        ''', name="setup.py")
    assert '"kedro_ipy", "pandas"' in text
    assert '{"kedro_ipy.hooks": [' in text
    assert '"kedro_ipy.cli_hooks": [' in text
    assert not any("cli_hooks" in p for p in problems)
    assert any("'kedro.project_commands': kedro_ipy has no such group" in p for p in problems)


def test_pyproject_requirements_and_hook_entry_points() -> None:
    text = textwrap.dedent('''
        [project]
        dependencies = [
            "kedro[jupyter]~=1.0",
            "kedro-datasets[pandas]>=3.0",
        ]

        [project.entry-points."kedro.hooks"]
        my_hooks = "my_pkg.hooks:hooks"

        [project.entry-points."kedro.cli_hooks"]
        my_cli_hooks = "my_pkg.hooks:cli_hooks"

        [tool.kedro]
        package_name = "my_pkg"
        ''')
    new, changes, problems = port_pyproject(text, Path("pyproject.toml"))
    assert '"kedro_ipy",' in new
    assert '[project.entry-points."kedro_ipy.hooks"]' in new
    assert '[project.entry-points."kedro_ipy.cli_hooks"]' in new
    assert "[tool.kedro]" in new
    assert len(changes) == 3
    assert "kedro-datasets pulls in Kedro itself" in problems[0].message


def test_logging_yaml_handler_class_and_logger_key() -> None:
    text = textwrap.dedent('''
        handlers:
          rich:
            class: kedro.logging.RichHandler
        loggers:
          kedro:
            level: INFO
          kedro.runner:
            level: WARNING
        root:
          handlers: [rich]
        kedro:
          not_a_logger: 1
        ''')
    new, changes, _ = port_yaml(text, Path("conf/logging.yml"))
    assert "class: kedro_ipy.logging.RichHandler" in new
    assert "  kedro_ipy:\n" in new and "  kedro_ipy.runner:\n" in new
    assert "\nkedro:\n  not_a_logger: 1" in new  # outside ``loggers:``
    assert len(changes) == 3


def test_catalog_renamed_types_only(tmp_path: Path) -> None:
    text = ("plot:\n  type: matplotlib.MatplotlibWriter\n"
            "cars:\n  type: kedro_datasets.pandas.CSVDataset\n")
    new, _, _ = port_yaml(text, Path("conf/base/catalog.yml"))
    assert new == ("plot:\n  type: matplotlib.MatplotlibDataset\n"
                   "cars:\n  type: kedro_datasets.pandas.CSVDataset\n")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "conf" / "base").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\ndependencies = ["kedro~=1.0"]\n\n[tool.kedro]\npackage_name = "pkg"\n')
    (root / "src" / "pkg" / "settings.py").write_text(
        "from kedro.config import OmegaConfigLoader\nCONFIG_LOADER_CLASS = OmegaConfigLoader\n")
    (root / "conf" / "base" / "catalog.yml").write_text("x:\n  type: MemoryDataset\n")
    notebook = {"cells": [{"cell_type": "code", "source": ["%load_ext kedro.ipython\n",
                                                           "%reload_kedro\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "notebooks" / "explore.ipynb").write_text(json.dumps(notebook))
    return root


def test_command_ports_in_place_prints_changes_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    assert main(["port", str(root)]) == 0
    out = capsys.readouterr().out
    assert ("src/pkg/settings.py:1: from kedro.config import OmegaConfigLoader  ->  "
            "from kedro_ipy.config import OmegaConfigLoader") in out
    assert "notebooks/explore.ipynb:1: %load_ext kedro.ipython  ->  %load_ext kedro_ipy" in out
    assert "3 line(s) changed in 3 file(s)" in out
    assert "%reload_kedro: use %session_create" in out
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert main(["port", str(root)]) == 0
    again = capsys.readouterr().out
    assert "Nothing to change" in again
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot


def test_command_ports_a_copy_and_leaves_the_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    before = (root / "src" / "pkg" / "settings.py").read_text()
    assert main(["port", str(root), "--to", str(tmp_path / "copy")]) == 0
    assert (root / "src" / "pkg" / "settings.py").read_text() == before
    assert "kedro_ipy.config" in (tmp_path / "copy" / "src" / "pkg" / "settings.py").read_text()
    assert main(["port", str(root), "--to", str(tmp_path / "copy")]) == 2
    assert "already exists and is not empty" in capsys.readouterr().err


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = (root / "src" / "pkg" / "settings.py").read_text()
    report = port_project(root, dry_run=True)
    assert len(report.changes) == 3
    assert (root / "src" / "pkg" / "settings.py").read_text() == before


def test_not_a_kedro_project(tmp_path: Path) -> None:
    with pytest.raises(PortError, match=r"is not a Kedro project: expected a pyproject\.toml"):
        port_project(tmp_path)

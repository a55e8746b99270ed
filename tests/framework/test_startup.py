"""bootstrap_project, find_project_root and reading project metadata."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kedro_ipy.framework import project
from kedro_ipy.framework.startup import (
    ProjectMetadata,
    ProjectMetadataError,
    ProjectNotFoundError,
    bootstrap_project,
    find_project_root,
)
from kedro_ipy.framework.startup import _parse_tool_sections as parse_tool_sections

from .project._factory import make_project, restored_process_state, write


@pytest.fixture(autouse=True)
def _restore_process_state() -> Iterator[None]:
    with restored_process_state():
        yield


class TestBootstrap:
    def test_returns_metadata_and_configures_the_project(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "boot_pkg", extra_metadata='kedro_init_version = "1.7.0"')
        metadata = bootstrap_project(root)
        assert metadata == ProjectMetadata(
            config_file=root / "pyproject.toml",
            package_name="boot_pkg",
            project_name="Demo Project",
            project_path=root,
            source_dir=root / "src",
            kedro_init_version="1.7.0",
            tools=None,
            example_pipeline=None,
        )
        assert project.PACKAGE_NAME == "boot_pkg"
        assert project.pipelines.pipelines_module == "boot_pkg.pipeline_registry"

    def test_source_folder_goes_first_on_sys_path_and_pythonpath(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "path_pkg")
        sys.path.append(str(root / "src"))
        bootstrap_project(root)
        assert sys.path[0] == str(root / "src")
        assert sys.path.count(str(root / "src")) == 1
        assert os.environ["PYTHONPATH"].split(os.pathsep)[0] == str(root / "src")
        import path_pkg

        assert Path(path_pkg.__file__).parent == root / "src" / "path_pkg"

    def test_accepts_tool_kedro_ipy_and_custom_source_dir(self, tmp_path: Path) -> None:
        root = make_project(
            tmp_path,
            "ipy_pkg",
            section="kedro_ipy",
            extra_metadata='source_dir = "code"',
            source_dir="code",
        )
        metadata = bootstrap_project(root)
        assert metadata.source_dir == root / "code"
        assert metadata.package_name == "ipy_pkg"

    def test_a_second_project_with_the_same_package_name_wins(self, tmp_path: Path) -> None:
        first = make_project(tmp_path / "one", "twin_pkg")
        second = make_project(tmp_path / "two", "twin_pkg")
        write(first / "src" / "twin_pkg" / "__init__.py", "WHERE = 'one'\n")
        write(second / "src" / "twin_pkg" / "__init__.py", "WHERE = 'two'\n")
        bootstrap_project(first)
        assert sys.modules["twin_pkg"].WHERE == "one"
        bootstrap_project(second)
        import twin_pkg

        assert twin_pkg.WHERE == "two"
        bootstrap_project(first)
        assert sys.modules["twin_pkg"].WHERE == "one"

    def test_relative_path_and_string_are_resolved(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        make_project(tmp_path / "proj", "rel_pkg")
        monkeypatch.chdir(tmp_path)
        assert bootstrap_project("proj").project_path == tmp_path / "proj"


class TestNotAProject:
    def test_folder_without_pyproject_says_what_was_looked_for(self, tmp_path: Path) -> None:
        msg = (
            f"Could not find the project configuration file 'pyproject.toml' in {tmp_path}. "
            f"{tmp_path} is not a project: looked for a pyproject.toml with a [tool.kedro] or "
            "[tool.kedro_ipy] section there."
        )
        with pytest.raises(ProjectNotFoundError, match=re.escape(msg)):
            bootstrap_project(tmp_path)

    def test_subfolder_of_a_project_points_at_the_project(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "sub_pkg")
        (root / "notebooks").mkdir()
        msg = f"The folder {root} above it is a project; did you mean that?"
        with pytest.raises(ProjectNotFoundError, match=re.escape(msg)):
            bootstrap_project(root / "notebooks")

    def test_pyproject_without_section(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
        msg = (
            f"{tmp_path} is not a project: looked for a pyproject.toml with a [tool.kedro] or "
            f"[tool.kedro_ipy] section, but {tmp_path / 'pyproject.toml'} has neither section."
        )
        with pytest.raises(ProjectNotFoundError, match=re.escape(msg)):
            bootstrap_project(tmp_path)

    def test_not_a_project_is_a_runtime_error_like_kedro(self, tmp_path: Path) -> None:
        with pytest.raises(RuntimeError):
            bootstrap_project(tmp_path)


class TestBadMetadata:
    def test_unparsable_pyproject(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[tool.kedro\npackage_name = 'x'\n")
        with pytest.raises(
            ProjectMetadataError, match=re.escape("Failed to parse 'pyproject.toml' file.")
        ):
            bootstrap_project(tmp_path)

    def test_unknown_key_suggests_the_right_one(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[tool.kedro]\npackage_name = 'x'\ntool = 1\n")
        msg = (
            "Found unexpected keys in 'pyproject.toml'. Make sure it only contains the "
            "following keys: ['package_name', 'project_name', 'kedro_init_version', "
            "'source_dir', 'tools', 'example_pipeline']. Unknown: 'tool' in "
            f"{tmp_path / 'pyproject.toml'}. Did you mean 'tools'?"
        )
        with pytest.raises(ProjectMetadataError, match=re.escape(msg)):
            bootstrap_project(tmp_path)

    def test_misspelt_package_name_is_missing_with_a_suggestion(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[tool.kedro]\npakage_name = 'x'\n")
        msg = (
            "Missing required keys ['package_name', 'project_name', 'kedro_init_version'] "
            "from 'pyproject.toml'."
        )
        with pytest.raises(ProjectMetadataError, match=re.escape(msg)) as raised:
            bootstrap_project(tmp_path)
        assert "Unknown: 'pakage_name'. Did you mean one of these:" in str(raised.value)

    def test_missing_package_name(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[tool.kedro]\nproject_name = 'x'\n")
        msg = "Missing required keys ['package_name', 'kedro_init_version'] from 'pyproject.toml'."
        with pytest.raises(ProjectMetadataError, match=re.escape(msg)):
            bootstrap_project(tmp_path)

    def test_missing_source_folder(self, tmp_path: Path) -> None:
        write(tmp_path / "pyproject.toml", "[tool.kedro]\npackage_name = 'nosrc_pkg'\n")
        with pytest.raises(
            NotADirectoryError,  # Kedro's type; also a ProjectMetadataError
            match=re.escape(f"Source path '{tmp_path / 'src'}' cannot be found."),
        ) as raised:
            bootstrap_project(tmp_path)
        assert isinstance(raised.value, ProjectMetadataError)

    def test_source_folder_outside_the_project(self, tmp_path: Path) -> None:
        write(
            tmp_path / "p" / "pyproject.toml",
            "[tool.kedro]\npackage_name = 'out_pkg'\nsource_dir = '../elsewhere'\n",
        )
        msg = (
            f"Source path '{tmp_path / 'elsewhere'}' has to be relative to your project root "
            f"'{tmp_path / 'p'}'."
        )
        with pytest.raises(ValueError, match=re.escape(msg)) as raised:  # Kedro's type
            bootstrap_project(tmp_path / "p")
        assert isinstance(raised.value, ProjectMetadataError)

    def test_package_that_does_not_exist_is_a_warning_suggesting_folders(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        # As in Kedro, bootstrap does not import the package; it only says it is not there.
        make_project(tmp_path, "real_pkg")
        text = (
            (tmp_path / "pyproject.toml")
            .read_text()
            .replace('package_name = "real_pkg"', 'package_name = "reel_pkg"')
        )
        (tmp_path / "pyproject.toml").write_text(text)
        with caplog.at_level("WARNING", logger="kedro_ipy.framework.startup"):
            assert bootstrap_project(tmp_path).package_name == "reel_pkg"
        assert "Package 'reel_pkg'" in caplog.text
        assert "Did you mean 'real_pkg'?" in caplog.text


class TestFindProjectRoot:
    def test_walks_upwards(self, tmp_path: Path) -> None:
        root = make_project(tmp_path / "proj", "walk_pkg")
        deep = root / "notebooks" / "drafts"
        deep.mkdir(parents=True)
        assert find_project_root(deep) == root
        assert find_project_root(root) == root
        assert find_project_root(root / "pyproject.toml") == root

    def test_ignores_pyproject_without_section(self, tmp_path: Path) -> None:
        root = make_project(tmp_path / "proj", "walk_pkg", section="kedro_ipy")
        write(root / "lib" / "pyproject.toml", "[project]\nname = 'lib'\n")
        assert find_project_root(root / "lib") == root

    def test_none_outside_any_project(self, tmp_path: Path) -> None:
        assert find_project_root(tmp_path) is None

    def test_defaults_to_the_current_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        root = make_project(tmp_path, "cwd_pkg")
        monkeypatch.chdir(root / "src")
        assert find_project_root() == root


class TestTomlFallback:
    """The reader used on Python 3.10 when tomli is not installed."""

    def test_bootstrap_works_without_tomllib_and_tomli(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "tomllib", None)
        monkeypatch.setitem(sys.modules, "tomli", None)
        root = make_project(tmp_path, "old_py_pkg", extra_metadata='source_dir = "src"')
        metadata = bootstrap_project(root)
        assert (metadata.package_name, metadata.project_name) == ("old_py_pkg", "Demo Project")
        assert metadata.source_dir == root / "src"

    def test_reads_the_tool_sections_only(self) -> None:
        text = (
            '[project]\nname = "x"\ndependencies = [\n  "a",\n]\n\n'
            "[tool.kedro]  # the project\n"
            'package_name = "pkg"  # comment\n'
            "project_name = 'My # Project'\n"
            'tools = ["lint", "test"]\n'
            "example_pipeline = false\n"
            "[tool.ruff]\nline-length = 100\n"
            '[tool.kedro_ipy]\nsource_dir = "code"\n'
        )
        assert parse_tool_sections(text) == {
            "tool": {
                "kedro": {
                    "package_name": "pkg",
                    "project_name": "My # Project",
                    "tools": ["lint", "test"],
                    "example_pipeline": False,
                },
                "kedro_ipy": {"source_dir": "code"},
            }
        }

    def test_unsupported_line_names_its_number(self) -> None:
        with pytest.raises(ValueError, match="line 3: expected 'key = value'"):
            parse_tool_sections('[tool.kedro]\npackage_name = "x"\nnonsense\n')

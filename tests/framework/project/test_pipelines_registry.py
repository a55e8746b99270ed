"""The lazy ``pipelines`` registry and ``find_pipelines`` discovery."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kedro_ipy.framework import project
from kedro_ipy.framework.project import find_pipelines, pipelines
from kedro_ipy.framework.startup import bootstrap_project
from kedro_ipy.pipeline import Pipeline

from ._factory import make_project, write


def node_names(pipe: Pipeline) -> list[str]:
    return sorted(n.name for n in pipe.nodes)


class TestRegistry:
    def test_pipelines_are_built_on_first_read_only(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "lazy_pkg"))
        assert not pipelines.is_loaded
        assert "lazy_pkg.pipeline_registry" not in sys.modules
        assert "not loaded yet from lazy_pkg.pipeline_registry" in repr(pipelines)
        assert list(pipelines) == ["__default__", "ingest", "train"]
        assert pipelines.is_loaded
        assert node_names(pipelines["__default__"]) == ["ingest_node", "train_node"]

    def test_unknown_pipeline_lists_registered_and_suggests(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "lazy_pkg"))
        msg = "Pipeline 'trian' not found. Registered pipelines: __default__, ingest, train. "
        msg += "Did you mean 'train'?"
        with pytest.raises(KeyError, match=re.escape(msg)):
            pipelines["trian"]

    def test_reset_calls_register_pipelines_again(self, tmp_path: Path) -> None:
        registry = """\
        from kedro_ipy.pipeline import pipeline

        CALLS = []


        def register_pipelines():
            CALLS.append(1)
            return {"__default__": pipeline([])}
        """
        bootstrap_project(make_project(tmp_path, "count_pkg", registry=registry))
        dict(pipelines)
        dict(pipelines)
        module = sys.modules["count_pkg.pipeline_registry"]
        assert module.CALLS == [1]
        pipelines.reset()
        dict(pipelines)
        assert module.CALLS == [1, 1]

    def test_reset_with_reload_picks_up_edited_code(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "edit_pkg", settings="FLAG = 1\n")
        bootstrap_project(root)
        assert node_names(pipelines["train"]) == ["train_node"]
        settings_module = sys.modules["edit_pkg.settings"]
        write(
            root / "src" / "edit_pkg" / "pipelines" / "train" / "pipeline.py",
            """\
            from kedro_ipy.pipeline import node, pipeline


            def create_pipeline(**kwargs):
                return pipeline([
                    node(str, "a", "b", name="fixed_node"),
                    node(str, "b", "c", name="extra_node"),
                ])
            """,
        )
        pipelines.reset(reload=True)
        assert node_names(pipelines["train"]) == ["extra_node", "fixed_node"]
        assert sys.modules.get("edit_pkg.settings") is settings_module

    def test_configure_none_gives_an_empty_registry(self) -> None:
        pipelines.configure(None)
        assert dict(pipelines) == {}
        assert repr(pipelines) == "<kedro_ipy project pipelines (empty)>"

    def test_registry_without_register_pipelines_is_explained(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "noreg_pkg", registry="X = 1\n"))
        with pytest.raises(AttributeError, match="has no 'register_pipelines' function"):
            len(pipelines)

    def test_set_requested_limits_find_pipelines(self, tmp_path: Path) -> None:
        registry = """\
        from kedro_ipy.framework.project import find_pipelines


        def register_pipelines():
            return find_pipelines()
        """
        bootstrap_project(make_project(tmp_path, "req_pkg", registry=registry))
        pipelines.set_requested(["train"])
        assert list(pipelines) == ["train"]
        assert "req_pkg.pipelines.ingest" not in sys.modules
        pipelines.set_requested(None)
        assert list(pipelines) == ["__default__", "ingest", "train"]

    def test_a_broken_pipeline_does_not_stop_bootstrap(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "broken_pkg")
        write(root / "src" / "broken_pkg" / "pipelines" / "train" / "pipeline.py", "1/0\n")
        bootstrap_project(root)
        with pytest.warns(
            UserWarning,
            match="An error occurred while importing the 'broken_pkg.pipelines.train' module.",
        ):
            assert list(pipelines) == ["__default__", "ingest"]


class TestFindPipelines:
    def test_needs_a_configured_project(self) -> None:
        project.PACKAGE_NAME = None
        with pytest.raises(
            RuntimeError, match="'find_pipelines' cannot be called before the project is configured"
        ):
            find_pipelines()

    def test_finds_each_folder_and_an_empty_default(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "find_pkg"))
        found = find_pipelines()
        assert list(found) == ["__default__", "ingest", "train"]
        assert all(isinstance(p, Pipeline) for p in found.values())
        assert found["__default__"].nodes == []

    def test_default_comes_from_package_pipeline_module(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "simple_pkg", pipelines=())
        write(
            root / "src" / "simple_pkg" / "pipeline.py",
            """\
            from kedro_ipy.pipeline import node, pipeline


            def create_pipeline(**kwargs):
                return pipeline([node(str, "a", "b", name="only")])
            """,
        )
        bootstrap_project(root)
        found = find_pipelines()
        assert list(found) == ["__default__"]
        assert node_names(found["__default__"]) == ["only"]

    def test_folder_with_only_pipeline_py_is_found(self, tmp_path: Path) -> None:
        # A kedro_ipy extension: Kedro only asks the folder's package for create_pipeline.
        root = make_project(tmp_path, "bare_pkg", pipelines=("train",))
        (root / "src" / "bare_pkg" / "pipelines" / "train" / "__init__.py").write_text("")
        bootstrap_project(root)
        assert node_names(find_pipelines()["train"]) == ["train_node"]

    def test_folder_without_create_pipeline_is_skipped_with_kedros_warning(
        self, tmp_path: Path
    ) -> None:
        root = make_project(tmp_path, "nocreate_pkg", pipelines=("train",))
        write(root / "src" / "nocreate_pkg" / "pipelines" / "empty" / "__init__.py", "")
        bootstrap_project(root)
        msg = (
            "The 'nocreate_pkg.pipelines.empty' module does not expose a 'create_pipeline' "
            "function, so no pipelines defined therein will be returned by 'find_pipelines'."
        )
        with pytest.warns(UserWarning, match=re.escape(msg)):
            assert list(find_pipelines()) == ["__default__", "train"]

    def test_hidden_and_cache_folders_are_skipped(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "hidden_pkg", pipelines=("train",))
        folder = root / "src" / "hidden_pkg" / "pipelines"
        write(folder / ".ipynb_checkpoints" / "x.py", "1/0\n")
        write(folder / "__pycache__" / "junk.txt", "")
        bootstrap_project(root)
        assert list(find_pipelines()) == ["__default__", "train"]

    def test_broken_and_wrong_pipelines_warn_or_raise(self, tmp_path: Path) -> None:
        root = make_project(tmp_path, "bad_pkg", pipelines=("good",))
        write(root / "src" / "bad_pkg" / "pipelines" / "broken" / "__init__.py", "1/0\n")
        write(
            root / "src" / "bad_pkg" / "pipelines" / "wrong" / "__init__.py",
            "def create_pipeline():\n    return [1]\n",
        )
        bootstrap_project(root)
        with pytest.warns(UserWarning) as record:
            found = find_pipelines()
        assert list(found) == ["__default__", "good"]
        messages = [str(w.message) for w in record]
        assert any(
            "An error occurred while importing the 'bad_pkg.pipelines.broken' module. Nothing "
            "defined therein will be returned by 'find_pipelines'." in m
            for m in messages
        )
        assert any(
            "Expected the 'create_pipeline' function in the 'bad_pkg.pipelines.wrong' module to "
            "return a 'Pipeline' object, got 'list' instead." in m
            for m in messages
        )
        with pytest.raises(ImportError, match="An error occurred while importing"):
            find_pipelines(raise_errors=True)

    def test_requested_names_limit_the_search(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "sel_pkg"))
        assert list(find_pipelines(pipelines_to_find=["ingest"])) == ["ingest"]
        with pytest.warns(UserWarning, match=re.escape("Did you mean 'train'?")):
            assert find_pipelines(pipelines_to_find=["trian"]) == {}

    def test_project_without_pipelines_folder(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "empty_pkg", pipelines=()))
        found = find_pipelines()
        assert list(found) == ["__default__"]
        assert found["__default__"].nodes == []

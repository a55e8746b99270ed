"""KedroContext: catalog with parameters, absolute paths, runtime params, credentials."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.config import OmegaConfigLoader
from kedro_ipy.framework.context import KedroContext, KedroContextError
from kedro_ipy.framework.context.context import (
    _convert_paths_to_absolute_posix,
    _merge_params,
)
from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl
from kedro_ipy.framework.startup import bootstrap_project


def make_context(project: Path, env: str | None = None,
                 runtime_params: dict[str, Any] | None = None,
                 hook_manager: Any = None) -> KedroContext:
    bootstrap_project(project)
    # base/local layering as a project's settings give it (the loader alone reads conf/ flat)
    loader = OmegaConfigLoader(conf_source=str(project / "conf"), env=env,
                               runtime_params=runtime_params, base_env="base",
                               default_run_env="local")
    return KedroContext(
        project_path=project,
        config_loader=loader,
        env=env,
        package_name="coffee_shop",
        hook_manager=hook_manager or _create_hook_manager(),
        runtime_params=runtime_params,
    )


class TestKedroContext:
    def test_attributes(self, example_project: Path) -> None:
        context = make_context(example_project, env="local")
        assert context.project_path == example_project.resolve()
        assert context.env == "local"
        assert isinstance(context.config_loader, OmegaConfigLoader)
        assert "coffee_shop" in repr(context)

    def test_catalog_answers_parameters(self, example_project: Path) -> None:
        catalog = make_context(example_project).catalog
        assert "params:model.alpha" in catalog
        assert catalog.load("params:model.alpha") == 0.5
        assert catalog.load("params:cleaning")["min_quantity"] == 1
        assert catalog.load("parameters")["report"]["currency"] == "EUR"

    def test_relative_paths_resolve_against_the_project(
        self, example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
        catalog = make_context(example_project).catalog
        assert catalog.load("raw_orders").startswith("order_id,date,product")
        catalog.save("daily_sales", [{"date": "2026-01-01", "revenue": 1.0}])
        assert (example_project / "data/03_primary/daily_sales.json").is_file()
        assert not (elsewhere / "data").exists()

    def test_runtime_params_override_nested_keys(self, example_project: Path) -> None:
        context = make_context(example_project,
                               runtime_params={"model.alpha": 2, "forecast": {"days": 3}})
        assert context.params["model"] == {"alpha": 2, "split_ratio": 0.75, "target": "revenue"}
        assert context.params["forecast"] == {"days": 3}
        assert context.catalog.load("params:model.alpha") == 2

    def test_credentials_reach_the_dataset_but_not_its_description(
        self, example_project: Path
    ) -> None:
        catalog = make_context(example_project).catalog
        assert catalog.load("supplier_costs")["currency"] == "EUR"
        shown = repr(catalog) + repr(catalog["supplier_costs"]) + str(catalog["supplier_costs"])
        assert "demo-key-not-a-secret" not in shown
        assert "authenticated=True" in shown

    def test_env_without_the_credentials(self, example_project: Path) -> None:
        from kedro_ipy.io import DatasetError

        # conf/staging replaces conf/local, which holds the credentials
        (example_project / "conf/staging").mkdir()
        context = make_context(example_project, env="staging")
        with pytest.raises(DatasetError, match="credentials 'supplier_api', which are not "
                           "defined"):
            _ = context.catalog

    def test_versions_for_save_and_load(self, example_project: Path) -> None:
        context = make_context(example_project)
        catalog = context._get_catalog(save_version="2026-01-01T00.00.00.000Z")
        catalog.save("sales_report", "first")
        later = context._get_catalog(save_version="2026-01-02T00.00.00.000Z")
        later.save("sales_report", "second")
        assert context.catalog.load("sales_report") == "second"
        pinned = context._get_catalog(load_versions={"sales_report": "2026-01-01T00.00.00.000Z"})
        assert pinned.load("sales_report") == "first"

    def test_after_catalog_created_hook(self, example_project: Path) -> None:
        seen: dict[str, Any] = {}

        class Spy:
            @hook_impl
            def after_catalog_created(self, catalog: Any, conf_catalog: dict[str, Any],
                                      parameters: dict[str, Any], save_version: str) -> None:
                seen.update(conf_catalog=conf_catalog, parameters=parameters,
                            save_version=save_version, catalog=catalog)

        manager = _create_hook_manager()
        manager.register(Spy())
        context = make_context(example_project, hook_manager=manager)
        catalog = context._get_catalog(save_version="v1")
        assert seen["catalog"] is catalog
        assert seen["save_version"] == "v1"
        # Kedro's shape: the catalog entries the parameters give, at every depth
        assert seen["parameters"]["parameters"]["model"]["alpha"] == 0.5
        assert seen["parameters"]["params:model"]["alpha"] == 0.5
        assert seen["parameters"]["params:model.alpha"] == 0.5
        assert seen["conf_catalog"]["raw_orders"]["filepath"] == (
            example_project.resolve() / "data/01_raw/orders.csv"
        ).as_posix()

    def test_missing_parameters_warn_in_kedro_words(self, example_project: Path) -> None:
        from kedro_ipy.config import MissingConfigException

        class NoParameters(OmegaConfigLoader):
            def __getitem__(self, key: str) -> Any:
                if key == "parameters":
                    raise MissingConfigException("no parameters files")
                return super().__getitem__(key)

        context = make_context(example_project, runtime_params={"x": 1})
        context.config_loader = NoParameters(str(example_project / "conf"))
        with pytest.warns(UserWarning, match="Parameters not found in your Kedro project "
                                             "config.\nno parameters files"):
            assert context.params == {"x": 1}

    def test_catalog_of_a_missing_env_raises(self, example_project: Path) -> None:
        from kedro_ipy.config import MissingConfigException

        context = make_context(example_project, env="nowhere")
        with pytest.raises(MissingConfigException, match="nowhere"):
            _ = context.catalog

    def test_relative_project_path_is_refused(self) -> None:
        with pytest.raises(ValueError, match=re.escape("project_path must be an absolute "
                                                       "path. Received: relative")):
            _convert_paths_to_absolute_posix(Path("relative"), {})

    def test_catalog_class_without_from_config(self, example_project: Path) -> None:
        message = "The catalog class <class 'dict'> has no from_config()"
        with pytest.raises(KedroContextError, match=re.escape(message)):
            make_context(example_project)._get_catalog(catalog_class=dict)

    def test_kedro_only_arguments_are_accepted(self, example_project: Path) -> None:
        bootstrap_project(example_project)
        context = KedroContext(
            project_path=example_project,
            config_loader=OmegaConfigLoader(str(example_project / "conf")),
            env=None,
            package_name="coffee_shop",
            hook_manager=_create_hook_manager(),
            pipelines_to_validate=None,
        )
        assert context.params["report"]["top_n"] == 3


class TestHelpers:
    def test_absolute_paths(self, tmp_path: Path) -> None:
        conf = {
            "a": {"type": "x", "filepath": "data/a.csv"},
            "b": {"type": "x", "filepath": "s3://bucket/b.csv"},
            "c": {"type": "x", "filepath": "/abs/c.csv"},
            "d": {"type": "CachedDataset", "dataset": {"type": "x", "filepath": "d.pkl"}},
            "e": {"type": "x", "path": "parts", "load_args": {"filepath": "not/a/path"}},
            "f": {"type": "x", "filepath": "C:\\data\\f.csv"},
            "g": {"type": "x", "filename": "~/g.txt", "other": "data/g"},
        }
        out = _convert_paths_to_absolute_posix(tmp_path, conf)
        assert out["a"]["filepath"] == (tmp_path / "data/a.csv").as_posix()
        assert out["b"]["filepath"] == "s3://bucket/b.csv"
        assert out["c"]["filepath"] == "/abs/c.csv"
        assert out["d"]["dataset"]["filepath"] == (tmp_path / "d.pkl").as_posix()
        assert out["e"]["path"] == (tmp_path / "parts").as_posix()
        assert out["e"]["load_args"]["filepath"] == (tmp_path / "not/a/path").as_posix()
        assert out["f"]["filepath"] == "C:/data/f.csv"
        assert out["g"] == {"type": "x", "filename": "~/g.txt", "other": "data/g"}
        assert conf["a"]["filepath"] == "data/a.csv"  # the input is not modified

    def test_merge_params(self) -> None:
        params = {"model": {"alpha": 1, "beta": 2}, "x": 1}
        merged = _merge_params(params, {"model.alpha": 5, "model": {"gamma": 3}, "new.key": 1})
        assert merged == {"model": {"alpha": 5, "beta": 2, "gamma": 3}, "x": 1,
                          "new": {"key": 1}}
        assert params == {"model": {"alpha": 1, "beta": 2}, "x": 1}

"""Project settings: defaults, overrides from settings.py, and early errors for bad values."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_ipy.config import OmegaConfigLoader
from kedro_ipy.framework import project
from kedro_ipy.framework.project import SettingsError, configure_project, settings
from kedro_ipy.framework.startup import bootstrap_project

from ._factory import make_project

HOOKS_MODULE = """\
class ProjectHooks:
    def before_pipeline_run(self, run_params, pipeline, catalog):
        pass
"""


def bootstrap_with_settings(tmp_path: Path, text: str, package: str = "settings_pkg") -> None:
    root = make_project(tmp_path, package, settings=text)
    (root / "src" / package / "hooks.py").write_text(HOOKS_MODULE, encoding="utf-8")
    bootstrap_project(root)


class TestDefaults:
    def test_defaults_before_any_project(self) -> None:
        settings.configure(None)
        assert settings.CONF_SOURCE == "conf"
        assert settings.HOOKS == ()
        assert settings.DISABLE_HOOKS_FOR_PLUGINS == ()
        assert settings.SESSION_STORE_ARGS == {}
        assert settings.CONFIG_LOADER_CLASS is OmegaConfigLoader
        assert settings.CONFIG_LOADER_ARGS == {"base_env": "base", "default_run_env": "local"}

    def test_class_defaults_are_the_framework_classes(self) -> None:
        from kedro_ipy.framework.context import KedroContext
        from kedro_ipy.framework.session.store import BaseSessionStore
        from kedro_ipy.io import DataCatalog

        settings.configure(None)
        assert settings.CONTEXT_CLASS is KedroContext
        assert settings.SESSION_STORE_CLASS is BaseSessionStore
        assert settings.DATA_CATALOG_CLASS is DataCatalog

    def test_reading_a_plain_setting_imports_no_upper_layer(self) -> None:
        code = (
            "import sys\n"
            "from kedro_ipy.framework.project import settings\n"
            "settings.CONF_SOURCE; settings.HOOKS\n"
            "heavy = ['kedro_ipy.framework.context', 'kedro_ipy.framework.session', "
            "'kedro_ipy.io', 'yaml', 'fsspec', 'pandas', 'IPython']\n"
            "print([m for m in heavy if m in sys.modules])\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.strip() == "[]"

    def test_unknown_setting_suggests_a_close_one(self) -> None:
        settings.configure(None)
        with pytest.raises(AttributeError, match=re.escape("Did you mean 'HOOKS'?")):
            settings.HOKS  # noqa: B018


class TestOverrides:
    def test_values_from_settings_py_replace_defaults(self, tmp_path: Path) -> None:
        bootstrap_with_settings(
            tmp_path,
            """\
            from settings_pkg.hooks import ProjectHooks

            HOOKS = (ProjectHooks(),)
            CONF_SOURCE = "configuration"
            SESSION_STORE_ARGS = {"path": "sessions"}
            CONFIG_LOADER_ARGS = {"base_env": "common", "merge_strategy": {"parameters": "soft"}}
            MY_PROJECT_FLAG = True
            """,
        )
        assert type(settings.HOOKS[0]).__name__ == "ProjectHooks"
        assert settings.CONF_SOURCE == "configuration"
        assert settings.SESSION_STORE_ARGS == {"path": "sessions"}
        assert settings.CONFIG_LOADER_ARGS["base_env"] == "common"
        assert settings.MY_PROJECT_FLAG is True
        assert settings.DISABLE_HOOKS_FOR_PLUGINS == ()
        assert settings.settings_module == "settings_pkg.settings"

    def test_subclasses_are_accepted(self, tmp_path: Path) -> None:
        bootstrap_with_settings(
            tmp_path,
            """\
            from kedro_ipy.config import OmegaConfigLoader

            class MyLoader(OmegaConfigLoader):
                pass

            CONFIG_LOADER_CLASS = MyLoader
            """,
        )
        assert settings.CONFIG_LOADER_CLASS.__name__ == "MyLoader"

    def test_a_project_without_settings_py_uses_defaults(self, tmp_path: Path) -> None:
        bootstrap_project(make_project(tmp_path, "no_settings_pkg"))
        assert settings.CONF_SOURCE == "conf"
        assert project.PACKAGE_NAME == "no_settings_pkg"

    def test_configure_project_again_rereads_settings(self, tmp_path: Path) -> None:
        bootstrap_with_settings(tmp_path, 'CONF_SOURCE = "one"\n')
        (tmp_path / "src" / "settings_pkg" / "settings.py").write_text('CONF_SOURCE = "two"\n')
        del sys.modules["settings_pkg.settings"]
        configure_project("settings_pkg")
        assert settings.CONF_SOURCE == "two"


class TestBadValues:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "from settings_pkg.hooks import ProjectHooks\nHOOKS = (ProjectHooks,)\n",
                "Invalid value for setting 'HOOKS' in settings_pkg.settings: item 0 is the "
                "class 'ProjectHooks', not an instance of it. Did you mean ProjectHooks()?",
            ),
            (
                "HOOKS = 'settings_pkg.hooks.ProjectHooks'\n",
                "Invalid value for setting 'HOOKS' in settings_pkg.settings: expected a tuple "
                "or list of hook objects, got 'settings_pkg.hooks.ProjectHooks' (str).",
            ),
            (
                "HOOKS = [None]\n",
                "Invalid value for setting 'HOOKS' in settings_pkg.settings: item 0 is None "
                "(NoneType); expected an object whose methods are marked with @hook_impl.",
            ),
            (
                "CONFIG_LOADER_CLASS = dict\n",
                "Invalid value for setting 'CONFIG_LOADER_CLASS' in settings_pkg.settings: "
                "'builtins.dict' is not a subclass of 'kedro_ipy.config.AbstractConfigLoader'.",
            ),
            (
                "CONTEXT_CLASS = 'kedro_ipy.framework.context.KedroContext'\n",
                "Invalid value for setting 'CONTEXT_CLASS' in settings_pkg.settings: expected a "
                "class, got 'kedro_ipy.framework.context.KedroContext' (str).",
            ),
            (
                "SESSION_STORE_CLASS = dict\n",
                "Invalid value for setting 'SESSION_STORE_CLASS' in settings_pkg.settings: "
                "'builtins.dict' is not a subclass of "
                "'kedro_ipy.framework.session.store.BaseSessionStore'.",
            ),
            (
                "DATA_CATALOG_CLASS = dict\n",
                "Invalid value for setting 'DATA_CATALOG_CLASS' in settings_pkg.settings: "
                "'builtins.dict' does not behave like a data catalog: it lacks from_config, "
                "load, save, exists, release, confirm (subclass kedro_ipy.io.DataCatalog to "
                "get them).",
            ),
            (
                "SESSION_STORE_ARGS = ['path']\n",
                "Invalid value for setting 'SESSION_STORE_ARGS' in settings_pkg.settings: "
                "expected a dict, got ['path'] (list).",
            ),
            (
                "DISABLE_HOOKS_FOR_PLUGINS = 'kedro-viz'\n",
                "Invalid value for setting 'DISABLE_HOOKS_FOR_PLUGINS' in settings_pkg.settings: "
                "expected a tuple or list of plugin names, got 'kedro-viz' (str).",
            ),
            (
                "CONFIG_LOADER_ARGS = {'base_evn': 'common'}\n",
                "Invalid value for setting 'CONFIG_LOADER_ARGS' in settings_pkg.settings: "
                "'base_evn' is not an argument of OmegaConfigLoader. Valid: config_patterns, "
                "base_env, default_run_env, custom_resolvers, merge_strategy, ignore_hidden, "
                "restrict_runtime_params_type_selection. Did you mean 'base_env'?",
            ),
            (
                "CONF_SOURCE = 3\n",
                "Invalid value for setting 'CONF_SOURCE' in settings_pkg.settings: expected a "
                "folder path, got 3 (int).",
            ),
        ],
        ids=[
            "hook-class",
            "hooks-string",
            "hook-none",
            "loader-class",
            "context-path",
            "store-class",
            "catalog-class",
            "store-args",
            "disabled-plugins",
            "loader-args-typo",
            "conf-source",
        ],
    )
    def test_bad_value_fails_at_bootstrap(self, tmp_path: Path, text: str, message: str) -> None:
        with pytest.raises(SettingsError, match=re.escape(message)):
            bootstrap_with_settings(tmp_path, text)

    def test_failed_configure_leaves_no_half_configured_project(self, tmp_path: Path) -> None:
        project.PACKAGE_NAME = None
        settings.configure(None)
        with pytest.raises(SettingsError):
            bootstrap_with_settings(tmp_path, "CONF_SOURCE = 3\n")
        assert project.PACKAGE_NAME is None
        assert settings.settings_module is None
        assert settings.CONF_SOURCE == "conf"

    def test_typo_of_a_setting_name_warns(self, tmp_path: Path) -> None:
        with pytest.warns(UserWarning, match=re.escape("sets 'HOOK', which is not a setting")):
            bootstrap_with_settings(tmp_path, "HOOK = ()\n")

    def test_import_error_in_settings_propagates(self, tmp_path: Path) -> None:
        with pytest.raises(ModuleNotFoundError, match="no_such_module"):
            bootstrap_with_settings(tmp_path, "import no_such_module\n")

    def test_validate_settings_needs_a_project(self) -> None:
        project.PACKAGE_NAME = None
        with pytest.raises(ValueError, match="No project is configured"):
            project.validate_settings()


def test_configure_logging_applies_a_dict_config() -> None:
    import logging

    from kedro_ipy.framework.project import configure_logging

    logger = logging.getLogger("kedro_ipy_test_configure_logging")
    before = logger.level
    try:
        configure_logging(
            {
                "version": 1,
                "disable_existing_loggers": False,
                "loggers": {"kedro_ipy_test_configure_logging": {"level": "ERROR"}},
            }
        )
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before)


def test_kedro_1x_settings_have_kedros_defaults_and_dynaconf_helpers() -> None:
    from kedro_ipy.framework.project import settings
    from kedro_ipy.framework.session import KedroSession

    settings.configure(None)
    try:
        assert settings.SESSION_CLASS is KedroSession
        assert tuple(settings.RUNNER_MODULE_ALLOWLIST) == ()
        assert settings.DATASET_VALIDATION is True
        everything = settings.as_dict()
        assert {"CONF_SOURCE", "SESSION_CLASS", "CONFIG_LOADER_ARGS"} <= set(everything)
        assert everything["CONFIG_LOADER_ARGS"] == {"base_env": "base", "default_run_env": "local"}
        settings.set("CONF_SOURCE", "elsewhere")
        assert settings.CONF_SOURCE == "elsewhere"
    finally:
        settings.configure(None)
    assert settings.CONF_SOURCE == "conf"

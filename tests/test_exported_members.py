"""Pin each subpackage's public names: a name added or removed is a deliberate decision."""

from __future__ import annotations

import importlib
import importlib.resources

import pytest

# Each layer's owner keeps its own line here in step with its ``__all__``.
PUBLIC_NAMES: dict[str, set[str]] = {
    "kedro_ipy": {
        "KedroIpyError", "__version__", "load_ipython_extension", "unload_ipython_extension",
    },
    "kedro_ipy.errors": {"KedroIpyError"},
    "kedro_ipy.config": {
        "AbstractConfigLoader", "BadConfigException", "MissingConfigException", "OmegaConfigLoader",
    },
    "kedro_ipy.pipeline": {
        "CircularDependencyError", "ConfirmNotUniqueError", "GroupedNodes", "Node",
        "OutputNotUniqueError", "Pipeline", "PipelineError", "UnknownNameError", "node", "pipeline",
    },
    "kedro_ipy.io": {
        "AbstractDataset", "AbstractVersionedDataset", "CachedDataset", "CatalogConfigResolver",
        "CatalogProtocol", "DataCatalog", "DatasetAlreadyExistsError", "DatasetError",
        "DatasetNotFoundError",
        "LambdaDataset", "MemoryDataset", "Version", "VersionAlreadyExistsError",
        "VersionNotFoundError", "generate_timestamp",
    },
    "kedro_ipy.io.datasets": {"AbstractFileDataset"},
    "kedro_ipy.runner": {
        "AbstractRunner", "MissingInputsError", "ParallelRunner", "RunnerError", "SequentialRunner",
        "Task", "ThreadRunner", "UnpicklableError", "find_nodes_to_resume_from",
    },
    "kedro_ipy.framework.hooks": {
        "_create_hook_manager", "_register_hooks", "_register_hooks_entry_points", "hook_impl",
    },
    "kedro_ipy.framework.context": {"KedroContext", "KedroContextError"},
    "kedro_ipy.framework.session": {
        "KedroSession", "KedroSessionError", "PipelineSelectionError", "RunPlan",
        "RunPlanError", "RunRequest", "RunRequestError", "RunResult", "SessionState",
    },
    "kedro_ipy.framework.cli": {"main"},
    "kedro_ipy.ipython": {"load_ipython_extension", "unload_ipython_extension"},
    "kedro_ipy.ipython.panel": {"SessionPanel"},
    "kedro_ipy.framework.project": {
        "LOGGING", "LoggingConfigError", "PACKAGE_NAME", "SettingsError", "configure_logging",
        "configure_project", "find_pipelines", "pipelines", "settings", "validate_settings",
    },
    "kedro_ipy.framework.startup": {
        "ProjectMetadata", "ProjectMetadataError", "ProjectNotFoundError", "bootstrap_project",
        "find_project_root",
    },
}


@pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
def test_all_is_pinned(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert set(module.__all__) == PUBLIC_NAMES[module_name]


@pytest.mark.parametrize("module_name", sorted(PUBLIC_NAMES))
def test_every_public_name_exists(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_package_has_version_and_type_marker() -> None:
    import kedro_ipy

    assert kedro_ipy.__version__.count(".") == 2
    assert (importlib.resources.files("kedro_ipy") / "py.typed").is_file()

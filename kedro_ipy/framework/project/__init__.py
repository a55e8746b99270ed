"""The configured project: its settings, its pipelines and the package they come from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.project._logging import LoggingConfigError, _ProjectLogging
from kedro_ipy.framework.project._pipelines import _ProjectPipelines, discover_pipelines
from kedro_ipy.framework.project._settings import SettingsError, _ProjectSettings

if TYPE_CHECKING:
    from kedro_ipy.pipeline import Pipeline

__all__ = [
    "LOGGING",
    "PACKAGE_NAME",
    "LoggingConfigError",
    "SettingsError",
    "configure_logging",
    "configure_project",
    "find_pipelines",
    "pipelines",
    "settings",
    "validate_settings",
]

#: The configured project's package name; ``None`` until :func:`configure_project` runs.
#: Read it as ``kedro_ipy.framework.project.PACKAGE_NAME`` (an imported copy goes stale).
PACKAGE_NAME: str | None = None

#: Settings of the configured project (defaults until a project is configured).
settings = _ProjectSettings()

#: The logging configuration applied from the project's ``conf/logging.yml`` (or the file
#: named by ``KEDRO_LOGGING_CONFIG``): on import when the current folder is such a project,
#: else by ``bootstrap_project``; empty until then.
LOGGING = _ProjectLogging()
LOGGING.configure_on_import()

#: ``{name: Pipeline}`` from the configured project's ``register_pipelines()``, built lazily.
pipelines = _ProjectPipelines()


def configure_project(package_name: str, preserve_logging: bool = False) -> None:
    """Make ``package_name`` the current project: load its settings and point ``pipelines`` at
    its ``pipeline_registry`` module.

    Settings are imported and checked here, so a bad value fails at bootstrap; pipelines are
    only built when first read.

    Args:
        package_name: The project's Python package (already importable).
        preserve_logging: Leave the logging configuration alone; otherwise, once a logging
            config has been applied, the project's package logs at INFO unless it says
            otherwise (as in Kedro).

    Raises:
        SettingsError: a value in ``<package_name>/settings.py`` is not usable.
    """
    global PACKAGE_NAME
    settings.configure(f"{package_name}.settings")
    try:
        settings.load()
    except BaseException:
        # Leave no half-configured project behind: defaults until a good configure.
        settings.configure(None)
        raise
    pipelines.configure(f"{package_name}.pipeline_registry")
    PACKAGE_NAME = package_name
    LOGGING.set_project_logging(package_name, preserve_logging=preserve_logging)


def configure_logging(logging_config: dict[str, Any]) -> None:
    """Apply a ``logging.config.dictConfig`` configuration, as Kedro's function of this name.

    kedro_ipy configures logging by itself only from a project's ``conf/logging.yml`` (see
    ``LOGGING``); this lets code apply another configuration, checked the same way.

    Raises:
        LoggingConfigError: a ``()`` factory, or a class that is not an allowed handler,
            formatter or filter.
    """
    LOGGING.configure(logging_config)


def validate_settings() -> None:
    """Import and check the configured project's ``settings.py`` now.

    Raises:
        ValueError: no project has been configured.
        SettingsError: a setting has an unusable value.
    """
    if PACKAGE_NAME is None:
        raise ValueError(
            "Package name not found. Make sure you have configured the project using "
            "'bootstrap_project'. No project is configured, so there are no settings to "
            "validate: call bootstrap_project(path) or configure_project(package_name) first."
        )
    settings.load()


def find_pipelines(
    raise_errors: bool = False, pipelines_to_find: list[str] | None = None
) -> dict[str, Pipeline]:
    """Build the pipelines of the configured project's ``pipelines/<name>/`` folders.

    Each folder's package (or its ``pipeline.py``) must define ``create_pipeline()``.
    ``"__default__"`` is the ``create_pipeline()`` of ``<package>/pipeline.py`` when there is
    one, else an empty pipeline; a registry usually replaces it with the sum of the others::

        def register_pipelines():
            pipelines = find_pipelines()
            pipelines["__default__"] = sum(pipelines.values())
            return pipelines

    Args:
        raise_errors: Raise on a folder that cannot be imported or has no usable
            ``create_pipeline``; by default such a folder is skipped with a warning, so that
            one broken pipeline does not hide the others.
        pipelines_to_find: Only build these (``None``, or a list containing ``"__default__"``,
            builds all). A selection made with ``pipelines.set_requested`` takes precedence.

    Returns:
        ``{name: Pipeline}`` in folder-name order, ``"__default__"`` first when built.

    Raises:
        RuntimeError: no project is configured.
    """
    if PACKAGE_NAME is None:
        raise RuntimeError(
            "'find_pipelines' cannot be called before the project is configured. Call "
            "'configure_project' first (or bootstrap_project(path), which calls it)."
        )
    requested = (
        pipelines._requested_pipelines
        if pipelines._requested_pipelines is not None
        else pipelines_to_find
    )
    return discover_pipelines(PACKAGE_NAME, raise_errors, requested)

"""The project's logging configuration: ``conf/logging.yml`` or ``KEDRO_LOGGING_CONFIG``.

As in Kedro, the file named by the ``KEDRO_LOGGING_CONFIG`` environment variable wins, then
the project's ``conf/logging.yml`` (or ``.yaml``); it is a ``logging.config.dictConfig``
document. As in Kedro, it is applied when this package is first imported, if the variable is
set or the current folder holds ``conf/logging.yml`` (so that a project's own tests, run from
its folder, capture records through the configured loggers), and otherwise when a project with
such a file is bootstrapped; a file already in force is not applied again, so handlers added
since (pytest's ``caplog``, say) survive. A notebook's logging stays the user's until they
open a project that has such a file. Relative ``filename:`` values of handlers are
taken from the project folder, so ``info.log`` lands in the project wherever the command was
started. Every kedro_ipy logger is a child of ``kedro_ipy``, which a config can target.
"""

from __future__ import annotations

import importlib
import logging
import logging.config
import os
from collections import UserDict
from pathlib import Path
from typing import Any

from kedro_ipy.errors import KedroIpyError

__all__ = ["LoggingConfigError", "_ProjectLogging"]

ENV_VAR = "KEDRO_LOGGING_CONFIG"
ALLOWLIST_ENV_VAR = "KEDRO_LOGGING_MODULE_ALLOWLIST"
_ALLOWED_MODULES = ("logging", "kedro_ipy.logging", "kedro.logging", "rich.logging")
_BASE_CLASSES = (logging.Handler, logging.Formatter, logging.Filter)


class LoggingConfigError(KedroIpyError, ValueError):
    """The logging configuration cannot be applied: unreadable, not a dictConfig document,
    or naming a class that is not a handler, formatter or filter of an allowed module."""


def _allowed_modules() -> tuple[str, ...]:
    extra = os.environ.get(ALLOWLIST_ENV_VAR, "")
    return _ALLOWED_MODULES + tuple(m.strip() for m in extra.split(",") if m.strip())


def _check_classes(config: Any, source: str) -> None:
    """Refuse ``()`` factories and classes from modules not allowed, as Kedro does: a config
    file must not be a way to run arbitrary code."""
    if isinstance(config, list):
        for item in config:
            _check_classes(item, source)
        return
    if not isinstance(config, dict):
        return
    if "()" in config:
        raise LoggingConfigError(
            f"The '()' key is not allowed in logging configuration ({source}): it would run "
            f"any callable. Use 'class:' with a handler, formatter or filter class."
        )
    class_path = config.get("class")
    if isinstance(class_path, str) and "." in class_path:
        module_name, _, name = class_path.rpartition(".")
        allowed = _allowed_modules()
        if not any(module_name == m or module_name.startswith(m + ".") for m in allowed):
            raise LoggingConfigError(
                f"Module '{module_name}' specified as a logging class in {source} is not "
                f"permitted. Allowed: {', '.join(allowed)}; add modules to the "
                f"{ALLOWLIST_ENV_VAR} environment variable (comma-separated)."
            )
        try:
            cls = getattr(importlib.import_module(module_name), name, None)
        except ImportError as exc:
            raise LoggingConfigError(
                f"Cannot import module '{module_name}' specified as a logging class in "
                f"{source}: {exc}"
            ) from exc
        if not (isinstance(cls, type) and issubclass(cls, _BASE_CLASSES)):
            raise LoggingConfigError(
                f"Invalid logging class '{class_path}' in {source}: expected a subclass of "
                f"logging.Handler, logging.Formatter or logging.Filter."
            )
    for value in config.values():
        _check_classes(value, source)


def _kedro_to_ours(config: dict[str, Any]) -> dict[str, Any]:
    """A config written for Kedro works unported: ``kedro.logging.X`` handlers become ours
    when Kedro is not installed, and the ``kedro`` logger's settings apply to ``kedro_ipy``."""
    import importlib.util

    kedro_missing = importlib.util.find_spec("kedro") is None

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        if kedro_missing and isinstance(value, str) and value.startswith("kedro.logging."):
            return "kedro_ipy" + value[len("kedro"):]
        return value

    fixed = fix(config)
    loggers = fixed.get("loggers")
    if isinstance(loggers, dict) and "kedro" in loggers and "kedro_ipy" not in loggers:
        loggers["kedro_ipy"] = loggers["kedro"]
    return fixed


def _anchor_files(config: dict[str, Any], root: Path) -> dict[str, Any]:
    """Relative handler ``filename`` values -> under ``root`` (the folder is created)."""
    handlers = config.get("handlers")
    if not isinstance(handlers, dict):
        return config
    for handler in handlers.values():
        if isinstance(handler, dict) and isinstance(handler.get("filename"), str):
            path = Path(handler["filename"]).expanduser()
            if not path.is_absolute():
                path = root / path
            path.parent.mkdir(parents=True, exist_ok=True)
            handler["filename"] = str(path)
    return config


class _ProjectLogging(UserDict):
    """The logging configuration in force (Kedro's ``LOGGING``): the dict last applied."""

    def __init__(self) -> None:
        super().__init__()
        self.source: Path | None = None
        self._installed: set[int] = set()  # ids of the root handlers our config created

    def configure(self, logging_config: dict[str, Any]) -> None:
        """Apply a ``dictConfig`` document and remember it."""
        _check_classes(logging_config, "the logging configuration")
        logging.config.dictConfig(logging_config)
        self.data = logging_config

    def config_file(self, project_path: Path) -> Path | None:
        """The file that configures logging for this project, or ``None``."""
        given = os.environ.get(ENV_VAR)
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise LoggingConfigError(
                    f"{ENV_VAR} is set to '{given}', which is not a file. Point it at a "
                    f"logging config (a dictConfig YAML file) or unset it."
                )
            return path
        for suffix in (".yml", ".yaml"):
            path = project_path / "conf" / f"logging{suffix}"
            if path.is_file():
                return path
        return None

    def configure_on_import(self) -> None:
        """Kedro's start-up rule: the env variable's file, else ``./conf/logging.yml``."""
        try:
            path = self.config_file(Path.cwd())
        except (LoggingConfigError, OSError):
            return  # reported when a project is bootstrapped
        if path is not None:
            self.configure_for_project(Path.cwd(), None)

    def configure_for_project(self, project_path: Path, package_name: str | None
                              ) -> Path | None:
        """Apply the project's logging file, if it has one and it is not already in force;
        returns the file in force."""
        path = self.config_file(project_path)
        if path is None:
            return None
        if self.source is not None and self.source == path.resolve():
            if package_name is not None:
                self.set_project_logging(package_name)
            return path
        import yaml

        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise LoggingConfigError(f"Cannot read the logging config {path}: {exc}") from exc
        if not isinstance(document, dict) or "version" not in document:
            raise LoggingConfigError(
                f"The logging config {path} is not a logging.config.dictConfig document "
                f"(a mapping with 'version: 1', 'handlers', 'loggers', ...)."
            )
        document = _anchor_files(_kedro_to_ours(document), project_path)
        loggers = document.setdefault("loggers", {})
        if isinstance(loggers, dict) and package_name is not None:
            loggers.setdefault(package_name, {"level": "INFO"})
        _check_classes(document, str(path))
        root = logging.getLogger()
        foreign = [h for h in root.handlers if id(h) not in self._installed]
        try:
            logging.config.dictConfig(document)
        except (ValueError, TypeError, AttributeError, ImportError) as exc:
            raise LoggingConfigError(f"The logging config {path} cannot be applied: {exc}") \
                from exc
        # dictConfig replaces the root's handlers; those someone else added (pytest's caplog,
        # an application's own) are put back, as they would survive Kedro's start-up config.
        self._installed = {id(h) for h in root.handlers}
        for handler in foreign:
            if handler not in root.handlers:
                root.addHandler(handler)
        self.data = document
        self.source = path.resolve()
        logging.getLogger(__name__).info(
            "Using '%s' as logging configuration.%s", path,
            "" if os.environ.get(ENV_VAR) else
            f" You can change this by setting the {ENV_VAR} environment variable accordingly.",
        )
        return path

    def set_project_logging(self, package_name: str, preserve_logging: bool = False) -> None:
        """Log the project's package at INFO unless the config says otherwise (Kedro's)."""
        if not self.data or preserve_logging:
            return
        loggers = self.data.setdefault("loggers", {})
        if package_name not in loggers:
            loggers[package_name] = {"level": "INFO"}
            logging.getLogger(package_name).setLevel(logging.INFO)

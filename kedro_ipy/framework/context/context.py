"""``KedroContext``: a project's configuration turned into a catalog and parameters.

A context is cheap and short-lived: the session makes a new one for every run (and for every
``load_context()``), so configuration edits are always seen. Nothing heavy is imported until a
catalog is actually built.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from kedro_ipy.errors import KedroIpyError

if TYPE_CHECKING:
    from kedro_ipy.config import AbstractConfigLoader
    from kedro_ipy.io import DataCatalog

__all__ = ["KedroContext", "KedroContextError"]

logger = logging.getLogger(__name__)

#: Keys of catalog entries (at any depth) whose relative values are paths under the project.
_PATH_KEYS = ("filepath", "path", "filename")


class KedroContextError(KedroIpyError):
    """The project cannot give what was asked: an unknown pipeline, a pipeline with nothing
    left to run after filtering, or a catalog that cannot be built from its configuration."""


def _is_relative_path(path_string: str) -> bool:
    """Whether ``path_string`` is a local path relative to the current folder (not a URL, not
    ``~``, not absolute in POSIX or Windows form)."""
    if "://" in path_string or path_string.startswith("~"):
        return False
    if PureWindowsPath(path_string).drive:
        return False
    return not PurePosixPath(path_string).is_absolute()


def _convert_paths_to_absolute_posix(
    project_path: Path | PurePosixPath | PureWindowsPath, conf_dictionary: dict[str, Any]
) -> dict[str, Any]:
    """A copy of ``conf_dictionary`` whose relative ``filepath``/``path``/``filename`` values
    point under ``project_path`` (and whose Windows absolute paths use ``/``), so datasets work
    whatever the current folder (e.g. ``notebooks/``).

    Raises:
        ValueError: ``project_path`` is relative, so the result would still depend on the
            current folder.
    """
    if not project_path.is_absolute():
        raise ValueError(f"project_path must be an absolute path. Received: {project_path}")
    converted: dict[str, Any] = {}
    for key, value in conf_dictionary.items():
        if isinstance(value, dict):
            converted[key] = _convert_paths_to_absolute_posix(project_path, value)
        elif isinstance(value, str) and key in _PATH_KEYS and _is_relative_path(value):
            converted[key] = (project_path / value).as_posix()
        elif isinstance(value, str) and key in _PATH_KEYS and PureWindowsPath(value).drive:
            converted[key] = PureWindowsPath(value).as_posix()
        else:
            converted[key] = value
    return converted


def _set_dotted(target: dict[str, Any], dotted_key: str, value: Any) -> None:
    """``_set_dotted(d, "model.alpha", 1)`` sets ``d["model"]["alpha"] = 1``, creating levels."""
    *parents, leaf = dotted_key.split(".")
    node = target
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[leaf] = value


def _merge_params(params: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``params`` with ``overrides`` applied: nested dicts merge, dotted keys address levels."""
    import copy

    merged = copy.deepcopy(params)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_params(merged[key], value)
        else:
            _set_dotted(merged, key, value)
    return merged


def _parameter_entries(params: dict[str, Any]) -> dict[str, Any]:
    """The catalog entries the parameters give, as Kedro hands them to
    ``after_catalog_created``: ``parameters`` and ``params:<key>`` for every key at any depth
    (``params:model`` and ``params:model.alpha``)."""
    entries: dict[str, Any] = {"parameters": params}

    def add(prefix: str, value: Any) -> None:
        entries[f"params:{prefix}"] = value
        if isinstance(value, dict):
            for key, child in value.items():
                add(f"{prefix}.{key}", child)

    for key, value in params.items():
        add(str(key), value)
    return entries


class KedroContext:
    """The main entry point to a project's configured data and parameters.

    Args:
        project_path: the project root; relative catalog paths resolve against it.
        config_loader: reads ``catalog``, ``parameters`` and ``credentials``.
        env: the configuration environment in use (``None`` means the loader's default).
        package_name: the project's Python package.
        hook_manager: the session's hook manager (``after_catalog_created`` is called on it).
        runtime_params: parameters that override the configured ones (``"a.b"`` keys allowed).
    """

    def __init__(
        self,
        project_path: Path | str,
        config_loader: AbstractConfigLoader,
        env: str | None,
        package_name: str | None,
        hook_manager: Any,
        runtime_params: dict[str, Any] | None = None,
        **_kedro_only: Any,
    ) -> None:
        # Kedro 1.x also passes validation caches; they do not apply here and are ignored.
        self.project_path = Path(project_path).expanduser().resolve()
        self.config_loader = config_loader
        self.env = env
        self._package_name = package_name
        self._hook_manager = hook_manager
        self._runtime_params = dict(runtime_params or {})

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} of '{self._package_name}' at {self.project_path} "
            f"(env: {self.env or 'default'})>"
        )

    @property
    def catalog(self) -> DataCatalog:
        """A new catalog from ``catalog`` config and credentials, with the parameters fed in."""
        return self._get_catalog()

    @property
    def params(self) -> dict[str, Any]:
        """The configured parameters with the runtime parameters applied on top."""
        from kedro_ipy.config import MissingConfigException

        try:
            params = self.config_loader["parameters"]
        except MissingConfigException as exc:
            import warnings

            # Kedro's sentence first (a UserWarning, as there): users filter on it.
            warnings.warn(
                f"Parameters not found in your Kedro project config.\n{exc}", stacklevel=2
            )
            params = {}
        return _merge_params(dict(params or {}), self._runtime_params)

    def _get_parameters(self) -> dict[str, Any]:
        """``parameters`` and every ``params:<dotted.key>`` entry, as a plain dict."""
        return _parameter_entries(self.params)

    def _get_config_credentials(self) -> dict[str, Any]:
        from kedro_ipy.config import MissingConfigException

        try:
            return dict(self.config_loader["credentials"] or {})
        except MissingConfigException as exc:
            logger.debug("Credentials not found in your Kedro project config.\n %s", exc)
            return {}

    def _get_catalog(
        self,
        catalog_class: type | None = None,
        save_version: str | None = None,
        load_versions: dict[str, str] | None = None,
    ) -> DataCatalog:
        """Build the catalog a run uses.

        Args:
            catalog_class: overrides ``settings.DATA_CATALOG_CLASS`` (first, as in Kedro).
            save_version: the version every versioned dataset saves under (the run id).
            load_versions: ``{dataset: version}`` to load instead of the latest.

        Raises:
            KedroContextError: the catalog class cannot be built from the configuration.
            MissingConfigException: the configuration environment does not exist.
        """
        # A MissingConfigException (an env folder that is not there) propagates, as in Kedro.
        conf_catalog = dict(self.config_loader["catalog"] or {})
        conf_catalog = _convert_paths_to_absolute_posix(self.project_path, conf_catalog)
        conf_creds = self._get_config_credentials()
        if catalog_class is None:
            from kedro_ipy.framework.project import settings

            catalog_class = settings.DATA_CATALOG_CLASS
        from_config = getattr(catalog_class, "from_config", None)
        if from_config is None:
            raise KedroContextError(
                f"The catalog class {catalog_class!r} has no from_config(); set "
                f"DATA_CATALOG_CLASS in settings.py to a DataCatalog subclass."
            )
        catalog = from_config(
            catalog=conf_catalog,
            credentials=conf_creds,
            load_versions=load_versions,
            save_version=save_version,
        )
        parameters = self.params
        catalog.add_feed_dict({"parameters": parameters}, replace=True)
        self._hook_manager.hook.after_catalog_created(
            catalog=catalog,
            conf_catalog=conf_catalog,
            conf_creds=conf_creds,
            parameters=_parameter_entries(parameters),
            save_version=save_version,
            load_versions=load_versions,
        )
        return catalog

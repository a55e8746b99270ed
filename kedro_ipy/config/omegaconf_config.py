"""The YAML config loader, under Kedro's name ``OmegaConfigLoader`` so project code ports by
renaming imports. It does not use OmegaConf: files are read with PyYAML's safe loader and the
``${...}`` syntax Kedro projects use is resolved by :mod:`kedro_ipy.config._resolve`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, KeysView
from pathlib import Path
from typing import Any

from kedro_ipy.config._files import list_config_files, match_patterns, read_config_file
from kedro_ipy.config._resolve import MISSING, ResolveContext, resolve_tree
from kedro_ipy.config.abstract_config import (
    AbstractConfigLoader,
    BadConfigException,
    MissingConfigException,
)
from kedro_ipy.utils import did_you_mean

__all__ = ["OmegaConfigLoader"]

_DEFAULT_PATTERNS: dict[str, list[str]] = {
    "catalog": ["catalog*", "catalog*/**", "**/catalog*"],
    "parameters": ["parameters*", "parameters*/**", "**/parameters*"],
    "credentials": ["credentials*", "credentials*/**", "**/credentials*"],
    "globals": ["globals.yml", "globals.yaml"],
}
_MERGE_STRATEGIES = ("destructive", "soft")
_BUILTIN_RESOLVERS = ("globals", "runtime_params", "oc.env")


class OmegaConfigLoader(AbstractConfigLoader):
    """Loads ``<conf_source>/<base_env>`` and layers ``<conf_source>/<run env>`` over it.

    ``loader["catalog"]`` reads every file matching the ``catalog`` patterns in each of the two
    environments, merges the files of one environment (a top-level key may be defined in only
    one of them; for parameters, a nested key), resolves ``${...}`` interpolations, and then
    lets the run environment's top-level keys replace the base ones (``merge_strategy``
    ``"soft"`` merges nested keys instead). Runtime parameters win over ``parameters`` at any
    depth. Results are cached per key: a loader reads each file once.

    Args:
        conf_source: The folder holding the environment folders.
        env: The run environment; ``None`` uses ``default_run_env``.
        runtime_params: Values that override ``parameters``. Nested keys may be given as dicts
            or as dotted names (``{"model.alpha": 0.1}``); they also feed
            ``${runtime_params:key}``.
        config_patterns: Extra or replacement glob patterns per key, e.g.
            ``{"spark": ["spark*", "spark*/**"]}`` makes ``loader["spark"]`` work.
        base_env: The environment every run reads first (``"base"`` when ``None``).
        default_run_env: The run environment when ``env`` is ``None`` (``"local"`` when
            ``None``). A missing default run environment counts as empty; a missing ``env``
            that was asked for is an error, raised by the constructor.
        custom_resolvers: Functions usable as ``${name:arg, ...}``.
        merge_strategy: ``{key: "destructive" | "soft"}``; destructive is the default.
        ignore_hidden: Skip files and folders whose name starts with a dot.
        restrict_runtime_params_type_selection: Refuse a catalog ``type`` chosen by a runtime
            parameter (set it when runtime parameters come from an untrusted caller).

    Raises:
        ValueError: an unknown merge strategy or a custom resolver that shadows a built-in one.
        MissingConfigException: ``env`` names an environment folder that does not exist.

    Example:
        >>> loader = OmegaConfigLoader("conf", env="prod")  # doctest: +SKIP
        >>> loader["parameters"]["model"]["alpha"]  # doctest: +SKIP
        0.1
    """

    def __init__(
        self,
        conf_source: str | Path,
        env: str | None = None,
        runtime_params: dict[str, Any] | None = None,
        *,
        config_patterns: dict[str, list[str]] | None = None,
        base_env: str | None = None,
        default_run_env: str | None = None,
        custom_resolvers: dict[str, Callable[..., Any]] | None = None,
        merge_strategy: dict[str, str] | None = None,
        ignore_hidden: bool = True,
        restrict_runtime_params_type_selection: bool = False,
    ) -> None:
        super().__init__(conf_source=str(conf_source), env=env, runtime_params=runtime_params)
        self.base_env = "base" if base_env is None else base_env
        self.default_run_env = "local" if default_run_env is None else default_run_env
        self.config_patterns: dict[str, list[str]] = {
            **{k: list(v) for k, v in _DEFAULT_PATTERNS.items()},
            **{k: list(v) for k, v in (config_patterns or {}).items()},
        }
        self.merge_strategy = dict(merge_strategy or {})
        for key, strategy in self.merge_strategy.items():
            if strategy not in _MERGE_STRATEGIES:
                raise ValueError(
                    f"Merge strategy '{strategy}' for '{key}' is not supported. "
                    f"Use one of: {', '.join(_MERGE_STRATEGIES)}."
                    + did_you_mean(str(strategy), _MERGE_STRATEGIES)
                )
        self._custom_resolvers = dict(custom_resolvers or {})
        for name, func in self._custom_resolvers.items():
            if name in _BUILTIN_RESOLVERS:
                raise ValueError(f"Custom resolver '{name}' would replace a built-in resolver.")
            if not callable(func):
                raise ValueError(f"Custom resolver '{name}' must be callable, got {func!r}.")
        self.ignore_hidden = ignore_hidden
        self.restrict_runtime_params_type_selection = restrict_runtime_params_type_selection
        self._runtime_nested = nest_dotted_keys(self.runtime_params)
        self._env_listings: dict[str, list[str] | None] = {}
        self._resolved: dict[str, dict[str, Any]] = {}
        self._loading_globals = False
        if env is not None and env != self.base_env:
            # An environment asked for by name that does not exist is a typo to report now:
            # callers that treat a key without files as empty would otherwise hide it.
            self._listing(env, required=True)

    # Mapping interface --------------------------------------------------------------------
    def __getitem__(self, key: str) -> dict[str, Any]:
        if key in self.data:
            return self.data[key]
        if key not in self.config_patterns:
            raise KeyError(
                f"No config patterns were found for '{key}' in the config loader. Known keys: "
                f"{', '.join(self.config_patterns)}." + did_you_mean(key, self.config_patterns)
            )
        if key not in self._resolved:
            self._resolved[key] = self._load(key)
        return _copy_tree(self._resolved[key])

    def __setitem__(self, key: str, value: Any) -> None:
        # An explicit value replaces what the files say; globals feed every other key.
        if key == "globals":
            self._resolved.clear()
        else:
            self._resolved.pop(key, None)
        super().__setitem__(key, value)

    def __contains__(self, key: object) -> bool:
        return key in self.data or key in self.config_patterns

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        """Every key the loader can answer: the pattern keys and any key set explicitly."""
        return KeysView(dict.fromkeys([*self.config_patterns, *self.data]))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __repr__(self) -> str:
        # Only the settings: never the loaded content, which may include credentials.
        return (
            f"OmegaConfigLoader(conf_source={self.conf_source!r}, env={self.env!r}, "
            f"base_env={self.base_env!r}, default_run_env={self.default_run_env!r}, "
            f"config_patterns={self.config_patterns!r}, merge_strategy={self.merge_strategy!r})"
        )

    # Loading ------------------------------------------------------------------------------
    @property
    def run_env(self) -> str:
        """The environment layered over the base one."""
        return self.env or self.default_run_env

    def _env_dir(self, env: str) -> Path:
        return Path(self.conf_source) / env if env else Path(self.conf_source)

    def _listing(self, env: str, *, required: bool) -> list[str] | None:
        """The config files of one environment, walked once per loader."""
        if env not in self._env_listings:
            env_dir = self._env_dir(env)
            if env_dir.is_dir():
                self._env_listings[env] = list_config_files(env_dir, self.ignore_hidden)
            else:
                self._env_listings[env] = None
        listing = self._env_listings[env]
        if listing is None and required:
            raise MissingConfigException(self._missing_env_message(env))
        return listing

    def _missing_env_message(self, env: str) -> str:
        root = Path(self.conf_source)
        if not root.is_dir():
            return (
                f"Config folder {root} does not exist, so environment '{env}' cannot be read. "
                f"Check CONF_SOURCE in settings.py or the conf_source given."
            )
        available = sorted(
            p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        listed = ", ".join(available) if available else "none"
        return (
            f"Config environment '{env}' not found: {self._env_dir(env)} is not a folder. "
            f"Environments in {root}: {listed}." + did_you_mean(env, available)
        )

    def _load(self, key: str) -> dict[str, Any]:
        patterns = self.config_patterns[key]
        base_files = match_patterns(self._listing(self.base_env, required=True) or [], patterns)
        run_env = self.run_env
        env_files: list[str] = []
        if run_env != self.base_env:
            listing = self._listing(run_env, required=self.env is not None)
            env_files = match_patterns(listing, patterns) if listing is not None else []
        if not base_files and not env_files:
            if key == "globals":
                return {}
            raise MissingConfigException(
                f"No YAML or JSON files for '{key}' in {self._env_dir(self.base_env)} or "
                f"{self._env_dir(run_env)} matching the patterns {patterns}."
            )
        merged = self._load_env(key, self.base_env, base_files)
        if run_env != self.base_env and env_files:
            env_config = self._load_env(key, run_env, env_files)
            if self.merge_strategy.get(key, "destructive") == "soft":
                merged = deep_merge(merged, env_config)
            else:
                merged.update(env_config)
        if key == "parameters" and self._runtime_nested:
            merged = deep_merge(merged, self._runtime_nested)
        return merged

    def _load_env(self, key: str, env: str, files: list[str]) -> dict[str, Any]:
        """Read, check, merge and resolve one environment's files for ``key``."""
        env_dir = self._env_dir(env)
        raw: dict[str, Any] = {}
        origins: dict[str, Path] = {}
        seen_keys: dict[Path, set[str]] = {}
        for rel in files:
            path = env_dir / rel
            content = read_config_file(path)
            if content is None:
                continue
            if not isinstance(content, dict):
                raise BadConfigException(
                    f"Config file {path} must hold a mapping at its top level, "
                    f"not a {type(content).__name__}."
                )
            seen_keys[path] = _leaf_keys(content) if key == "parameters" else _public(content)
            raw = deep_merge(raw, content)
            for top in content:
                origins.setdefault(str(top), path)
        _check_duplicates(seen_keys, env)
        root: dict[str, Any] = raw
        if key == "parameters" and self._runtime_nested:
            root = deep_merge(raw, self._runtime_nested)
        ctx = ResolveContext(
            key=key,
            env=env,
            root=root,
            globals_getter=self._globals,
            runtime_params=self._runtime_nested,
            custom_resolvers=self._custom_resolvers,
            origins=origins,
        )
        resolved = resolve_tree(raw, ctx)
        if key == "catalog" and self.restrict_runtime_params_type_selection:
            for hit in ctx.runtime_hits:
                if hit and hit[-1] == "type":
                    raise BadConfigException(
                        f"A dataset 'type' may not come from runtime parameters "
                        f"(in {ctx.where(hit)})."
                    )
        if key != "parameters":
            resolved = {k: v for k, v in resolved.items() if not str(k).startswith("_")}
        return resolved

    def _globals(self) -> dict[str, Any]:
        """The merged globals, read once, for ``${globals:...}``; ``{}`` when there are none."""
        if "globals" in self.data:
            return self.data["globals"]
        if "globals" not in self._resolved:
            if self._loading_globals:
                raise BadConfigException(
                    "The 'globals' resolver cannot be used inside the globals files."
                )
            self._loading_globals = True
            try:
                self._resolved["globals"] = self._load("globals")
            except MissingConfigException:
                self._resolved["globals"] = {}
            finally:
                self._loading_globals = False
        return self._resolved["globals"]


def nest_dotted_keys(params: dict[str, Any] | None) -> dict[str, Any]:
    """``{"a.b": 1, "c": {"d": 2}}`` -> ``{"a": {"b": 1}, "c": {"d": 2}}`` (a new dict).

    Runtime parameters arrive from the command line and from ``extra_params`` as dotted names;
    nesting them lets them override one leaf of a nested parameter instead of adding a key
    with a dot in it.
    """
    nested: dict[str, Any] = {}
    for name, value in (params or {}).items():
        parts = str(name).split(".") if isinstance(name, str) else [name]
        value = nest_dotted_keys(value) if isinstance(value, dict) else value
        branch = nested
        for part in parts[:-1]:
            child = branch.get(part)
            if not isinstance(child, dict):
                child = branch[part] = {}
            branch = child
        last = parts[-1]
        if isinstance(value, dict) and isinstance(branch.get(last), dict):
            branch[last] = deep_merge(branch[last], value)
        else:
            branch[last] = value
    return nested


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A new dict: ``override`` over ``base``, merging nested dicts (lists are replaced)."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key, MISSING)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def _public(content: dict[str, Any]) -> set[str]:
    return {str(k) for k in content if not str(k).startswith("_")}


def _leaf_keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if not prefix and str(key).startswith("_"):
            continue
        if isinstance(value, dict) and value:
            keys |= _leaf_keys(value, full + ".")
        else:
            keys.add(full)
    return keys


def _check_duplicates(seen_keys: dict[Path, set[str]], env: str) -> None:
    problems: list[str] = []
    files = list(seen_keys)
    for i, first in enumerate(files):
        for second in files[i + 1 :]:
            common = seen_keys[first] & seen_keys[second]
            if common:
                names = ", ".join(f"'{k}'" for k in sorted(common))
                problems.append(f"{names} defined in both {first} and {second}")
    if problems:
        raise BadConfigException(
            f"Duplicate keys in environment '{env}': "
            + "; ".join(problems)
            + ". A key may be defined in only one file per environment."
        )


def _copy_tree(tree: Any) -> Any:
    """Copy dicts and lists (leaves are shared): callers may edit what they get back."""
    if isinstance(tree, dict):
        return {k: _copy_tree(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy_tree(v) for v in tree]
    return tree

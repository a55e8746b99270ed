"""The YAML config loader, under Kedro's name ``OmegaConfigLoader`` so project code ports by
renaming imports. It does not use OmegaConf: files are read with PyYAML's safe loader and the
``${...}`` syntax Kedro projects use is resolved by :mod:`kedro_ipy.config._resolve`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, KeysView
from pathlib import Path
from typing import Any

from kedro_ipy.config._files import (
    CONFIG_SUFFIXES,
    list_config_files,
    match_patterns,
    read_config_file,
)
from kedro_ipy.config._resolve import MISSING, ResolveContext, resolve_tree
from kedro_ipy.config.abstract_config import (
    AbstractConfigLoader,
    BadConfigException,
    MissingConfigException,
)
from kedro_ipy.redaction import collect_secrets
from kedro_ipy.redaction import register as register_secrets
from kedro_ipy.utils import did_you_mean

__all__ = ["OmegaConfigLoader"]

_DEFAULT_PATTERNS: dict[str, list[str]] = {
    "catalog": ["catalog*", "catalog*/**", "**/catalog*"],
    "parameters": ["parameters*", "parameters*/**", "**/parameters*"],
    "credentials": ["credentials*", "credentials*/**", "**/credentials*"],
    "globals": ["globals.yml"],
}
_MERGE_STRATEGIES = ("soft", "destructive")
# Resolvers a custom one may not replace (``oc.env`` may be given: Kedro's documented way to
# read environment variables outside credentials).
_BUILTIN_RESOLVERS = ("globals", "runtime_params")
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".zip")


class OmegaConfigLoader(AbstractConfigLoader):
    """Loads ``<conf_source>/<base_env>`` and layers ``<conf_source>/<run env>`` over it.

    ``loader["catalog"]`` reads every file matching the ``catalog`` patterns in each of the two
    environments, merges the files of one environment (a top-level key may be defined in only
    one of them; for parameters, a nested key), resolves ``${...}`` interpolations, and then
    lets the run environment's top-level keys replace the base ones (``merge_strategy``
    ``"soft"`` merges nested keys instead). Runtime parameters win over ``parameters`` at any
    depth. As in Kedro, every access reads the files again (so an edited file shows up in a
    notebook); a file whose modification time did not change is not parsed again.

    With neither ``base_env`` nor ``default_run_env`` (the defaults when the loader is used
    directly), the files are read from ``conf_source`` itself; a project gets ``"base"`` and
    ``"local"`` from ``settings.CONFIG_LOADER_ARGS``. ``conf_source`` may also be a
    ``.tar.gz``/``.zip`` archive of the config folder, as ``kedro package`` makes.

    Args:
        conf_source: The folder holding the environment folders.
        env: The run environment; ``None`` uses ``default_run_env``.
        runtime_params: Values that override ``parameters``. Nested keys may be given as dicts
            or as dotted names (``{"model.alpha": 0.1}``); they also feed
            ``${runtime_params:key}``.
        config_patterns: Extra or replacement glob patterns per key, e.g.
            ``{"spark": ["spark*", "spark*/**"]}`` makes ``loader["spark"]`` work.
        base_env: The environment every run reads first; ``None`` reads ``conf_source``.
        default_run_env: The run environment when ``env`` is ``None``; ``None`` means none.
            An environment folder that does not exist is reported when a key is read.
        custom_resolvers: Functions usable as ``${name:arg, ...}``; ``"oc.env"`` among them
            enables environment variables in every key, not only credentials.
        merge_strategy: ``{key: "destructive" | "soft"}``; destructive is the default.
        ignore_hidden: Skip files and folders whose name starts with a dot.
        restrict_runtime_params_type_selection: Refuse a catalog ``type`` chosen by a runtime
            parameter (set it when runtime parameters come from an untrusted caller).

    Raises:
        ValueError: an unknown merge strategy or a custom resolver that shadows a built-in one.
        BadConfigException: the globals files cannot be read (they are read at construction,
            as Kedro does).

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
        self.base_env = base_env or ""
        self.default_run_env = default_run_env or ""
        self._root = _unpack_if_archive(str(self.conf_source))
        self.config_patterns: dict[str, list[str]] = {
            **{k: list(v) for k, v in _DEFAULT_PATTERNS.items()},
            **{k: list(v) for k, v in (config_patterns or {}).items()},
        }
        self.merge_strategy = dict(merge_strategy or {})
        for key, strategy in self.merge_strategy.items():
            if strategy not in _MERGE_STRATEGIES:
                # Kedro's sentence first (it raises when merging; we raise at once).
                raise ValueError(
                    f"Merging strategy {strategy} not supported. The accepted merging "
                    f"strategies are {list(_MERGE_STRATEGIES)}. It was given for '{key}'."
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
        self._loading_globals = True
        try:
            # Read once, now, as Kedro does: a broken globals file fails the constructor and
            # ``${globals:...}`` sees the globals of the loader's creation.
            self._globals_value: dict[str, Any] = self["globals"]
        except MissingConfigException:
            self._globals_value = {}
        finally:
            self._loading_globals = False

    # Mapping interface --------------------------------------------------------------------
    def __getitem__(self, key: str) -> dict[str, Any]:
        if key in self.data:
            return self.data[key]
        if key not in self.config_patterns:
            raise KeyError(
                f"No config patterns were found for '{key}' in your config loader. Known "
                f"keys: {', '.join(self.config_patterns)}."
                + did_you_mean(key, self.config_patterns)
            )
        return self._load(key)

    def __setitem__(self, key: str, value: Any) -> None:
        # An explicit value replaces what the files say; globals feed every other key.
        if key == "globals":
            self._globals_value = value
        super().__setitem__(key, value)

    # ``in``, ``len`` and iteration see only the keys set explicitly (``loader[k] = v``),
    # while ``keys()`` lists the pattern keys: Kedro's loader behaves so, and ported code
    # may rely on either.
    def keys(self) -> KeysView[str]:
        """The keys the loader can read from files (those of ``config_patterns``)."""
        return KeysView(self.config_patterns)

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
        return self._root / env if env else self._root

    def _env_files(self, env: str, patterns: list[str]) -> list[Path]:
        """The config files of one environment matching ``patterns``, sorted."""
        env_dir = self._env_dir(env)
        if not env_dir.is_dir():
            raise MissingConfigException(self._missing_env_message(env))
        listing = list_config_files(env_dir, self.ignore_hidden)
        inside = [p for p in patterns if ".." not in p.split("/")]
        found = [env_dir / rel for rel in match_patterns(listing, inside)]
        outside = [p for p in patterns if ".." in p.split("/")]
        if outside:
            found = sorted(set(found) | set(self._glob_outside(env_dir, outside)))
        return found

    def _glob_outside(self, env_dir: Path, patterns: list[str]) -> list[Path]:
        """Files matched by patterns that climb out of the environment (``../**/x*``)."""
        import glob

        found: list[Path] = []
        for pattern in patterns:
            for hit in glob.glob(str(env_dir / pattern), recursive=True):
                path = Path(os.path.normpath(hit))
                if (
                    path.is_file()
                    and path.name.endswith(CONFIG_SUFFIXES)
                    and not (self.ignore_hidden and self._is_hidden(str(path)))
                ):
                    found.append(path)
        return found

    def _missing_env_message(self, env: str) -> str:
        root = self._root
        # Kedro's sentence first (ported code matches on it), then what is there instead.
        head = (
            "Given configuration path either does not exist or is not a valid directory: "
            f"{self._env_dir(env)}"
        )
        if not root.is_dir():
            return (
                f"{head}. The config folder {root} does not exist: check CONF_SOURCE in "
                f"settings.py or the conf_source given."
            )
        available = sorted(
            p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        listed = ", ".join(available) if available else "none"
        return (
            f"{head}. Environments in {root}: {listed}." + did_you_mean(env, available)
        )

    def _is_hidden(self, path_str: str) -> bool:
        """Whether ``path_str`` is a hidden file or lies in a hidden folder below
        ``conf_source`` (a hidden folder above the config folder does not count)."""
        path = Path(path_str).resolve().as_posix()
        root = Path(self.conf_source).resolve().as_posix()
        if path.startswith(root):
            path = path[len(root) :]
        return any(part.startswith(".") for part in path.split("/"))

    def _load(self, key: str) -> dict[str, Any]:
        patterns = self.config_patterns[key]
        base_files = self._env_files(self.base_env, patterns)
        run_env = self.run_env
        if run_env == self.base_env:
            return self._finish(key, self._load_env(key, self.base_env, base_files))
        # Base first, as Kedro does: an error in a base file is reported before a missing
        # run environment.
        merged = self._load_env(key, self.base_env, base_files)
        if self._loading_globals and not self._env_dir(run_env).is_dir():
            # The constructor's read: keep the base globals, so that reading any other key
            # reports the missing run environment rather than an unknown globals key.
            return self._finish(key, merged)
        env_files = self._env_files(run_env, patterns)
        if not base_files and not env_files and key != "globals":
            raise MissingConfigException(
                f"No files of YAML or JSON format found in {self._env_dir(self.base_env)} or "
                f"{self._env_dir(run_env)} matching the glob pattern(s): {patterns}"
            )
        if env_files:
            env_config = self._load_env(key, run_env, env_files)
            if self.merge_strategy.get(key, "destructive") == "soft":
                merged = deep_merge(merged, env_config)
            else:
                merged.update(env_config)
        return self._finish(key, merged)

    def _finish(self, key: str, merged: dict[str, Any]) -> dict[str, Any]:
        if key == "credentials":  # hidden from every message, log and store from now on
            register_secrets(collect_secrets(merged))
        if key == "parameters" and self._runtime_nested:
            merged = deep_merge(merged, self._runtime_nested)
        return merged

    def _load_env(self, key: str, env: str, files: list[Path]) -> dict[str, Any]:
        """Read, check, merge and resolve one environment's files for ``key``."""
        raw: dict[str, Any] = {}
        origins: dict[str, Path] = {}
        seen_keys: dict[Path, set[str]] = {}
        for path in files:
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
        _check_duplicates(seen_keys)
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
        try:
            resolved = resolve_tree(raw, ctx)
        except BadConfigException as exc:
            if key == "credentials":  # the cause's text may quote a secret: print none
                raise exc from None
            raise
        except RecursionError:  # a last guard: the limits in _files/_resolve come first
            names = ", ".join(_posix(path) for path in files)
            raise BadConfigException(
                f"The '{key}' config of environment '{env}' is nested too deeply to resolve "
                f"(files: {names}). Flatten it, or shorten its chains of '${{...}}'."
            ) from None
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
        """The globals read at construction (or set explicitly), for ``${globals:...}``."""
        if self._loading_globals:
            raise BadConfigException(
                "The 'globals' resolver cannot be used inside the globals files."
            )
        return self._globals_value


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
        if isinstance(value, dict):
            keys |= _leaf_keys(value, full + ".")
        else:
            keys.add(full)
    return keys


def _check_duplicates(seen_keys: dict[Path, set[str]]) -> None:
    """A key may be defined in only one file of an environment: list every clash.

    The wording is Kedro's (ported code and tests match on it): one line per pair of files,
    ``Duplicate keys found in <file> and <file>: <keys>``, the keys cut at 100 characters.
    """
    problems: list[str] = []
    files = list(seen_keys)
    for i, first in enumerate(files):
        for second in files[i + 1 :]:
            common = seen_keys[first] & seen_keys[second]
            if common:
                names = ", ".join(sorted(common))
                if len(names) > 100:
                    names = names[:100] + "..."
                problems.append(
                    f"Duplicate keys found in {_posix(first)} and {_posix(second)}: {names}"
                )
    if problems:
        raise BadConfigException("\n".join(problems))


def _posix(path: Path) -> str:
    return Path(os.path.abspath(path)).as_posix()


def _unpack_if_archive(conf_source: str) -> Path:
    """The config folder: ``conf_source`` itself, or where its archive was unpacked.

    An archive (``kedro package`` ships ``conf-<package>.tar.gz``) is unpacked once into a
    temporary folder removed when the interpreter exits; like Kedro, the config folder is the
    last top-level entry of the archive.
    """
    source = Path(conf_source)
    if not (conf_source.lower().endswith(_ARCHIVE_SUFFIXES) and source.is_file()):
        return source
    import atexit
    import shutil
    import tempfile

    target = Path(tempfile.mkdtemp(prefix="kedro_ipy_conf_"))
    atexit.register(shutil.rmtree, target, True)
    if conf_source.lower().endswith(".zip"):
        import zipfile

        with zipfile.ZipFile(source) as archive:
            archive.extractall(target)  # zipfile drops absolute and ".." parts
    else:
        import tarfile

        with tarfile.open(source) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(target, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                archive.extractall(target)
    entries = sorted(p.name for p in target.iterdir())
    return target / entries[-1] if entries else target

"""Read a catalog config: inject credentials by name and resolve dataset factory patterns.

A *dataset factory* is an entry whose name has ``{placeholders}``, e.g. ``"{name}_csv"``: any
dataset name it matches gets that entry's config with the placeholders filled in. When several
patterns match, the most specific wins, ranked as Kedro ranks them: more characters outside the
braces first, then more placeholders, then alphabetical order. A pattern made only of
placeholders (``"{default}"``) is a catch-all, tried last; only one is allowed. Matching
ignores case, as Kedro's does.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable
from typing import Any

from kedro_ipy.io.core import DatasetError
from kedro_ipy.redaction import collect_secrets, secrets_in_catalog_config
from kedro_ipy.redaction import redact as _redact
from kedro_ipy.redaction import register as register_secrets
from kedro_ipy.utils import did_you_mean

__all__ = ["CatalogConfigResolver", "CredentialsNotFoundError", "collect_secrets", "redact"]

_PLACEHOLDER = re.compile(r"\{([^{}:]*)(?::[^{}]*)?\}")
CREDENTIALS_KEY = "credentials"
#: What runners use for data no entry or pattern describes: kept in memory.
DEFAULT_RUNTIME_PATTERN: dict[str, dict[str, Any]] = {
    "{default}": {"type": "kedro_ipy.io.MemoryDataset"}
}

logger = logging.getLogger(__name__)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret masked (see :mod:`kedro_ipy.redaction`)."""
    return _redact(text, secrets)


class CredentialsNotFoundError(DatasetError, KeyError):
    """A ``credentials: <name>`` names no credential set.

    Kedro raises a ``KeyError`` here; this is both that and a ``DatasetError``, so code
    written for either catches it.
    """

    __str__ = Exception.__str__  # KeyError would quote the message


def _inject_credentials(entry: str, config: Any, credentials: dict[str, Any]) -> Any:
    """A copy of ``config`` where each ``credentials: <name>`` is replaced by that mapping."""
    if isinstance(config, dict):
        out = {}
        for key, value in config.items():
            if key == CREDENTIALS_KEY and isinstance(value, str):
                if value not in credentials:
                    defined = ", ".join(sorted(credentials)) or "none"
                    raise CredentialsNotFoundError(
                        f"Unable to find credentials '{value}': check your data catalog and "
                        f"credentials configuration. Catalog entry '{entry}' uses credentials "
                        f"'{value}', which are not defined. Defined credentials: {defined}."
                        f"{did_you_mean(value, credentials)} Add them to credentials.yml "
                        "(conf/local)."
                    )
                out[key] = credentials[value]
            else:
                out[key] = _inject_credentials(entry, value, credentials)
        return out
    if isinstance(config, list):
        return [_inject_credentials(entry, item, credentials) for item in config]
    return config


def _needs_injection(config: Any) -> bool:
    """Whether a ``credentials`` key hides anywhere in ``config`` (cheap: no copying)."""
    if isinstance(config, dict):
        if CREDENTIALS_KEY in config:
            return True
        for value in config.values():
            if isinstance(value, (dict, list)) and _needs_injection(value):
                return True
    elif isinstance(config, list):
        for value in config:
            if isinstance(value, (dict, list)) and _needs_injection(value):
                return True
    return False


class _Pattern:
    __slots__ = ("config", "names", "pattern", "placeholders", "regex", "specificity")

    def __init__(self, pattern: str, config: Any) -> None:
        self.pattern = pattern
        self.config = config
        parts: list[str] = []
        names: list[str] = []
        last = 0
        for match in _PLACEHOLDER.finditer(pattern):
            parts.append(re.escape(pattern[last : match.start()]))
            name = match.group(1)
            if not name.isidentifier():
                raise DatasetError(
                    f"Dataset factory pattern '{pattern}': placeholder '{{{name}}}' must be a "
                    "name such as '{name}'."
                )
            parts.append(f"(?P={name})" if name in names else f"(?P<{name}>.+?)")
            names.append(name)
            last = match.end()
        parts.append(re.escape(pattern[last:]))
        # Case-insensitive, as Kedro's matching (the ``parse`` library) is.
        self.regex = re.compile("".join(parts), re.DOTALL | re.IGNORECASE)
        self.names = frozenset(names)
        self.placeholders = pattern.count("{")
        self.specificity = len(_PLACEHOLDER.sub("", pattern))

    def sort_key(self) -> tuple[int, int, str]:
        return (-self.specificity, -self.placeholders, self.pattern)


def _placeholders_in(config: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(config, dict):
        for value in config.values():
            found |= _placeholders_in(value)
    elif type(config) in (list, tuple):
        for item in config:
            found |= _placeholders_in(item)
    elif isinstance(config, str):
        found.update(m.group(1) for m in _PLACEHOLDER.finditer(config))
    return found


def _fill(config: Any, values: dict[str, str]) -> Any:
    if isinstance(config, dict):
        return {key: _fill(value, values) for key, value in config.items()}
    if type(config) in (list, tuple):  # subclasses (e.g. named tuples) are values, as in Kedro
        return [_fill(item, values) for item in config]
    if isinstance(config, str) and "{" in config:
        return _PLACEHOLDER.sub(
            lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), config
        )
    return config


def _refuse_several_catch_alls(catch_alls: list[str]) -> None:
    if len(catch_alls) > 1:
        raise DatasetError(
            f"Multiple catch-all patterns found in the catalog: {', '.join(catch_alls)}. "
            "Only one catch-all pattern is allowed, remove the extras (each would match every "
            "name)."
        )


def _check_placeholders(pattern: str, names: frozenset[str] | set[str], config: Any) -> None:
    unknown = _placeholders_in(config) - set(names)
    if unknown:
        used = {"{" + u + "}" for u in sorted(unknown)}
        raise DatasetError(
            f"Incorrect dataset configuration provided. Keys used in the configuration "
            f"{used} should present in the dataset pattern name {pattern}. (Its name has "
            f"{', '.join('{' + n + '}' for n in sorted(names)) or 'no placeholders'}.)"
        )


def _pattern_names(pattern: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER.finditer(pattern)}


class CatalogConfigResolver:
    """Splits a catalog config into plain entries and factory patterns, credentials injected.

    Args:
        config: The catalog mapping (entry name -> entry). Names starting with ``_`` are
            skipped (they hold YAML anchors).
        credentials: Credential sets by name; entries refer to them with
            ``credentials: <name>``.

    Raises:
        DatasetError: a missing credential set, a placeholder used in a pattern's config but
            absent from its name, or more than one catch-all pattern.
    """

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        credentials: dict[str, Any] | None = None,
        default_runtime_patterns: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        if default_runtime_patterns is None:
            logger.warning(
                "Since runtime patterns are not provided, setting the runtime pattern to "
                "default value: %s", DEFAULT_RUNTIME_PATTERN,
            )
        self._default_runtime_patterns = default_runtime_patterns or DEFAULT_RUNTIME_PATTERN
        credentials = credentials or {}
        self._credentials = credentials
        # Secrets referenced by name and written inline, known (process-wide) before any
        # entry is read, so that no error about an entry can show them.
        self._secrets = collect_secrets(credentials) | secrets_in_catalog_config(config)
        register_secrets(self._secrets)
        self._config: dict[str, Any] = {}
        patterns: list[_Pattern] = []
        for name, entry in (config or {}).items():
            if not isinstance(name, str):
                raise DatasetError(f"Catalog entry names must be strings, not {name!r}.")
            if name.startswith("_"):
                continue
            if "{" in name:
                patterns.append(self._make_pattern(name, entry))
                continue
            if _needs_injection(entry):
                entry = _inject_credentials(name, entry, credentials)
            self._config[name] = entry
        patterns.sort(key=_Pattern.sort_key)
        _refuse_several_catch_alls([p.pattern for p in patterns if p.specificity == 0])
        self._patterns = patterns

    def _make_pattern(self, name: str, entry: Any) -> _Pattern:
        if not isinstance(entry, dict):
            raise DatasetError(
                f"Catalog entry '{name}' is not a valid dataset configuration. \nHint: If "
                "this catalog entry is intended for variable interpolation, make sure that the "
                "key is preceded by an underscore."
            )
        pattern = _Pattern(name, entry)
        _check_placeholders(name, pattern.names, entry)
        if _needs_injection(entry):
            # Inject now, so a missing credential is reported at start-up, not on first use.
            pattern.config = _inject_credentials(name, entry, self._credentials)
        return pattern

    @property
    def config(self) -> dict[str, Any]:
        """The plain (non-pattern) entries, credentials injected. Do not print it."""
        return self._config

    @property
    def secrets(self) -> frozenset[str]:
        """The credential strings to keep out of messages (referenced and inline ones)."""
        return self._secrets

    @staticmethod
    def is_pattern(pattern: str) -> bool:
        """Whether a catalog key is a dataset factory pattern (has a ``{``)."""
        return "{" in pattern

    def list_patterns(self) -> list[str]:
        """Every pattern in the order they are tried, the runtime patterns last (as Kedro)."""
        patterns = [p.pattern for p in self._patterns]
        patterns += [p for p in self._default_runtime_patterns if p not in patterns]
        return patterns

    def _match(self, name: str) -> tuple[_Pattern, dict[str, str]] | None:
        for pattern in self._patterns:
            found = pattern.regex.fullmatch(name)
            if found is not None:
                return pattern, found.groupdict()
        return None

    def match_dataset_pattern(self, ds_name: str) -> str | None:
        """The dataset factory pattern that would create ``ds_name``, or ``None``.

        As in Kedro, the user's catch-all pattern is not one of these: see
        ``match_user_catch_all_pattern``.
        """
        if not self._patterns:
            return None
        found = self._match(ds_name)
        if found is None or found[0].specificity == 0:
            return None
        return found[0].pattern

    def match_config(self, name: str) -> dict[str, Any] | None:
        """The config a pattern, or the user's catch-all, gives ``name``; else ``None``.

        What the catalog uses to create datasets on first use; unlike ``resolve_pattern`` it
        does not fall back to the runtime pattern.
        """
        if not self._patterns:
            return None
        found = self._match(name)
        if found is None:
            return None
        pattern, values = found
        if pattern.specificity == 0:
            logger.warning(
                "Config from the dataset pattern '%s' in the catalog will be used to override "
                "the default dataset creation for '%s'", pattern.pattern, name,
            )
        return _fill(pattern.config, values)

    def resolve_pattern(self, ds_name: str) -> dict[str, Any]:
        """The config ``ds_name`` gets: its own entry, else the first matching pattern (the
        user's catch-all last), else the runtime pattern (a ``MemoryDataset``), as in Kedro.
        """
        if ds_name in self._config:
            return self._config[ds_name]
        config = self.match_config(ds_name)
        if config is not None:
            return config
        runtime = self.match_runtime_pattern(ds_name)
        return _fill(copy.deepcopy(self._default_runtime_patterns[runtime]), {})

    @property
    def _resolved_configs(self) -> dict[str, Any]:
        """Kedro's name for ``config`` (the plain entries, credentials injected)."""
        return self._config

    @property
    def default_runtime_patterns(self) -> dict[str, dict[str, Any]]:
        """The patterns for data nothing else describes (runners keep such data in memory)."""
        return self._default_runtime_patterns

    def match_user_catch_all_pattern(self, ds_name: str) -> str | None:
        """The user's catch-all pattern (``"{default}"``-like) if it would create ``ds_name``."""
        catch_all = [p for p in self._patterns if p.specificity == 0]
        if catch_all and catch_all[0].regex.fullmatch(ds_name):
            return catch_all[0].pattern
        return None

    def match_runtime_pattern(self, ds_name: str) -> str:
        """The runtime pattern used for ``ds_name`` (the first one: they are catch-alls)."""
        return next(iter(self._default_runtime_patterns))

    # -- Kedro's private helpers, kept for plugins that call them ---------------------------
    @staticmethod
    def _resolve_credentials(config: dict[str, Any] | None, credentials: dict[str, Any] | None
                             ) -> dict[str, Any]:
        """Every plain entry with its ``credentials: <name>`` replaced by the credentials."""
        resolved: dict[str, Any] = {}
        for name, entry in (config or {}).items():
            if not isinstance(entry, dict):
                raise DatasetError(
                    f"Catalog entry '{name}' is not a valid dataset configuration. \nHint: "
                    "If this catalog entry is intended for variable interpolation, make sure "
                    "that the key is preceded by an underscore."
                )
            resolved[name] = (
                entry if "{" in name else _inject_credentials(name, entry, credentials or {})
            )
        return resolved

    @staticmethod
    def _unresolve_credentials(cred_name: str, ds_config: dict[str, Any] | None
                               ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A copy of ``ds_config`` whose first credentials become ``<cred_name>_credentials``."""
        config = copy.deepcopy(ds_config) or {}
        found: dict[str, Any] = {}
        reference = f"{cred_name}_{CREDENTIALS_KEY}"

        def walk(node: dict[str, Any]) -> bool:
            for key, value in node.items():
                if key == CREDENTIALS_KEY and value:
                    found[reference] = value
                    node[key] = reference
                    return True
                if isinstance(value, dict) and walk(value):
                    return True
            return False

        walk(config)
        return config, found

    @staticmethod
    def _sort_patterns(dataset_patterns: dict[str, Any]) -> dict[str, Any]:
        """``dataset_patterns`` in the order they are tried (see the module docstring)."""
        ranked = sorted(dataset_patterns, key=lambda p: _Pattern(p, None).sort_key())
        _refuse_several_catch_alls([p for p in ranked if _Pattern(p, None).specificity == 0])
        return {pattern: dataset_patterns[pattern] for pattern in ranked}

    @staticmethod
    def _validate_pattern_config(ds_name: str, ds_config: Any) -> None:
        """Refuse a pattern whose config uses placeholders its name does not have."""
        _check_placeholders(ds_name, _pattern_names(ds_name), ds_config)

    @staticmethod
    def _resolve_dataset_config(ds_name: str, pattern: str, config: Any) -> Any:
        """``config`` with the placeholders of ``pattern`` filled from ``ds_name``."""
        found = _Pattern(pattern, config).regex.fullmatch(ds_name)
        return _fill(config, found.groupdict() if found else {})

    def __repr__(self) -> str:
        return (
            f"CatalogConfigResolver(entries={len(self._config)}, "
            f"patterns={self.list_patterns()!r})"
        )

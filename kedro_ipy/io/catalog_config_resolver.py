"""Read a catalog config: inject credentials by name and resolve dataset factory patterns.

A *dataset factory* is an entry whose name has ``{placeholders}``, e.g. ``"{name}_csv"``: any
dataset name it matches gets that entry's config with the placeholders filled in. When several
patterns match, the most specific wins, ranked as Kedro ranks them: more characters outside the
braces first, then more placeholders, then alphabetical order. A pattern made only of
placeholders (``"{default}"``) is a catch-all, tried last; only one is allowed. Matching
ignores case, as Kedro's does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kedro_ipy.io.core import DatasetError
from kedro_ipy.utils import did_you_mean

__all__ = ["CatalogConfigResolver", "collect_secrets", "redact"]

_PLACEHOLDER = re.compile(r"\{([^{}:]*)(?::[^{}]*)?\}")
CREDENTIALS_KEY = "credentials"


def collect_secrets(credentials: Any) -> frozenset[str]:
    """Every string value inside a credentials mapping, to scrub from messages."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 3:
            found.add(value)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and len(str(value)) >= 3
        ):
            found.add(str(value))

    walk(credentials)
    return frozenset(found)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***`` (longest first, so parts do not leak)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    return text


def _inject_credentials(entry: str, config: Any, credentials: dict[str, Any]) -> Any:
    """A copy of ``config`` where each ``credentials: <name>`` is replaced by that mapping."""
    if isinstance(config, dict):
        out = {}
        for key, value in config.items():
            if key == CREDENTIALS_KEY and isinstance(value, str):
                if value not in credentials:
                    defined = ", ".join(sorted(credentials)) or "none"
                    raise DatasetError(
                        f"Catalog entry '{entry}' uses credentials '{value}', which are not "
                        f"defined. Defined credentials: {defined}."
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
    elif isinstance(config, list):
        for item in config:
            found |= _placeholders_in(item)
    elif isinstance(config, str):
        found.update(m.group(1) for m in _PLACEHOLDER.finditer(config))
    return found


def _fill(config: Any, values: dict[str, str]) -> Any:
    if isinstance(config, dict):
        return {key: _fill(value, values) for key, value in config.items()}
    if isinstance(config, list):
        return [_fill(item, values) for item in config]
    if isinstance(config, str) and "{" in config:
        return _PLACEHOLDER.sub(
            lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), config
        )
    return config


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
    ) -> None:
        credentials = credentials or {}
        self._credentials = credentials
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
        catch_alls = [p.pattern for p in patterns if p.specificity == 0]
        if len(catch_alls) > 1:
            raise DatasetError(
                f"The catalog has {len(catch_alls)} catch-all patterns "
                f"({', '.join(catch_alls)}); only one is allowed, since either would match "
                "every name. Remove all but one."
            )
        self._patterns = patterns

    def _make_pattern(self, name: str, entry: Any) -> _Pattern:
        if not isinstance(entry, dict):
            raise DatasetError(
                f"Catalog entry '{name}' is not a valid dataset configuration: expected a "
                f"mapping with a 'type' key, got {type(entry).__name__}."
            )
        pattern = _Pattern(name, entry)
        unknown = _placeholders_in(entry) - pattern.names
        if unknown:
            raise DatasetError(
                f"Dataset factory pattern '{name}' uses "
                f"{', '.join('{' + u + '}' for u in sorted(unknown))} in its config, but its "
                f"name only has {', '.join('{' + n + '}' for n in sorted(pattern.names))}."
            )
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
        """The credential strings to keep out of messages."""
        return collect_secrets(self._credentials)

    @staticmethod
    def is_pattern(name: str) -> bool:
        """Whether a catalog key is a dataset factory pattern (has a ``{``)."""
        return "{" in name

    def list_patterns(self) -> list[str]:
        """Every pattern, in the order they are tried."""
        return [p.pattern for p in self._patterns]

    def _match(self, name: str) -> tuple[_Pattern, dict[str, str]] | None:
        for pattern in self._patterns:
            found = pattern.regex.fullmatch(name)
            if found is not None:
                return pattern, found.groupdict()
        return None

    def match_dataset_pattern(self, name: str) -> str | None:
        """The pattern that would create ``name``, or ``None``."""
        if not self._patterns:
            return None
        found = self._match(name)
        return found[0].pattern if found else None

    def resolve_pattern(self, name: str) -> dict[str, Any] | None:
        """The config a matching pattern gives ``name`` (placeholders filled), or ``None``."""
        if not self._patterns:
            return None
        found = self._match(name)
        if found is None:
            return None
        pattern, values = found
        return _fill(pattern.config, values)

    def __repr__(self) -> str:
        return (
            f"CatalogConfigResolver(entries={len(self._config)}, "
            f"patterns={self.list_patterns()!r})"
        )

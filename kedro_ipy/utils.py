"""Small helpers shared by every layer above the pipeline layer (which keeps its own copy-free
stdlib-only code, so that it imports nothing else of the package)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_matches", "did_you_mean", "load_obj"]


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Names among ``candidates`` that look like a typo of ``name``, best first."""
    return difflib.get_close_matches(name, list(candidates), n=n, cutoff=0.6)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A sentence suggesting the closest candidates, or ``""`` when nothing is close.

    Callers append it to an error message, so it starts with a space when non-empty.
    """
    matches = close_matches(name, candidates)
    if not matches:
        return ""
    if len(matches) == 1:
        return f" Did you mean '{matches[0]}'?"
    return " Did you mean one of these: " + ", ".join(f"'{m}'" for m in matches) + "?"


def load_obj(path: str, default_module: str | None = None) -> object:
    """Import ``package.module.Name`` (or ``Name`` from ``default_module``) and return ``Name``.

    Raises:
        ImportError: the module cannot be imported.
        AttributeError: the module has no such name.
    """
    import importlib

    module_name, _, obj_name = path.rpartition(".")
    if not module_name:
        if default_module is None:
            raise ImportError(f"'{path}' is not a dotted path like 'package.module.Name'.")
        module_name = default_module
    module = importlib.import_module(module_name)
    return getattr(module, obj_name)

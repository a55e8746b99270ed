"""Run options as people type them: lists, ``key=value`` parameters, ``dataset:version``
items and runner names.

The ``kedro-ipy`` command line and the IPython magics offer the same options with the same
spelling, so they read them with these functions and cannot drift apart. Each front door
turns ``RunOptionError`` into its own error type and adds its own usage line. The module is
pure and cheap to import: YAML is imported only when a parameter value is read, and the
runner package only when a runner is resolved.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.utils import close_matches, load_obj

__all__ = [
    "RUNNER_ALIASES",
    "RunOptionError",
    "params_to_items",
    "parse_load_versions",
    "parse_params",
    "resolve_runner",
    "runner_alias",
    "split_items",
]

#: ``--runner`` short names -> classes of ``kedro_ipy.runner``. Matched in any case, with or
#: without the ``Runner`` suffix; ``Sequential`` is the default.
RUNNER_ALIASES: dict[str, str] = {
    "Sequential": "SequentialRunner",
    "Thread": "ThreadRunner",
    "Parallel": "ParallelRunner",
    "Dask": "DaskRunner",
}

#: ``--runner dask://HOST:PORT``: a DaskRunner on the Dask scheduler at that address.
DASK_SCHEME = "dask://"

_DEFAULT_RUNNER = "Sequential"
_RUNNER_HELP = (
    "Use one of: Sequential, Thread, Parallel, Dask (any case, 'Runner' suffix optional), "
    "dask://HOST:PORT for a Dask scheduler, or a dotted path to a runner class such as "
    "my_package.runners.MyRunner."
)
_PARAMS_EXAMPLE = "expected key=value, e.g. model.alpha=0.1"


class RunOptionError(ValueError, KedroIpyError):
    """A run option's value is malformed or names nothing; the message names the bad item."""


def split_items(values: str | Iterable[str] | None) -> list[str]:
    """The items of a list option given comma-separated and/or repeated.

    ``["a,b", " b , c,"]`` -> ``["a", "b", "c"]``: items are stripped, empty ones and
    repeats are dropped (a repeat adds nothing to a filter), and the first order is kept so a
    command shown back to the user reads as typed.
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    seen: dict[str, None] = {}
    for value in values:
        for item in value.split(","):
            if item.strip():
                seen.setdefault(item.strip(), None)
    return list(seen)


def _parse_scalar(text: str) -> Any:
    """A parameter value as YAML reads a scalar (``0.1``, ``5``, ``true``, ``null``); any
    other text, including what YAML would read as a list, mapping or date, stays a string,
    so a value never changes shape between typing it and seeing it in ``params``."""
    import yaml  # only when --params is given

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (bool, int, float, str, type(None))) else text


def parse_params(values: str | Iterable[str] | None) -> dict[str, Any]:
    """``--params`` items as the nested dict ``KedroSession.create(extra_params=...)`` takes.

    ``["model.alpha=0.1,seed=3"]`` -> ``{"model": {"alpha": 0.1}, "seed": 3}``. Dotted keys
    are nested here, once, so the command line, the magics and the session record all hold
    the same shape; the configured parameters are then merged level by level. Only the first
    ``=`` separates, so values may contain ``=``. A later item wins over an earlier one.

    Raises:
        RunOptionError: an item has no ``=``, or its key (or a part of a dotted key) is empty.
    """
    params: dict[str, Any] = {}
    for item in split_items(values):
        key, equals, text = item.partition("=")
        key = key.strip()
        if not equals:
            raise RunOptionError(f"Invalid --params item '{item}': {_PARAMS_EXAMPLE}.")
        parts = [part.strip() for part in key.split(".")]
        if not all(parts):
            problem = "the key is empty" if not key else f"the dotted key '{key}' has an empty part"
            raise RunOptionError(f"Invalid --params item '{item}': {problem}; {_PARAMS_EXAMPLE}.")
        target = params
        for part in parts[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[parts[-1]] = _parse_scalar(text.strip())
    return params


def _render_scalar(value: Any) -> str:
    """``value`` as ``--params`` text that ``_parse_scalar`` reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        if e and "." not in mantissa:  # YAML 1.1 reads 1e+20 as text, 1.0e+20 as a number
            text = f"{mantissa}.0e{exponent}"
        return text
    text = str(value)
    if isinstance(value, str) and (text != text.strip() or _parse_scalar(text) != value):
        return "'" + text.replace("'", "''") + "'"  # "0.1" the text, not the number
    return text


def params_to_items(params: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The ``key=value`` items that ``parse_params`` reads back into ``params``.

    Nested dicts become dotted keys (``{"model": {"alpha": 0.1}}`` -> ``["model.alpha=0.1"]``)
    so suggested commands (resume lines, the panel's magic line) are short and re-parse to the
    same parameters.
    """
    items: list[str] = []
    for key, value in params.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items.extend(params_to_items(value, dotted + "."))
        else:
            items.append(f"{dotted}={_render_scalar(value)}")
    return items


def parse_load_versions(values: str | Iterable[str] | None) -> dict[str, str]:
    """``--load-versions`` items: ``["model:2026-01-01T00.00.00.000Z"]`` -> ``{"model": ...}``.

    Only the first ``:`` separates, so versions may contain colons. Empty when none given.

    Raises:
        RunOptionError: an item is not ``dataset:version`` with both parts non-empty.
    """
    versions: dict[str, str] = {}
    for item in split_items(values):
        dataset, colon, version = item.partition(":")
        if not colon or not dataset.strip() or not version.strip():
            raise RunOptionError(
                f"Invalid --load-versions item '{item}': expected dataset:version, e.g. "
                "model:2026-01-01T00.00.00.000Z."
            )
        versions[dataset.strip()] = version.strip()
    return versions


def _alias_of(name: str) -> str | None:
    """The alias a plain name stands for (``thread``, ``ThreadRunner`` -> ``Thread``)."""
    key = name.strip().lower().removesuffix("runner")
    return next((alias for alias in RUNNER_ALIASES if alias.lower() == key), None)


def resolve_runner(name: str) -> Callable[[], Any]:
    """The runner class that a ``--runner`` value or ``session.run(runner="...")`` names.

    A plain name must be an alias (see ``RUNNER_ALIASES``); ``dask://HOST:PORT`` is a
    ``DaskRunner`` on that scheduler; anything else with a dot is imported, so a project can
    name its own runner class. The class (or, for an address, a factory) is returned, not an
    instance, so each run gets a fresh runner.

    Raises:
        RunOptionError: an unknown alias (with the closest ones), a path that cannot be
            imported, or an object that is not a class with a ``run`` method.
    """
    text = name.strip()
    if text.lower().startswith(DASK_SCHEME):
        return _dask_at(text[len(DASK_SCHEME):])
    if "." not in text:
        alias = _alias_of(text)
        if alias is None:
            by_key = {alias.lower(): alias for alias in RUNNER_ALIASES}
            matches = close_matches(text.lower().removesuffix("runner"), by_key)
            hint = f" Did you mean '{by_key[matches[0]]}'?" if matches else ""
            raise RunOptionError(f"Unknown runner '{name}'. {_RUNNER_HELP}{hint}")
        import kedro_ipy.runner as runners

        return getattr(runners, RUNNER_ALIASES[alias])
    try:
        obj = load_obj(text)
    except (ImportError, AttributeError) as exc:
        raise RunOptionError(f"Cannot import runner '{name}': {exc}") from None
    if not inspect.isclass(obj) or not callable(getattr(obj, "run", None)):
        got = f"the class {obj.__name__}" if inspect.isclass(obj) else type(obj).__name__
        raise RunOptionError(
            f"Runner '{name}' is not a runner class: expected a class with a run method, "
            f"got {got}."
        )
    return obj


def _dask_at(address: str) -> Callable[[], Any]:
    """A factory of DaskRunners on the scheduler at ``HOST:PORT``."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise RunOptionError(
            f"Invalid Dask scheduler address '{DASK_SCHEME}{address}': expected "
            f"{DASK_SCHEME}HOST:PORT, e.g. {DASK_SCHEME}127.0.0.1:8786."
        )
    from functools import partial

    from kedro_ipy.runner import DaskRunner

    return partial(DaskRunner, address=f"tcp://{address}")


def runner_alias(runner: Any) -> str | None:
    """The ``--runner`` value that selects ``runner`` again; ``None`` for the default.

    ``runner`` is a class, an instance, or a recorded name (``"ThreadRunner"``). The
    package's runners give their alias (``Thread``), the default gives ``None`` so suggested
    lines stay short, and any other runner keeps its dotted path or name.
    """
    if not runner:
        return None
    if isinstance(runner, str):
        path = runner.strip()
        if path.lower().startswith(DASK_SCHEME):
            return path
    else:
        option = getattr(runner, "_runner_option", None)  # e.g. DaskRunner's dask://HOST:PORT
        if isinstance(option, str):
            return option
        cls = runner if inspect.isclass(runner) else type(runner)
        path = f"{cls.__module__}.{cls.__qualname__}"
    if "." in path and not path.startswith("kedro_ipy."):
        return path
    alias = _alias_of(path.rsplit(".", 1)[-1])
    if alias is None:
        return path
    return None if alias == _DEFAULT_RUNNER else alias

"""``${...}`` interpolation for config values, the subset of OmegaConf syntax Kedro projects use.

Supported:
    ``${a.b.c}`` (another value of the same key and environment; ``${.sibling}`` relative),
    ``${globals:key}`` / ``${globals:key, default}``,
    ``${runtime_params:key}`` / ``${runtime_params:key, default}``,
    ``${oc.env:VAR}`` / ``${oc.env:VAR, default}`` in credentials only (everywhere when
    ``oc.env`` is given as a custom resolver, as Kedro's docs suggest),
    OmegaConf's other built-in resolvers, which Kedro leaves registered: ``oc.select``,
    ``oc.coerce``, ``oc.decode``, ``oc.create``, ``oc.deprecated``, ``oc.dict.keys``,
    ``oc.dict.values``,
    ``${a.${b}}`` (a key built from another value) and ``${a.list[0]}``,
    ``${name:arg, ...}`` for resolvers given as ``custom_resolvers``,
    and ``\\${...}`` for a literal ``${...}``.

A value that is a single interpolation keeps the type of what it points to; an interpolation
inside a longer string is formatted with ``str``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kedro_ipy.config.abstract_config import BadConfigException
from kedro_ipy.utils import did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MISSING", "ResolveContext", "lookup", "resolve_tree"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Marks "no value" where ``None`` is a legitimate config value.
MISSING: Any = _Missing()

_RESOLVER_CALL = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*:(.*)\Z", re.DOTALL)
_INT = re.compile(r"[+-]?\d[\d_]*\Z")
_FLOAT = re.compile(r"[+-]?(\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?\Z|[+-]?(inf|nan)\Z", re.I)


class ResolveContext:
    """What one resolution pass needs to know (a plain class: ``dataclasses`` costs import time).

    Args:
        key: The config key being resolved (``"catalog"``...), for messages and rules.
        env: The environment being resolved, for messages.
        root: What ``${a.b}`` references look up (the environment's merged config).
        globals_getter: Returns the globals mapping; called only when ``${globals:...}`` is used.
        runtime_params: Nested runtime parameters for ``${runtime_params:...}``.
        custom_resolvers: User resolvers by name.
        origins: Top-level key -> the file it came from, to name the file in errors.
    """

    __slots__ = (
        "_depth",
        "_in_progress",
        "custom_resolvers",
        "env",
        "globals_getter",
        "key",
        "origins",
        "root",
        "runtime_hits",
        "runtime_params",
    )

    def __init__(
        self,
        *,
        key: str,
        env: str,
        root: Mapping[str, Any],
        globals_getter: Callable[[], Mapping[str, Any]],
        runtime_params: Mapping[str, Any],
        custom_resolvers: Mapping[str, Callable[..., Any]] | None = None,
        origins: Mapping[str, Path] | None = None,
    ) -> None:
        self.key = key
        self.env = env
        self.root = root
        self.globals_getter = globals_getter
        self.runtime_params = runtime_params
        self.custom_resolvers = custom_resolvers or {}
        self.origins = origins or {}
        #: Paths whose value came from a runtime parameter (for the catalog ``type`` guard).
        self.runtime_hits: list[tuple[str, ...]] = []
        self._in_progress: set[tuple[str, ...]] = set()
        self._depth = 0

    def where(self, path: tuple[str, ...]) -> str:
        dotted = ".".join(path) or "<root>"
        origin = self.origins.get(path[0]) if path else None
        source = str(origin) if origin is not None else f"{self.key} of environment '{self.env}'"
        return f"{source} at '{dotted}'"

    def fail(
        self, path: tuple[str, ...], message: str, safe: str | None = None
    ) -> BadConfigException:
        """The error for ``path``; in credentials ``safe`` replaces ``message``.

        ``message`` may quote the value being resolved (a key it names, a resolver argument);
        in credentials any part of a value may be a secret, so there only ``safe``, a wording
        that quotes nothing from the file, is used.
        """
        if self.key == "credentials":
            what = safe or "an interpolation in it cannot be resolved"
            message = (
                f"Cannot resolve a credential value: {what}. The value is not shown because "
                "credentials are secret"
            )
        return BadConfigException(f"{message} (in {self.where(path)})")

    def shown(self, value: Any) -> str:
        """``repr(value)`` for a message; hidden in credentials, whose values are secrets."""
        return "<hidden>" if self.key == "credentials" else repr(value)

    def detail(self, exc: BaseException) -> str:
        """``": <exc>"`` for a message; empty in credentials (the text may quote a secret)."""
        return "" if self.key == "credentials" else f": {exc}"


def lookup(tree: Any, dotted: str) -> Any:
    """The value at ``a.b.0`` in nested dicts/lists, or ``MISSING``."""
    node = tree
    for part in dotted.split("."):
        if isinstance(node, Mapping):
            if part not in node:
                return MISSING
            node = node[part]
        elif isinstance(node, list) and part.lstrip("-").isdigit():
            index = int(part)
            if not -len(node) <= index < len(node):
                return MISSING
            node = node[index]
        else:
            return MISSING
    return node


def resolve_tree(tree: Any, ctx: ResolveContext, path: tuple[str, ...] = ()) -> Any:
    """A fresh copy of ``tree`` with every interpolation resolved (inputs are never mutated)."""
    if isinstance(tree, dict):
        return {k: resolve_tree(v, ctx, (*path, str(k))) for k, v in tree.items()}
    if isinstance(tree, list):
        return [resolve_tree(v, ctx, (*path, str(i))) for i, v in enumerate(tree)]
    if isinstance(tree, str) and ("${" in tree or "\\$" in tree):
        return _resolve_string(tree, ctx, path)
    return tree


def _resolve_string(text: str, ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    pieces: list[Any] = []
    i = 0
    literal: list[str] = []
    only_interpolation = True
    while i < len(text):
        if text.startswith("\\${", i):
            literal.append("${")
            i += 3
            only_interpolation = False
            continue
        if text.startswith("${", i):
            end = _closing_brace(text, i + 2)
            if end < 0:
                raise ctx.fail(
                    path, f"Unclosed interpolation in {text!r}",
                    safe="Unclosed interpolation (a '${' has no closing '}')",
                )
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append(_evaluate(text[i + 2 : end], ctx, path))
            i = end + 1
            continue
        literal.append(text[i])
        only_interpolation = False
        i += 1
    if literal:
        pieces.append("".join(literal))
    if only_interpolation and len(pieces) == 1:
        return pieces[0]
    return "".join(str(p) for p in pieces)


def _closing_brace(text: str, start: int) -> int:
    """Index of the ``}`` that closes the interpolation whose body starts at ``start``."""
    depth = 1
    i = start
    while i < len(text):
        char = text[i]
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if char in "'\"":
            close = _closing_quote(text, i)
            if close < 0:
                return -1
            i = close + 1
            continue
        if char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _closing_quote(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return -1


#: Most interpolations followed one inside another (``${a}`` -> ``${b}`` -> ..., or
#: ``${${${x}}}``). Real configs need a handful; the limit keeps Python's stack safe.
MAX_INTERPOLATION_DEPTH = 64


def _evaluate(body: str, ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if ctx._depth >= MAX_INTERPOLATION_DEPTH:
        raise ctx.fail(
            path,
            f"Interpolations are chained or nested more than {MAX_INTERPOLATION_DEPTH} deep "
            "(each '${...}' leading to another): make the chain shorter",
            safe=f"interpolations are chained or nested more than {MAX_INTERPOLATION_DEPTH} "
            "deep",
        )
    ctx._depth += 1
    try:
        return _evaluate_body(body, ctx, path)
    finally:
        ctx._depth -= 1


def _evaluate_body(body: str, ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    call = _RESOLVER_CALL.match(body)
    if call is None:
        return _reference(body.strip(), ctx, path)
    name, raw_args = call.group(1), call.group(2)
    args = [_argument(a, ctx, path) for a in _split_args(raw_args)]
    if name == "globals":
        return _from_globals(args, ctx, path)
    if name == "runtime_params":
        return _from_runtime_params(args, ctx, path)
    if name in ctx.custom_resolvers:
        try:
            return ctx.custom_resolvers[name](*args)
        except Exception as exc:
            raise ctx.fail(
                path, f"Resolver '{name}' failed with {type(exc).__name__}{ctx.detail(exc)}"
            ) from exc
    if name == "oc.env":
        return _from_environment(args, ctx, path)
    if name in _OC_RESOLVERS:
        return _OC_RESOLVERS[name](args, ctx, path)
    known = ["globals", "runtime_params", *ctx.custom_resolvers]
    if ctx.key == "credentials":
        known.append("oc.env")
    # Kedro's (OmegaConf's) sentence first: ported code matches on it.
    raise ctx.fail(
        path,
        f"Unsupported interpolation type {name}. Available: {', '.join(known)} and "
        "OmegaConf's oc.* resolvers." + did_you_mean(name, [*known, *_OC_RESOLVERS]),
        safe="it uses an unknown resolver (known: " + ", ".join(known) + ", oc.*)",
    )


_BRACKET = re.compile(r"\[\s*([^\]]*?)\s*\]")


def _reference(target: str, ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if "${" in target:
        # A key built from another value: ``${models.${chosen}.alpha}``.
        target = str(_resolve_string(target, ctx, path))
    if "[" in target:
        # OmegaConf's ``a.b[0]`` / ``a[b]`` is the same lookup as ``a.b.0`` / ``a.b``.
        target = _BRACKET.sub(r".\1", target)
    if not target:
        raise ctx.fail(path, "Empty interpolation '${}'")
    if target.startswith("."):
        ups = len(target) - len(target.lstrip("."))
        base = path[: max(len(path) - ups, 0)]
        parts = (*base, *target.lstrip(".").split("."))
    else:
        parts = tuple(target.split("."))
    value = lookup(ctx.root, ".".join(parts))
    if value is MISSING:
        raise ctx.fail(
            path, f"Interpolation key '{target}' not found",
            safe="a key it refers to with '${...}' is not defined",
        )
    if parts in ctx._in_progress:
        raise ctx.fail(
            path, f"Circular interpolation through '{'.'.join(parts)}'",
            safe="it refers to itself through '${...}'",
        )
    ctx._in_progress.add(parts)
    try:
        return resolve_tree(value, ctx, parts)
    finally:
        ctx._in_progress.discard(parts)


def _split_args(raw: str) -> list[str]:
    """Split resolver arguments at top-level commas (not inside quotes, ``${}`` or brackets)."""
    args: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char in "'\"":
            close = _closing_quote(raw, i)
            close = len(raw) - 1 if close < 0 else close
            current.append(raw[i : close + 1])
            i = close + 1
            continue
        if raw.startswith("${", i):
            depth += 1
            current.append("${")
            i += 2
            continue
        if char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
        elif char == "," and depth == 0:
            args.append("".join(current))
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    args.append("".join(current))
    if len(args) == 1 and not args[0].strip():
        return []
    return args


def _argument(raw: str, ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """One resolver argument, typed as OmegaConf types it (int, float, bool, null, string)."""
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1].replace("\\" + text[0], text[0])
        return _resolve_string(inner, ctx, path) if "${" in inner else inner
    if "${" in text:
        return _resolve_string(text, ctx, path)
    lowered = text.lower()
    if lowered == "null":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    if text[:1] in "[{":
        import yaml

        from kedro_ipy.config._files import load_yaml_text

        try:
            return load_yaml_text(text, f"A resolver argument {ctx.where(path)}")
        except yaml.YAMLError:
            return text
    return text


def _one_or_two(name: str, args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise ctx.fail(
            path, f"'{name}' takes a key and an optional default, got {len(args)} argument(s)"
        )
    return args[1] if len(args) == 2 else MISSING


def _from_globals(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    default = _one_or_two("globals", args, ctx, path)
    name = args[0]
    if name.startswith("_"):
        raise ctx.fail(
            path,
            f"Keys starting with '_' are not supported for globals. '{name}' is private to "
            "the globals files",
        )
    value = lookup(ctx.globals_getter(), name)
    if value is not MISSING:
        return value
    if default is not MISSING:
        return default
    raise ctx.fail(
        path, f"Globals key '{name}' not found and no default value provided",
        safe="a globals key it reads is not defined and has no default",
    )


def _from_runtime_params(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if ctx.key == "globals":
        raise ctx.fail(
            path,
            "The `runtime_params:` resolver is not supported for globals. Globals are read "
            "before any run, so they cannot depend on runtime parameters",
        )
    default = _one_or_two("runtime_params", args, ctx, path)
    value = lookup(ctx.runtime_params, args[0])
    if value is not MISSING:
        ctx.runtime_hits.append(path)
        return value
    if default is not MISSING:
        return default
    raise ctx.fail(
        path, f"Runtime parameter '{args[0]}' not found and no default value provided",
        safe="a runtime parameter it reads is not given and has no default",
    )


def _from_environment(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if ctx.key != "credentials":
        raise ctx.fail(
            path,
            "Unsupported interpolation type oc.env. Environment variables are read in "
            "credentials only; give {'oc.env': ...} in custom_resolvers "
            "(CONFIG_LOADER_ARGS) to read them everywhere",
        )
    default = _one_or_two("oc.env", args, ctx, path)
    value = os.environ.get(args[0])
    if value is not None:
        return value
    if default is not MISSING:
        return default
    raise ctx.fail(
        path, f"Environment variable '{args[0]}' is not set and has no default",
        safe="an environment variable it reads ('${oc.env:...}') is not set and has no default",
    )


# OmegaConf's built-in resolvers other than ``oc.env`` (Kedro leaves them registered). Each
# takes the already-parsed arguments.
def _oc_select(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.select:key, default}``: the value at ``key``, or ``default`` (``None``)."""
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise ctx.fail(
            path, f"'oc.select' takes a key and an optional default, got {ctx.shown(args)}"
        )
    default = args[1] if len(args) == 2 else None
    try:
        return _reference(args[0].strip(), ctx, path)
    except BadConfigException:
        if lookup(ctx.root, _absolute(args[0].strip(), path)) is not MISSING:
            raise  # the key exists but its own interpolation is broken
        return default


def _oc_deprecated(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.deprecated:new_key}``: the value at ``new_key``, with a warning."""
    import warnings

    if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
        raise ctx.fail(
            path, f"'oc.deprecated' takes a key and an optional message, got {ctx.shown(args)}"
        )
    dotted = ".".join(path)
    message = (
        args[1]
        if len(args) == 2
        else f"'{dotted}' is deprecated. Change your code and config to use '{args[0]}'"
    )
    warnings.warn(
        str(message).replace("$OLD_KEY", dotted).replace("$NEW_KEY", args[0]),
        UserWarning,
        stacklevel=2,
    )
    return _reference(args[0].strip(), ctx, path)


def _oc_decode(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.decode:'[1, 2]'}``: a string read as a value (number, bool, null, list, dict)."""
    if len(args) != 1:
        raise ctx.fail(path, f"'oc.decode' takes one argument, got {len(args)}")
    value = args[0]
    if value is None or not isinstance(value, str):
        return value
    return _argument(value, ctx, path)


def _oc_create(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.create:{a: 1}}``: a dict or list from a value, or from YAML text."""
    if len(args) != 1:
        raise ctx.fail(path, f"'oc.create' takes one argument, got {len(args)}")
    value = args[0]
    if isinstance(value, str):
        import yaml

        from kedro_ipy.config._files import load_yaml_text

        try:
            value = load_yaml_text(value, f"The 'oc.create' argument {ctx.where(path)}")
        except yaml.YAMLError as exc:
            raise ctx.fail(
                path, f"'oc.create' could not read {ctx.shown(value)}{ctx.detail(exc)}"
            ) from exc
    return resolve_tree(value, ctx, path)


def _oc_dict_node(name: str, args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    if len(args) != 1 or not isinstance(args[0], str):
        raise ctx.fail(path, f"'{name}' takes the key of a mapping, got {args!r}")
    node = _reference(args[0].strip(), ctx, path)
    if not isinstance(node, Mapping):
        raise ctx.fail(path, f"'{name}' needs a mapping at '{args[0]}', got {type(node).__name__}")
    return node


def _oc_dict_keys(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.dict.keys:key}``: the keys of the mapping at ``key``, as a list."""
    return list(_oc_dict_node("oc.dict.keys", args, ctx, path))


def _oc_dict_values(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.dict.values:key}``: the values of the mapping at ``key``, as a list."""
    return list(_oc_dict_node("oc.dict.values", args, ctx, path).values())


def _absolute(target: str, path: tuple[str, ...]) -> str:
    if not target.startswith("."):
        return target
    ups = len(target) - len(target.lstrip("."))
    base = path[: max(len(path) - ups, 0)]
    return ".".join((*base, *target.lstrip(".").split(".")))


_TRUE = ("true", "yes", "on", "y", "1")
_FALSE = ("false", "no", "off", "n", "0")


def _oc_coerce(args: list[Any], ctx: ResolveContext, path: tuple[str, ...]) -> Any:
    """``${oc.coerce:int, ${x}}``: a value converted to ``bool``, ``int``, ``float`` or ``str``."""
    if len(args) != 2 or args[0] not in ("bool", "int", "float", "str"):
        raise ctx.fail(
            path,
            f"'oc.coerce' takes one of bool, int, float, str and a value, got {ctx.shown(args)}",
        )
    kind, value = args
    try:
        if kind == "str":
            return str(value)
        if kind == "bool":
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered in _TRUE or lowered in _FALSE:
                    return lowered in _TRUE
                raise ValueError(f"{value!r} is not a boolean")
            return bool(value)
        if kind == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{value!r} is not a whole number")
            return int(value)
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ctx.fail(
            path, f"'oc.coerce' cannot make a {kind} of {ctx.shown(value)}{ctx.detail(exc)}"
        ) from exc


_OC_RESOLVERS: dict[str, Callable[[list[Any], ResolveContext, tuple[str, ...]], Any]] = {
    "oc.select": _oc_select,
    "oc.coerce": _oc_coerce,
    "oc.decode": _oc_decode,
    "oc.create": _oc_create,
    "oc.deprecated": _oc_deprecated,
    "oc.dict.keys": _oc_dict_keys,
    "oc.dict.values": _oc_dict_values,
}

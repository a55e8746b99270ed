"""Finding and reading config files: one directory walk per environment, glob patterns matched
in memory, YAML parsed once per file.

Kedro globs each pattern of each key against the file system; with three patterns per key and
four keys that is a dozen walks of the same tree per environment. Walking once and matching the
patterns as regular expressions gives the same files for a fraction of the cost.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from kedro_ipy.config.abstract_config import BadConfigException

__all__ = [
    "CONFIG_SUFFIXES", "check_node_graph", "list_config_files", "load_yaml_text",
    "match_patterns", "read_config_file",
]

#: File suffixes the loader reads; JSON is parsed by the YAML parser (JSON is YAML 1.2).
CONFIG_SUFFIXES: tuple[str, ...] = (".yml", ".yaml", ".json")


def list_config_files(env_dir: Path, ignore_hidden: bool = True) -> list[str]:
    """Every config file under ``env_dir``, as sorted POSIX paths relative to it.

    Hidden files and anything inside a hidden folder are skipped when ``ignore_hidden`` is set,
    so editor backups and ``.ipynb_checkpoints`` never leak into the configuration. Symlinked
    folders are followed once (a link cycle cannot make the walk loop).
    """
    found: list[str] = []
    seen_dirs: set[str] = set()
    for root, dirs, files in os.walk(env_dir, followlinks=True):
        real = os.path.realpath(root)
        if real in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add(real)
        if ignore_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel_root = os.path.relpath(root, env_dir)
        prefix = "" if rel_root == "." else rel_root.replace(os.sep, "/") + "/"
        for name in files:
            if ignore_hidden and name.startswith("."):
                continue
            if name.endswith(CONFIG_SUFFIXES):
                found.append(prefix + name)
    found.sort()
    return found


@lru_cache(maxsize=256)
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob (``*``, ``?``, ``[...]``, ``**`` for any depth) into a regex."""
    parts = [p for p in pattern.strip("/").split("/") if p]
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            # A trailing ``**`` is everything below; an inner one is zero or more folders.
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        out.append(_segment_regex(part) + ("" if last else "/"))
    return re.compile("".join(out) + r"\Z")


def _segment_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def match_patterns(files: list[str], patterns: list[str]) -> list[str]:
    """The files (relative POSIX paths) matched by any of ``patterns``, in sorted order."""
    regexes = [_pattern_regex(p) for p in patterns]
    return [f for f in files if any(r.match(f) for r in regexes)]


# (path, mtime_ns, size) -> parsed content; config files are small and re-read often in a
# notebook (each new session builds a new loader), so parsing each version once pays off.
_PARSED: dict[tuple[str, int, int], Any] = {}
_PARSED_MAX = 512


def read_config_file(path: Path) -> Any:
    """Parse one YAML or JSON file with the safe loader.

    Raises:
        BadConfigException: the file is not valid YAML/JSON, or a mapping in it repeats a key;
            the message names the file, the line and the column (1-based).
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise BadConfigException(f"Cannot read config file {path}: {exc.strerror}.") from exc
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    if cache_key in _PARSED:
        return _PARSED[cache_key]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise BadConfigException(
            f"Config file {_posix(path)} is not UTF-8 text: byte {exc.object[exc.start]:#x} "
            f"on line {line} cannot be decoded. Save the file as UTF-8."
        ) from exc
    except OSError as exc:
        raise BadConfigException(f"Cannot read config file {path}: {exc.strerror}.") from exc
    content = _parse_yaml(text, path)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[cache_key] = content
    return content


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    # ``yaml.load`` in two steps, so the node graph is checked before anything is built.
    loader = _loader_class()(text)  # a SafeLoader subclass: safe
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_node_graph(node, f"Config file {_posix(path)}")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Kedro's wording first (0-based line and position, as Kedro reports them), then
        # what went wrong, which Kedro leaves out.
        where = f", unable to read line {mark.line}, position {mark.column}" if mark else ""
        human = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "unreadable YAML"
        # Not chained: PyYAML's own text quotes the offending line, which in a credentials
        # file is a secret. The file, line, column and problem are all in this message.
        raise config_parser_error(
            f"Invalid YAML or JSON file {_posix(path)}{where}. YAML says: {problem}{human}.",
            mark,
        ) from None
    except yaml.YAMLError as exc:
        raise config_parser_error(
            f"Invalid YAML or JSON file {_posix(path)}. YAML says: {type(exc).__name__}.", None
        ) from None
    except RecursionError:
        raise BadConfigException(
            f"Config file {_posix(path)} is nested too deeply to read. Flatten its structure."
        ) from None
    finally:
        loader.dispose()


#: Most values a config file may expand to once YAML aliases are followed. Aliases make a
#: 600-byte file stand for a billion values (a "billion laughs"); real projects stay far
#: below this even when they reuse anchors everywhere.
MAX_EXPANDED_VALUES = 1_000_000
#: Deepest nesting of mappings and lists in one config file (real files rarely pass 10);
#: deeper structures would exhaust Python's stack when merged and resolved.
MAX_NESTING = 100


def check_node_graph(root: Any, source: str) -> None:
    """Refuse a parsed YAML node graph that would expand too far, nest too deep, or loop.

    Aliases share nodes, so the graph stays small while what it stands for can be huge:
    the expanded size is summed per node, each shared node counted once per use, without
    building anything. An alias inside its own anchor makes a loop, which no config can mean.

    Args:
        root: The document's root node.
        source: What the text is, for messages ("Config file /path/to/parameters.yml").

    Raises:
        BadConfigException: naming the source and the key where the problem was found.
    """
    from yaml.nodes import MappingNode, SequenceNode

    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    # Iterative depth-first walk (a recursive one would itself overflow on deep files).
    stack: list[tuple[Any, tuple[str, ...], bool]] = [(root, (), False)]
    while stack:
        node, keys, finished = stack.pop()
        ident = id(node)
        if finished:
            ancestors.discard(ident)
            total = 1 + sum(sizes[id(child)] for _, child in _children(node))
            if total > MAX_EXPANDED_VALUES:
                raise BadConfigException(
                    f"{source} expands to more than "
                    f"{MAX_EXPANDED_VALUES:,} values through YAML aliases (at "
                    f"'{_dotted(keys)}'): anchors ('&name') reused with '*name' inside each "
                    "other multiply, and loading it would take minutes and gigabytes. Refused: "
                    "reuse fewer nested aliases."
                )
            sizes[ident] = total
            continue
        if ident in sizes:
            continue
        if ident in ancestors:
            raise BadConfigException(
                f"{source} has a YAML alias inside its own anchor at "
                f"'{_dotted(keys)}': the value would contain itself forever. Remove the "
                "self-reference ('*name' used within the value marked '&name')."
            )
        if not isinstance(node, (MappingNode, SequenceNode)):
            sizes[ident] = 1
            continue
        if len(keys) >= MAX_NESTING:
            raise BadConfigException(
                f"{source} nests mappings and lists more than {MAX_NESTING} "
                f"levels deep (at '{_dotted(keys[:5])}...'). Flatten its structure."
            )
        ancestors.add(ident)
        stack.append((node, keys, True))
        for label, child in _children(node):
            stack.append((child, (*keys, label), False))


def load_yaml_text(text: str, source: str) -> Any:
    """``yaml.safe_load(text)`` with the checks of config files (size, loops, depth).

    For YAML found inside a config value (``${oc.create:...}``), which must not get round
    the limits a file has.
    """
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_node_graph(node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _children(node: Any) -> list[tuple[str, Any]]:
    """``(label, child node)`` pairs of a mapping (keys too) or sequence node."""
    from yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode):
        out: list[tuple[str, Any]] = []
        for key_node, value_node in node.value:
            label = str(key_node.value) if isinstance(key_node.value, str) else "<key>"
            out.append((label, key_node))
            out.append((label, value_node))
        return out
    if isinstance(node, SequenceNode):
        return [(str(index), child) for index, child in enumerate(node.value)]
    return []


def _dotted(keys: tuple[str, ...]) -> str:
    return ".".join(keys) or "<top level>"


def _posix(path: Path) -> str:
    return Path(os.path.abspath(path)).as_posix()


@lru_cache(maxsize=1)
def _parser_error_class() -> type:
    """``BadConfigException`` that is also a ``yaml.parser.ParserError``.

    Kedro raises ``ParserError`` for a file that does not parse; ported code may catch that,
    our own code catches ``BadConfigException``: one class serves both. Built on first use so
    importing the package does not import PyYAML.
    """
    from yaml.parser import ParserError

    class ConfigParserError(BadConfigException, ParserError):
        def __init__(self, message: str, mark: Any = None) -> None:
            Exception.__init__(self, message)
            self.message = message
            self.context = None
            self.context_mark = None
            self.problem = None
            self.problem_mark = mark
            self.note = None

        def __str__(self) -> str:
            return self.message

    ConfigParserError.__module__ = __name__
    return ConfigParserError


def config_parser_error(message: str, mark: Any) -> BadConfigException:
    """The exception for an unreadable config file (see :func:`_parser_error_class`)."""
    return _parser_error_class()(message, mark)


# YAML 1.2 floats, as OmegaConf (and so Kedro) reads them: ``1e-3`` and ``1_000.5`` are
# numbers, where PyYAML's YAML 1.1 rules would give the string "1e-3".
_FLOAT_12 = re.compile(
    r"""^(?:[-+]?\d+(?:_\d+)*\.[\d_]*(?:[eE][-+]?\d+)?
    |[-+]?\d+(?:_\d+)*[eE][-+]?\d+
    |\.\d+(?:_\d+)*(?:[eE][-+]\d+)?
    |[-+]?\d+(?:_\d+)*(?::[0-5]?\d)+\.[\d_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


@lru_cache(maxsize=1)
def _loader_class() -> type:
    """A safe loader (C-accelerated when available) that reads scalars as Kedro does.

    Like OmegaConf's loader: YAML 1.2 floats (``1e-3``), dates left as strings (OmegaConf
    cannot hold date objects, so Kedro gives ``"2020-01-01"``), and a key repeated in one
    mapping is an error (PyYAML would silently keep the last one, hiding a dataset).
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _StrictSafeLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key '{key}'",
                        key_node.start_mark,
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    resolvers = {
        first: [(tag, regex) for tag, regex in entries if tag not in _DROPPED_TAGS]
        for first, entries in base.yaml_implicit_resolvers.items()
    }
    for first in "-+0123456789.":
        resolvers.setdefault(first, []).insert(0, ("tag:yaml.org,2002:float", _FLOAT_12))
    _StrictSafeLoader.yaml_implicit_resolvers = resolvers
    return _StrictSafeLoader


_DROPPED_TAGS = ("tag:yaml.org,2002:timestamp",)

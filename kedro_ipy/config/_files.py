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

__all__ = ["CONFIG_SUFFIXES", "list_config_files", "match_patterns", "read_config_file"]

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

    try:
        return yaml.load(text, Loader=_loader_class())  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Kedro's wording first (0-based line and position, as Kedro reports them), then
        # what went wrong, which Kedro leaves out.
        where = f", unable to read line {mark.line}, position {mark.column}" if mark else ""
        human = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or str(exc)
        raise config_parser_error(
            f"Invalid YAML or JSON file {_posix(path)}{where}. YAML says: {problem}{human}.",
            mark,
        ) from exc
    except yaml.YAMLError as exc:
        raise config_parser_error(
            f"Invalid YAML or JSON file {_posix(path)}. {exc}.", None
        ) from exc


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

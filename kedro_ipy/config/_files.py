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
    text = path.read_text(encoding="utf-8")
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
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or str(exc)
        raise BadConfigException(
            f"Invalid YAML or JSON in {path}{where}: {problem}."
        ) from exc
    except yaml.YAMLError as exc:
        raise BadConfigException(f"Invalid YAML or JSON in {path}: {exc}.") from exc


@lru_cache(maxsize=1)
def _loader_class() -> type:
    """A safe loader (C-accelerated when available) that rejects repeated keys in a mapping.

    PyYAML silently keeps the last of two equal keys; in a catalog that hides a dataset, so it
    is reported like any other syntax error.
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

    return _StrictSafeLoader

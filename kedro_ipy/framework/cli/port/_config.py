"""Port the files around the code: ``pyproject.toml``, ``requirements*.txt`` and ``conf/`` YAML.

These are edited line by line, each rule matching one precise shape (a quoted requirement, an
entry-point table header, a ``class:`` or ``type:`` value, a key under ``loggers:``), so that
comments and layout stay exactly as the user wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kedro_ipy.framework.cli.port._names import ENTRY_POINT_GROUPS, RENAMED_NAMES
from kedro_ipy.framework.cli.port._python import rewrite_requirement
from kedro_ipy.framework.cli.port._report import Change, Problem

__all__ = ["port_pyproject", "port_requirements", "port_yaml"]

_QUOTED = re.compile(r"""(["'])([^"'\n]*)\1""")
_TABLE = re.compile(r"""^\s*\[\s*project\s*\.\s*entry-points\s*\.\s*(["'])([^"']+)\1\s*\]""")
_KEDRO_PLUGINS = {
    "kedro-datasets": "kedro-datasets pulls in Kedro itself; kedro_ipy reads the same "
    "kedro_datasets.* types on its own: drop it unless you need a type kedro_ipy lacks",
    "kedro-viz": "kedro-viz needs Kedro itself; drop it or install Kedro alongside",
    "kedro-telemetry": "kedro-telemetry needs Kedro itself; drop it (kedro_ipy sends no "
    "telemetry)",
}
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")

Rule = Callable[[str, int], str]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_problem(text: str) -> str | None:
    match = _REQ_NAME.match(text)
    return _KEDRO_PLUGINS.get(_normalise(match.group(1))) if match else None


def _edit_lines(
    text: str, display: Path, rule: Callable[[str, int, list[Problem]], str]
) -> tuple[str, list[Change], list[Problem]]:
    lines = text.splitlines(keepends=True)
    changes: list[Change] = []
    problems: list[Problem] = []
    for index, line in enumerate(lines):
        new = rule(line, index + 1, problems)
        if new != line:
            changes.append(Change(display, index + 1, line.strip(), new.strip()))
            lines[index] = new
    return "".join(lines), changes, problems


def port_pyproject(text: str, display: Path) -> tuple[str, list[Change], list[Problem]]:
    """Requirements on ``kedro`` -> ``kedro_ipy``; the ``kedro.hooks`` and ``kedro.cli_hooks``
    entry-point tables -> ``kedro_ipy.hooks`` and ``kedro_ipy.cli_hooks``.
    ``[tool.kedro]`` stays: kedro_ipy reads it."""
    section = [""]

    def rule(line: str, number: int, problems: list[Problem]) -> str:
        table = _TABLE.match(line)
        if table:
            group = table.group(2)
            if group in ENTRY_POINT_GROUPS:
                new_group = ENTRY_POINT_GROUPS[group]
                if new_group is None:
                    problems.append(Problem(display, number, f"entry point group '{group}': "
                                            "kedro_ipy has no such group"))
                    return line
                return line.replace(group, new_group, 1)
        stripped = line.strip()
        if stripped.startswith("["):
            section[0] = stripped
            return line
        if not (section[0] in ("[project]", "[project.optional-dependencies]")
                or section[0].startswith("[dependency-groups")):
            return line

        def requirement(match: re.Match[str]) -> str:
            new = rewrite_requirement(match.group(2))
            if new is None:
                why = _requirement_problem(match.group(2))
                if why:
                    problems.append(Problem(display, number, why))
                return match.group(0)
            return f"{match.group(1)}{new}{match.group(1)}"

        return _QUOTED.sub(requirement, line)

    return _edit_lines(text, display, rule)


def port_requirements(text: str, display: Path) -> tuple[str, list[Change], list[Problem]]:
    """``kedro~=1.0`` lines -> ``kedro_ipy``."""

    def rule(line: str, number: int, problems: list[Problem]) -> str:
        body, hash_, comment = line.rstrip("\n").partition("#")
        new = rewrite_requirement(body.strip()) if body.strip() else None
        if new is None:
            why = _requirement_problem(body)
            if why:
                problems.append(Problem(display, number, why))
            return line
        tail = f"  #{comment}" if hash_ else ""
        return new + tail + ("\n" if line.endswith("\n") else "")

    return _edit_lines(text, display, rule)


_YAML_VALUE = re.compile(
    r"^(\s*-?\s*(?:type|class|\(\)|_target_)\s*:\s*)(['\"]?)([\w.]+)\2(\s*(?:#.*)?)$"
)
_YAML_KEY = re.compile(r"^(\s*)(['\"]?)(kedro(?:\.[\w.]+)?)\2(\s*:.*)$")


def port_yaml(text: str, display: Path) -> tuple[str, list[Change], list[Problem]]:
    """In config: ``class: kedro.logging.RichHandler`` -> ``kedro_ipy.logging.RichHandler``,
    logger ``kedro`` (a key under ``loggers:``) -> ``kedro_ipy``, and renamed dataset types
    (``matplotlib.MatplotlibWriter`` -> ``matplotlib.MatplotlibDataset``).

    ``kedro_datasets.<x>`` and ``kedro.io.<x>`` types stay as written: kedro_ipy resolves them
    to its own classes (or to kedro-datasets' when it is installed).
    """
    loggers_indent: list[int | None] = [None]

    def rule(line: str, number: int, problems: list[Problem]) -> str:
        body = line.rstrip("\n")
        newline = "\n" if line.endswith("\n") else ""
        indent = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped and not stripped.startswith("#"):
            current = loggers_indent[0]
            if current is not None and indent <= current:
                loggers_indent[0] = None
            if re.match(r"^loggers\s*:\s*(#.*)?$", stripped):
                loggers_indent[0] = indent
        value = _YAML_VALUE.match(body)
        if value:
            dotted = value.group(3)
            module, _, tail = dotted.rpartition(".")
            new = dotted
            if tail in RENAMED_NAMES:
                new = f"{module}.{RENAMED_NAMES[tail]}" if module else RENAMED_NAMES[tail]
            key = value.group(1).strip().lstrip("-").strip()
            if key.startswith("class") and (dotted == "kedro" or dotted.startswith("kedro.")):
                new = "kedro_ipy" + new[len("kedro"):]
            if new != dotted:
                quote = value.group(2)
                return f"{value.group(1)}{quote}{new}{quote}{value.group(4)}{newline}"
            return line
        key = _YAML_KEY.match(body)
        if key and loggers_indent[0] is not None and indent > loggers_indent[0]:
            name = key.group(3)
            return (f"{key.group(1)}{key.group(2)}kedro_ipy{name[len('kedro'):]}{key.group(2)}"
                    f"{key.group(4)}{newline}")
        return line

    return _edit_lines(text, display, rule)

"""Notebooks: the extension to load, and the Kedro-only magics the user must replace."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kedro_ipy.framework.cli.port._report import Change, Problem

__all__ = ["port_notebook"]

_LOAD_EXT = re.compile(r"^(\s*%load_ext\s+)kedro\.ipython\b")
_RELOAD = re.compile(r"^\s*%reload_kedro\b")
_IMPORT = re.compile(r"^\s*(from|import)\s+kedro(\.|\s)")


def port_notebook(text: str, display: Path) -> tuple[str, list[Change], list[Problem]]:
    """``%load_ext kedro.ipython`` -> ``%load_ext kedro_ipy``; other Kedro uses are reported
    (cell numbers count code and markdown cells from 1)."""
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as exc:
        return text, [], [Problem(display, 0, f"not ported: not a notebook ({exc})")]
    changes: list[Change] = []
    problems: list[Problem] = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", [])
        lines = source.splitlines(keepends=True) if isinstance(source, str) else list(source)
        for index, line in enumerate(lines):
            new = _LOAD_EXT.sub(r"\1kedro_ipy", line)
            if new != line:
                changes.append(Change(display, number, line.strip(), new.strip()))
                lines[index] = new
            elif _RELOAD.match(line):
                problems.append(Problem(display, number, "cell uses %reload_kedro: use "
                                        "%session_create [PATH] [--env ENV] instead"))
            elif _IMPORT.match(line):
                problems.append(Problem(display, number, f"cell imports Kedro "
                                        f"({line.strip()}): rename kedro to kedro_ipy"))
        cell["source"] = "".join(lines) if isinstance(source, str) else lines
    if not changes:
        return text, [], problems
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", changes, problems

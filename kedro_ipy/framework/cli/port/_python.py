"""Rewrite a Python file of a Kedro project for kedro_ipy, from its syntax tree.

The tree says what each ``kedro`` is: an import, a module reference, a logger name, a
keyword argument of ``pipeline()``. Only those spans are replaced, in place, so formatting,
comments and strings that merely mention Kedro ("run with kedro run") stay as written.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from kedro_ipy.framework.cli.port._names import (
    ENTRY_POINT_GROUPS,
    RENAMED_NAMES,
    UNPORTABLE_PACKAGES,
    check_import,
    is_kedro_path,
    map_logger_name,
    map_module,
    resolves,
)
from kedro_ipy.framework.cli.port._report import Change, Problem

__all__ = ["port_python_source", "rewrite_requirement"]

_DOTTED = re.compile(r"^kedro(\.[A-Za-z_]\w*)+$")
_PIPELINE_FACTORIES = {"pipeline", "Pipeline"}
_PIPELINE_MODULES = ("kedro.pipeline",)
_REQUIREMENT = re.compile(r"^\s*(kedro)\s*(\[[^\]]*\])?\s*([~=<>!].*?)?\s*(;.*)?$", re.I)


@dataclass(frozen=True)
class _Edit:
    line: int  # 1-based
    start: int  # byte offsets in the line
    end: int
    text: str


def rewrite_requirement(requirement: str) -> str | None:
    """``kedro[jupyter]~=1.0`` -> ``kedro_ipy`` (and its environment marker); None otherwise."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        return None
    marker = match.group(4) or ""
    return "kedro_ipy" + (f" {marker}" if marker else "")


class _Rewriter:
    """Collects the edits for one file; ``port_python_source`` feeds it every node."""

    def __init__(self, path: Path, lines: list[bytes], is_setup: bool) -> None:
        self.path = path
        self.lines = lines
        self.is_setup = is_setup
        self.edits: list[_Edit] = []
        self.problems: list[Problem] = []
        self.kedro_bound = False  # ``import kedro[.x]`` binds the name ``kedro``
        self.pipeline_names: set[str] = set()  # local names of kedro's pipeline()/Pipeline
        self.kedro_module_aliases: set[str] = set()  # ``import kedro.pipeline as kp``
        self.renamed_locals: dict[str, str] = {}  # MatplotlibWriter -> MatplotlibDataset
        self.done: set[int] = set()  # ids of nodes already rewritten as part of a larger one

    # -- helpers ---------------------------------------------------------------------------
    def segment(self, node: ast.AST) -> str | None:
        """The node's source text when it sits on one line."""
        line, end_line = getattr(node, "lineno", 0), getattr(node, "end_lineno", -1)
        if line != end_line:
            return None
        raw = self.lines[line - 1][node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]
        return raw.decode("utf-8")

    def replace(self, node: ast.AST, text: str, start: int | None = None,
                length: int | None = None) -> None:
        """Replace the node's span (or ``length`` bytes from ``start``) with ``text``."""
        begin: int = node.col_offset if start is None else start  # type: ignore[attr-defined]
        end: int = node.end_col_offset if length is None else begin + length  # type: ignore[attr-defined]
        self.edits.append(_Edit(node.lineno, begin, end, text))  # type: ignore[attr-defined]

    def problem(self, node: ast.AST | None, message: str) -> None:
        self.problems.append(Problem(self.path, getattr(node, "lineno", 0), message))

    def rewrite_string(self, node: ast.Constant, new_value: str) -> None:
        """Replace a string literal's value, keeping its quotes and prefix."""
        if id(node) in self.done:
            return
        self.done.add(id(node))
        text = self.segment(node)
        old = str(node.value)
        if text is None or text.count(old) != 1 or not text.rstrip("'\"").endswith(old):
            self.problem(node, f"string '{old}' should read '{new_value}' (left as is: it is "
                               f"split or escaped)")
            return
        start = node.col_offset + text.encode("utf-8").rindex(old.encode("utf-8"))
        self.replace(node, new_value, start=start, length=len(old.encode("utf-8")))

    # -- imports -----------------------------------------------------------------------------
    def on_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            root = alias.name.split(".")[0]
            if root in UNPORTABLE_PACKAGES:
                self.problem(node, UNPORTABLE_PACKAGES[root])
            if not is_kedro_path(alias.name):
                continue
            target = map_module(alias.name)
            why = check_import(target)
            if why:
                self.problem(node, f"import {alias.name}: {why}")
            text = self.segment(alias)
            if text is None or not text.startswith(alias.name):
                self.problem(node, f"import {alias.name}: not rewritten (split over lines)")
                continue
            self.replace(alias, target, length=len(alias.name.encode()))
            if alias.asname is None:
                self.kedro_bound = True
            elif target.startswith("kedro_ipy.pipeline") or alias.name == "kedro.pipeline":
                self.kedro_module_aliases.add(alias.asname)

    def on_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        root = module.split(".")[0]
        if node.level == 0 and root in UNPORTABLE_PACKAGES:
            self.problem(node, UNPORTABLE_PACKAGES[root])
        for alias in node.names:
            new_name = RENAMED_NAMES.get(alias.name)
            if new_name and (is_kedro_path(module) or module.startswith("kedro_datasets")):
                self.replace(alias, new_name, length=len(alias.name))
                if alias.asname is None:
                    self.renamed_locals[alias.name] = new_name
        if node.level != 0 or not is_kedro_path(module):
            return
        target = map_module(module)
        for alias in node.names:
            name = RENAMED_NAMES.get(alias.name, alias.name)
            why = check_import(target, name)
            if why:
                self.problem(node, f"from {module} import {alias.name}: {why}")
            if module.startswith(_PIPELINE_MODULES) and name in _PIPELINE_FACTORIES:
                self.pipeline_names.add(alias.asname or name)
            if module == "kedro" and name == "pipeline":
                self.kedro_module_aliases.add(alias.asname or name)
        # The module name follows "from" on the statement's first line.
        first = self.lines[node.lineno - 1]
        match = re.compile(rb"from\s+(" + re.escape(module.encode()) + rb")(?![\w.])").match(
            first, node.col_offset
        )
        if match is None:
            self.problem(node, f"from {module} import ...: not rewritten (unusual layout)")
            return
        self.edits.append(_Edit(node.lineno, match.start(1), match.end(1), target))

    # -- uses --------------------------------------------------------------------------------
    def on_Name(self, node: ast.Name) -> None:
        if id(node) in self.done:
            return
        if node.id == "kedro" and self.kedro_bound:
            self.replace(node, "kedro_ipy")
        elif node.id in self.renamed_locals:
            self.replace(node, self.renamed_locals[node.id])

    def on_Attribute(self, node: ast.Attribute) -> None:
        if id(node) in self.done:
            return
        chain = _dotted(node)
        if chain and self.kedro_bound and is_kedro_path(chain):
            # ``kedro.pipeline.modular_pipeline.pipeline``: the whole chain moves at once.
            target = map_module(chain)
            tail = target.rpartition(".")[2]
            if tail in RENAMED_NAMES:
                target = target.rpartition(".")[0] + "." + RENAMED_NAMES[tail]
            if target != "kedro_ipy" + chain[len("kedro"):] and self.segment(node) == chain:
                self.replace(node, target)
                self.done.update(id(inner) for inner in _chain_nodes(node))
                return
        if node.attr in RENAMED_NAMES and chain and (
            chain.startswith(("kedro.", "kedro_datasets."))
            or chain.split(".")[0] in self.kedro_module_aliases
        ):
            text = self.segment(node)
            if text is not None and text.endswith(node.attr):
                size = len(node.attr)
                self.replace(node, RENAMED_NAMES[node.attr],
                             start=node.end_col_offset - size, length=size)  # type: ignore[operator]

    def on_Call(self, node: ast.Call) -> None:
        func = node.func
        if self._is_pipeline_factory(func):
            for keyword in node.keywords:
                if keyword.arg == "pipe":
                    self.replace(keyword, "nodes", length=len("pipe"))
        logger_args: list[ast.expr] = []
        if (isinstance(func, ast.Attribute) and func.attr == "getLogger") or (
            isinstance(func, ast.Name) and func.id == "getLogger"
        ):
            logger_args.extend(node.args[:1])
        logger_args.extend(k.value for k in node.keywords if k.arg == "logger")
        for arg in logger_args:
            self._logger_string(arg)
        if self.is_setup:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    new = rewrite_requirement(inner.value)
                    if new is not None:
                        self.rewrite_string(inner, new)

    def on_Compare(self, node: ast.Compare) -> None:
        # record.name == "kedro.runner" and the like
        sides = [node.left, *node.comparators]
        if any(isinstance(s, ast.Attribute) and s.attr == "name" for s in sides):
            for side in sides:
                self._logger_string(side)

    def on_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, str) or id(node) in self.done:
            return
        if value in ENTRY_POINT_GROUPS:
            group = ENTRY_POINT_GROUPS[value]
            if group is None:
                self.problem(node, f"entry point group '{value}': kedro_ipy has no such group")
            else:
                self.rewrite_string(node, group)
            return
        module, _, tail = value.rpartition(".")
        if _DOTTED.match(value):
            target = map_module(value)
            if tail in RENAMED_NAMES:
                target = target.rpartition(".")[0] + "." + RENAMED_NAMES[tail]
            if resolves(target):
                self.rewrite_string(node, target)
        elif value.startswith("kedro_datasets.") and tail in RENAMED_NAMES:
            self.rewrite_string(node, f"{module}.{RENAMED_NAMES[tail]}")

    # -- details -----------------------------------------------------------------------------
    def _logger_string(self, node: ast.expr) -> None:
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and is_kedro_path(node.value)):
            self.rewrite_string(node, map_logger_name(node.value))

    def _is_pipeline_factory(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.pipeline_names
        if isinstance(func, ast.Attribute) and func.attr in _PIPELINE_FACTORIES:
            chain = _dotted(func.value)
            return bool(chain) and (
                (self.kedro_bound and is_kedro_path(str(chain)))
                or str(chain) in self.kedro_module_aliases
            )
        return False


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _chain_nodes(node: ast.expr) -> list[ast.expr]:
    """The attribute nodes and the root name of ``a.b.c``."""
    nodes: list[ast.expr] = []
    while isinstance(node, ast.Attribute):
        nodes.append(node)
        node = node.value
    nodes.append(node)
    return nodes


def port_python_source(
    source: str, path: Path, display: Path | None = None
) -> tuple[str, list[Change], list[Problem]]:
    """The ported source, the changed lines and what could not be done.

    Args:
        source: The file's text.
        path: The file (its name tells ``setup.py`` apart).
        display: The path to print in the report (default ``path``).
    """
    shown = display or path
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return source, [], [Problem(shown, exc.lineno or 0,
                                    f"not ported: cannot parse it as Python ({exc.msg})")]
    lines = [line.encode("utf-8") for line in source.splitlines(keepends=True)]
    rewriter = _Rewriter(shown, lines, is_setup=path.name == "setup.py")
    nodes = list(ast.walk(tree))  # breadth first: an attribute chain before its parts
    # Imports first: they decide what the names in the body mean.
    for node in nodes:
        if isinstance(node, ast.Import):
            rewriter.on_Import(node)
        elif isinstance(node, ast.ImportFrom):
            rewriter.on_ImportFrom(node)
    for node in nodes:
        handler = getattr(rewriter, f"on_{type(node).__name__}", None)
        if handler is not None and not isinstance(node, ast.Import | ast.ImportFrom):
            handler(node)
    return _apply(source, lines, rewriter.edits, shown, rewriter.problems)


def _apply(
    source: str, lines: list[bytes], edits: list[_Edit], shown: Path, problems: list[Problem]
) -> tuple[str, list[Change], list[Problem]]:
    unique = {(edit.line, edit.start, edit.end): edit for edit in edits}
    by_line: dict[int, list[_Edit]] = {}
    for edit in unique.values():
        by_line.setdefault(edit.line, []).append(edit)
    changes: list[Change] = []
    new_lines = list(lines)
    for number in sorted(by_line):
        line = lines[number - 1]
        for edit in sorted(by_line[number], key=lambda e: e.start, reverse=True):
            line = line[: edit.start] + edit.text.encode("utf-8") + line[edit.end :]
        if line != lines[number - 1]:
            new_lines[number - 1] = line
            changes.append(Change(shown, number, lines[number - 1].decode("utf-8").strip(),
                                  line.decode("utf-8").strip()))
    text = b"".join(new_lines).decode("utf-8") if changes else source
    seen: set[tuple[int, str]] = set()
    unique_problems = []
    for problem in problems:
        if (problem.line, problem.message) not in seen:
            seen.add((problem.line, problem.message))
            unique_problems.append(problem)
    return text, changes, unique_problems

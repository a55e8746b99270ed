"""Text the magics print: session summary, run summary, run history, node failures.

Pure functions of plain data, so the wording is tested without a shell and the panel can reuse
it. Durations and ids are printed in fixed formats that notebooks/sanitize.cfg recognises.
"""

from __future__ import annotations

import reprlib
import traceback
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "format_code_failure",
    "format_duration",
    "format_node_failure",
    "format_outputs",
    "format_pipelines",
    "format_progress",
    "format_run_history",
    "user_frames",
]

_BAR_WIDTH = 20
_LINE = 100  # longest output line: the full value is in the variable


def format_duration(seconds: float | None) -> str:
    """``0.41 s``, ``12.3 s``, ``2 min 5 s``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def format_progress(done: int, total: int, seconds: float | None) -> str:
    """A finished-run line: ``████████████████████ 3/3 nodes · 0.41 s``."""
    filled = _BAR_WIDTH if total == 0 else round(_BAR_WIDTH * done / total)
    bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
    return f"{bar} {done}/{total} nodes · {format_duration(seconds)}"


def format_pipelines(counts: Mapping[str, int]) -> str:
    """``__default__ (9 nodes), data_processing (4), data_science (5)``."""
    names = sorted(counts, key=lambda name: (name != "__default__", name))
    parts = []
    for index, name in enumerate(names):
        unit = " nodes" if index == 0 else ""
        parts.append(f"{name} ({counts[name]}{unit})")
    return ", ".join(parts) or "(none registered)"


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 2
_SHORT.maxdict = 6
_SHORT.maxlist = 6
_SHORT.maxstring = 40
_SHORT.maxother = 60


def format_outputs(outputs: Mapping[str, Any], name: str) -> str:
    """One line per output (name, type, short value), under the variable's name."""
    if not outputs:
        return f"{name}: {{}} (every output is kept by the catalog)"
    lines = [f"{name}: {len(outputs)} output{'s' if len(outputs) != 1 else ''}"]
    width = max(len(key) for key in outputs)
    for key, value in outputs.items():
        line = f"  {key:<{width}}  {type(value).__name__}: {_SHORT.repr(value)}"
        lines.append(line if len(line) <= _LINE else line[: _LINE - 1] + "…")
    return "\n".join(lines)


def _run_label(record: Mapping[str, Any]) -> str:
    from kedro_ipy.framework.session.request import RunRequest

    line = str(RunRequest.from_record(record))
    return line[len("%session_run"):].strip() or "(default pipeline)"


def format_run_history(runs: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per recorded run: number, status, what ran, nodes, duration."""
    marks = {"success": "✓", "failed": "✗", "running": "…", "cancelled": "✗",
             "interrupted": "✗"}
    lines = []
    for number, record in enumerate(runs, start=1):
        status = record.get("status", "?")
        done = len(record.get("nodes_done") or ())
        total = record.get("nodes_total")
        nodes = f"{done}/{total} nodes" if total is not None else f"{done} nodes"
        line = (f"  {number:>2} {marks.get(status, '?')} {status:<7} {nodes:<12} "
                f"{format_duration(record.get('duration_s')):>8}  {_run_label(record)}")
        error = record.get("error")
        if error:
            line += f"  [{error.get('node')}: {error.get('type')}]"
        lines.append(line)
    return lines


def user_frames(exc: BaseException, roots: Iterable[Path]) -> list[traceback.FrameSummary]:
    """The frames of ``exc``'s traceback in the user's files (under one of ``roots``).

    When the exception was raised inside a library called by the node, the innermost frame
    is kept as well, so the line that raised is always visible.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    resolved = [Path(root).resolve() for root in roots]
    kept = [f for f in frames if any(_is_under(f.filename, root) for root in resolved)]
    if frames and (not kept or kept[-1] is not frames[-1]):
        kept.append(frames[-1])
    return kept


def _is_under(filename: str, root: Path) -> bool:
    if filename.startswith("<") and filename.endswith(">"):
        # "<frozen importlib._bootstrap>", "<string>": no file, though resolving the name
        # would place it in the current folder, which is the project's root in a notebook
        return False
    try:
        Path(filename).resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


def _display_path(filename: str, root: Path | None) -> str:
    if root is not None:
        try:
            return str(Path(filename).resolve().relative_to(root.resolve()))
        except (ValueError, OSError):
            pass
    return filename


def _frame_lines(exc: BaseException, project_path: Path | None) -> list[str]:
    """Up to four ``path:line in function: code`` lines, the project's frames first."""
    roots = [project_path] if project_path is not None else []
    lines = []
    for frame in user_frames(exc, roots)[-4:]:
        where = f"{_display_path(frame.filename, project_path)}:{frame.lineno} in {frame.name}"
        code = f": {frame.line.strip()}" if frame.line else ""
        line = f"  {where}{code}"
        lines.append(line if len(line) <= _LINE else line[: _LINE - 1] + "…")
    return lines


def format_code_failure(exc: BaseException, *, project_path: Path | None = None) -> list[str]:
    """The lines shown when the project's code cannot be imported (e.g. a syntax error saved
    in a node's module): the error, where it is in the project, and what to do next."""
    message = str(exc).strip().splitlines()
    if isinstance(exc, SyntaxError):  # its location is the bad line, not a frame
        message = [exc.msg or "invalid syntax"]
    lines = [f"✗ the project's code could not be imported: {type(exc).__name__}: "
             f"{message[0] if message else ''}".rstrip()]
    lines += [f"  {extra}" for extra in message[1:4]]
    if isinstance(exc, SyntaxError) and exc.filename:
        code = f": {exc.text.strip()}" if exc.text else ""
        line = f"  {_display_path(exc.filename, project_path)}:{exc.lineno}{code}"
        lines.append(line if len(line) <= _LINE else line[: _LINE - 1] + "…")
    else:
        lines += _frame_lines(exc, project_path)
    lines.append("  Fix it and run the magic again: the edited code is picked up.")
    return lines


def format_node_failure(
    node: str | None,
    exc: BaseException,
    *,
    done: int,
    total: int | None,
    resume_line: str | None,
    project_path: Path | None = None,
) -> list[str]:
    """The lines shown when a node fails: what failed, where, how far the run got, what next."""
    if isinstance(exc, KeyboardInterrupt):
        what = f"run interrupted during node '{node}'" if node else "run interrupted"
        lines = [f"✗ {what}"]
        message: list[str] = []
    else:
        what = f"node '{node}' failed" if node else "run failed"
        message = str(exc).strip().splitlines()
        lines = [f"✗ {what}: {type(exc).__name__}: {message[0] if message else ''}".rstrip()]
    lines += [f"  {extra}" for extra in message[1:4]]
    if not isinstance(exc, KeyboardInterrupt):
        lines += _frame_lines(exc, project_path)
    of_total = f" of {total}" if total is not None else ""
    noun = "node" if done == 1 and total is None else "nodes"
    if resume_line:
        lines.append(f"  {done}{of_total} {noun} finished. "
                     "Resume without recomputing persisted data:")
        lines.append(f"  {resume_line}")
    else:
        lines.append(f"  {done}{of_total} {noun} finished.")
    lines.append("  (%debug opens the debugger where it failed)")
    return lines

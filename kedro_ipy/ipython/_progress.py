"""A live progress bar for ``%session_run`` in a terminal, and quiet runner errors.

Registered on the session's hook manager for the duration of one run, it redraws one line
(``\\r``) as nodes finish. It only draws on an interactive terminal: in a notebook the line
would pile up as separate outputs, and there the summary printed after the run (and the
panel's live table) serve instead.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any, TextIO

from kedro_ipy.framework.hooks import hook_impl
from kedro_ipy.ipython._display import format_progress

__all__ = ["TerminalProgress", "live_progress", "quiet_runner_errors"]


class TerminalProgress:
    """Hook implementations that redraw ``████░░░░ 3/9 nodes · 0.41 s`` on ``stream``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self.drawn = False

    def _draw(self, current: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        line = format_progress(self.done, self.total, elapsed)
        if current:
            line += f" · {current}"
        self.stream.write("\r" + line[:120].ljust(120 if self.drawn else 0))
        self.stream.flush()
        self.drawn = True

    @hook_impl
    def before_pipeline_run(self, pipeline: Any) -> None:
        self.total = len(pipeline.nodes)
        self.started = time.perf_counter()
        self._draw()

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._draw(node.name)

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self.done += 1
        self._draw()

    def clear(self) -> None:
        """Erase the line, so the summary printed after the run starts on a clean line."""
        if self.drawn:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()


@contextlib.contextmanager
def live_progress(session: Any, stream: TextIO | None = None) -> Iterator[None]:
    """Show live progress while the block runs ``session.run``, if ``stream`` is a terminal."""
    stream = stream if stream is not None else sys.stdout
    manager = getattr(session, "_hook_manager", None)
    isatty = getattr(stream, "isatty", None)
    if manager is None or not (callable(isatty) and isatty()):
        yield
        return
    progress = TerminalProgress(stream)
    manager.register(progress)
    try:
        yield
    finally:
        manager.unregister(progress)
        progress.clear()


@contextlib.contextmanager
def quiet_runner_errors() -> Iterator[None]:
    """Hold back the runner's own error log line during a magic's or the panel's run.

    The magic and the panel report a failed node themselves, with a resume line in magic
    syntax; the runner's log line (meant for scripts and the CLI, in CLI syntax) would say the
    same thing a second time.
    """
    runner_logger = logging.getLogger("kedro_ipy.runner")

    def drop_errors(record: logging.LogRecord) -> bool:
        return record.levelno < logging.ERROR

    runner_logger.addFilter(drop_errors)
    try:
        yield
    finally:
        runner_logger.removeFilter(drop_errors)

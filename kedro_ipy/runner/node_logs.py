"""What each node printed or logged, kept per node and size-capped.

Why a tee rather than a redirect: a notebook user expects a node's ``print`` to appear in the
cell as it always has, and the panel wants the same text under that node's row. So while a run
is in progress ``sys.stdout`` and ``sys.stderr`` are wrapped by a tee that writes through to
the real stream and also appends to the buffer of the node running *in the writing thread*, and
one handler on the root logger routes log records the same way. Routing by thread is what makes
it work with ThreadRunner; ParallelRunner and DaskRunner capture in the worker with
:func:`captured` and hand the text back with the node's outputs (:meth:`NodeLogs.add`).

Only records that the project's logging configuration lets through are captured; nothing here
changes logging levels.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = ["DEFAULT_CAP", "NodeLogs", "captured"]

#: Characters kept per node; the rest is counted, not kept (a chatty loop must not fill memory).
DEFAULT_CAP = 20_000

_local = threading.local()  # .sink: the _Buffer of the node running in this thread, if any
_install_lock = threading.Lock()
_active = 0  # captures in progress, all threads together


class _Buffer:
    """A node's text, up to ``cap`` characters, then only a count of what was dropped."""

    __slots__ = ("_cap", "_dropped", "_lock", "_parts", "_size")

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._parts: list[str] = []
        self._size = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        if not text:
            return
        with self._lock:
            room = self._cap - self._size
            if room > 0:
                kept = text[:room]
                self._parts.append(kept)
                self._size += len(kept)
            self._dropped += max(0, len(text) - max(room, 0))

    def text(self) -> str:
        with self._lock:
            body = "".join(self._parts)
            if self._dropped:
                body += f"\n… {self._dropped} more characters not kept\n"
            return body


class _Tee(io.TextIOBase):
    """A stand-in for ``sys.stdout``/``sys.stderr``: the real stream, plus the node's buffer."""

    def __init__(self, real: TextIO) -> None:
        self.real = real

    def write(self, text: str) -> int:
        sink = getattr(_local, "sink", None)
        if sink is not None:
            sink.write(text)
        return self.real.write(text)

    def flush(self) -> None:
        self.real.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, isatty, ... of the real one
        return getattr(self.real, name)


class _RouteToNode(logging.Handler):
    """Appends each record, formatted, to the buffer of the node running in its thread."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        sink = getattr(_local, "sink", None)
        if sink is None:
            return
        try:
            sink.write(self.format(record) + "\n")
        except Exception:  # a record that cannot be formatted must not fail the node
            self.handleError(record)


_handler = _RouteToNode()


def _install() -> None:
    global _active
    with _install_lock:
        _active += 1
        if _active == 1:
            sys.stdout = _Tee(sys.stdout)
            sys.stderr = _Tee(sys.stderr)
            logging.getLogger().addHandler(_handler)


def _uninstall() -> None:
    global _active
    with _install_lock:
        _active -= 1
        if _active == 0:
            # Put back only what is still ours: a node may have redirected a stream itself.
            if isinstance(sys.stdout, _Tee):
                sys.stdout = sys.stdout.real
            if isinstance(sys.stderr, _Tee):
                sys.stderr = sys.stderr.real
            logging.getLogger().removeHandler(_handler)


class _Routed:
    """While inside, the calling thread's output goes (also) to ``buffer``.

    A class rather than a generator context manager: it is entered once per node run.
    """

    __slots__ = ("_buffer", "_previous")

    def __init__(self, buffer: _Buffer) -> None:
        self._buffer = buffer
        self._previous: _Buffer | None = None

    def __enter__(self) -> None:
        _install()
        self._previous = getattr(_local, "sink", None)
        _local.sink = self._buffer

    def __exit__(self, *exc_info: object) -> None:
        _local.sink = self._previous
        _uninstall()


@contextmanager
def _streams_wrapped() -> Iterator[None]:
    _install()
    try:
        yield
    finally:
        _uninstall()


class NodeLogs:
    """The logs of one run: node name -> what it printed to stdout/stderr and logged.

    Args:
        cap: characters kept per node (see :data:`DEFAULT_CAP`).
    """

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        self.cap = cap
        self._buffers: dict[str, _Buffer] = {}
        self._lock = threading.Lock()

    def _buffer(self, node_name: str) -> _Buffer:
        with self._lock:
            buffer = self._buffers.get(node_name)
            if buffer is None:
                buffer = self._buffers[node_name] = _Buffer(self.cap)
            return buffer

    def capture(self, node_name: str) -> _Routed:
        """Route what the calling thread prints or logs to ``node_name`` while inside."""
        return _Routed(self._buffer(node_name))

    def listening(self) -> contextlib.AbstractContextManager[None]:
        """Keep the streams wrapped for a whole run, so each node only switches its buffer."""
        return _streams_wrapped()

    def add(self, node_name: str, text: str) -> None:
        """Add text captured elsewhere (a worker process) to ``node_name``'s log."""
        self._buffer(node_name).write(text)

    def as_dict(self) -> dict[str, str]:
        """Node name -> its text, for nodes that wrote something."""
        with self._lock:
            buffers = dict(self._buffers)
        return {name: text for name, buffer in buffers.items() if (text := buffer.text())}


@contextmanager
def captured(cap: int = DEFAULT_CAP) -> Iterator[list[str]]:
    """Capture the calling thread's output in a worker; the list holds the text on exit.

    Example:
        >>> with captured() as text:
        ...     print("hello")
        hello
        >>> text
        ['hello\\n']
    """
    buffer = _Buffer(cap)
    result: list[str] = []
    try:
        with _Routed(buffer):
            yield result
    finally:
        result.append(buffer.text())

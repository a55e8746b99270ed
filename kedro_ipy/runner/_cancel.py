"""One run's "stop" switch: cancel it between nodes, and make sure nothing of it saves late.

Every run has a ``CancelToken``. It answers three needs with one object:

* **Nothing saves after the run is over.** When a run ends by a failure, an interrupt
  (Ctrl-C) or a cancellation, the runner closes the token. A ThreadRunner node still running in
  a worker thread cannot be killed; it is abandoned, and its saves are refused when it gets to
  them, so its value can never overwrite what a later run wrote. Saves already under way when
  the run ends are waited for, so once ``runner.run`` has returned, no save of it is in flight.
* **Cooperative cancellation.** Another thread (a panel's Stop button) calls ``cancel()``; the
  runner starts no further node, wakes up, abandons the running ones (worker processes are
  terminated) and raises ``RunCancelledError``.
* **Nodes can stop early.** ``kedro_ipy.cancelled()`` inside a node (or a hook) says whether
  the current run was asked to stop; the runner binds the token in every thread where nodes
  run.

After the run the token also reports what happened: ``reason``, ``done`` (nodes whose outputs
were all saved) and ``abandoned`` (nodes that were running and whose results were discarded).
The runner puts the token on the exception it raises (read it with ``stop_report(exc)``) and
keeps it as ``runner.cancel_token``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar
from typing import Any, Final, Literal

from kedro_ipy.errors import KedroIpyError

__all__ = ["CancelToken", "RunCancelledError", "cancelled", "current_token", "stop_report"]

logger = logging.getLogger("kedro_ipy.runner")

#: Why a run stopped: asked to (``cancel()``), Ctrl-C, or a node (or the runner) failed.
StopReason = Literal["cancelled", "interrupted", "failed"]

#: How long the end of a run waits for saves already under way (a save is normally quick).
_SAVE_WAIT_SECONDS: Final = 30.0

#: Where a token is attached to the exception that ended its run.
_ATTRIBUTE: Final = "_kedro_ipy_stop"

_CURRENT: ContextVar[CancelToken | None] = ContextVar("kedro_ipy_run_token", default=None)


class RunCancelledError(KedroIpyError):
    """The run was cancelled (``CancelToken.cancel()``): no further node started, and nodes
    still running were abandoned with their results discarded.

    Hooks see it as an error (``on_pipeline_error``), like a failure.

    Attributes:
        done: Names of the nodes whose outputs were all saved before the run stopped.
        abandoned: Names of the nodes that were running and whose results were discarded.
    """

    def __init__(self, message: str, done: tuple[str, ...] = (),
                 abandoned: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.done = tuple(done)
        self.abandoned = tuple(abandoned)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.done, self.abandoned))


class CancelToken:
    """The stop switch and outcome of one run (see the module docstring).

    Make one and pass it to ``runner.run(..., cancel_token=token)`` to be able to cancel the
    run from another thread; without one, the runner makes its own (``runner.cancel_token``).
    A token serves one run.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._reason: StopReason | None = None
        self._closed = False
        self._started = False
        self._saving = 0
        self._wakers: list[Callable[[], None]] = []
        #: Nodes whose outputs were all saved, once the run has stopped early.
        self.done: tuple[str, ...] = ()
        #: Nodes that were running when the run stopped; their results were discarded.
        self.abandoned: tuple[str, ...] = ()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (f"CancelToken({state}, reason={self._reason!r}, done={len(self.done)}, "
                f"abandoned={list(self.abandoned)})")

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy sent to another process (a custom process executor) keeps only the verdict.
        return (_rebuilt, (self._reason, self._closed))

    # -- asked from anywhere ---------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the run to stop: no further node starts, running ones are abandoned.

        Safe to call from any thread, any number of times; does nothing once the run is over.
        """
        with self._condition:
            if self._closed or self._reason is not None:
                return
            self._reason = "cancelled"
            wakers = list(self._wakers)
        for wake in wakers:  # the scheduler may be blocked waiting for a node to end
            try:
                wake()
            except Exception:  # a waker must never break the caller's Stop button
                logger.debug("Could not wake the runner", exc_info=True)

    @property
    def cancelled(self) -> bool:
        """Whether the run was asked to stop, or stopped by an interrupt or a failure."""
        return self._reason is not None

    @property
    def reason(self) -> StopReason | None:
        """Why the run stopped early, or ``None`` (still running, or it ran to the end)."""
        return self._reason

    @property
    def closed(self) -> bool:
        """Whether the run is over: from then on none of its nodes may save."""
        return self._closed

    # -- used by the runners ---------------------------------------------------------------

    def _start(self) -> None:
        """Claim the token for a run; a token serves one run only."""
        with self._condition:
            if self._started:
                raise ValueError(
                    "This CancelToken was already used by another run; make a new "
                    "CancelToken() for each run."
                )
            self._started = True

    def _add_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` on ``cancel()`` (a scheduler blocked on its workers)."""
        with self._condition:
            self._wakers.append(wake)

    def _begin_save(self, node: str, dataset: str) -> None:
        """Count a save as under way, or refuse it because the run was stopped or is over.

        Raises:
            RunCancelledError: the save must not happen.
        """
        with self._condition:
            if self._reason is None and not self._closed:
                self._saving += 1
                return
        raise RunCancelledError(
            f"Not saving '{dataset}' of node '{node}': its run was {self._reason or 'over'}, "
            "so the node's results are discarded."
        )

    def _end_save(self) -> None:
        with self._condition:
            self._saving -= 1
            if not self._saving:
                self._condition.notify_all()

    def _check_before_node(self, node: str) -> None:
        """Raise ``RunCancelledError`` if the run was asked to stop (before ``node`` starts)."""
        if self._reason is not None:
            raise RunCancelledError(
                f"Not starting node '{node}': its run was {self._reason}."
            )

    def _close(self, reason: StopReason | None, done: list[str] | None = None,
               abandoned: list[str] | None = None) -> None:
        """End the run: refuse every later save, then wait for saves already under way.

        The first call decides ``reason``, ``done`` and ``abandoned``; later calls only make
        sure the token is closed.
        """
        with self._condition:
            first = not self._closed
            self._closed = True
            if reason is not None and self._reason is None:
                self._reason = reason
            self._wakers.clear()
            if first:
                self.done = tuple(done or ())
                self.abandoned = tuple(abandoned or ())
            if self._saving:
                logger.info("Waiting for %d save(s) already under way to finish", self._saving)
                if not self._condition.wait_for(lambda: not self._saving,
                                                _SAVE_WAIT_SECONDS):
                    logger.warning(
                        "%d save(s) of the stopped run were still under way after %.0f s; "
                        "they may still complete.", self._saving, _SAVE_WAIT_SECONDS,
                    )

    def _attach(self, exc: BaseException) -> None:
        """Put this token on the exception that ended the run (see ``stop_report``)."""
        with suppress(AttributeError, TypeError):  # an exception type refusing attributes
            setattr(exc, _ATTRIBUTE, self)


def _rebuilt(reason: StopReason | None, closed: bool) -> CancelToken:
    token = CancelToken()
    token._reason = reason
    token._closed = closed
    token._started = True
    return token


def current_token() -> CancelToken | None:
    """The token of the run executing in this thread, or ``None`` outside a run."""
    return _CURRENT.get()


def cancelled() -> bool:
    """Whether the run executing the calling node was asked to stop (or has stopped).

    A long node can poll it and return early::

        def train(data):
            for step in range(10_000):
                if kedro_ipy.cancelled():
                    break
                ...

    Its results are discarded anyway once the run is stopped. ``False`` outside a run, and
    inside ``ParallelRunner``'s worker processes (which are terminated instead).
    """
    token = _CURRENT.get()
    return token is not None and token._reason is not None


def stop_report(exc: BaseException) -> CancelToken | None:
    """The token of the run ``exc`` ended (its ``reason``, ``done`` and ``abandoned``), if a
    kedro_ipy runner raised it."""
    token = getattr(exc, _ATTRIBUTE, None)
    return token if isinstance(token, CancelToken) else None


def stop_reason(exc: BaseException) -> StopReason:
    """How an exception ending a run is reported."""
    if isinstance(exc, RunCancelledError):
        return "cancelled"
    if isinstance(exc, Exception):
        return "failed"
    return "interrupted"

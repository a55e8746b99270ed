"""The panel's state in plain Python: what is chosen, what it would run, how the run is going.

Why no widgets here: every rule the user relies on (the double-click guard, the run's node
states, the resume suggestion) lives in these objects so it can be tested directly and reused
by another view. What the choices mean is not decided here: they are a session ``RunRequest``,
and what it would run is the session's ``RunPlan`` (digested into :class:`Plan` for the view).
The run state is fed by hook events that ``ThreadRunner`` fires from worker threads, so every
mutation happens under one lock and listeners are told afterwards, outside it.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.session._options import RUNNER_ALIASES
from kedro_ipy.framework.session.request import RunRequest

if TYPE_CHECKING:
    from kedro_ipy.framework.session.plan import RunPlan
    from kedro_ipy.framework.session.result import RunResult

__all__ = [
    "FILTER_LABELS",
    "RUNNERS",
    "NodeState",
    "PanelModel",
    "Plan",
]

#: Runners offered by the panel, as ``%session_run --runner`` spells them; "Sequential" is the
#: session's default (``RunRequest.runner`` is ``None`` for it).
RUNNERS: tuple[str, ...] = tuple(RUNNER_ALIASES)

#: The node filters (``RunRequest`` fields) with the words the panel uses for them.
FILTER_LABELS: dict[str, str] = {
    "tags": "tags",
    "node_names": "nodes",
    "from_nodes": "from nodes",
    "to_nodes": "to nodes",
    "from_inputs": "from inputs",
    "to_outputs": "to outputs",
    "namespaces": "namespaces",
}


@dataclass(frozen=True)
class Plan:
    """What the view needs of a ``RunPlan``: the count line and whether Run is enabled.

    Attributes:
        total: nodes of the chosen pipeline.
        nodes: the nodes the choices select (kept when they cannot run, to draw them).
        message: ``will run 2 of 5 nodes``, or why the choices cannot run.
        blocked: the choices select nodes that cannot run (an input nothing provides, a
            load version not on disk).
    """

    total: int
    nodes: tuple[str, ...]
    message: str
    blocked: bool = False

    @property
    def runnable(self) -> bool:
        """True when Run may start: nodes selected and nothing in the way."""
        return bool(self.nodes) and not self.blocked

    @classmethod
    def of(cls, plan: RunPlan) -> Plan:
        """The digest of the session's plan."""
        return cls(plan.total, plan.nodes, plan.summary(), blocked=plan.problem is not None)


@dataclass
class NodeState:
    """One row of the per-node table."""

    name: str
    status: str = "pending"  # pending | running | done | failed | not run
    started: float | None = None
    duration_s: float | None = None
    log: str = ""  # what the node printed and logged (known when the run ends)
    reason: str = ""  # an only-changed run's decision: "ran: ..." / "skipped: ..."


@dataclass
class RunView:
    """A consistent copy of the run state, taken under the lock, for a view to render."""

    status: str
    nodes: list[NodeState]
    done: int
    total: int
    outputs: dict[str, Any] | None
    error: dict[str, Any] | None
    resume: RunRequest | None
    duration_s: float | None
    request: RunRequest | None


@dataclass
class PanelModel:
    """Choices plus run state, with change notifications.

    Listeners are called as ``listener(topic)`` with topic ``"selection"`` (choices or their
    plan changed), ``"nodes"`` (a node changed state), ``"run"`` (a run of this panel started
    or ended) or ``"history"`` (a run started elsewhere on the session ended).
    """

    request: RunRequest = field(default_factory=RunRequest)
    plan: Plan = field(default_factory=lambda: Plan(0, (), ""))
    status: str = "idle"  # idle | running | success | failed | cancelled
    _nodes: dict[str, NodeState] = field(default_factory=dict)
    _outputs: dict[str, Any] | None = None
    _error: dict[str, Any] | None = None
    _resume: RunRequest | None = None
    _started: float | None = None
    _duration: float | None = None
    _run_request: RunRequest | None = None
    _done_count: int = 0  # rows "done" during a run, kept by node_finished
    _listeners: list[Callable[[str], None]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- listeners ---------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(topic)`` after every change."""
        self._listeners.append(listener)

    def notify(self, topic: str) -> None:
        """Tell the listeners ``topic`` changed."""
        for listener in list(self._listeners):
            listener(topic)

    # -- selection ---------------------------------------------------------------------------
    def choose(self, request: RunRequest, plan: Plan) -> None:
        """Record new choices and what they would run."""
        with self._lock:
            self.request, self.plan = request, plan
        self.notify("selection")

    # -- run lifecycle (controller) ----------------------------------------------------------
    @property
    def running(self) -> bool:
        """True from :meth:`try_begin` until :meth:`finish`."""
        with self._lock:
            return self.status == "running"

    def try_begin(self, request: RunRequest, node_names: Iterable[str]) -> bool:
        """Start a run unless one is in progress: the double-click guard.

        Returns:
            False (and changes nothing) when a run is already in progress.
        """
        with self._lock:
            if self.status == "running":
                return False
            self.status = "running"
            self._nodes = {name: NodeState(name) for name in node_names}
            self._done_count = 0
            self._outputs = self._error = self._resume = None
            self._started, self._duration = time.perf_counter(), None
            self._run_request = request
        self.notify("run")
        return True

    def finish(self, result: RunResult | None, error: dict[str, Any] | None = None) -> None:
        """End the run with the session's ``result`` (``None``: it never started, ``error``
        says why).

        The result settles every row, including nodes whose hook events never reached this
        process (``ParallelRunner``'s workers): finished nodes are done, the failing one
        failed, and after a failure the rest "not run" (they never will in this run).
        """
        with self._lock:
            done = set(result.nodes_done) if result is not None else set()
            failed = result.failed_node if result is not None else None
            success = result is not None and result.status == "success"
            logs = getattr(result, "node_logs", None) or {}
            decisions = getattr(result, "decisions", None) or ()
            if decisions:  # an only-changed run: its skipped nodes are rows too, "cached"
                rows = {d.node: self._nodes.get(d.node) or NodeState(d.node, status="cached")
                        for d in decisions}
                self._nodes = {**rows, **self._nodes}
            reasons = {decision.node: str(decision) for decision in decisions}
            for state in self._nodes.values():
                state.log = logs.get(state.name, "")
                state.reason = reasons.get(state.name, "")
                if state.status == "cached":
                    continue
                if state.name in done or success:
                    state.status = "done"
                elif state.name == failed:
                    state.status = "failed"
                elif state.status in ("pending", "running"):
                    state.status = "not run"
            if success:
                self.status = "success"
            else:
                self.status = result.status if result is not None else "failed"
            self._outputs = result.outputs if success and result is not None else None
            self._error = None if success else error
            self._resume = result.resume_request if result is not None and not success else None
            if self._started is not None:
                self._duration = (result.duration_s if result is not None
                                  and result.duration_s is not None
                                  else time.perf_counter() - self._started)
        self.notify("nodes")
        self.notify("run")

    # -- hook events (observer, any thread) -------------------------------------------------
    def pipeline_started(self, node_names: Iterable[str]) -> None:
        """The runner's own (filtered) pipeline: its nodes are the rows and the total."""
        with self._lock:
            if self.status != "running":
                return
            self._nodes = {name: self._nodes.get(name) or NodeState(name) for name in node_names}
        self.notify("nodes")

    def node_started(self, name: str) -> None:
        """A node began (``before_node_run``)."""
        with self._lock:
            if self.status != "running":
                return
            state = self._nodes.setdefault(name, NodeState(name))
            state.status, state.started = "running", time.perf_counter()
        self.notify("nodes")

    def node_finished(self, name: str, *, failed: bool = False) -> None:
        """A node ended (``after_node_run`` or ``on_node_error``)."""
        with self._lock:
            if self.status != "running":
                return
            state = self._nodes.setdefault(name, NodeState(name))
            if state.status != "done" and not failed:
                self._done_count += 1
            state.status = "failed" if failed else "done"
            if state.started is not None:
                state.duration_s = time.perf_counter() - state.started
        self.notify("nodes")

    # -- reading -------------------------------------------------------------------------------
    def progress(self) -> tuple[str, int, int]:
        """``(status, nodes done, nodes in the run)``: what the progress bar needs, without
        going through every row (it is read on every node event)."""
        with self._lock:
            if self.status != "running":  # rows were settled by finish(): count them
                self._done_count = sum(1 for s in self._nodes.values() if s.status == "done")
            return self.status, self._done_count, len(self._nodes)

    def snapshot(self) -> RunView:
        """A consistent copy of the run state."""
        with self._lock:
            nodes = [copy.copy(state) for state in self._nodes.values()]
            return RunView(
                status=self.status,
                nodes=nodes,
                done=sum(1 for s in nodes if s.status == "done"),
                total=len(nodes),
                outputs=self._outputs,
                error=self._error,
                resume=self._resume,
                duration_s=self._duration,
                request=self._run_request,
            )

    def resume_request(self) -> RunRequest | None:
        """The request resuming the failed run, or None when there is nothing to resume.

        The session gives it only when nodes finished before the failure; it keeps the failed
        run's pipeline, runner, versions and narrowing filters, so the resumed run covers the
        rest of the original selection and no more.
        """
        with self._lock:
            return self._resume if self.status in ("failed", "cancelled") else None

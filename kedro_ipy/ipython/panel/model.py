"""The panel's state in plain Python: what is chosen, what it would run, how the run is going.

Why no widgets here: every rule the user relies on (the node count, which filter emptied the
selection, the double-click guard, the run's node states, history refill, the resume suggestion)
lives in these objects so it can be tested directly and reused by another view. The widgets in
``view.py`` only mirror this state. The run state is fed by hook events that ``ThreadRunner``
fires from worker threads, so every mutation happens under one lock and listeners are told
afterwards, outside it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kedro_ipy.framework.session._options import RUNNER_ALIASES
from kedro_ipy.ipython._arguments import RunArguments

__all__ = [
    "FILTER_LABELS",
    "RUNNERS",
    "NodeState",
    "PanelModel",
    "Plan",
    "Selection",
    "plan_selection",
    "selection_from_record",
]

#: Runners offered by the panel, as ``%session_run --runner`` spells them; "Sequential" is the
#: session's default and is passed as ``runner=None``, like the magic does.
RUNNERS: tuple[str, ...] = tuple(RUNNER_ALIASES)

#: The node filters of ``session.run`` in the order they are checked, with the words the panel
#: uses for them (the same words as the controls' labels).
FILTER_LABELS: dict[str, str] = {
    "tags": "tags",
    "node_names": "nodes",
    "from_nodes": "from nodes",
    "to_nodes": "to nodes",
    "from_inputs": "from inputs",
    "to_outputs": "to outputs",
}


@dataclass(frozen=True)
class Selection:
    """Everything the user chose for the next run; maps one to one onto ``session.run``."""

    pipeline_name: str = "__default__"
    tags: tuple[str, ...] = ()
    node_names: tuple[str, ...] = ()
    from_nodes: tuple[str, ...] = ()
    to_nodes: tuple[str, ...] = ()
    from_inputs: tuple[str, ...] = ()
    to_outputs: tuple[str, ...] = ()
    runner: str = "Sequential"
    #: ``((dataset, version), ...)``: a tuple so that a Selection stays hashable and immutable.
    load_versions: tuple[tuple[str, str], ...] = ()

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The node filters that are set, in :data:`FILTER_LABELS` order."""
        return {key: getattr(self, key) for key in FILTER_LABELS if getattr(self, key)}

    def with_values(self, **changes: Any) -> Selection:
        """A copy with ``changes``; lists become tuples and a dict of versions becomes pairs."""
        for key, value in list(changes.items()):
            if key == "load_versions" and isinstance(value, Mapping):
                changes[key] = tuple(sorted((k, v) for k, v in value.items() if v))
            elif key in FILTER_LABELS:
                changes[key] = tuple(value or ())
        return replace(self, **changes)

    def to_arguments(self) -> RunArguments:
        """The same choices as a parsed ``%session_run`` line.

        The panel goes through the magic's own argument object, so the ``session.run`` call
        and the ``%session_run ...`` line it shows cannot drift apart from the magic.
        """
        return RunArguments(
            pipeline=None if self.pipeline_name == "__default__" else self.pipeline_name,
            runner=None if self.runner == "Sequential" else self.runner,
            load_versions=dict(self.load_versions),
            **{key: getattr(self, key) for key in FILTER_LABELS},
        )

    def run_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``session.run``, exactly as ``%session_run`` builds them."""
        return self.to_arguments().to_run_kwargs()

    def magic_line(self) -> str:
        """The ``%session_run ...`` line that runs the same thing."""
        return self.to_arguments().to_magic_line()


def selection_from_record(record: Mapping[str, Any]) -> Selection:
    """The choices of a past run, from its entry in ``session.store["runs"]``.

    Used by the History tab: selecting a run refills the controls with what it ran.
    """
    args = RunArguments.from_run_record(record)
    return Selection().with_values(
        pipeline_name=args.pipeline or "__default__",
        runner=args.runner or "Sequential",
        load_versions=dict(args.load_versions),
        **{key: getattr(args, key) for key in FILTER_LABELS},
    )


@dataclass(frozen=True)
class Plan:
    """What a selection would run, or why it would run nothing."""

    total: int
    nodes: tuple[str, ...]
    message: str

    @property
    def runnable(self) -> bool:
        """True when at least one node would run."""
        return bool(self.nodes)


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _filtered_names(pipeline: Any, key: str, values: tuple[str, ...]) -> list[str]:
    """Names of the nodes left by one filter; ``ValueError`` names unknown values."""
    try:
        result = pipeline.filter(**{key: list(values)})
    except ValueError as exc:
        if "no nodes after" in str(exc):  # Kedro's wording for an empty result
            return []
        raise
    return [node.name for node in result.nodes]


def plan_selection(pipelines: Mapping[str, Any], selection: Selection) -> Plan:
    """Count the nodes ``selection`` would run and, if none, say which filter emptied it.

    Each filter is applied to the whole pipeline and the results intersected (Kedro's rule, so
    the order of the filters cannot matter). When the intersection is empty the filters are
    walked in the panel's order and the first one that leaves nothing in common with those
    before it is named; a filter that matches nothing on its own is named directly.
    """
    if selection.pipeline_name not in pipelines:
        names = ", ".join(sorted(pipelines))
        return Plan(0, (), f"Pipeline '{selection.pipeline_name}' not found. "
                           f"Registered pipelines: {names}.")
    pipeline = pipelines[selection.pipeline_name]
    order = [node.name for node in pipeline.nodes]
    total = len(order)
    if total == 0:
        return Plan(0, (), f"Nothing to run: pipeline '{selection.pipeline_name}' has no nodes.")
    remaining = set(order)
    applied: list[str] = []
    for key, values in selection.filters().items():
        label = f"{FILTER_LABELS[key]} {_quoted(values)}"
        try:
            names = set(_filtered_names(pipeline, key, values))
        except ValueError as exc:
            return Plan(total, (), f"Nothing to run: {label}: {exc}")
        if not names:
            return Plan(total, (), f"Nothing to run: {label} match no node of pipeline "
                                   f"'{selection.pipeline_name}'.")
        if not remaining & names:
            return Plan(total, (), f"Nothing to run: {label} has no node in common with "
                                   f"{' and '.join(applied)}.")
        remaining &= names
        applied.append(label)
    chosen = tuple(name for name in order if name in remaining)
    noun = "node" if total == 1 else "nodes"
    return Plan(total, chosen, f"will run {len(chosen)} of {total} {noun}")


@dataclass
class NodeState:
    """One row of the per-node table."""

    name: str
    status: str = "pending"  # pending | running | done | failed
    started: float | None = None
    duration_s: float | None = None


@dataclass
class RunView:
    """A consistent copy of the run state, taken under the lock, for a view to render."""

    status: str
    nodes: list[NodeState]
    done: int
    total: int
    outputs: dict[str, Any] | None
    error: dict[str, Any] | None
    resume_from_nodes: list[str] | None
    duration_s: float | None
    selection: Selection | None


@dataclass
class PanelModel:
    """Selection plus run state, with change notifications.

    Listeners are called as ``listener(topic)`` with topic ``"selection"`` (choices or their
    plan changed), ``"nodes"`` (a node changed state) or ``"run"`` (a run started or ended).
    """

    selection: Selection = field(default_factory=Selection)
    plan: Plan = field(default_factory=lambda: Plan(0, (), ""))
    status: str = "idle"  # idle | running | success | failed
    _nodes: dict[str, NodeState] = field(default_factory=dict)
    _outputs: dict[str, Any] | None = None
    _error: dict[str, Any] | None = None
    _resume: list[str] | None = None
    _started: float | None = None
    _duration: float | None = None
    _run_selection: Selection | None = None
    _listeners: list[Callable[[str], None]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- listeners ---------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(topic)`` after every change."""
        self._listeners.append(listener)

    def _notify(self, topic: str) -> None:
        for listener in list(self._listeners):
            listener(topic)

    # -- selection ---------------------------------------------------------------------------
    def choose(self, selection: Selection, plan: Plan) -> None:
        """Record new choices and what they would run."""
        with self._lock:
            self.selection, self.plan = selection, plan
        self._notify("selection")

    # -- run lifecycle (controller) ----------------------------------------------------------
    @property
    def running(self) -> bool:
        """True from :meth:`try_begin` until :meth:`finish`."""
        with self._lock:
            return self.status == "running"

    def try_begin(self, selection: Selection, node_names: Iterable[str]) -> bool:
        """Start a run unless one is in progress: the double-click guard.

        Returns:
            False (and changes nothing) when a run is already in progress.
        """
        with self._lock:
            if self.status == "running":
                return False
            self.status = "running"
            self._nodes = {name: NodeState(name) for name in node_names}
            self._outputs = self._error = self._resume = None
            self._started, self._duration = time.perf_counter(), None
            self._run_selection = selection
        self._notify("run")
        return True

    def finish(
        self,
        *,
        outputs: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
        resume_from_nodes: list[str] | None = None,
        nodes_done: Iterable[str] | None = None,
    ) -> None:
        """End the run: success when ``error`` is None, else failure.

        ``nodes_done`` (from the session's run record) settles nodes whose hook events never
        reached this process, as with ``ParallelRunner``'s worker processes.
        """
        with self._lock:
            if nodes_done is not None:
                for name in nodes_done:
                    state = self._nodes.get(name)
                    if state is not None and state.status in ("pending", "running"):
                        state.status = "done"
            if error is None:
                for state in self._nodes.values():
                    if state.status in ("pending", "running"):
                        state.status = "done"
            else:
                failed = error.get("node")
                if failed in self._nodes:
                    self._nodes[failed].status = "failed"
            self.status = "failed" if error is not None else "success"
            self._outputs, self._error, self._resume = outputs, error, resume_from_nodes
            if self._started is not None:
                self._duration = time.perf_counter() - self._started
        self._notify("nodes")
        self._notify("run")

    # -- hook events (observer, any thread) -------------------------------------------------
    def pipeline_started(self, node_names: Iterable[str]) -> None:
        """The runner's own (filtered) pipeline: its nodes are the rows and the total."""
        with self._lock:
            if self.status != "running":
                return
            self._nodes = {name: self._nodes.get(name) or NodeState(name) for name in node_names}
        self._notify("nodes")

    def node_started(self, name: str) -> None:
        """A node began (``before_node_run``)."""
        with self._lock:
            if self.status != "running":
                return
            state = self._nodes.setdefault(name, NodeState(name))
            state.status, state.started = "running", time.perf_counter()
        self._notify("nodes")

    def node_finished(self, name: str, *, failed: bool = False) -> None:
        """A node ended (``after_node_run`` or ``on_node_error``)."""
        with self._lock:
            if self.status != "running":
                return
            state = self._nodes.setdefault(name, NodeState(name))
            state.status = "failed" if failed else "done"
            if state.started is not None:
                state.duration_s = time.perf_counter() - state.started
        self._notify("nodes")

    # -- reading -------------------------------------------------------------------------------
    def snapshot(self) -> RunView:
        """A consistent copy of the run state."""
        with self._lock:
            nodes = [replace(state) for state in self._nodes.values()]
            return RunView(
                status=self.status,
                nodes=nodes,
                done=sum(1 for s in nodes if s.status == "done"),
                total=len(nodes),
                outputs=self._outputs,
                error=self._error,
                resume_from_nodes=self._resume,
                duration_s=self._duration,
                selection=self._run_selection,
            )

    def resume_selection(self) -> Selection | None:
        """The choices that resume the failed run, or None when there is nothing to resume.

        The failed run's pipeline, runner, versions and narrowing filters are kept; only the
        start changes to the suggested nodes, so the resumed run covers the rest of the
        original selection and no more.
        """
        with self._lock:
            if self.status != "failed" or not self._resume or self._run_selection is None:
                return None
            return self._run_selection.with_values(from_nodes=self._resume, from_inputs=())


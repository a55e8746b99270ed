"""``RunResult``: how one run went, as data the front doors render.

Why: the magic, the panel and ``kedro-ipy run`` used to find "their" run by comparing the
store's length before and after, and to learn which node failed by parsing a note the runner
wrote on the exception. A run now ends with one ``RunResult``, given to run listeners and kept
as ``session.last_result``; the store's record is derived from it in one place
(:meth:`RunResult.to_record`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kedro_ipy.framework.session._incremental import NodeDecision
    from kedro_ipy.framework.session.request import RunRequest

__all__ = ["RunListener", "RunResult", "RunStatus"]

#: ``running`` while nodes run; then ``success``, ``failed`` or ``cancelled`` (interrupted by
#: the user). A record whose process died while running reads ``interrupted``.
RunStatus = Literal["running", "success", "failed", "cancelled", "interrupted"]


@dataclass
class RunResult:
    """One run of a session: what was asked, what ran, how it ended.

    Attributes:
        request: what was run.
        run_id: the run's id (also its save version).
        status: see :data:`RunStatus`.
        nodes: the nodes planned, in order.
        nodes_done: the nodes that finished (outputs saved), in the order they finished.
        node_durations: seconds per finished node.
        outputs: the free outputs (``session.run``'s return value) of a successful run.
        failed_node: the node that failed or was running when the run was cancelled.
        exception: what ended the run, if it did not succeed.
        resume_request: the request that runs what is left without recomputing persisted
            data; ``None`` unless some nodes finished before the failure.
        started_at, finished_at: ISO timestamps (UTC).
        duration_s: wall time of the run.
        node_logs: node name -> what it printed and logged (see ``kedro_ipy.runner.node_logs``);
            the record keeps :data:`RECORD_LOG_CHARS` characters of each.
        decisions: for an ``only_changed`` run, every node of the selection with whether it
            runs and why (``str(decision)`` is ``"ran: parameter model.alpha 0.5 → 0.1"``
            or ``"skipped: unchanged since run ..."``); empty for other runs. ``nodes``
            then holds the nodes that run.
        context, catalog: the run's context and catalog (built once per run), so a front
            door can publish them without building them again. Not part of the record.
    """

    request: RunRequest
    run_id: str
    status: RunStatus = "running"
    nodes: tuple[str, ...] = ()
    nodes_done: list[str] = field(default_factory=list)
    node_durations: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    failed_node: str | None = None
    exception: BaseException | None = None
    resume_request: RunRequest | None = None
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float | None = None
    runner: str | None = None
    node_logs: dict[str, str] = field(default_factory=dict)
    decisions: tuple[NodeDecision, ...] = ()
    context: Any = field(default=None, repr=False, compare=False)
    catalog: Any = field(default=None, repr=False, compare=False)

    @property
    def nodes_total(self) -> int:
        return len(self.nodes)

    @property
    def nodes_not_run(self) -> list[str]:
        """Planned nodes that neither finished nor failed (after a failure: "not run")."""
        done = set(self.nodes_done)
        return [n for n in self.nodes if n not in done and n != self.failed_node]

    @property
    def error(self) -> dict[str, Any] | None:
        """The failure as the record keeps it: type, message, node."""
        if self.exception is None:
            return None
        return {"type": type(self.exception).__name__, "message": str(self.exception),
                "node": self.failed_node}

    @property
    def nodes_skipped(self) -> list[str]:
        """Nodes an ``only_changed`` run did not run because nothing they depend on changed."""
        return [d.node for d in self.decisions if not d.runs]

    def explain(self) -> str:
        """One line per node of an ``only_changed`` run: ``name  ran: reason``."""
        width = max((len(d.node) for d in self.decisions), default=0)
        return "\n".join(f"{d.node:<{width}}  {d}" for d in self.decisions)

    @property
    def finished(self) -> bool:
        return self.status != "running"

    def to_record(self) -> dict[str, Any]:
        """The JSON-friendly record kept in ``store["runs"]``."""
        record = {
            "run_id": self.run_id,
            **self.request.to_record(),
            "runner": self.runner,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration_s": self.duration_s,
            "nodes_total": self.nodes_total,
            "nodes_done": list(self.nodes_done),
            "node_durations": dict(self.node_durations),
            "error": self.error,
            "resume_from_nodes": (list(self.resume_request.from_nodes)
                                  if self.resume_request is not None else None),
            "node_logs": _capped(self.node_logs),
        }
        if self.decisions:
            record["incremental"] = {
                "ran": sum(1 for d in self.decisions if d.runs),
                "skipped": sum(1 for d in self.decisions if not d.runs),
                "nodes": [d.to_dict() for d in self.decisions],
            }
        return record


#: Characters of each node's log kept in the run's record (the store file stays small; the
#: whole log, up to the runner's own cap, is in ``RunResult.node_logs`` of this process).
RECORD_LOG_CHARS = 4_000
#: Characters of logs kept in one record, all nodes together.
RECORD_LOGS_TOTAL = 200_000


def _capped(logs: dict[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    room = RECORD_LOGS_TOTAL
    for name, text in logs.items():
        if room <= 0:
            break
        limit = min(RECORD_LOG_CHARS, room)
        kept[name] = text if len(text) <= limit else text[:limit] + "\n… (cut)\n"
        room -= min(len(text), limit)
    return kept


#: Called with the run's result when a run starts (``status == "running"``) and when it ends.
RunListener = Callable[[RunResult], None]

"""``RunPlan``: what a ``RunRequest`` would run, checked before anything runs.

Why one planner: the pipeline names, every filter, the inputs a selection needs and the
versions it pins are validated here, once, in one message style with close matches. The
magic, the panel's count line and ``kedro-ipy run`` all read the same plan, so they cannot
disagree about what a request runs or why it cannot run. Planning does no I/O beyond listing
the versions of the datasets a request pins.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.context import KedroContextError
from kedro_ipy.utils import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kedro_ipy.framework.session.request import RunRequest
    from kedro_ipy.pipeline import Pipeline

__all__ = [
    "PipelineSelectionError",
    "RunPlan",
    "RunPlanError",
    "check_catalog",
    "filter_pipeline",
    "make_plan",
]

#: ``Pipeline`` methods applying one filter alone (without ``filter``'s emptiness check).
_METHODS = {
    "tags": "only_nodes_with_tags",
    "node_names": "only_nodes",
    "from_nodes": "from_nodes",
    "to_nodes": "to_nodes",
    "from_inputs": "from_inputs",
    "to_outputs": "to_outputs",
    "namespaces": "only_nodes_with_namespaces",
}


class PipelineSelectionError(KedroContextError, ValueError):
    """An unknown pipeline name, or filters that select nothing to run.

    A ``KedroContextError`` (the session's documented error) that is also a ``ValueError``,
    which is what Kedro 1.x raises in these cases, so code written for either catches it.
    """


class RunPlanError(PipelineSelectionError):
    """A request that selects nodes but cannot run them: an input nothing provides, or a
    load version that is not on disk. Raised before any node runs.

    Attributes:
        plan: the plan that found the problem (its ``problem`` is the message).
    """

    def __init__(self, plan: RunPlan) -> None:
        super().__init__(plan.problem)
        self.plan = plan


@dataclass(frozen=True)
class RunPlan:
    """What a request would run, or why it would run nothing.

    Attributes:
        request: the request planned.
        pipeline: the filtered pipeline (``None`` when nothing is selected).
        nodes: names of the selected nodes, in the pipeline's topological order.
        total: nodes in the requested pipelines before filtering.
        free_inputs: datasets the selection reads but does not produce (parameters left
            out): they must exist before the run.
        missing_inputs: free inputs nothing provides (not in the catalog, or an empty
            in-memory dataset): the run would fail loading them.
        emptied_by: the filter (a ``RunRequest`` field name) that left nothing to run.
        problem: why the request cannot run, in the words errors use; ``None`` when it can.
        decisions: for an ``only_changed`` request, each selected node with whether it would
            run and why (``NodeDecision``); empty otherwise. ``nodes`` stays the selection.
    """

    request: RunRequest
    pipeline: Pipeline | None
    nodes: tuple[str, ...]
    total: int
    free_inputs: tuple[str, ...] = ()
    missing_inputs: tuple[str, ...] = ()
    emptied_by: str | None = None
    problem: str | None = None
    decisions: tuple[Any, ...] = ()

    @property
    def count(self) -> int:
        """How many nodes would run."""
        return len(self.nodes)

    @property
    def runnable(self) -> bool:
        """True when the request can run (nodes selected, nothing missing)."""
        return self.problem is None and bool(self.nodes)

    def summary(self) -> str:
        """``will run 3 of 9 nodes``, or the problem."""
        if self.problem is not None:
            return self.problem
        noun = "node" if self.total == 1 else "nodes"
        if self.decisions:
            runs = sum(1 for decision in self.decisions if decision.runs)
            return (f"will run {runs} of {self.total} {noun} "
                    f"({self.count - runs} of the {self.count} selected unchanged)")
        return f"will run {self.count} of {self.total} {noun}"

    def raise_for_problem(self) -> None:
        """Raise the plan's problem, if any.

        Raises:
            PipelineSelectionError: unknown pipeline or filters selecting nothing.
            RunPlanError: missing inputs or load versions not on disk.
        """
        if self.problem is None:
            return
        if self.pipeline is None:
            raise PipelineSelectionError(self.problem)
        raise RunPlanError(self)


def select_pipeline(pipelines: Mapping[str, Pipeline], name: str) -> Pipeline:
    """The registered pipeline called ``name``.

    Raises:
        PipelineSelectionError: no such pipeline; the message lists the registered ones and
            the closest match.
    """
    try:
        return pipelines[name]
    except KeyError:
        pass
    registered = sorted(pipelines)
    listed = ", ".join(registered) if registered else "none (register_pipelines() returned {})"
    hint = did_you_mean(name, registered)
    raise PipelineSelectionError(
        f"Failed to find the pipeline named '{name}'. It needs to be generated and returned "
        f"by the 'register_pipelines' function. Registered pipelines: {listed}.{hint}"
    ) from None


def select_pipelines(pipelines: Mapping[str, Pipeline], names: tuple[str, ...]) -> Pipeline:
    """The registered pipelines called ``names``, added together (one name: that pipeline)."""
    selected = [select_pipeline(pipelines, name) for name in names]
    combined = selected[0]
    for other in selected[1:]:
        combined = combined + other
    return combined


def _show(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _offered(pipeline: Pipeline, arg: str) -> tuple[str, list[str]]:
    """What the pipeline offers for a filter, and the words for it."""
    if arg == "tags":
        return "Tags in the pipeline", sorted({t for node in pipeline.nodes for t in node.tags})
    if arg == "namespaces":
        return "Namespaces in the pipeline", sorted(
            {n.namespace.split(".")[0] for n in pipeline.nodes if n.namespace})
    if arg in ("node_names", "from_nodes", "to_nodes"):
        return "Nodes in the pipeline", sorted(node.name for node in pipeline.nodes)
    if arg == "from_inputs":
        return "Datasets the pipeline reads", sorted(pipeline.all_inputs())
    return "Datasets the pipeline writes", sorted(pipeline.all_outputs())


def _hint(pipeline: Pipeline, arg: str, values: tuple[str, ...]) -> str:
    """What the pipeline does offer for a filter that selected nothing."""
    kind, offered = _offered(pipeline, arg)
    if not offered:
        return ""
    suggestion = "".join(did_you_mean(value, offered) for value in values)
    return f" {kind}: {', '.join(offered)}.{suggestion}"


def _filter(pipeline: Pipeline, where: str, request: RunRequest
            ) -> tuple[Pipeline | None, str | None, str | None]:
    """The filtered pipeline, or ``(None, filter that emptied it, message)``.

    Each filter is tried alone first, so the message can name the one that selects nothing
    (or names an unknown node); only when each works alone is the combination to blame, and
    then the filters are combined one at a time to say which one emptied the selection. Like
    ``Pipeline.filter`` (Kedro's semantics), each filter applies to the whole pipeline and the
    results intersect, so the order of the arguments cannot change what runs.
    """
    active = request.filters()
    if not pipeline.nodes:
        return None, None, f"{where} has no nodes to run."
    selected: dict[str, Pipeline] = {}
    for arg, values in active.items():
        method = getattr(pipeline, _METHODS[arg])
        try:
            part = method(list(values)) if arg == "namespaces" else method(*values)
        except ValueError as exc:
            _kind, offered = _offered(pipeline, arg)
            hint = "".join(did_you_mean(value, offered) for value in values)
            if hint and "Did you mean" not in str(exc):  # one suggestion, not two
                return None, arg, f"{where}: {arg}={_show(values)} is invalid: {exc}{hint}"
            return None, arg, f"{where}: {arg}={_show(values)} is invalid: {exc}"
        if not part.nodes:
            return None, arg, (f"{where} has no nodes to run: {arg}={_show(values)} selects no "
                               f"node." + _hint(pipeline, arg, values))
        selected[arg] = part
    combined = pipeline
    applied: list[str] = []
    for arg, part in selected.items():
        combined = part if not applied else combined & part
        applied.append(f"{arg}={_show(active[arg])}")
        if not combined.nodes:
            return None, arg, (
                f"{where} has no nodes to run: each filter selects nodes on its own, but "
                f"{applied[-1]} leaves none once combined with {', '.join(applied[:-1])}.")
    return combined, None, None


def filter_pipeline(pipeline: Pipeline, pipeline_name: str, request: RunRequest) -> Pipeline:
    """``pipeline`` filtered as ``request`` says.

    Raises:
        PipelineSelectionError: a filter is invalid or the filtered pipeline has no nodes.
    """
    filtered, _arg, problem = _filter(pipeline, f"Pipeline '{pipeline_name}'", request)
    if filtered is None:
        raise PipelineSelectionError(problem)
    return filtered


def _is_parameter(name: str) -> bool:
    return name == "parameters" or name.startswith("params:")


def _missing_inputs(free_inputs: tuple[str, ...], catalog: Any) -> list[str]:
    """Free inputs nothing provides: unregistered, or an in-memory dataset with no data.

    In-memory data is checked without I/O; files are not looked at (a missing file is the
    dataset's own error, which names the path).
    """
    from kedro_ipy.io import MemoryDataset

    missing = []
    for name in free_inputs:
        if name not in catalog:
            missing.append(name)
            continue
        try:
            dataset = catalog[name]
        except Exception:  # a dataset that cannot even be built fails the run clearly itself
            continue
        if isinstance(dataset, MemoryDataset) and not dataset.exists():
            missing.append(name)
    return missing


def _version_problem(catalog: Any, load_versions: Mapping[str, str]) -> str | None:
    """Why a pinned load version cannot be loaded (not a dataset, not versioned, not on disk).

    This lists each pinned dataset's versions: the only I/O planning does.
    """
    keys = catalog.keys  # the catalog's own listing (a DataCatalog or a look-alike)
    names = [n for n in keys() if not _is_parameter(n)]
    for dataset_name, version in load_versions.items():
        if dataset_name not in catalog:
            return (f"Dataset '{dataset_name}' of load_versions is not in the catalog."
                    f"{did_you_mean(dataset_name, names)}")
        dataset = catalog[dataset_name]
        list_versions = getattr(dataset, "list_versions", None)
        if not callable(list_versions) or getattr(dataset, "_version", True) is None:
            continue  # not versioned: the catalog warns that the pin is ignored
        try:
            versions = [str(v) for v in list_versions(full_path=False)]
        except TypeError:
            continue  # a dataset of another library: it reports a bad version when loading
        except Exception as exc:
            return f"Cannot list the versions of dataset '{dataset_name}': {exc}"
        if version not in versions:
            shown = ", ".join(versions[:10]) + (" …" if len(versions) > 10 else "")
            return (f"Version '{version}' of dataset '{dataset_name}' does not exist. "
                    f"Versions on disk, newest first: {shown or 'none'}."
                    f"{did_you_mean(version, versions)}")
    return None


def make_plan(pipelines: Mapping[str, Pipeline], request: RunRequest,
              catalog: Any = None) -> RunPlan:
    """Plan ``request`` against the registered ``pipelines`` (and ``catalog``, if given).

    Without a catalog only the pipelines and filters are checked; with one, the free inputs
    and the load versions are checked too (see :func:`check_catalog`).

    Bad input never raises: the plan's ``problem`` says what is wrong. Errors of the
    project's own code (the registry failing to import) propagate.
    """
    try:
        pipeline = select_pipelines(pipelines, request.pipeline_names)
    except PipelineSelectionError as exc:
        return RunPlan(request, None, (), 0, problem=str(exc))
    total = len(pipeline.nodes)
    where = f"Pipeline '{request.pipeline_name}'"
    filtered, emptied_by, problem = _filter(pipeline, where, request)
    if filtered is None:
        return RunPlan(request, None, (), total, emptied_by=emptied_by, problem=problem)
    nodes = tuple(node.name for node in filtered.nodes)
    free = tuple(name for name in sorted(filtered.inputs()) if not _is_parameter(name))
    plan = RunPlan(request, filtered, nodes, total, free)
    return plan if catalog is None else check_catalog(plan, catalog)


def check_catalog(plan: RunPlan, catalog: Any) -> RunPlan:
    """``plan`` with the catalog checks done: every free input provided, every pinned load
    version on disk. A plan that already has a problem is returned as it is."""
    if plan.problem is not None or plan.pipeline is None:
        return plan
    where = f"Pipeline '{plan.request.pipeline_name}'"
    missing = tuple(_missing_inputs(tuple(sorted(plan.pipeline.inputs())), catalog))
    if missing:
        shown = ", ".join(f"'{name}'" for name in missing)
        noun = "input" if len(missing) == 1 else "inputs"
        problem = (f"{where} cannot run: the selected nodes read {noun} {shown} that no "
                   f"selected node produces and the catalog does not hold. Widen the "
                   f"selection to include the nodes producing "
                   f"{'it' if len(missing) == 1 else 'them'}, or save "
                   f"{'it' if len(missing) == 1 else 'them'} in the catalog.")
        return dataclasses.replace(plan, missing_inputs=missing, problem=problem)
    version_problem = _version_problem(catalog, plan.request.load_versions)
    if version_problem is None:
        return plan
    return dataclasses.replace(plan, problem=version_problem)

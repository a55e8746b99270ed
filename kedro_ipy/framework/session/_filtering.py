"""Choosing what a run runs: the registered pipeline, then the filters, with errors that say
which name or which filter was the problem."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.context import KedroContextError
from kedro_ipy.utils import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kedro_ipy.pipeline import Pipeline

#: ``KedroSession.run`` arguments that filter the pipeline, in the order they are diagnosed,
#: with the ``Pipeline`` method applying each one alone (without ``filter``'s emptiness check).
FILTERS = {
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


def select_pipelines(pipelines: Mapping[str, Pipeline], names: list[str]) -> Pipeline:
    """The registered pipelines called ``names``, added together (one name: that pipeline).

    Raises:
        PipelineSelectionError: one of the names is not registered.
    """
    selected = [select_pipeline(pipelines, name) for name in names]
    combined = selected[0]
    for other in selected[1:]:
        combined = combined + other
    return combined


def _show(values: list[str]) -> str:
    return "[" + ", ".join(repr(v) for v in values) + "]"


def _hint(pipeline: Pipeline, arg: str, values: list[str]) -> str:
    """What the pipeline does offer for a filter that selected nothing."""
    if arg == "tags":
        offered = sorted({tag for node in pipeline.nodes for tag in node.tags})
        kind = "Tags in the pipeline"
    elif arg == "namespaces":
        offered = sorted({n.namespace.split(".")[0] for n in pipeline.nodes if n.namespace})
        kind = "Namespaces in the pipeline"
    elif arg in ("node_names", "from_nodes", "to_nodes"):
        offered = sorted(node.name for node in pipeline.nodes)
        kind = "Nodes in the pipeline"
    elif arg == "from_inputs":
        offered = sorted(pipeline.all_inputs())
        kind = "Datasets the pipeline reads"
    else:
        offered = sorted(pipeline.all_outputs())
        kind = "Datasets the pipeline writes"
    if not offered:
        return ""
    suggestion = "".join(did_you_mean(value, offered) for value in values)
    return f" {kind}: {', '.join(offered)}.{suggestion}"


def filter_pipeline(pipeline: Pipeline, pipeline_name: str, **filters: Any) -> Pipeline:
    """``pipeline.filter(**filters)``, raising a precise error when nothing is left to run.

    Each filter is tried alone first, so the error can name the one that selects nothing (or
    that names an unknown node); only when each works alone is the combination to blame, and
    then the filters are combined one at a time to say which one emptied the selection.

    Raises:
        PipelineSelectionError: a filter is invalid or the filtered pipeline has no nodes.
    """
    active = {arg: list(filters[arg]) for arg in FILTERS if filters.get(arg)}
    if not active:
        if not pipeline.nodes:
            raise PipelineSelectionError(f"Pipeline '{pipeline_name}' has no nodes to run.")
        return pipeline
    where = f"Pipeline '{pipeline_name}'"
    selected: dict[str, Pipeline] = {}
    for arg, values in active.items():
        method = getattr(pipeline, FILTERS[arg])
        try:
            part = method(values) if arg == "namespaces" else method(*values)
        except ValueError as exc:
            raise PipelineSelectionError(
                f"{where}: {arg}={_show(values)} is invalid: {exc}"
            ) from exc
        if not part.nodes:
            raise PipelineSelectionError(
                f"{where} has no nodes to run: {arg}={_show(values)} selects no "
                f"node." + _hint(pipeline, arg, values)
            )
        selected[arg] = part
    combined = None
    applied: list[str] = []
    for arg, part in selected.items():
        combined = part if combined is None else combined & part
        applied.append(f"{arg}={_show(active[arg])}")
        if not combined.nodes:
            raise PipelineSelectionError(
                f"{where} has no nodes to run: each filter selects nodes on its own, but "
                f"{applied[-1]} leaves none once combined with {', '.join(applied[:-1])}."
            )
    # Like Pipeline.filter (Kedro's semantics): each filter applies to the whole pipeline and
    # the results intersect, so the order of the arguments cannot change what runs.
    return combined

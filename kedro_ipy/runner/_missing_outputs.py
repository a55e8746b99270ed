"""``only_missing_outputs``: skip the nodes whose persisted outputs already exist.

Kedro 1.x's rule, applied from the last node to the first: a node runs if it has no outputs,
if one of its persisted outputs does not exist yet, or if a node that will run needs one of its
outputs that is in memory only (gone since the last run) or missing. The log lines use Kedro's
wording, so tools and tests reading Kedro's logs read ours.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kedro_ipy.pipeline.transcoding import _strip_transcoding
from kedro_ipy.runner.resume import _is_ephemeral

if TYPE_CHECKING:
    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = [
    "_is_dataset_ephemeral_or_missing",
    "_is_persistent_dataset_missing",
    "_only_missing_outputs",
]

logger = logging.getLogger("kedro_ipy.runner")


def _is_persistent_dataset_missing(name: str, catalog: DataCatalog) -> bool:
    """Whether ``name`` is persisted (registered, not in memory) and does not exist yet.

    A node's own in-memory or unregistered output is no reason to run it.
    """
    if name not in catalog or _is_ephemeral(catalog[name]):
        return False
    return not catalog.exists(name)


def _is_dataset_ephemeral_or_missing(name: str, catalog: DataCatalog) -> bool:
    """Whether a node that reads ``name`` needs its producer to run first: the data only
    lives in memory (so it is gone), or it is persisted but does not exist."""
    if name not in catalog or _is_ephemeral(catalog[name]):
        return True
    return not catalog.exists(name)


def _why_run(
    index: int,
    nodes: Sequence[Node],
    catalog: DataCatalog,
    consumers: Mapping[str, Sequence[int]],
    to_run: set[int],
) -> str | None:
    """Why node ``index`` must run, or ``None`` if it can be skipped."""
    node = nodes[index]
    outputs = node.outputs
    if not outputs:
        return "has no outputs"
    for name in outputs:
        if _is_persistent_dataset_missing(name, catalog):
            return f"has missing output '{name}'"
    for name in outputs:
        running = [c for c in consumers.get(_strip_transcoding(name), ()) if c in to_run]
        if running and _is_dataset_ephemeral_or_missing(name, catalog):
            return f"produces '{name}' needed by running child '{nodes[running[0]].name}'"
    return None


def _only_missing_outputs(pipeline: Pipeline, catalog: DataCatalog) -> Pipeline:
    """The part of ``pipeline`` that must run so that every output exists."""
    graph = pipeline.graph
    nodes = graph.nodes
    consumers = graph.consumers

    debug = logger.isEnabledFor(logging.DEBUG)
    to_run: set[int] = set()
    for index in range(len(nodes) - 1, -1, -1):
        reason = _why_run(index, nodes, catalog, consumers, to_run)
        if reason is not None:
            to_run.add(index)
            if debug:
                logger.debug("Node '%s' must run: %s", nodes[index].name, reason)

    total = len(nodes)
    names = [nodes[index].name for index in sorted(to_run)]
    skipped = total - len(names)
    if not names:
        logger.info("Skipping all %d nodes (all persistent outputs exist)", total)
        from kedro_ipy.pipeline import Pipeline

        return Pipeline([])
    if skipped:
        logger.info(
            "Skipping %d nodes with existing outputs: %s", skipped,
            ", ".join(sorted(n.name for i, n in enumerate(nodes) if i not in to_run)),
        )
    logger.info("Running %d out of %d nodes", len(names), total)
    return pipeline if not skipped else pipeline.only_nodes(*names)

"""``only_missing_outputs``: skip the nodes whose persisted outputs already exist.

Kedro 1.x's rule, applied from the last node to the first: a node runs if it has no outputs,
if one of its persisted outputs does not exist yet, or if a node that will run needs one of its
outputs that is in memory only (gone since the last run) or missing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kedro_ipy.runner._plan import _base_name
from kedro_ipy.runner.resume import _is_ephemeral

if TYPE_CHECKING:
    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline

__all__ = ["_only_missing_outputs"]

logger = logging.getLogger("kedro_ipy.runner")


def _missing(name: str, catalog: DataCatalog, *, ephemeral_counts: bool) -> bool:
    """Whether ``name`` must be produced again.

    Unregistered or in-memory datasets count as missing only when ``ephemeral_counts``
    (a node's own in-memory output is no reason to run it; a child needing it is).
    """
    if name not in catalog:
        return ephemeral_counts
    if _is_ephemeral(catalog[name]):
        return ephemeral_counts
    return not catalog.exists(name)


def _only_missing_outputs(pipeline: Pipeline, catalog: DataCatalog) -> Pipeline:
    """The part of ``pipeline`` that must run so that every output exists."""
    nodes = list(pipeline.nodes)
    consumers: dict[str, list[int]] = {}
    for index, node in enumerate(nodes):
        for name in node.inputs:
            consumers.setdefault(_base_name(name), []).append(index)

    to_run: set[int] = set()
    for index in range(len(nodes) - 1, -1, -1):
        outputs = nodes[index].outputs
        if (
            not outputs
            or any(_missing(name, catalog, ephemeral_counts=False) for name in outputs)
            or any(
                _missing(name, catalog, ephemeral_counts=True)
                for name in outputs
                for child in consumers.get(_base_name(name), ())
                if child in to_run
            )
        ):
            to_run.add(index)

    names = [nodes[index].name for index in sorted(to_run)]
    skipped = len(nodes) - len(names)
    if skipped and logger.isEnabledFor(logging.INFO):
        logger.info(
            "Skipping %d of %d nodes whose outputs exist: %s", skipped, len(nodes),
            ", ".join(sorted(n.name for i, n in enumerate(nodes) if i not in to_run)),
        )
    if not names:
        from kedro_ipy.pipeline import Pipeline

        return Pipeline([])
    return pipeline if not skipped else pipeline.only_nodes(*names)

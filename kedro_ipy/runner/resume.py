"""Where to resume a failed run from without recomputing what is already persisted.

The answer follows Kedro's: start from the unfinished nodes; walk up from any of them that reads
a dataset which only lived in memory (it is gone once the run ended), because the node that
made it must run again; take everything downstream of the nodes found; and suggest the first
nodes of that set, to be given as ``--from-nodes``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kedro_ipy.pipeline.transcoding import _strip_transcoding

if TYPE_CHECKING:
    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = ["find_nodes_to_resume_from", "format_from_nodes"]


def _is_persisted(name: str, catalog: DataCatalog) -> bool:
    """Whether ``name`` outlives the run: registered, and not kept only in memory."""
    if name.startswith("params:") or name == "parameters":
        return True  # parameters are always available again, so they never force a re-run
    if name not in catalog:
        return False
    return not _is_ephemeral(catalog[name])


def _is_ephemeral(dataset: Any) -> bool:
    flag = getattr(dataset, "_EPHEMERAL", None)
    if flag is not None:
        return bool(flag)
    from kedro_ipy.io import CachedDataset, MemoryDataset

    return isinstance(dataset, (MemoryDataset, CachedDataset))


def find_nodes_to_resume_from(
    pipeline: Pipeline, done_node_names: Iterable[str], catalog: DataCatalog
) -> list[str]:
    """The names of the nodes a new run should start from (``--from-nodes``) after a failure.

    Running ``pipeline.from_nodes(*result)`` again runs every node that did not finish, plus
    the finished ones whose outputs were only held in memory and are needed again, and nothing
    that only re-creates persisted data.

    Args:
        pipeline: The pipeline of the failed run.
        done_node_names: Names of the nodes that finished successfully.
        catalog: The catalog of the run; datasets it does not register, or registers as
            in-memory datasets, count as not persisted.

    Returns:
        Node names, sorted; empty when every node finished.

    Example:
        >>> find_nodes_to_resume_from(pipeline, ["load", "clean"], catalog)
        ['clean']    # if 'clean' wrote a MemoryDataset the failed node needs
    """
    nodes, to_run, parents = _resume_plan(pipeline, done_node_names, catalog)
    first = [index for index in to_run if to_run.isdisjoint(parents[index])]
    return sorted(nodes[index].name for index in first)


def _resume_plan(
    pipeline: Pipeline, done_node_names: Iterable[str], catalog: DataCatalog
) -> tuple[Sequence[Node], set[int], Sequence[tuple[int, ...]]]:
    """The pipeline's nodes (in order), the numbers of those a resumed run must execute, and
    each node's parents (numbers), all read from ``pipeline.graph``."""
    graph = pipeline.graph
    nodes = graph.nodes
    done = set(done_node_names)
    unfinished = {index for index, node in enumerate(nodes) if node.name not in done}
    if not unfinished:
        return nodes, set(), graph.parents

    producer = graph.producer
    produced_by_unfinished = {
        _strip_transcoding(name) for index in unfinished for name in nodes[index].outputs
    }

    # Unfinished nodes fed from outside the unfinished part: where the walk upwards starts.
    start = [
        index
        for index in sorted(unfinished)
        if any(
            _strip_transcoding(name) not in produced_by_unfinished
            for name in nodes[index].inputs
        )
    ]
    to_run = set(unfinished)
    queue, seen = deque(start), set(start)
    while queue:
        index = queue.popleft()
        to_run.add(index)
        for name in nodes[index].inputs:
            if _is_persisted(name, catalog):
                continue
            parent = producer.get(_strip_transcoding(name))
            if parent is not None and parent not in seen:
                seen.add(parent)
                queue.append(parent)

    # Everything downstream of those must run too; then keep the nodes nothing else feeds.
    return nodes, graph.downstream(to_run), graph.parents


def format_from_nodes(node_names: Iterable[str]) -> str:
    """``--from-nodes "a,b"``: the resume suggestion as arguments to paste after a run command."""
    return f'--from-nodes "{",".join(node_names)}"'

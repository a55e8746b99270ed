"""What a run needs to know about its pipeline, computed once in O(nodes + edges).

The runner loop then only does list indexing and integer arithmetic per node: no set algebra
over the pipeline, no recomputation of its inputs, whatever the pipeline's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = ["_Plan"]

_TRANSCODING_SEPARATOR: Final = "@"


def _base_name(name: str) -> str:
    """``"a@pandas"`` -> ``"a"``: transcoded entries are one dataset as far as order goes."""
    index = name.find(_TRANSCODING_SEPARATOR)
    return name if index < 0 else name[:index]


class _Plan:
    """The pipeline as index-based lists, for a scheduler that never re-derives the graph.

    Attributes:
        nodes: Nodes in the pipeline's (topological) order; a node is known by its index.
        inputs: Per node, the names of the datasets it loads.
        outputs: Per node, the names of the datasets it saves.
        children: Per node, the indices of the nodes that consume one of its outputs.
        parent_counts: Per node, how many distinct nodes it waits for.
        load_counts: Dataset name -> how many node inputs read it (to release it after the last).
        free_inputs: Names the pipeline reads but does not produce (the catalog must have them).
        pipeline_outputs: Names the pipeline produces but does not read.
        datasets: Every dataset name of the pipeline, in first-use order.
        releasable: Names that may be released once nobody needs them any more: everything but
            the pipeline's own inputs and outputs.
        width: An upper bound on how many nodes can ever run at the same time.
    """

    __slots__ = (
        "children",
        "datasets",
        "free_inputs",
        "inputs",
        "load_counts",
        "nodes",
        "outputs",
        "parent_counts",
        "pipeline_outputs",
        "releasable",
        "width",
    )

    def __init__(self, pipeline: Pipeline) -> None:
        nodes: list[Node] = list(pipeline.nodes)
        self.nodes = nodes
        inputs = [list(node.inputs) for node in nodes]
        outputs = [list(node.outputs) for node in nodes]
        self.inputs = inputs
        self.outputs = outputs

        producers: dict[str, list[int]] = {}
        datasets: dict[str, None] = {}
        for index, names in enumerate(outputs):
            for name in names:
                producers.setdefault(_base_name(name), []).append(index)

        children: list[list[int]] = [[] for _ in nodes]
        parent_counts = [0] * len(nodes)
        levels = [0] * len(nodes)
        load_counts: dict[str, int] = {}
        consumed: set[str] = set()
        free_inputs: dict[str, None] = {}
        for index, names in enumerate(inputs):
            parents: set[int] = set()
            for name in names:
                datasets[name] = None
                load_counts[name] = load_counts.get(name, 0) + 1
                base = _base_name(name)
                consumed.add(base)
                found = producers.get(base)
                if found is None:
                    free_inputs[name] = None
                else:
                    parents.update(found)
            parents.discard(index)
            parent_counts[index] = len(parents)
            level = 0
            for parent in parents:
                children[parent].append(index)
                # pipeline order is topological, but don't rely on it for the level estimate
                level = max(level, levels[parent] + 1)
            levels[index] = level

        unread: dict[str, None] = {}
        for names in outputs:
            for name in names:
                datasets[name] = None
                if _base_name(name) not in consumed:
                    unread[name] = None

        self.children = children
        self.parent_counts = parent_counts
        self.load_counts = load_counts
        self.free_inputs = list(free_inputs)
        self.pipeline_outputs = list(unread)
        self.datasets = list(datasets)
        self.releasable = frozenset(datasets.keys() - free_inputs.keys() - unread.keys())
        # A longest chain holds one node per level and at most one of any set of nodes that
        # can run together, so no more than ``nodes - levels + 1`` ever run at once.
        self.width = len(nodes) - max(levels, default=-1)

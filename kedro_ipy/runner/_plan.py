"""What a run needs to know about its pipeline, computed once in O(nodes + edges).

The graph itself (order, parents, children, who writes and reads each dataset) comes from the
pipeline's index, ``pipeline.graph``; this adds the per-run bookkeeping on top. The runner loop
then only does list indexing and integer arithmetic per node: no set algebra over the
pipeline, no recomputation of its inputs, whatever the pipeline's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kedro_ipy.pipeline.transcoding import _strip_transcoding

if TYPE_CHECKING:
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = ["_Plan"]


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
        graph = pipeline.graph
        nodes: list[Node] = list(graph.nodes)
        self.nodes = nodes
        inputs = [node.inputs for node in nodes]
        outputs = [node.outputs for node in nodes]
        self.inputs = inputs
        self.outputs = outputs
        producer = graph.producer
        consumers = graph.consumers
        parents = graph.parents

        datasets: dict[str, None] = {}
        load_counts: dict[str, int] = {}
        free_inputs: dict[str, None] = {}
        for names in inputs:
            for name in names:
                datasets[name] = None
                load_counts[name] = load_counts.get(name, 0) + 1
                if _strip_transcoding(name) not in producer:
                    free_inputs[name] = None

        unread: dict[str, None] = {}
        for names in outputs:
            for name in names:
                datasets[name] = None
                if _strip_transcoding(name) not in consumers:
                    unread[name] = None

        # Nodes are in topological order, so each node's parents have their level already.
        levels = [0] * len(nodes)
        for index, mine in enumerate(parents):
            if mine:
                levels[index] = max([levels[parent] for parent in mine]) + 1

        self.children = graph.children
        self.parent_counts = [len(mine) for mine in parents]
        self.load_counts = load_counts
        self.free_inputs = list(free_inputs)
        self.pipeline_outputs = list(unread)
        self.datasets = list(datasets)
        self.releasable = frozenset(datasets.keys() - free_inputs.keys() - unread.keys())
        # A longest chain holds one node per level and at most one of any set of nodes that
        # can run together, so no more than ``nodes - levels + 1`` ever run at once.
        self.width = len(nodes) - max(levels, default=-1)

"""A pipeline's graph, in two numberings.

``_Graph`` (private to the pipeline) numbers nodes by position, indexed by dataset, tag and
namespace. Integer numbering keeps the hot loops on lists and small ints instead of hashing
nodes, and lets a filtered pipeline derive its graph from its parent's by renumbering.

``PipelineGraph`` (``pipeline.graph``) is the read-only index everything above the pipeline
reads: nodes in execution order, their parents and children, and which node writes and which
nodes read each dataset, by transcoding-stripped name. The runner's plan, resume, only-missing-
outputs and the drawing use it instead of re-deriving the graph from node names each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .errors import CircularDependencyError, OutputNotUniqueError
from .node import Node

__all__ = ["PipelineGraph"]


class PipelineGraph:
    """The graph of one pipeline, in execution order, built once and never changed.

    Node ``k`` is ``pipeline.nodes[k]``: parents come before children, ties broken by name.
    Datasets are keyed by their name without transcoding suffix (``cars@pandas`` and
    ``cars@spark`` are ``cars``): that is the name the order follows. A node's own dataset names
    (with suffix) stay on the node (``node.inputs``, ``node.outputs``), whose hooks may reorder
    its inputs.

    Pipelines are immutable, so ``pipeline.graph`` computes this on first use and keeps it;
    treat its lists and mappings as read-only.

    Attributes:
        nodes: The nodes in execution order.
        names: Their names, in the same order.
        parents: Per node, the numbers of the nodes writing one of its inputs, ascending.
        children: Per node, the numbers of the nodes reading one of its outputs, ascending.
    """

    __slots__ = ("_consumers", "_number", "_producer", "children", "names", "nodes", "parents")

    def __init__(self, graph: _Graph, order: Sequence[int]) -> None:
        """Renumber ``graph`` (by position) into execution ``order`` (positions, in order)."""
        rank = [0] * len(order)
        for k, position in enumerate(order):
            rank[position] = k
        by_position = graph.nodes
        all_names = graph.names
        old_parents = graph.parents
        self.nodes: Sequence[Node] = [by_position[p] for p in order]
        self.names: Sequence[str] = [all_names[p] for p in order]
        parents: list[tuple[int, ...]] = []
        children: list[list[int]] = [[] for _ in order]
        for k, position in enumerate(order):
            mine = old_parents[position]
            if not mine:
                parents.append(())
                continue
            if len(mine) == 1:
                ranked: tuple[int, ...] = (rank[mine[0]],)
            else:
                ranked = tuple(sorted([rank[p] for p in mine]))
            parents.append(ranked)
            for p in ranked:
                children[p].append(k)  # k ascends, so every children list is sorted
        self.parents: Sequence[tuple[int, ...]] = parents
        self.children: Sequence[Sequence[int]] = children
        self._producer: dict[str, int] | None = None
        self._consumers: dict[str, list[int]] | None = None
        self._number: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def producer(self) -> Mapping[str, int]:
        """Dataset (without ``@suffix``) -> number of the node writing it."""
        producer = self._producer
        if producer is None:
            producer = {}
            for k, nd in enumerate(self.nodes):
                for base in nd._out_base:
                    producer[base] = k
            self._producer = producer
        return producer

    @property
    def consumers(self) -> Mapping[str, Sequence[int]]:
        """Dataset (without ``@suffix``) -> numbers of the nodes reading it, ascending."""
        consumers = self._consumers
        if consumers is None:
            consumers = {}
            get = consumers.get
            for k, nd in enumerate(self.nodes):
                for base in nd._in_base:
                    readers = get(base)
                    if readers is None:
                        consumers[base] = [k]
                    elif readers[-1] != k:
                        readers.append(k)
            self._consumers = consumers
        return consumers

    def number(self, node_name: str) -> int:
        """The number of the node called ``node_name``.

        Raises:
            KeyError: no node of the pipeline has that name.
        """
        number = self._number
        if number is None:
            number = self._number = {name: k for k, name in enumerate(self.names)}
        return number[node_name]

    def upstream(self, start: Iterable[int]) -> set[int]:
        """``start`` and every node they depend on, directly or not."""
        return _closure(start, self.parents)

    def downstream(self, start: Iterable[int]) -> set[int]:
        """``start`` and every node depending on them, directly or not."""
        return _closure(start, self.children)

    def __repr__(self) -> str:
        edges = sum(len(p) for p in self.parents)
        return f"<PipelineGraph: {len(self.nodes)} nodes, {edges} edges>"


def _closure(start: Iterable[int], edges: Sequence[Sequence[int]]) -> set[int]:
    """``start`` plus everything reachable along ``edges`` (iterative, no recursion)."""
    seen = set(start)
    stack = list(seen)
    add = seen.add
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                add(nxt)
                stack.append(nxt)
    return seen


class _Graph:
    """The pipeline's nodes numbered by position, with the dataset and node adjacency.

    Built from scratch (validating that each dataset has one writer) for a new pipeline, or
    derived from the parent's graph by renumbering for a filtered one, which needs no dataset
    lookups at all. The dataset indexes of a derived graph are built on first use.
    """

    __slots__ = (
        "_by_name",
        "_by_namespace",
        "_by_tag",
        "_consumers",
        "_producer",
        "children",
        "names",
        "nodes",
        "parents",
    )

    def __init__(
        self,
        nodes: list[Node],
        names: list[str],
        parents: list[tuple[int, ...]],
        children: list[list[int]],
    ) -> None:
        self.nodes = nodes
        self.names = names
        self.parents = parents
        self.children = children
        self._by_name: dict[str, int] | None = None
        self._producer: dict[str, int] | None = None
        self._consumers: dict[str, list[int]] | None = None
        self._by_tag: dict[str, list[int]] | None = None
        self._by_namespace: dict[str, list[int]] | None = None

    @classmethod
    def build(cls, nodes: list[Node], names: list[str]) -> _Graph:
        """Index ``nodes`` by dataset and link each node to the writers of its inputs.

        Raises:
            OutputNotUniqueError: two nodes write the same dataset.
        """
        producer: dict[str, int] = {}
        for i, nd in enumerate(nodes):
            for base in nd._out_base:
                producer[base] = i
        if len(producer) != sum(len(nd._out_base) for nd in nodes):
            _raise_output_clashes(nodes, names)
        consumers: dict[str, list[int]] = {}
        parents: list[tuple[int, ...]] = []
        children: list[list[int]] = [[] for _ in nodes]
        get = producer.get
        readers_of = consumers.get
        for i, nd in enumerate(nodes):
            bases = nd._in_base
            for base in bases:
                readers = readers_of(base)
                if readers is None:
                    consumers[base] = [i]
                elif readers[-1] != i:
                    readers.append(i)
            if len(bases) == 1:
                p = get(bases[0])
                if p is None:
                    parents.append(())
                    continue
                mine: tuple[int, ...] = (p,)
            elif not bases:
                parents.append(())
                continue
            else:
                found = set(map(get, bases))
                found.discard(None)
                mine = tuple(found)  # type: ignore[arg-type]  # None was discarded
            parents.append(mine)
            for p in mine:
                children[p].append(i)
        graph = cls(nodes, names, parents, children)
        graph._producer = producer
        graph._consumers = consumers
        graph.by_tag  # noqa: B018 - index tags and namespaces now: the usual filters
        graph.by_namespace  # noqa: B018
        return graph

    def derive(self, selected: list[int], nodes: list[Node]) -> _Graph:
        """The graph of the ``selected`` node numbers (ascending), renumbered from 0."""
        if len(selected) == len(self.names):
            return _Graph(nodes, self.names, self.parents, self.children)
        renumber = {old: new for new, old in enumerate(selected)}
        get = renumber.get
        old_parents = self.parents
        names = self.names
        parents: list[tuple[int, ...]] = []
        children: list[list[int]] = [[] for _ in selected]
        for new, old in enumerate(selected):
            mine = old_parents[old]
            if mine:  # parents outside the selection are dropped
                mine = tuple([q for p in mine if (q := get(p)) is not None])
                for q in mine:
                    children[q].append(new)
            parents.append(mine)
        return _Graph(nodes, [names[i] for i in selected], parents, children)

    @property
    def by_name(self) -> dict[str, int]:
        by_name = self._by_name
        if by_name is None:
            by_name = self._by_name = dict(zip(self.names, range(len(self.names)), strict=True))
        return by_name

    @property
    def producer(self) -> dict[str, int]:
        producer = self._producer
        if producer is None:
            producer = {}
            for i, nd in enumerate(self.nodes):
                for base in nd._out_base:
                    producer[base] = i
            self._producer = producer
        return producer

    @property
    def by_tag(self) -> dict[str, list[int]]:
        """Tag -> numbers of the nodes carrying it."""
        by_tag = self._by_tag
        if by_tag is None:
            by_tag = {}
            get = by_tag.get
            for i, nd in enumerate(self.nodes):
                for tag in nd._tags:
                    tagged = get(tag)
                    if tagged is None:
                        by_tag[tag] = [i]
                    else:
                        tagged.append(i)
            self._by_tag = by_tag
        return by_tag

    @property
    def by_namespace(self) -> dict[str, list[int]]:
        """Namespace (exactly) -> numbers of its nodes; nodes without namespace are left out."""
        by_namespace = self._by_namespace
        if by_namespace is None:
            by_namespace = {}
            get = by_namespace.get
            for i, nd in enumerate(self.nodes):
                ns = nd._namespace
                if ns:
                    members = get(ns)
                    if members is None:
                        by_namespace[ns] = [i]
                    else:
                        members.append(i)
            self._by_namespace = by_namespace
        return by_namespace

    @property
    def consumers(self) -> dict[str, list[int]]:
        consumers = self._consumers
        if consumers is None:
            consumers = {}
            get = consumers.get
            for i, nd in enumerate(self.nodes):
                for base in nd._in_base:
                    readers = get(base)
                    if readers is None:
                        consumers[base] = [i]
                    elif readers[-1] != i:
                        readers.append(i)
            self._consumers = consumers
        return consumers

    def layers(self) -> list[list[int]]:
        """Kahn's algorithm by layers: each layer holds the nodes whose parents are all in
        earlier layers, sorted by name.

        Raises:
            CircularDependencyError: some nodes are never ready; the message names one loop.
        """
        names = self.names
        children = self.children
        indegree = [len(p) for p in self.parents]
        layer = [i for i, d in enumerate(indegree) if not d]
        layers: list[list[int]] = []
        done = 0
        key = names.__getitem__
        while layer:
            if len(layer) > 1:
                layer.sort(key=key)
            layers.append(layer)
            done += len(layer)
            ready: list[int] = []
            for i in layer:
                for c in children[i]:
                    d = indegree[c] - 1
                    indegree[c] = d
                    if not d:
                        ready.append(c)
            layer = ready
        if done != len(names):
            loop = self._find_loop(indegree)
            path = " -> ".join(names[i] for i in [*loop, loop[0]])
            raise CircularDependencyError(
                f"Circular dependencies exist among the following {len(loop)} item(s): "
                f"{[names[i] for i in loop]}. The loop is: {path}."
            )
        return layers

    def _find_loop(self, indegree: list[int]) -> list[int]:
        """One loop among the nodes Kahn could not order, in execution direction.

        Every such node has an unordered parent, so walking parents must revisit a node.
        """
        start = next(i for i, d in enumerate(indegree) if d)
        seen: dict[int, int] = {}
        walk: list[int] = []
        node = start
        while node not in seen:
            seen[node] = len(walk)
            walk.append(node)
            node = next(p for p in self.parents[node] if indegree[p])
        loop = walk[seen[node] :]
        loop.reverse()
        return loop


def _raise_output_clashes(nodes: list[Node], names: list[str]) -> None:
    writers: dict[str, list[str]] = {}
    for nd, name in zip(nodes, names, strict=True):
        for base in nd._out_base:
            writers.setdefault(base, []).append(name)
    clashes = {ds: who for ds, who in sorted(writers.items()) if len(who) > 1}
    details = "; ".join(
        f"'{ds}' by " + ", ".join(f"'{n}'" for n in who) for ds, who in clashes.items()
    )
    raise OutputNotUniqueError(
        f"Output(s) {sorted(clashes)} are returned by more than one nodes. Node outputs must be "
        f"unique. Written {details}."
    )

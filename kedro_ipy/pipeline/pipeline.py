"""``Pipeline``: a validated DAG of nodes, its execution order, filters and set operations.

How it stays fast on 10,000-node graphs:

* A pipeline is immutable. Its graph (dataset -> producer, dataset -> consumers, node -> parents
  and children) is built once, with nodes numbered by position, and everything else is cached.
* Ordering is Kahn's algorithm by layers, each layer sorted by node name, so the order is the
  same on every run (and matches Kedro's): O(nodes + edges + n log n), no recursion.
* Filters walk the integer graph and build the result with a private constructor that skips
  validation: a subset of a valid DAG is a valid DAG.
* ``filter()`` intersects sets of node numbers instead of building and intersecting pipelines.

The graph itself lives in ``_graph.py``; ``pipeline()`` reuses nodes under a namespace with the
renaming rules of ``modular.py``.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ._graph import PipelineGraph, _closure, _Graph
from ._namespace_check import warn_interrupted_namespaces
from .errors import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    OutputNotUniqueError,
    PipelineError,
    UnknownNameError,
)
from .node import GroupedNodes, Node, _to_list
from .transcoding import (  # noqa: F401  (_transcode_split: Kedro exposes it here too)
    TRANSCODING_SEPARATOR,
    _strip_transcoding,
    _transcode_split,
)

__all__ = [
    "CircularDependencyError",
    "ConfirmNotUniqueError",
    "OutputNotUniqueError",
    "Pipeline",
    "PipelineError",
    "UnknownNameError",
    "pipeline",
]


def _close_matches(unknown: Iterable[str], existing: Iterable[str], n: int = 3) -> list[str]:
    candidates = list(existing)
    found: dict[str, None] = {}
    for name in unknown:
        for match in difflib.get_close_matches(name, candidates, n=n, cutoff=0.6):
            found[match] = None
    return list(found)


def _suggestions(unknown: list[str], existing: Iterable[str]) -> list[str]:
    """What the unknown names may have meant: the same name inside a namespace (the likeliest
    slip, and too far from it for a spelling match), else close spellings."""
    existing = list(existing)
    namespaced = [e for name in unknown for e in existing if e.endswith(f".{name}")]
    return namespaced or _close_matches(unknown, existing)


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _as_names(value: str | Iterable[str] | None) -> list[str]:
    """A filter argument as a list: one string is one name, not its characters."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


class Pipeline:
    """Nodes wired together by dataset names, validated as a DAG and ordered for execution.

    Pipelines are immutable: filters, ``tag()`` and the operators ``+ - & |`` return new ones,
    so what a pipeline derives from its nodes (indexes, order) is computed once and kept.

    Example:
        >>> from kedro_ipy.pipeline import node
        >>> def clean(raw):
        ...     return raw
        >>> def train(data, alpha):
        ...     return alpha
        >>> pipe = Pipeline(
        ...     [
        ...         node(train, ["clean", "params:alpha"], "model", name="train"),
        ...         node(clean, "raw", "clean", name="clean", tags="etl"),
        ...     ]
        ... )
        >>> [n.name for n in pipe.nodes]
        ['clean', 'train']
        >>> sorted(pipe.inputs())
        ['params:alpha', 'raw']
        >>> [n.name for n in pipe.to_outputs("clean").nodes]
        ['clean']
    """

    # What a pipeline derives from its nodes, computed on first use (see ``_set_nodes``).
    _nodes: list[Node]
    _graph: _Graph | None
    _layers: list[list[int]] | None
    _order_cache: list[int] | None
    _datasets_cache: tuple[set[str], set[str]] | None
    _graph_index: PipelineGraph | None

    def __init__(
        self,
        nodes: Iterable[Node | Pipeline] | Pipeline,
        *,
        inputs: str | set[str] | dict[str, str] | None = None,
        outputs: str | set[str] | dict[str, str] | None = None,
        parameters: str | set[str] | dict[str, str] | None = None,
        tags: str | Iterable[str] | None = None,
        namespace: str | None = None,
        prefix_datasets_with_namespace: bool = True,
    ) -> None:
        """Validate ``nodes`` (nodes and/or pipelines, flattened) as one DAG.

        ``inputs``, ``outputs``, ``parameters``, ``namespace`` and
        ``prefix_datasets_with_namespace`` reuse the nodes under new names, exactly as
        :func:`pipeline` does. ``tags`` are added to every node.

        Raises:
            ValueError: ``nodes`` is None, two nodes share a name, or a transcoded dataset is
                also used without its ``@format``.
            OutputNotUniqueError: two nodes write the same dataset.
            ConfirmNotUniqueError: two nodes confirm the same dataset.
            CircularDependencyError: the nodes depend on each other in a loop.
            PipelineError: the renaming arguments do not fit the nodes.
        """
        if isinstance(nodes, Pipeline):
            nodes = nodes._nodes
        if inputs or outputs or parameters or namespace:
            from .modular import _map_nodes

            nodes = _map_nodes(
                nodes,
                inputs=inputs,
                outputs=outputs,
                parameters=parameters,
                tags=tags,
                namespace=namespace,
                prefix_datasets_with_namespace=prefix_datasets_with_namespace,
            )
        if nodes is None:
            raise ValueError(
                "'nodes' argument of 'Pipeline' is None. It must be an iterable of nodes "
                "and/or pipelines instead."
            )
        flat, names, by_name = _flatten(list(nodes))
        tag_set = set(_to_list(tags))
        if tag_set:
            flat = [nd.tag(tag_set) for nd in flat]
        self._set_nodes(flat)
        _validate_transcoding(flat)
        _validate_unique_confirms(flat)
        self._graph = _Graph.build(flat, names)
        self._graph._by_name = by_name
        self._layers = self._graph.layers()
        if any(nd._namespace for nd in flat):
            warn_interrupted_namespaces(flat, self._graph, self._order())

    # construction ---------------------------------------------------------------------------

    def _map_nodes(
        self,
        nodes: Iterable[Node | Pipeline] | Pipeline,
        inputs: str | set[str] | dict[str, str] | None = None,
        outputs: str | set[str] | dict[str, str] | None = None,
        parameters: str | set[str] | dict[str, str] | None = None,
        tags: str | Iterable[str] | None = None,
        namespace: str | None = None,
        prefix_datasets_with_namespace: bool = True,
    ) -> list[Node]:
        """Copies of ``nodes`` renamed as ``pipeline(...)`` would (Kedro's private hook)."""
        from .modular import _map_nodes

        return _map_nodes(
            nodes,
            inputs=inputs or {},
            outputs=outputs or {},
            parameters=parameters or {},
            tags=tags,
            namespace=namespace,
            prefix_datasets_with_namespace=prefix_datasets_with_namespace,
        )

    def _set_nodes(self, nodes: list[Node]) -> None:
        self._nodes = nodes
        self._graph = None
        self._layers = None
        self._order_cache = None
        self._datasets_cache = None
        self._graph_index = None

    @classmethod
    def _trusted(cls, nodes: list[Node]) -> Pipeline:
        """A pipeline of nodes known to form a valid DAG (a subset of a valid pipeline)."""
        new = object.__new__(cls)
        new._set_nodes(nodes)
        return new

    def _subset(self, selected: Iterable[int]) -> Pipeline:
        """The pipeline of the selected node numbers, kept in this pipeline's node order.

        Its graph is this one renumbered; its execution order is computed on first use.
        """
        chosen = sorted(set(selected))
        nodes = self._nodes
        picked = [nodes[i] for i in chosen]
        new = Pipeline._trusted(picked)
        new._graph = self._g().derive(chosen, picked)
        if len(chosen) == len(nodes):
            new._layers = self._layers
        return new

    def _g(self) -> _Graph:
        graph = self._graph
        if graph is None:
            names = [nd._full_name or nd.name for nd in self._nodes]
            graph = self._graph = _Graph.build(self._nodes, names)
        return graph

    def _order(self) -> list[int]:
        order = self._order_cache
        if order is None:
            layers = self._layers
            if layers is None:
                layers = self._layers = self._g().layers()
            order = self._order_cache = [i for layer in layers for i in layer]
        return order

    @property
    def graph(self) -> PipelineGraph:
        """The read-only graph index: nodes in execution order, parents, children, and the
        writer and readers of each dataset (by name without ``@suffix``), built on first use.

        Example:
            >>> from kedro_ipy.pipeline import node
            >>> pipe = Pipeline([node(len, "raw", "n", name="count"),
            ...                  node(str, "n", "text", name="show")])
            >>> g = pipe.graph
            >>> g.names, g.parents, g.producer["n"], g.consumers["n"]
            (['count', 'show'], [(), (0,)], 0, [1])
        """
        index = self._graph_index
        if index is None:
            index = self._graph_index = PipelineGraph(self._g(), self._order())
        return index

    # views ----------------------------------------------------------------------------------

    @property
    def nodes(self) -> list[Node]:
        """All nodes in execution order: parents before children, ties broken by name."""
        nodes = self._nodes
        return [nodes[i] for i in self._order()]

    @property
    def grouped_nodes(self) -> list[list[Node]]:
        """The nodes in layers: each layer's nodes only need nodes of earlier layers."""
        self._order()
        nodes = self._nodes
        return [[nodes[i] for i in layer] for layer in self._layers or []]

    @property
    def node_dependencies(self) -> dict[Node, set[Node]]:
        """Each node mapped to the set of nodes it reads data from directly."""
        nodes = self._nodes
        return {
            nodes[i]: {nodes[p] for p in parents} for i, parents in enumerate(self._g().parents)
        }

    @property
    def _nodes_by_name(self) -> dict[str, Node]:
        return dict(zip(self._g().names, self._nodes, strict=True))

    def __repr__(self) -> str:
        shown = self.nodes[:10]
        reprs = [repr(nd) for nd in shown]
        if len(self._nodes) > len(shown):
            reprs.append("...")
        body = "[\n" + ",\n".join(reprs) + "\n]" if reprs else "[]"
        return f"{type(self).__name__}({body})"

    def _repr_html_(self) -> str:
        """The pipeline drawn inline when it is the last expression of a notebook cell."""
        from .drawing import layout_pipeline, render_svg  # only when a notebook asks

        svg = render_svg(layout_pipeline(self))
        return f'<div class="kip-pipeline-repr" style="max-height:640px;overflow:auto">{svg}</div>'

    def _datasets(self) -> tuple[set[str], set[str]]:
        cached = self._datasets_cache
        if cached is None:
            ins: set[str] = set()
            outs: set[str] = set()
            for nd in self._nodes:
                ins.update(nd._in)
                outs.update(nd._out)
            cached = self._datasets_cache = (ins, outs)
        return cached

    def all_inputs(self) -> set[str]:
        """Every dataset some node reads, including ones other nodes write."""
        return set(self._datasets()[0])

    def all_outputs(self) -> set[str]:
        """Every dataset some node writes, including ones other nodes read."""
        return set(self._datasets()[1])

    def inputs(self) -> set[str]:
        """The free inputs: datasets read but written by no node, so the catalog must supply
        them."""
        producer = self._g().producer
        return {d for d in self._datasets()[0] if _strip_transcoding(d) not in producer}

    def outputs(self) -> set[str]:
        """The final outputs: datasets written but read by no node of this pipeline."""
        consumers = self._g().consumers
        return {d for d in self._datasets()[1] if _strip_transcoding(d) not in consumers}

    def datasets(self) -> set[str]:
        """Every dataset name the pipeline reads or writes."""
        ins, outs = self._datasets()
        return ins | outs

    def describe(self, names_only: bool = True) -> str:
        """The execution order with the free inputs and final outputs, ready to log.

        Args:
            names_only: List node names; ``False`` lists each node as ``func([in]) -> [out]``.
        """

        def listing(names: set[str]) -> str:
            return ", ".join(sorted(names)) if names else "None"

        body = "\n".join(nd.name if names_only else str(nd) for nd in self.nodes)
        return (
            "#### Pipeline execution order ####\n"
            f"Inputs: {listing(self.inputs())}\n\n"
            f"{body}\n\n"
            f"Outputs: {listing(self.outputs())}\n"
            "##################################"
        )

    def to_json(self) -> str:
        """The nodes (name, inputs, outputs, tags) as JSON, with the package version."""
        # The parent package is loaded before any of its subpackages; reading its version from
        # sys.modules keeps this layer free of imports of the rest of kedro_ipy.
        package = sys.modules[__name__.partition(".")[0]]
        version = getattr(package, "__version__", None)
        payload = {
            # Kedro's key (readers of Kedro's JSON look it up), and ours, as the session does
            "kedro_version": version,
            "kedro_ipy_version": version,
            "pipeline": [
                {
                    "name": nd.name,
                    "inputs": list(nd._in),
                    "outputs": list(nd._out),
                    "tags": sorted(nd._tags),
                }
                for nd in self.nodes
            ],
        }
        return json.dumps(payload)

    def group_nodes_by(self, group_by: str | None = "namespace") -> list[GroupedNodes]:
        """Group nodes for deployment: by top-level namespace, or one group per node.

        Args:
            group_by: ``"namespace"``, or ``None``/``"none"`` for one group per node.

        Raises:
            ValueError: an unknown strategy.
        """
        graph = self._g()
        nodes = self._nodes
        strategy = "none" if group_by is None else group_by.lower()
        if strategy not in ("none", "namespace"):
            raise ValueError(f"Unsupported group_by strategy: {group_by}. Use 'namespace' or None.")
        by_namespace = strategy == "namespace"

        def key(i: int) -> str:
            ns = nodes[i]._namespace
            return ns.split(".")[0] if by_namespace and ns else graph.names[i]

        groups: dict[str, GroupedNodes] = {}
        for i in self._order():
            k = key(i)
            group = groups.get(k)
            if group is None:
                kind = "namespace" if by_namespace and nodes[i]._namespace else "nodes"
                group = groups[k] = GroupedNodes(name=k, type=kind)
            group.nodes.append(graph.names[i])
            for p in sorted(graph.parents[i], key=graph.names.__getitem__):
                pk = key(p)
                if pk != k and pk not in group.dependencies:
                    group.dependencies.append(pk)
        return list(groups.values())

    # set operations -------------------------------------------------------------------------

    def __add__(self, other: Any) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return Pipeline(_merge(self._nodes, other._nodes))

    def __radd__(self, other: Any) -> Pipeline:
        if isinstance(other, int) and other == 0:  # so that sum(pipelines) works
            return self
        return self.__add__(other)

    def __or__(self, other: Any) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return Pipeline(_merge(self._nodes, other._nodes))

    def __sub__(self, other: Any) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        theirs = set(other._nodes)
        return self._subset(i for i, nd in enumerate(self._nodes) if nd not in theirs)

    def __and__(self, other: Any) -> Pipeline:
        if not isinstance(other, Pipeline):
            return NotImplemented
        theirs = set(other._nodes)
        return self._subset(i for i, nd in enumerate(self._nodes) if nd in theirs)

    def tag(self, tags: str | Iterable[str]) -> Pipeline:
        """A copy of the pipeline with ``tags`` added to every node."""
        new = Pipeline._trusted([nd.tag(tags) for nd in self._nodes])
        graph = self._g()
        new._graph = retagged = _Graph(new._nodes, graph.names, graph.parents, graph.children)
        retagged._by_name = graph._by_name
        retagged._producer = graph._producer
        retagged._consumers = graph._consumers
        retagged._by_namespace = graph._by_namespace
        new._layers = self._layers
        return new

    # filters: each returns node numbers of this pipeline -------------------------------------

    def _select_names(self, node_names: Iterable[str]) -> list[int]:
        by_name = self._g().by_name
        wanted = _unique(node_names)
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            suggestions = _suggestions(unknown, by_name)
            hint = f" Did you mean: {suggestions}?" if suggestions else ""
            raise UnknownNameError(
                f"Pipeline does not contain nodes named {unknown}.{hint}",
                "node",
                unknown,
                suggestions,
            )
        return [by_name[n] for n in wanted]

    def _check_datasets(self, datasets: list[str]) -> None:
        """Raise for names no node reads or writes; a plain name also matches its transcoded
        variants (``cars`` matches ``cars@pandas``), a transcoded one only itself."""
        graph = self._g()
        nodes = self._nodes
        missing = []
        for d in datasets:
            if TRANSCODING_SEPARATOR not in d:
                if d not in graph.producer and d not in graph.consumers:
                    missing.append(d)
                continue
            base = _strip_transcoding(d)
            p = graph.producer.get(base)
            if p is not None and d in nodes[p]._out:
                continue
            if not any(d in nodes[i]._in for i in graph.consumers.get(base, ())):
                missing.append(d)
        if missing:
            missing = sorted(set(missing))
            known = set(graph.producer) | set(graph.consumers)
            suggestions = _suggestions(missing, sorted(known))
            hint = f". Did you mean: {suggestions}?" if suggestions else ""
            raise UnknownNameError(
                f"Pipeline does not contain datasets named {missing}{hint}",
                "dataset",
                missing,
                suggestions,
            )

    def _readers(self, datasets: list[str]) -> list[int]:
        self._check_datasets(datasets)
        consumers = self._g().consumers
        nodes = self._nodes
        found: list[int] = []
        for d in datasets:
            base = _strip_transcoding(d)
            readers = consumers.get(base, ())
            if base == d:
                found.extend(readers)
            else:
                found.extend(i for i in readers if d in nodes[i]._in)
        return found

    def _writers(self, datasets: list[str]) -> list[int]:
        self._check_datasets(datasets)
        producer = self._g().producer
        nodes = self._nodes
        found: list[int] = []
        for d in datasets:
            base = _strip_transcoding(d)
            p = producer.get(base)
            if p is not None and (base == d or d in nodes[p]._out):
                found.append(p)
        return found

    def _closure(self, start: list[int], edges: Sequence[Sequence[int]]) -> set[int]:
        """``start`` plus everything reachable along ``edges`` (iterative, no recursion)."""
        return _closure(start, edges)

    def _sel_tags(self, tags: Iterable[str]) -> set[int]:
        by_tag = self._g().by_tag
        return set().union(*(by_tag.get(tag, ()) for tag in set(tags)))

    def _sel_namespaces(self, namespaces: Iterable[str]) -> set[int]:
        by_namespace = self._g().by_namespace
        found: set[int] = set()
        unmatched: list[str] = []
        for ns in _unique(namespaces):
            prefix = ns + "."
            hits = [
                members
                for name, members in by_namespace.items()
                if name == ns or name.startswith(prefix)
            ]
            if not hits:
                unmatched.append(ns)
            found.update(*hits)
        if unmatched:
            existing = {
                ".".join(parts[: i + 1])
                for name in by_namespace
                for parts in [name.split(".")]
                for i in range(len(parts))
            }
            suggestions = _close_matches(unmatched, existing)
            hint = f". Did you mean: {suggestions}?" if suggestions else ""
            raise UnknownNameError(
                f"Pipeline does not contain nodes with the following namespaces: {unmatched}{hint}",
                "namespace",
                unmatched,
                suggestions,
            )
        return found

    def _sel_from_nodes(self, names: Iterable[str]) -> set[int]:
        return self._closure(self._select_names(names), self._g().children)

    def _sel_to_nodes(self, names: Iterable[str]) -> set[int]:
        return self._closure(self._select_names(names), self._g().parents)

    def _sel_from_inputs(self, datasets: Iterable[str]) -> set[int]:
        return self._closure(self._readers(_unique(datasets)), self._g().children)

    def _sel_to_outputs(self, datasets: Iterable[str]) -> set[int]:
        return self._closure(self._writers(_unique(datasets)), self._g().parents)

    # public filters -------------------------------------------------------------------------

    def only_nodes(self, *node_names: str) -> Pipeline:
        """Only the named nodes.

        Raises:
            UnknownNameError: a name is not a node of this pipeline (closest names suggested).
        """
        return self._subset(self._select_names(node_names))

    def only_nodes_with_tags(self, *tags: str) -> Pipeline:
        """Only the nodes carrying any of ``tags`` (empty when no tags are given)."""
        return self._subset(self._sel_tags(tags))

    def only_nodes_with_namespaces(self, node_namespaces: str | Iterable[str]) -> Pipeline:
        """Only the nodes in any of the namespaces (or their sub-namespaces).

        Raises:
            UnknownNameError: a namespace has no nodes.
        """
        return self._subset(self._sel_namespaces(_as_names(node_namespaces)))

    def only_nodes_with_inputs(self, *inputs: str) -> Pipeline:
        """Only the nodes reading any of ``inputs`` directly.

        A name without ``@format`` matches every transcoded variant; with it, only that one.

        Raises:
            UnknownNameError: a dataset is not used by this pipeline.
        """
        return self._subset(self._readers(_unique(inputs)))

    def only_nodes_with_outputs(self, *outputs: str) -> Pipeline:
        """Only the nodes writing any of ``outputs`` directly.

        Raises:
            UnknownNameError: a dataset is not used by this pipeline.
        """
        return self._subset(self._writers(_unique(outputs)))

    def from_inputs(self, *inputs: str) -> Pipeline:
        """The nodes reading ``inputs`` and every node downstream of them.

        Raises:
            UnknownNameError: a dataset is not used by this pipeline.
        """
        return self._subset(self._sel_from_inputs(inputs))

    def to_outputs(self, *outputs: str) -> Pipeline:
        """The nodes writing ``outputs`` and every node they need upstream.

        Raises:
            UnknownNameError: a dataset is not used by this pipeline.
        """
        return self._subset(self._sel_to_outputs(outputs))

    def from_nodes(self, *node_names: str) -> Pipeline:
        """The named nodes and every node downstream of them.

        Raises:
            UnknownNameError: a name is not a node of this pipeline.
        """
        return self._subset(self._sel_from_nodes(node_names))

    def to_nodes(self, *node_names: str) -> Pipeline:
        """The named nodes and every node they need upstream.

        Raises:
            UnknownNameError: a name is not a node of this pipeline.
        """
        return self._subset(self._sel_to_nodes(node_names))

    def filter(
        self,
        tags: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        node_names: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        node_namespaces: Iterable[str] | None = None,
    ) -> Pipeline:
        """The nodes meeting every given condition.

        Each condition is applied to this whole pipeline and the results are intersected, so
        the answer does not depend on the order of the conditions (chaining filters would:
        ``from_inputs`` after ``only_nodes`` sees fewer nodes). Empty arguments are ignored.

        Raises:
            UnknownNameError: a name in a condition does not exist in this pipeline.
            ValueError: no node meets every condition.
        """
        selectors = (
            (self._sel_tags, tags),
            (self._sel_from_nodes, from_nodes),
            (self._sel_to_nodes, to_nodes),
            (lambda names: set(self._select_names(names)), node_names),
            (self._sel_from_inputs, from_inputs),
            (self._sel_to_outputs, to_outputs),
            (self._sel_namespaces, node_namespaces),
        )
        selected: set[int] | None = None
        for select, argument in selectors:
            names = _as_names(argument)
            if not names:
                continue
            chosen = select(names)
            selected = chosen if selected is None else selected & chosen
        if selected is None:
            selected = set(range(len(self._nodes)))
        if not selected:
            raise ValueError(
                "Pipeline contains no nodes after applying all provided filters. Please "
                "ensure that at least one pipeline with nodes has been defined."
            )
        return self._subset(selected)


def _merge(ours: list[Node], theirs: list[Node]) -> list[Node]:
    """Our nodes, then theirs that are not equal to one of ours."""
    have = set(ours)
    return ours + [nd for nd in theirs if nd not in have]


def _flatten(items: list[Any]) -> tuple[list[Node], list[str], dict[str, int]]:
    """Nodes of ``items`` (nodes and pipelines) in order, rejecting repeated node names."""
    flat: list[Node] = []
    sources: list[Pipeline | None] = []
    for item in items:
        if isinstance(item, Node):
            flat.append(item)
            sources.append(None)
        elif isinstance(item, Pipeline):
            flat.extend(item._nodes)
            sources.extend([item] * len(item._nodes))
        else:
            raise TypeError(
                "Pipeline expects nodes and/or pipelines, but got "
                f"'{type(item).__name__}': {item!r}."
            )
    names = [nd._full_name or nd.name for nd in flat]
    by_name = dict(zip(names, range(len(names)), strict=True))
    if len(by_name) != len(names):
        _raise_duplicates(names, sources)
    return flat, names, by_name


def _raise_duplicates(names: list[str], sources: list[Pipeline | None]) -> None:
    seen: set[str] = set()
    by_source: dict[int, tuple[Pipeline | None, set[str]]] = {}
    for name, source in zip(names, sources, strict=True):
        if name in seen:
            by_source.setdefault(id(source), (source, set()))[1].add(name)
        seen.add(name)
    parts = []
    for source, dupes in by_source.values():
        label = "Free nodes" if source is None else repr(source).replace("\n", "")
        listed = "\n".join(f"  - {name}" for name in sorted(dupes))
        parts.append(f"{label}:\n{listed}\n")
    raise ValueError(
        "Pipeline nodes must have unique names. The following node names appear more than "
        f"once:\n\n{''.join(parts)}\nYou can name your nodes using the last argument of "
        "'node()'. Give each node a distinct name with node(..., name=...)."
    )


def _validate_transcoding(nodes: list[Node]) -> None:
    """Reject a dataset used both as ``name@format`` and as plain ``name``."""
    bases: set[str] = set()
    for nd in nodes:
        if nd._in_base is not nd._in:
            bases.update(b for b, full in zip(nd._in_base, nd._in, strict=True) if b != full)
        if nd._out_base is not nd._out:
            bases.update(b for b, full in zip(nd._out_base, nd._out, strict=True) if b != full)
    if not bases:
        return
    plain = {n for nd in nodes for n in (*nd._in, *nd._out) if TRANSCODING_SEPARATOR not in n}
    invalid = sorted(bases & plain)
    if invalid:
        raise ValueError(
            "The following datasets are used with transcoding, but were referenced without "
            f"the separator: {', '.join(invalid)}.\nPlease specify a transcoding option or "
            "rename the datasets."
        )


def _validate_unique_confirms(nodes: list[Node]) -> None:
    seen: dict[str, str] = {}
    dupes: set[str] = set()
    for nd in nodes:
        if not nd._confirms:
            continue
        for name in nd.confirms:
            base = _strip_transcoding(name)
            if base in seen:
                dupes.add(base)
            seen[base] = nd.name
    if dupes:
        raise ConfirmNotUniqueError(
            f"{sorted(dupes)} datasets are confirmed by more than one node. Node confirms "
            "must be unique."
        )


def pipeline(
    nodes: Iterable[Node | Pipeline] | Pipeline,
    *,
    inputs: str | set[str] | dict[str, str] | None = None,
    outputs: str | set[str] | dict[str, str] | None = None,
    parameters: str | set[str] | dict[str, str] | None = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Pipeline:
    """Reuse nodes or pipelines under a namespace and/or with renamed datasets and parameters.

    With ``namespace="ns"``, every dataset becomes ``ns.<name>``, every ``params:<key>``
    becomes ``params:ns.<key>`` and every node moves into namespace ``ns``; names listed in
    ``inputs``/``outputs``/``parameters`` are kept (or renamed, when given as a dict) instead,
    which is how a reused pipeline connects to the rest of the project. ``"parameters"`` is
    never renamed.

    Args:
        nodes: The nodes and/or pipelines to reuse.
        inputs: Free inputs to keep (a name or set) or rename (a dict old -> new).
        outputs: Outputs (free or intermediate) to keep or rename.
        parameters: Parameters to keep or rename, with or without the ``params:`` prefix.
        tags: Tags added to every node.
        namespace: Namespace for the nodes and prefix for the datasets not listed above.
        prefix_datasets_with_namespace: ``False`` only moves nodes into the namespace (useful
            to group nodes for deployment) and leaves dataset names alone.

    Returns:
        A new pipeline.

    Raises:
        PipelineError: a mapped name is not in the pipeline, a mapped input is written by
            one of its nodes, a mapped output is a free input, or a parameter is passed in
            ``inputs``.

    Example:
        >>> from kedro_ipy.pipeline import node
        >>> def double(x):
        ...     return 2 * x
        >>> base = Pipeline([node(double, "raw", "doubled", name="double")])
        >>> reused = pipeline(base, namespace="eu", inputs={"raw": "raw_eu"})
        >>> [(n.name, n.inputs, n.outputs) for n in reused.nodes]
        [('eu.double', ['raw_eu'], ['eu.doubled'])]
    """
    return Pipeline(
        nodes,
        inputs=inputs,
        outputs=outputs,
        parameters=parameters,
        tags=tags,
        namespace=namespace,
        prefix_datasets_with_namespace=prefix_datasets_with_namespace,
    )

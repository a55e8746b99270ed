"""Warn when a namespace is left and later re-entered along a path of the DAG.

A namespace is meant to be one contiguous block of work (deployment plugins turn each into one
task). If a path runs ``ns`` -> other namespace -> ``ns`` again, the namespace cannot be run as a
unit, so Kedro warns ``Namespace 'ns' is interrupted by nodes [...] and thus invalid.`` when the
pipeline is built. We emit the same warning with the same text.

The walk goes once over the nodes in execution order and carries, per node, the namespaces left
on some path leading to it (with the node that left each). Nodes that add nothing share their
parent's record instead of copying it, so a long pipeline costs little more than a pass over its
edges.
"""

from __future__ import annotations

import warnings
from collections import deque

from ._graph import _Graph
from .node import Node

__all__: list[str] = []

_EMPTY: dict[str, int] = {}


def _prefixes(namespace: str, cache: dict[str, list[str]]) -> list[str]:
    found = cache.get(namespace)
    if found is None:
        parts = namespace.split(".")
        found = cache[namespace] = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return found


def _path(graph: _Graph, start: int, end: int) -> list[int]:
    """The shortest chain of nodes from ``start`` to ``end`` following data dependencies."""
    came_from = {start: start}
    queue = deque([start])
    while queue:
        i = queue.popleft()
        if i == end:
            break
        for c in graph.children[i]:
            if c not in came_from:
                came_from[c] = i
                queue.append(c)
    path = [end]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    path.reverse()
    return path


def warn_interrupted_namespaces(nodes: list[Node], graph: _Graph, order: list[int]) -> None:
    """Emit a ``UserWarning`` for each namespace that a node re-enters after a path left it.

    Args:
        nodes: The pipeline's nodes, numbered as in ``graph``.
        graph: The pipeline's graph (parents and children by node number).
        order: Node numbers in execution order (parents first).
    """
    if not any(nd._namespace for nd in nodes):
        return
    parents = graph.parents
    cache: dict[str, list[str]] = {}
    # (parent namespace, child namespace) -> the namespaces that step leaves
    leaves: dict[tuple[str, str], tuple[str, ...]] = {}
    spaces = [nd._namespace or "" for nd in nodes]
    # left[i]: namespace -> the node where some path into i stepped out of that namespace
    left: list[dict[str, int]] = [_EMPTY] * len(nodes)
    for i in order:
        current = spaces[i]
        mine = _prefixes(current, cache)
        record: dict[str, int] | None = None
        owned = False
        for p in parents[i]:
            before = left[p]
            previous = spaces[p]
            if before:
                for hit in mine:
                    if hit in before:
                        # a parent still inside the namespace: the warning was already given
                        if not f"{previous}.".startswith(f"{hit}."):
                            _warn(nodes, graph, hit, before[hit], i)
                        break
                if record is None:
                    record = before
                elif record is not before and not before.keys() <= record.keys():
                    if not owned:
                        record, owned = dict(record), True
                    for ns, start in before.items():
                        record.setdefault(ns, start)
            if previous == current:
                continue
            step = leaves.get((previous, current))
            if step is None:
                step = leaves[previous, current] = _left_by_step(previous, current, cache)
            if step and not (record is not None and record.keys() >= set(step)):
                if not owned:
                    record, owned = dict(record or _EMPTY), True
                for ns in step:
                    record.setdefault(ns, i)  # type: ignore[union-attr]
        if record is not None:
            left[i] = record


def _left_by_step(previous: str, current: str, cache: dict[str, list[str]]) -> tuple[str, ...]:
    """The namespaces a data dependency from ``previous`` into ``current`` steps out of."""
    if not previous or current.startswith(f"{previous}."):
        return ()
    # a plain prefix test, as Kedro does: "ns1" counts as still inside for "ns10"
    return tuple(ns for ns in _prefixes(previous, cache) if not current.startswith(ns))


def _warn(nodes: list[Node], graph: _Graph, namespace: str, start: int, end: int) -> None:
    names = [nodes[k].name for k in _path(graph, start, end)[:-1]]
    warnings.warn(
        f"Namespace '{namespace}' is interrupted by nodes {names} and thus invalid.",
        UserWarning,
        stacklevel=4,
    )

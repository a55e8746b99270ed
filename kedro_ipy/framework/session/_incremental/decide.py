"""Which nodes an ``only_changed`` run executes, and why each one runs or is skipped.

A node is skipped only when a previous successful run recorded the same fingerprint for it and
its persisted outputs still hold exactly what that run saved. The fingerprint covers:

- the node itself (name, function, inputs, outputs);
- its code and, transitively, the project code and constants it reaches (see
  ``kedro_ipy.runner._code_fingerprint``);
- the values of the parameters it reads;
- its inputs: the upstream node's fingerprint for data a node of the pipeline produces (known
  before anything runs), what the dataset holds now for raw inputs (its version, or its
  files' bytes, size and time);
- the kedro_ipy and Python versions, and any pinned package versions.

Everything is computed before the run (so an input edited while the run goes on is seen as
changed next time). Anything that cannot be fingerprinted makes its node run. Skipped nodes
whose in-memory outputs a running node (or the caller) needs must have them in the output
cache, or they run too.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from kedro_ipy.pipeline.transcoding import _strip_transcoding
from kedro_ipy.runner._code_fingerprint import CodeFingerprint, CodeFingerprinter
from kedro_ipy.runner._content_hash import content_hash
from kedro_ipy.runner._dataset_fingerprint import dataset_fingerprint
from kedro_ipy.runner.resume import _is_ephemeral

if TYPE_CHECKING:
    from kedro_ipy.framework.session._incremental.cache import OutputCache
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = ["ChangePlan", "NodeDecision", "plan_changes"]

_REPR_LIMIT: Final = 60


@dataclass(frozen=True)
class NodeDecision:
    """Whether one node runs, and the reason in words (``"code of helper `scale()` changed"``).

    ``str()`` gives the form runs report: ``"ran: ..."`` or ``"skipped: ..."``.
    """

    node: str
    runs: bool
    reason: str

    @property
    def action(self) -> str:
        return "ran" if self.runs else "skipped"

    def __str__(self) -> str:
        return f"{self.action}: {self.reason}"

    def ahead(self) -> str:
        """The decision before the run: ``"would run: ..."`` or ``"would skip: ..."``."""
        return f"{'would run' if self.runs else 'would skip'}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "action": self.action, "reason": self.reason}


@dataclass
class ChangePlan:
    """The decisions for one run, and what the run needs to honour them.

    Attributes:
        decisions: One per node, in the pipeline's order.
        states: Node name -> what its fingerprint is made of (recorded if it runs).
        feed: In-memory datasets produced by skipped nodes and read by running ones, with
            their cached values.
        pinned: Versioned datasets written by skipped nodes -> the version those runs saved
            (loaded instead of the newest).
        returned: Outputs the run returns that skipped nodes produced, from the cache.
        free_outputs: Every output the whole pipeline returns (not in the catalog, unread).
        ephemeral: Names of the pipeline's datasets that are not persisted.
    """

    decisions: list[NodeDecision] = field(default_factory=list)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    feed: dict[str, Any] = field(default_factory=dict)
    pinned: dict[str, str] = field(default_factory=dict)
    returned: dict[str, Any] = field(default_factory=dict)
    free_outputs: list[str] = field(default_factory=list)
    ephemeral: frozenset[str] = frozenset()

    @property
    def to_run(self) -> list[str]:
        return [d.node for d in self.decisions if d.runs]

    @property
    def skipped(self) -> list[str]:
        return [d.node for d in self.decisions if not d.runs]


def _digest(*texts: str) -> str:
    """One digest of some strings (none of which contains a NUL)."""
    return hashlib.blake2b("\0".join(texts).encode("utf-8", "surrogatepass"),
                           digest_size=20).hexdigest()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 3] + "..."


def _flatten(prefix: str, value: Any, into: dict[str, list[str]]) -> None:
    """Parameter leaves as ``{"model.alpha": [digest, repr]}``, for "alpha 0.5 → 0.1"."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, into)
        return
    into[prefix or "parameters"] = [content_hash(value), _short(value)]


def _current_value(catalog: Any, name: str) -> Any:
    dataset = catalog[name]
    data = getattr(dataset, "_data", None)
    if data is None or type(data).__name__ == "_Empty":
        return catalog.load(name)
    return data


def _is_parameter(name: str) -> bool:
    return name == "parameters" or name.startswith("params:")


class _Spec:
    """What a decision reads of a node, read once: ``Node`` properties copy lists, and a
    session keeps its ``_Spec`` objects between runs (see ``specs_for``)."""

    __slots__ = ("data", "func", "identity", "inputs", "main", "name", "node", "outputs",
                 "params", "produced")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.name = node.name
        self.func = func = node.func
        self.inputs = node.inputs
        self.outputs = node.outputs
        self.params = [name for name in self.inputs if _is_parameter(name)]
        self.data = [
            (name, _strip_transcoding(name)) for name in self.inputs if not _is_parameter(name)
        ]
        self.produced = [(name, _strip_transcoding(name)) for name in self.outputs]
        self.main = (f"{getattr(func, '__module__', None)}."
                     f"{getattr(func, '__qualname__', repr(func))}")
        self.identity = _digest(self.name, self.main, "\1".join(self.inputs),
                                "\1".join(self.outputs))


def specs_for(pipeline: Pipeline, known: dict[int, _Spec]) -> list[_Spec]:
    """The pipeline's nodes as ``_Spec`` objects, reusing those of nodes seen before (a
    ``_Spec`` holds its node, so the id it is filed under cannot be reused meanwhile)."""
    specs = []
    for node in pipeline.nodes:
        spec = known.get(id(node))
        if spec is None or spec.node is not node:
            spec = known[id(node)] = _Spec(node)
        specs.append(spec)
    if len(known) > 4 * len(specs) + 10_000:  # nodes of pipelines built before a reload
        current = {id(spec.node) for spec in specs}
        for key in [k for k in known if k not in current]:
            del known[key]
    return specs


class _Planner:
    """One decision: computes every node's fingerprint, then decides from the last node up."""

    def __init__(self, specs: list[_Spec], catalog: Any, history: dict[str, dict[str, Any]],
                 cache: OutputCache, fingerprinter: CodeFingerprinter, environment: dict[str, Any]):
        self.specs = specs
        self.catalog = catalog
        self.history = history
        self.cache = cache
        self.fingerprinter = fingerprinter
        self.environment = environment
        self.producers: dict[str, _Spec] = {}
        self.consumers: dict[str, list[_Spec]] = {}
        read: set[str] = set()
        for spec in self.specs:
            for _, base in spec.produced:
                self.producers[base] = spec
            for _, base in spec.data:
                read.add(base)
                self.consumers.setdefault(base, []).append(spec)
        #: outputs no node of the pipeline reads, in order
        self.pipeline_outputs = list(dict.fromkeys(
            name for spec in self.specs for name, base in spec.produced if base not in read))
        self.pinned: dict[str, str] = {}
        self._code: dict[int, tuple[CodeFingerprint, str]] = {}
        self._params: dict[str, tuple[str, dict[str, list[str]]] | str] = {}
        self._raw: dict[str, str | None] = {}
        self._ephemeral: dict[str, bool] = {}
        self._environment_text = json.dumps(environment, sort_keys=True)

    # -- fingerprints ---------------------------------------------------------------------
    def is_ephemeral(self, name: str) -> bool:
        found = self._ephemeral.get(name)
        if found is None:
            found = name not in self.catalog or _is_ephemeral(self.catalog[name])
            self._ephemeral[name] = found
        return found

    def _code_of(self, func: Any) -> tuple[CodeFingerprint, str]:
        key = id(func)
        found = self._code.get(key)
        if found is None:
            code = self.fingerprinter.fingerprint(func)
            found = self._code[key] = (code, code.digest or "")
        return found

    def _params_of(self, name: str) -> tuple[str, dict[str, list[str]]] | str:
        """The value's content hash (what the fingerprint uses: exact, whatever the keys
        look like) and its leaves (what explanations compare), or why the parameter cannot
        be fingerprinted."""
        found = self._params.get(name)
        if found is None:
            leaves: dict[str, list[str]] = {}
            try:
                value = _current_value(self.catalog, name)
                prefix = "" if name == "parameters" else name.split(":", 1)[1]
                _flatten(prefix, value, leaves)
                found = (content_hash(value), leaves)
            except Exception as exc:  # any failure is a miss, never a hit
                found = f"parameter {name} cannot be fingerprinted ({exc})"
            self._params[name] = found
        return found

    def _raw_input(self, name: str) -> str | None:
        if name not in self._raw:
            self._raw[name] = dataset_fingerprint(self.catalog[name]) \
                if name in self.catalog else None
        return self._raw[name]

    def state(self, spec: _Spec, states: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """What the node's fingerprint is made of, and the fingerprint (``None`` if some part
        cannot be fingerprinted; ``problems`` then says which)."""
        code, code_digest = self._code_of(spec.func)
        problems = list(code.problems)
        params: dict[str, list[str]] = {}
        values: dict[str, str] = {}
        inputs: dict[str, str | None] = {}
        for name in spec.params:
            found = self._params_of(name)
            if isinstance(found, str):
                problems.append(found)
            else:
                values[name] = found[0]
                params.update(found[1])
        producers = self.producers
        for name, base in spec.data:
            producer = producers.get(base)
            if producer is not None and producer is not spec:
                upstream = states[producer.name]["fingerprint"]
                inputs[name] = None if upstream is None else f"node:{upstream}"
                if upstream is None:
                    problems.append(f"input {name} comes from node '{producer.name}', which "
                                    "cannot be fingerprinted")
            else:
                raw = self._raw_input(name)
                inputs[name] = None if raw is None else f"data:{raw}"
                if raw is None:
                    problems.append(f"input {name} cannot be fingerprinted")
        identity = spec.identity
        state: dict[str, Any] = {
            "identity": identity,
            "main": spec.main,
            "produces": spec.outputs,
            "code": code.parts,  # shared by the nodes of one function: never changed
            "kinds": code.kinds,
            "params": params,
            "param_values": values,
            "inputs": inputs,
            "environment": self.environment,
            "problems": problems,
        }
        if problems:
            state["fingerprint"] = None
        else:
            state["fingerprint"] = _digest(
                identity, code_digest, self._environment_text,
                *(f"{key}={value}" for key, value in values.items()),
                *(f"{key}={value}" for key, value in inputs.items()))
        return state

    # -- outputs of the previous run ------------------------------------------------------
    def _outputs_changed(self, spec: _Spec, previous: dict[str, Any]) -> str | None:
        """Why the persisted outputs no longer hold what the last run saved (or ``None``)."""
        recorded = previous.get("outputs") or {}
        run = previous.get("run_id")
        for name in spec.outputs:
            if self.is_ephemeral(name):
                continue
            saved = recorded.get(name)
            if not isinstance(saved, dict) or saved.get("fp") is None:
                return f"output {name} was not recorded by run {run}"
            dataset = self.catalog[name]
            version = saved.get("version")
            if version:
                dataset = self.catalog._at_version(name, dataset, version)
            if dataset_fingerprint(dataset) != saved["fp"]:
                state = "changed" if _exists(dataset) else "is missing"
                return f"output {name} {state} since run {run}"
            if version:
                self.pinned[name] = version
        return None

    def _why_run(self, spec: _Spec, state: dict[str, Any]) -> str | None:
        if state["problems"]:
            return "cannot fingerprint: " + "; ".join(state["problems"])
        previous = self.history.get(spec.name)
        if previous is None:
            return "no previous run"
        if previous.get("mutated"):
            return (f"it changed its input {previous['mutated']} during run "
                    f"{previous.get('run_id')}, so that run's result is not reused")
        try:
            if previous.get("fingerprint") != state["fingerprint"]:
                return explain_difference(state, previous)
            return self._outputs_changed(spec, previous)
        except Exception as exc:  # a damaged .kedro_ipy/cache/nodes.json: run, never trust
            return (f"the record of its last run cannot be read ({type(exc).__name__}: "
                    f"{exc})")

    # -- the decision ---------------------------------------------------------------------
    def plan(self) -> ChangePlan:
        states: dict[str, dict[str, Any]] = {}
        reasons: dict[str, str | None] = {}
        for spec in self.specs:
            state = states[spec.name] = self.state(spec, states)
            reasons[spec.name] = self._why_run(spec, state)
        free_outputs = [name for name in self.pipeline_outputs if name not in self.catalog]
        free = set(free_outputs)

        # From the last node up: a skipped node whose in-memory output a running node (or
        # the caller) needs must find it in the cache, or run after all.
        runs = {name for name, reason in reasons.items() if reason is not None}
        feed: dict[str, Any] = {}
        returned: dict[str, Any] = {}
        for spec in reversed(self.specs):
            if spec.name in runs:
                continue
            fingerprint = states[spec.name]["fingerprint"]
            for name, base in spec.produced:
                readers = [c for c in self.consumers.get(base, ()) if c.name in runs]
                if not (readers or name in free) or not self.is_ephemeral(name):
                    continue
                found, value = self.cache.get(fingerprint, name)
                if not found:
                    runs.add(spec.name)
                    reasons[spec.name] = f"output {name} is needed but not in the cache"
                    break
                if readers:
                    feed[name] = value
                if name in free:
                    returned[name] = value
        for spec in self.specs:  # a node that runs after all produces its outputs itself
            if spec.name in runs:
                for name in spec.outputs:
                    feed.pop(name, None)
                    returned.pop(name, None)
                    self.pinned.pop(name, None)

        decisions = []
        for spec in self.specs:
            if spec.name in runs:
                decisions.append(NodeDecision(spec.name, True, reasons[spec.name] or "changed"))
            else:
                run = (self.history.get(spec.name) or {}).get("run_id")
                decisions.append(NodeDecision(spec.name, False, f"unchanged since run {run}"))
        ephemeral = frozenset(name for spec in self.specs for name in spec.outputs
                              if self.is_ephemeral(name))
        return ChangePlan(decisions=decisions, states=states, feed=feed,
                          pinned=dict(self.pinned), returned=returned,
                          free_outputs=free_outputs, ephemeral=ephemeral)


def _exists(dataset: Any) -> bool:
    try:
        return bool(dataset.exists())
    except Exception:
        return False


def explain_difference(state: dict[str, Any], previous: dict[str, Any]) -> str:
    """The changes between two fingerprints, in words, most telling first."""
    reasons: list[str] = []
    old_env, new_env = previous.get("environment") or {}, state["environment"]
    for key in sorted(set(old_env) | set(new_env)):
        if old_env.get(key) != new_env.get(key):
            reasons.append(f"{key} version {old_env.get(key)} → {new_env.get(key)}")
    if reasons:  # it changes every fingerprint: the rest would only repeat it
        return "; ".join(reasons)
    if previous.get("identity") != state["identity"]:
        reasons.append("the node's function, inputs or outputs changed")
    old_code, new_code = previous.get("code") or {}, state["code"]
    kinds = state.get("kinds") or {}
    for key in sorted(set(old_code) | set(new_code)):
        if old_code.get(key) == new_code.get(key):
            continue
        change = "changed" if key in old_code and key in new_code else (
            "is new" if key in new_code else "is no longer used")
        reasons.append(describe_part(key, state["main"], kinds.get(key), change))
    old_params, new_params = previous.get("params") or {}, state["params"]
    for key in sorted(set(old_params) | set(new_params)):
        old, new = old_params.get(key), new_params.get(key)
        if old is None:
            reasons.append(f"parameter {key} is new ({new[1]})")
        elif new is None:
            reasons.append(f"parameter {key} is no longer read")
        elif old[0] != new[0] and old[1] == new[1]:
            reasons.append(f"parameter {key} changed (the difference is deep inside)")
        elif old[0] != new[0]:
            reasons.append(f"parameter {key} {old[1]} → {new[1]}")
    if not any(reason.startswith("parameter ") for reason in reasons):
        old_values, new_values = previous.get("param_values") or {}, state["param_values"]
        for key in sorted(set(old_values) | set(new_values)):
            if old_values.get(key) != new_values.get(key):  # e.g. a key "a.b" became a: {b:}
                reasons.append(f"parameter {key.partition(':')[2] or key} changed")
    old_inputs, new_inputs = previous.get("inputs") or {}, state["inputs"]
    for key in sorted(set(old_inputs) | set(new_inputs)):
        old, new = str(old_inputs.get(key) or ""), str(new_inputs.get(key) or "")
        if old == new:
            continue
        if old.startswith("node:") and new.startswith("data:"):
            reasons.append(f"input {key} is read from its dataset this time (the node that "
                           "produced it last time is not part of this run)")
        elif old.startswith("data:") and new.startswith("node:"):
            reasons.append(f"input {key} is produced by a node of this run this time")
        else:
            reasons.append(f"input {key} changed" + (" upstream" if new.startswith("node:")
                                                     else ""))
    return "; ".join(reasons) or "its fingerprint changed"


def describe_part(key: str, main: str, kind: str | None, change: str) -> str:
    """``code of helper `scale()` changed``, ``constant `FACTOR` changed``, ..."""
    if key.endswith(">"):  # pkg.mod.make.<locals>.inner.<closure alpha>
        owner, _, what = key[:-1].rpartition(".<")
        return f"{what} of `{owner.rsplit('.', 1)[-1]}()` {change}"
    short = key.rsplit(".", 1)[-1]
    if key == main:
        return f"code of `{short}()` {change}"
    if kind == "function":
        return f"code of helper `{short}()` {change}"
    if kind == "class":
        return f"class `{short}` {change}"
    return f"`{short}` {change}"


def environment(version: str, packages: tuple[str, ...] = ()) -> dict[str, Any]:
    """The versions a fingerprint includes: kedro_ipy's, Python's, and pinned packages'."""
    found: dict[str, Any] = {"kedro_ipy": version,
                             "python": ".".join(map(str, sys.version_info[:2]))}
    if packages:
        from importlib import metadata

        for name in packages:
            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = None
    return found


def plan_changes(pipeline: Pipeline, catalog: Any, history: dict[str, dict[str, Any]],
                 cache: OutputCache, fingerprinter: CodeFingerprinter,
                 env: dict[str, Any], known: dict[int, _Spec] | None = None) -> ChangePlan:
    """Decide, before anything runs, which nodes of ``pipeline`` run and why.

    ``known`` keeps what was read of each node between calls (a session passes its own).
    """
    specs = specs_for(pipeline, known if known is not None else {})
    return _Planner(specs, catalog, history, cache, fingerprinter, env).plan()

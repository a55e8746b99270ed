"""``RunRequest``: what one run runs, in one frozen value owned by the session layer.

Why one type: the magic, the panel and ``kedro-ipy run`` all describe a run (pipeline,
filters, runner, versions, per-run parameters). They used to do so in five shapes, each with
its own spelling of "the default pipeline" and "the default runner". Now each front door
parses its input into a ``RunRequest``, hands it to ``KedroSession.plan`` / ``run`` and renders
what comes back; none of them decides anything again.

``str(request)`` is the ``%session_run ...`` line that makes the same request, and
``RunRequest.parse(line)`` reads such a line back, so the panel, history and resume hints
always show a line the user can paste. The grammar (options, comma-separated lists) lives
here too, in plain argparse, so the magic adds only its own ``--as`` to it.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.framework.session._options import (
    RunOptionError,
    params_to_items,
    parse_load_versions,
    parse_params,
    runner_alias,
    split_items,
)

__all__ = [
    "DEFAULT_PIPELINE",
    "FILTERS",
    "RunRequest",
    "RunRequestError",
    "add_run_options",
    "join_split_commas",
]

#: The one spelling of "the default pipeline".
DEFAULT_PIPELINE = "__default__"

#: The node filters, in the order they are checked and written, with their ``%session_run``
#: option. The keys are ``KedroSession.run``'s keyword names and ``RunRequest``'s fields.
FILTERS: dict[str, str] = {
    "tags": "--tags",
    "node_names": "--nodes",
    "from_nodes": "--from-nodes",
    "to_nodes": "--to-nodes",
    "from_inputs": "--from-inputs",
    "to_outputs": "--to-outputs",
    "namespaces": "--namespaces",
}

_LIST_HELP: dict[str, tuple[str, str]] = {
    "tags": ("TAG,...", "run only nodes that have any of these tags"),
    "node_names": ("NODE,...", "run only these nodes"),
    "from_nodes": ("NODE,...", "start from these nodes (and run what depends on them)"),
    "to_nodes": ("NODE,...", "stop at these nodes (and run what they depend on)"),
    "from_inputs": ("DATASET,...", "start from the nodes that consume these datasets"),
    "to_outputs": ("DATASET,...", "stop at the nodes that produce these datasets"),
    "namespaces": ("NAMESPACE,...", "run only nodes in these namespaces"),
}


class RunRequestError(ValueError, KedroIpyError):
    """A run request could not be read: an unknown option, a malformed item or runner name."""


def _names(values: str | Iterable[str] | None) -> tuple[str, ...]:
    """A filter's names as a tuple; a lone string is one name (not its characters)."""
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(dict.fromkeys(str(value) for value in values))


def _freeze(value: Any) -> Any:
    """Nested mappings as read-only views, so a frozen request cannot change under a run.

    An empty nested mapping overrides nothing (parameters merge level by level), so it is
    dropped: the request then reads the same as the line that describes it.
    """
    if isinstance(value, Mapping):
        frozen = {str(k): _freeze(v) for k, v in value.items()}
        return MappingProxyType({k: v for k, v in frozen.items()
                                 if not (isinstance(v, Mapping) and not v)})
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, eq=True)
class RunRequest:
    """One run: which pipelines, which nodes, with which runner, versions and parameters.

    The values are normalised on construction, so two requests that run the same thing are
    equal: no pipeline means ``("__default__",)``, the default runner is ``None`` (a name
    such as ``"ThreadRunner"`` or ``"thread"`` becomes ``"Thread"``), filters are tuples.

    Attributes:
        pipeline_names: registered pipelines, run together.
        tags, node_names, from_nodes, to_nodes, from_inputs, to_outputs, namespaces:
            the filters of ``KedroSession.run``; each applies to the whole pipeline and
            the results intersect (Kedro's rule).
        runner: ``None`` (``SequentialRunner``), an alias (``"Thread"``, ``"Parallel"``),
            a dotted class path, or a runner instance (kept as given; not parseable).
        load_versions: dataset -> version to load instead of the newest.
        params: parameters overriding the session's for this run only (nested dict).
        only_missing_outputs: skip nodes whose persisted outputs exist already.
        only_changed: run only the nodes whose code, parameters or inputs changed since
            their last successful run (``--changed``; see ``KedroSession.run``).

    Example:
        >>> request = RunRequest.parse("forecasting --tags training")
        >>> str(request)
        '%session_run forecasting --tags training'
    """

    pipeline_names: tuple[str, ...] = (DEFAULT_PIPELINE,)
    tags: tuple[str, ...] = ()
    node_names: tuple[str, ...] = ()
    from_nodes: tuple[str, ...] = ()
    to_nodes: tuple[str, ...] = ()
    from_inputs: tuple[str, ...] = ()
    to_outputs: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    runner: Any = None
    load_versions: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    only_missing_outputs: bool = False
    only_changed: bool = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "pipeline_names", _names(self.pipeline_names) or (DEFAULT_PIPELINE,))
        for key in FILTERS:
            set_(self, key, _names(getattr(self, key)))
        runner = self.runner
        if isinstance(runner, str):
            runner = runner_alias(runner)
        set_(self, "runner", runner or None)
        set_(self, "load_versions",
             MappingProxyType({str(k): str(v) for k, v in (self.load_versions or {}).items()}))
        set_(self, "params", _freeze(self.params or {}))
        set_(self, "only_missing_outputs", bool(self.only_missing_outputs))
        set_(self, "only_changed", bool(self.only_changed))

    def __hash__(self) -> int:
        return hash(str(self))

    def __repr__(self) -> str:
        return f"<RunRequest: {self}>"

    # -- names -----------------------------------------------------------------------------
    @property
    def pipeline_name(self) -> str:
        """The pipelines as one name, ``a + b`` when several (as records and messages show)."""
        return " + ".join(self.pipeline_names)

    @property
    def is_default_pipeline(self) -> bool:
        return self.pipeline_names == (DEFAULT_PIPELINE,)

    def filters(self) -> dict[str, tuple[str, ...]]:
        """The filters that are set, in :data:`FILTERS` order."""
        return {key: getattr(self, key) for key in FILTERS if getattr(self, key)}

    def params_dict(self) -> dict[str, Any]:
        """The per-run parameters as a plain (mutable, nested) dict."""
        return _thaw(self.params)

    def replace(self, **changes: Any) -> RunRequest:
        """A copy with ``changes`` (normalised like the constructor)."""
        return dataclasses.replace(self, **changes)

    def resume_from(self, nodes: Sequence[str]) -> RunRequest:
        """The same run restarted at ``nodes`` (the resume suggestion of a failed run).

        The other filters are kept: filters intersect and the resume nodes lie inside the
        pipeline that ran, so the result is exactly the part of that run still to do.
        """
        return self.replace(from_nodes=tuple(nodes), from_inputs=())

    # -- keyword arguments ----------------------------------------------------------------
    @classmethod
    def from_run_kwargs(
        cls,
        pipeline_name: str | None = None,
        tags: Iterable[str] | None = None,
        runner: Any = None,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        load_versions: Mapping[str, str] | None = None,
        *,
        pipeline_names: Iterable[str] | None = None,
        namespaces: Iterable[str] | None = None,
        only_missing_outputs: bool = False,
        params: Mapping[str, Any] | None = None,
        only_changed: bool = False,
    ) -> RunRequest:
        """The request ``KedroSession.run``'s keyword form describes (the seed's signature).

        ``pipeline_name``, when given, wins over ``pipeline_names`` (as in Kedro 1.x).
        """
        names = _names(pipeline_name) if pipeline_name else _names(pipeline_names)
        return cls(
            pipeline_names=names, tags=_names(tags), node_names=_names(node_names),
            from_nodes=_names(from_nodes), to_nodes=_names(to_nodes),
            from_inputs=_names(from_inputs), to_outputs=_names(to_outputs),
            namespaces=_names(namespaces), runner=runner,
            load_versions=dict(load_versions or {}), params=params or {},
            only_missing_outputs=only_missing_outputs, only_changed=only_changed,
        )

    # -- records ---------------------------------------------------------------------------
    def to_record(self) -> dict[str, Any]:
        """The request as JSON-friendly fields of a run record (``store["runs"][i]``)."""
        record: dict[str, Any] = {
            "pipeline_name": self.pipeline_name,
            "pipeline_names": list(self.pipeline_names),
        }
        for key in FILTERS:
            record[key] = list(getattr(self, key)) or None
        record["runner_option"] = self.runner_option
        record["load_versions"] = dict(self.load_versions) or None
        record["params"] = self.params_dict()
        record["only_missing_outputs"] = self.only_missing_outputs
        record["only_changed"] = self.only_changed
        record["command"] = str(self)
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> RunRequest:
        """The request a run record describes (records of older versions included)."""
        names = record.get("pipeline_names") or [
            name.strip() for name in str(record.get("pipeline_name") or "").split(" + ")
            if name.strip()
        ]
        runner = record.get("runner_option") or record.get("runner")
        return cls(
            pipeline_names=tuple(names),
            runner=runner,
            load_versions=dict(record.get("load_versions") or {}),
            params=dict(record.get("params") or {}),
            only_missing_outputs=bool(record.get("only_missing_outputs")),
            only_changed=bool(record.get("only_changed")),
            **{key: tuple(record.get(key) or ()) for key in FILTERS},
        )

    # -- the %session_run line -------------------------------------------------------------
    @property
    def runner_option(self) -> str | None:
        """What ``--runner`` would say: an alias or dotted path; ``None`` for the default."""
        return runner_alias(self.runner)

    def to_arguments(self) -> list[str]:
        """The options after ``%session_run``, as tokens (unquoted)."""
        parts: list[str] = []
        if not self.is_default_pipeline:
            parts.append(",".join(self.pipeline_names))
        for key, option in FILTERS.items():
            values = getattr(self, key)
            if values:
                parts += _option(option, ",".join(values))
        runner = self.runner_option
        if runner:
            parts += _option("--runner", runner)
        if self.load_versions:
            parts += _option("--load-versions",
                             ",".join(f"{ds}:{v}" for ds, v in self.load_versions.items()))
        if self.params:
            parts += _option("--params", ",".join(params_to_items(self.params)))
        if self.only_missing_outputs:
            parts.append("--only-missing-outputs")
        if self.only_changed:
            parts.append("--changed")
        return parts

    def __str__(self) -> str:
        return " ".join(["%session_run", *(_quote(p) for p in self.to_arguments())])

    @classmethod
    def parse(cls, line: str) -> RunRequest:
        """Read a ``%session_run ...`` line (the ``%session_run`` itself is optional).

        Raises:
            RunRequestError: an unknown option, a value missing, or a malformed item.
        """
        tokens = shlex.split(line, posix=True)
        if tokens and tokens[0] in ("%session_run", "session_run"):
            tokens = tokens[1:]
        parser = _StrictParser(prog="%session_run", add_help=False, allow_abbrev=False)
        add_run_options(parser)
        namespace = parser.parse_args(join_split_commas(tokens))
        return cls.from_namespace(namespace)

    @classmethod
    def from_namespace(cls, namespace: argparse.Namespace) -> RunRequest:
        """The request from options added by :func:`add_run_options` and parsed.

        Raises:
            RunRequestError: a malformed ``--params`` or ``--load-versions`` item.
        """
        try:
            return cls(
                pipeline_names=tuple(split_items(namespace.pipeline)),
                runner=namespace.runner,
                load_versions=parse_load_versions(namespace.load_versions),
                params=parse_params(namespace.params),
                only_missing_outputs=namespace.only_missing_outputs,
                only_changed=bool(getattr(namespace, "only_changed", False)),
                **{key: tuple(split_items(getattr(namespace, key))) for key in FILTERS},
            )
        except RunOptionError as exc:
            raise RunRequestError(str(exc)) from None


def _quote(token: str) -> str:
    """``token`` as the shell-like split of a magic line reads it back: bare when safe, in
    single quotes, or (when it holds a single quote) in double quotes."""
    quoted = shlex.quote(token)
    if quoted == token or "'" not in token:
        return quoted
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _option(option: str, value: str) -> list[str]:
    # A value starting with "-" would read as an option: glue it to its option instead.
    return [f"{option}={value}"] if value.startswith("-") else [option, value]


class _StrictParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # never exit the process
        raise RunRequestError(f"{message}\n{self.format_usage().strip()}")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Add ``%session_run``'s run options to ``parser`` (the magic adds ``--as`` of its own).

    The values are kept as typed (lists of comma-separated items); :meth:`RunRequest.
    from_namespace` reads them.
    """
    parser.add_argument("pipeline", nargs="?", metavar="PIPELINE",
                        help="registered pipeline name, or several as a,b "
                             f"(default: {DEFAULT_PIPELINE})")
    for key, option in FILTERS.items():
        metavar, text = _LIST_HELP[key]
        parser.add_argument(option, dest=key, action="append", metavar=metavar, help=text)
    parser.add_argument("--runner", metavar="RUNNER",
                        help="Sequential (default), Thread, Parallel or a dotted class path")
    parser.add_argument("--load-versions", action="append", metavar="DATASET:VERSION,...",
                        help="load these versions of versioned datasets")
    parser.add_argument("--params", action="append", metavar="KEY=VALUE,...",
                        help="override parameters for this run only (model.alpha=0.1)")
    parser.add_argument("--only-missing-outputs", action="store_true",
                        help="skip nodes whose persisted outputs exist already")
    parser.add_argument("--changed", dest="only_changed", action="store_true",
                        help="run only the nodes whose code, parameters or inputs changed "
                             "since their last successful run")


def join_split_commas(tokens: Sequence[str]) -> list[str]:
    """Glue list items separated by a comma *and* a space back together.

    ``--tags training, evaluation`` reaches the parser as ``["--tags", "training,",
    "evaluation"]``; a token ending in a comma (or one starting with one) continues the
    previous value, so that means the two tags, as the user meant.
    """
    joined: list[str] = []
    for token in tokens:
        if joined and not token.startswith("-") and (
            joined[-1].endswith(",") or (token.startswith(",") and not joined[-1].startswith("-"))
        ):
            joined[-1] = joined[-1] + token
        else:
            joined.append(token)
    return joined

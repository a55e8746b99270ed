"""Parsed magic lines: ``RunArguments`` and ``CreateArguments``.

The magics stay thin because the parsing lives here, in plain Python with no IPython import,
so it can be tested on its own and reused by the panel (which shows the ``%session_run ...``
line equivalent to its choices). Lists are comma-separated, like Kedro's CLI
(``--tags a,b``); an option may also be repeated (``--tags a --tags b``). Values are never
separated by spaces, so ``%session_run --tags a b`` is an error rather than a silent guess.
The values themselves (lists, ``--params``, ``--load-versions``, ``--runner``) are read by
``kedro_ipy.framework.session._options``, exactly as ``kedro-ipy run`` reads them.
"""

from __future__ import annotations

import argparse
import dataclasses
import keyword
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from kedro_ipy.utils import close_matches

__all__ = [
    "CreateArguments",
    "LoadNodeArguments",
    "MagicArgumentError",
    "RunArguments",
    "magic_help",
    "parse_no_arguments",
]

class MagicArgumentError(ValueError):
    """A magic line could not be parsed; the magic shows ``message`` and its usage.

    Raised by the ``parse`` functions here and turned into IPython's plain ``UsageError`` at
    the magic boundary, so the user sees one line and the usage, never a traceback.
    """

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        return f"{self.message}\n{self.usage}".rstrip()


class _HelpRequested(Exception):
    """``-h``/``--help`` was given: the magic prints its help instead of running."""


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises instead of exiting and never abbreviates options.

    Abbreviations are off so that ``--tag`` is reported as a typo of ``--tags`` instead of
    being silently accepted.
    """

    #: Options that belong to another magic, with what to write instead (``kedro run
    #: --params`` habits meet ``%session_run``, whose session already has its parameters).
    elsewhere: dict[str, str] = {}

    def __init__(self, prog: str, description: str, usage: str) -> None:
        super().__init__(
            prog=prog,
            usage=usage,
            description=description,
            add_help=False,
            allow_abbrev=False,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def error(self, message: str) -> None:  # type: ignore[override]
        raise MagicArgumentError(message, self.format_usage().strip())

    def option_names(self) -> list[str]:
        return [opt for action in self._actions for opt in action.option_strings]

    def parse_line(self, line: str) -> argparse.Namespace:
        try:
            tokens = shlex.split(line, posix=True)
        except ValueError as exc:  # unbalanced quotes
            raise MagicArgumentError(
                f"cannot split the line: {exc}", self.format_usage().strip()
            ) from None
        if "-h" in tokens or "--help" in tokens:
            raise _HelpRequested(self.format_help())
        namespace, extras = self.parse_known_args(tokens)
        if extras:
            self._reject_extras(extras, namespace)
        return namespace

    def _reject_extras(self, extras: list[str], namespace: argparse.Namespace) -> None:
        usage = self.format_usage().strip()
        first = extras[0]
        if first.startswith("-"):
            option = first.split("=", 1)[0]
            if option in self.elsewhere:
                raise MagicArgumentError(f"unrecognized argument {option}: "
                                         f"{self.elsewhere[option]}", usage)
            options = self.option_names()
            prefixed = [o for o in options if option.startswith(o) or o.startswith(option)]
            matches = prefixed[:1] or close_matches(option, options, n=1)
            hint = f" (did you mean {matches[0]}?)" if matches else ""
            raise MagicArgumentError(f"unrecognized argument {option}{hint}", usage)
        raise MagicArgumentError(
            f"unexpected argument '{first}': list values are separated by commas, "
            f"not spaces (for example --tags a,b)",
            usage,
        )


def _quote(value: str) -> str:
    return shlex.quote(value)


def _join(values: Iterable[str]) -> str:
    return _quote(",".join(values))


def _options() -> ModuleType:
    """The run-option readers shared with ``kedro-ipy run``, imported on first use so that
    ``%load_ext`` imports nothing of the framework."""
    from kedro_ipy.framework.session import _options

    return _options


def _read(reader: str, values: list[str] | None, usage: str) -> Any:
    """``values`` read by the shared reader named ``reader``; bad items are usage errors."""
    options = _options()
    try:
        return getattr(options, reader)(values)
    except options.RunOptionError as exc:
        raise MagicArgumentError(str(exc), usage) from None


# --------------------------------------------------------------------------------------------
# %session_run

_RUN_DESCRIPTION = """\
Run a pipeline of the current session, as often as you like.

Every filter of KedroSession.run is available; lists are comma-separated
(--tags a,b) and an option may be repeated. The outputs that the catalog does
not keep are returned in a dict, stored in the variable `outputs` (or the name
given with --as) and shown. Project source files edited since the previous run
are reloaded first. When a node fails, the error is shown with a line to paste
that resumes the run.

Examples:
  %session_run
  %session_run data_science --tags training
  %session_run --from-nodes split_data --runner Thread --as result
"""


def _run_parser() -> _Parser:
    parser = _Parser("%session_run", _RUN_DESCRIPTION, (
        "%(prog)s [PIPELINE] [--tags TAG,...] [--nodes NODE,...]\n"
        "         [--from-nodes NODE,...] [--to-nodes NODE,...] [--from-inputs DATASET,...]\n"
        "         [--to-outputs DATASET,...] [--runner RUNNER]\n"
        "         [--load-versions DATASET:VERSION,...] [--as NAME]"))
    parser.add_argument("pipeline", nargs="?", metavar="PIPELINE",
                        help="registered pipeline name (default: __default__)")
    lists = (
        ("--tags", "TAG,...", "run only nodes that have any of these tags"),
        ("--nodes", "NODE,...", "run only these nodes"),
        ("--from-nodes", "NODE,...", "start from these nodes (and run what depends on them)"),
        ("--to-nodes", "NODE,...", "stop at these nodes (and run what they depend on)"),
        ("--from-inputs", "DATASET,...", "start from the nodes that consume these datasets"),
        ("--to-outputs", "DATASET,...", "stop at the nodes that produce these datasets"),
        ("--load-versions", "DATASET:VERSION,...", "load these versions of versioned datasets"),
    )
    for option, metavar, text in lists:
        parser.add_argument(option, action="append", metavar=metavar, help=text)
    parser.add_argument("--runner", metavar="RUNNER",
                        help="Sequential (default), Thread, Parallel or a dotted class path")
    parser.add_argument("--as", dest="as_name", metavar="NAME", default="outputs",
                        help="variable that receives the outputs (default: outputs)")
    parser.elsewhere = {
        "--params": "parameters are fixed when the session is created: "
                    "%session_create --params model.alpha=0.1",
        "--env": "the environment is fixed when the session is created: "
                 "%session_create --env ENV",
    }
    return parser


@dataclass(frozen=True)
class RunArguments:
    """The parsed ``%session_run`` line: what to run and where to put the outputs.

    Build one with ``RunArguments.parse(line)``, from a run record of the session store with
    ``RunArguments.from_run_record(record)``, or directly. ``to_run_kwargs()`` gives the
    keyword arguments of ``KedroSession.run``; ``to_magic_line()`` the equivalent line, so
    ``RunArguments.parse(args.to_magic_line().split(" ", 1)[1]) == args``.
    """

    pipeline: str | None = None
    tags: tuple[str, ...] = ()
    node_names: tuple[str, ...] = ()
    from_nodes: tuple[str, ...] = ()
    to_nodes: tuple[str, ...] = ()
    from_inputs: tuple[str, ...] = ()
    to_outputs: tuple[str, ...] = ()
    runner: str | None = None
    load_versions: Mapping[str, str] = field(default_factory=dict)
    as_name: str = "outputs"

    #: The list-valued fields and their options, in the order ``to_magic_line`` writes them.
    LIST_OPTIONS = (
        ("tags", "--tags"),
        ("node_names", "--nodes"),
        ("from_nodes", "--from-nodes"),
        ("to_nodes", "--to-nodes"),
        ("from_inputs", "--from-inputs"),
        ("to_outputs", "--to-outputs"),
    )

    @classmethod
    def parse(cls, line: str) -> RunArguments:
        """Parse the text after ``%session_run``.

        Raises:
            MagicArgumentError: unknown option, a missing value, a malformed item.
        """
        parser = _run_parser()
        ns = parser.parse_line(line)
        usage = parser.format_usage().strip()
        if not ns.as_name.isidentifier() or keyword.iskeyword(ns.as_name):
            raise MagicArgumentError(f"--as expects a Python variable name, got '{ns.as_name}'",
                                     usage)
        split = _options().split_items
        return cls(
            pipeline=ns.pipeline,
            tags=tuple(split(ns.tags)),
            node_names=tuple(split(ns.nodes)),
            from_nodes=tuple(split(ns.from_nodes)),
            to_nodes=tuple(split(ns.to_nodes)),
            from_inputs=tuple(split(ns.from_inputs)),
            to_outputs=tuple(split(ns.to_outputs)),
            runner=ns.runner,
            load_versions=_read("parse_load_versions", ns.load_versions, usage),
            as_name=ns.as_name,
        )

    @classmethod
    def from_run_record(cls, record: Mapping[str, Any]) -> RunArguments:
        """The arguments of a run recorded in ``session.store["runs"]``."""

        def names(key: str) -> tuple[str, ...]:
            return tuple(record.get(key) or ())

        runner = _options().runner_alias(record.get("runner"))
        pipeline = record.get("pipeline_name")
        return cls(
            pipeline=None if pipeline in (None, "__default__") else pipeline,
            tags=names("tags"),
            node_names=names("node_names"),
            from_nodes=names("from_nodes"),
            to_nodes=names("to_nodes"),
            from_inputs=names("from_inputs"),
            to_outputs=names("to_outputs"),
            runner=runner or None,
            load_versions=dict(record.get("load_versions") or {}),
        )

    def resume_from(self, nodes: Sequence[str]) -> RunArguments:
        """The same run restarted at ``nodes`` (Kedro's resume suggestion).

        The other filters are kept: filters intersect, and the resume nodes lie inside the
        pipeline that ran, so the result is exactly the part of that run still to do.
        """
        return dataclasses.replace(self, from_nodes=tuple(nodes), from_inputs=())

    def to_run_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``KedroSession.run``; the runner is instantiated here.

        Raises:
            MagicArgumentError: the runner cannot be found.
        """
        runner = None
        if self.runner:
            options = _options()
            try:
                runner = options.resolve_runner(self.runner)()
            except options.RunOptionError as exc:
                raise MagicArgumentError(str(exc)) from None
        return {
            "pipeline_name": self.pipeline,
            "tags": list(self.tags) or None,
            "runner": runner,
            "node_names": list(self.node_names) or None,
            "from_nodes": list(self.from_nodes) or None,
            "to_nodes": list(self.to_nodes) or None,
            "from_inputs": list(self.from_inputs) or None,
            "to_outputs": list(self.to_outputs) or None,
            "load_versions": dict(self.load_versions) or None,
        }

    def to_magic_line(self) -> str:
        """The ``%session_run ...`` line that does the same thing, ready to paste."""
        parts = ["%session_run"]
        if self.pipeline:
            parts.append(_quote(self.pipeline))
        for attr, option in self.LIST_OPTIONS:
            values = getattr(self, attr)
            if values:
                parts += [option, _join(values)]
        if self.runner:
            parts += ["--runner", _quote(self.runner)]
        if self.load_versions:
            parts += ["--load-versions",
                      _join(f"{ds}:{ver}" for ds, ver in self.load_versions.items())]
        if self.as_name != "outputs":
            parts += ["--as", self.as_name]
        return " ".join(parts)


# --------------------------------------------------------------------------------------------
# %session_create

_CREATE_DESCRIPTION = """\
Open a long-lived session on a project and put it into the namespace.

Without PROJECT_PATH the project is found from the current folder upwards
(the first folder with a pyproject.toml declaring the project). A session this
extension created before is closed first. The variables session, context,
catalog, params and pipelines are set.

Examples:
  %session_create
  %session_create ../examples/spaceflights --env test --params model.alpha=0.1
"""


def _create_parser() -> _Parser:
    parser = _Parser("%session_create", _CREATE_DESCRIPTION, (
        "%(prog)s [PROJECT_PATH] [--env ENV] [--params KEY=VALUE,...]\n"
        "         [--package-name NAME] [--no-save-on-close] [--panel]"))
    parser.add_argument("project_path", nargs="?", metavar="PROJECT_PATH",
                        help="project folder (default: found from the current folder upwards)")
    parser.add_argument("--env", metavar="ENV", help="configuration environment (default: local)")
    parser.add_argument("--params", action="append", metavar="KEY=VALUE,...",
                        help="override parameters; dotted keys reach nested ones (model.alpha=0.1)")
    parser.add_argument("--package-name", metavar="NAME",
                        help="project package (default: read from pyproject.toml)")
    parser.add_argument("--no-save-on-close", dest="save_on_close", action="store_false",
                        help="do not save the session store when the session closes")
    parser.add_argument("--panel", action="store_true",
                        help="also show the widget panel (%%session_panel)")
    return parser


@dataclass(frozen=True)
class CreateArguments:
    """The parsed ``%session_create`` line."""

    project_path: str | None = None
    env: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    package_name: str | None = None
    save_on_close: bool = True
    panel: bool = False

    @classmethod
    def parse(cls, line: str) -> CreateArguments:
        """Parse the text after ``%session_create``.

        Raises:
            MagicArgumentError: unknown option, a missing value, a malformed item.
        """
        parser = _create_parser()
        ns = parser.parse_line(line)
        return cls(
            project_path=ns.project_path,
            env=ns.env,
            params=_read("parse_params", ns.params, parser.format_usage().strip()),
            package_name=ns.package_name,
            save_on_close=ns.save_on_close,
            panel=ns.panel,
        )

    def to_magic_line(self) -> str:
        """The ``%session_create ...`` line that does the same thing."""
        parts = ["%session_create"]
        if self.project_path:
            parts.append(_quote(self.project_path))
        if self.env:
            parts += ["--env", _quote(self.env)]
        if self.params:
            parts += ["--params", _join(_options().params_to_items(self.params))]
        if self.package_name:
            parts += ["--package-name", _quote(self.package_name)]
        if not self.save_on_close:
            parts.append("--no-save-on-close")
        if self.panel:
            parts.append("--panel")
        return " ".join(parts)


# --------------------------------------------------------------------------------------------
# %load_node and the magics without arguments

_LOAD_NODE_DESCRIPTION = """\
Load a node's inputs into variables and show its function's source.

Each input is loaded from the session's catalog into a variable named after
the dataset, made into a Python identifier: characters that cannot appear in
a name become "_" (params:model.alpha -> params_model_alpha,
companies@pandas -> companies_pandas). Call the node's function on them in the
next cell to debug it.

Example:
  %load_node train_model
"""


def _load_node_parser() -> _Parser:
    parser = _Parser("%load_node", _LOAD_NODE_DESCRIPTION, "%(prog)s NODE [--no-source]")
    parser.add_argument("node", metavar="NODE", help="name of a node of the project's pipelines")
    parser.add_argument("--no-source", dest="source", action="store_false",
                        help="do not print the function's source")
    return parser


@dataclass(frozen=True)
class LoadNodeArguments:
    """The parsed ``%load_node`` line."""

    node: str
    source: bool = True

    @classmethod
    def parse(cls, line: str) -> LoadNodeArguments:
        """Parse the text after ``%load_node``.

        Raises:
            MagicArgumentError: no node name, or an unknown option.
        """
        ns = _load_node_parser().parse_line(line)
        return cls(node=ns.node, source=ns.source)


def parse_no_arguments(magic: str, line: str) -> None:
    """Reject any argument given to a magic that takes none (``%session_info extra``).

    Raises:
        MagicArgumentError: the line is not empty.
    """
    if line.strip():
        raise MagicArgumentError(f"{magic} takes no arguments, got '{line.strip()}'",
                                 f"usage: {magic}")


_PARSERS = {
    "session_run": _run_parser,
    "session_create": _create_parser,
    "load_node": _load_node_parser,
}


def magic_help(magic: str) -> str:
    """The full help of a magic (usage, description, options), used as its docstring."""
    return _PARSERS[magic]().format_help()


def option_names(magic: str) -> list[str]:
    """Every option of a magic, for completion."""
    return _PARSERS[magic]().option_names()

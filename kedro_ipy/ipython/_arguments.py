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
import functools
import keyword
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.utils import close_matches

if TYPE_CHECKING:
    from kedro_ipy.framework.session.request import RunRequest

__all__ = [
    "CreateArguments",
    "LoadNodeArguments",
    "MagicArgumentError",
    "RunArguments",
    "magic_help",
    "parse_no_arguments",
]

class MagicArgumentError(ValueError, KedroIpyError):
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


class _HelpRequested(KedroIpyError):
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
        from kedro_ipy.framework.session.request import join_split_commas

        namespace, extras = self.parse_known_args(join_split_commas(tokens))
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
(--tags a,b) and an option may be repeated. --params overrides parameters for
this run only. The outputs that the catalog does not keep are returned in a
dict, stored in the variable `outputs` (or the name given with --as) and
shown. Project source files edited since the previous run are reloaded first.
When a node fails, the error is shown with a line to paste that resumes the run.
--changed runs only the nodes whose code (helpers included), parameters or
inputs changed since their last successful run; --explain then says, per node,
why it ran or was skipped (%session_explain tells before running).

Examples:
  %session_run
  %session_run data_science --tags training
  %session_run --from-nodes split_data --runner Thread --as result
  %session_run --params model.alpha=0.1
  %session_run --changed --explain
"""


@functools.cache
def _run_parser() -> _Parser:
    """Built once (argparse parsers hold no state between parses): a run's line is parsed
    on every ``%session_run``."""
    from kedro_ipy.framework.session.request import add_run_options

    parser = _Parser("%session_run", _RUN_DESCRIPTION, (
        "%(prog)s [PIPELINE] [--tags TAG,...] [--nodes NODE,...]\n"
        "         [--from-nodes NODE,...] [--to-nodes NODE,...] [--from-inputs DATASET,...]\n"
        "         [--to-outputs DATASET,...] [--namespaces NAMESPACE,...] [--runner RUNNER]\n"
        "         [--load-versions DATASET:VERSION,...] [--params KEY=VALUE,...]\n"
        "         [--only-missing-outputs] [--changed [--explain]] [--as NAME]"))
    add_run_options(parser)
    parser.add_argument("--explain", action="store_true",
                        help="with --changed: say why each node ran or was skipped")
    parser.add_argument("--as", dest="as_name", metavar="NAME", default="outputs",
                        help="variable that receives the outputs (default: outputs)")
    parser.elsewhere = {
        "--env": "the environment is fixed when the session is created: "
                 "%session_create --env ENV",
    }
    return parser


@dataclass(frozen=True)
class RunArguments:
    """The parsed ``%session_run`` line: the session's ``RunRequest`` and where the outputs go.

    ``to_magic_line()`` gives the line back, so
    ``RunArguments.parse(args.to_magic_line().split(" ", 1)[1]) == args``.
    """

    request: RunRequest = field(default_factory=lambda: _request_type()())
    as_name: str = "outputs"
    explain: bool = False

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
        if ns.explain and not ns.only_changed:
            raise MagicArgumentError(
                "--explain says why each node of a --changed run ran or was skipped: add "
                "--changed (or use %session_explain to see what would run)", usage)
        from kedro_ipy.framework.session.request import RunRequestError

        try:
            request = _request_type().from_namespace(ns)
        except RunRequestError as exc:
            raise MagicArgumentError(str(exc), usage) from None
        return cls(request=request, as_name=ns.as_name, explain=ns.explain)

    def to_magic_line(self) -> str:
        """The ``%session_run ...`` line that does the same thing, ready to paste."""
        line = str(self.request)
        if self.explain:
            line += " --explain"
        return line if self.as_name == "outputs" else f"{line} --as {self.as_name}"


def _request_type() -> type[RunRequest]:
    from kedro_ipy.framework.session.request import RunRequest

    return RunRequest


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


_CACHE_ACTIONS = ("info", "clear")


def parse_cache_action(line: str) -> str:
    """The action of ``%session_cache``: ``info`` (the default) or ``clear``.

    Raises:
        MagicArgumentError: anything else.
    """
    from kedro_ipy.utils import did_you_mean

    action = line.strip() or "info"
    if action not in _CACHE_ACTIONS:
        raise MagicArgumentError(
            f"%session_cache takes 'info' or 'clear', got '{action}'."
            f"{did_you_mean(action, _CACHE_ACTIONS)}", "usage: %session_cache [info|clear]")
    return action


def _explain_parser() -> _Parser:
    parser = _run_parser()
    parser.prog = "%session_explain"
    parser.description = (
        "Say which nodes `%session_run --changed` would run with the same options, and why "
        "each of the others would be skipped. Nothing runs.")
    return parser


_PARSERS: dict[str, Callable[[], _Parser]] = {
    "session_run": _run_parser,
    "session_explain": _explain_parser,
    "session_create": _create_parser,
    "load_node": _load_node_parser,
}


def magic_help(magic: str) -> str:
    """The full help of a magic (usage, description, options), used as its docstring."""
    return _PARSERS[magic]().format_help()


def option_names(magic: str) -> list[str]:
    """Every option of a magic, for completion."""
    return _PARSERS[magic]().option_names()

"""The command line's grammar: argparse parsers, and the run options read into values.

Kept apart from the commands so that parsing can be tested without a project, and so that
``kedro-ipy --help`` imports nothing but argparse. List, ``--params`` and ``--load-versions``
values are read by ``kedro_ipy.framework.session._options``, as the magics read them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from kedro_ipy.errors import KedroIpyError

__all__ = ["CommandLineError", "build_parser", "parse", "run_usage"]

PROG = "kedro-ipy"

class CommandLineError(KedroIpyError):
    """Bad input on the command line; printed as one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises instead of printing and exiting.

    ``main`` prints the one-line message with the command's usage, so every bad input, whether
    argparse or our converters catch it, looks the same.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # "--tag" must not silently mean "--tags": abbreviations hide typos.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        message = _suggest_option(message, self)
        raise CommandLineError(f"{message}\n{self.format_usage().strip()}")


def _suggest_option(message: str, parser: argparse.ArgumentParser) -> str:
    """Add "did you mean --tags?" to argparse's "unrecognized arguments: --tag"."""
    prefix = "unrecognized arguments: "
    if not message.startswith(prefix):
        return message
    from kedro_ipy.utils import close_matches

    options = [opt for action in parser._actions for opt in action.option_strings]
    for word in message[len(prefix):].split():
        if word.startswith("--"):
            matches = close_matches(word.split("=")[0], options, n=1)
            if matches:
                return f"{message} (did you mean {matches[0]}?)"
    return message


def build_parser() -> argparse.ArgumentParser:
    """The ``kedro-ipy`` parser with its ``run``, ``new`` and ``port`` sub-commands."""
    parser = _Parser(
        prog=PROG,
        description="Run kedro_ipy projects outside a notebook, or start a new one.",
    )
    # The top-level package is always imported before this module; reading its version from
    # sys.modules keeps the command line from depending on the extension package it imports.
    version = getattr(sys.modules.get("kedro_ipy"), "__version__", "unknown")
    parser.add_argument("--version", action="version", version=f"{PROG} {version}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    run = commands.add_parser(
        "run", help="run a pipeline of the project in a new session",
        description="Run a pipeline in a new session (recorded in the project's session store). "
        "List options take comma-separated values and may be repeated.",
    )
    run.add_argument("--pipeline", "--pipelines", "-p", action="append", metavar="NAME,...",
                     help="registered pipeline(s) to run (default __default__)")
    multi: dict[str, Any] = {"action": "append", "metavar": "A,B"}
    run.add_argument("--tags", "-t", **multi, help="run only nodes with any of these tags")
    run.add_argument("--nodes", "-n", dest="node_names", **multi, help="run only these nodes")
    run.add_argument("--from-nodes", **multi, help="start from these nodes")
    run.add_argument("--to-nodes", **multi, help="stop at these nodes")
    run.add_argument("--from-inputs", **multi, help="start from nodes consuming these datasets")
    run.add_argument("--to-outputs", **multi, help="stop at nodes producing these datasets")
    run.add_argument("--namespaces", "-ns", **multi, help="run only nodes in these namespaces")
    run.add_argument("--only-missing-outputs", action="store_true",
                     help="skip nodes whose persisted outputs exist already")
    run.add_argument("--runner", "-r",
                     help="Sequential (default), Thread, Parallel, or a dotted path to a class")
    run.add_argument("--load-versions", "-lv", action="append", metavar="DATASET:VERSION",
                     help="load these versions of versioned datasets")
    run.add_argument("--env", "-e", help="configuration environment (default local)")
    run.add_argument("--params", action="append", metavar="KEY=VALUE",
                     help="override parameters, e.g. model.alpha=0.1,report.top_n=5")
    run.add_argument("--project-path", help="project folder (default: found from the current "
                     "folder upwards)")
    run.add_argument("--traceback", action="store_true",
                     help="show the full traceback when the run fails")
    run.add_argument("--changed", action="store_true",
                     help="run only the nodes whose code, parameters or inputs changed since "
                          "their last successful run")
    run.add_argument("--explain", action="store_true",
                     help="with --changed: say why each node ran or was skipped")

    new = commands.add_parser(
        "new", help="create a new project from the starter template",
        description="Create a new project folder from the starter template shipped with "
        "kedro_ipy; it runs straight away with `kedro-ipy run`.",
    )
    new.add_argument("name", help="project name; also the folder's and (normalised) the "
                     "package's name")
    new.add_argument("--directory", default=".", help="where to create the project folder")
    new.add_argument("--package-name", help="Python package name (default: derived from NAME)")

    port = commands.add_parser(
        "port", help="turn a Kedro project into a kedro_ipy project",
        description="Rewrite a Kedro 0.19/1.x project for kedro_ipy: imports, moved and "
        "renamed names, pipeline(pipe=...), logger names, plugin entry points, requirements "
        "and logging config. Prints each change and what it could not do; running it again "
        "changes nothing.",
    )
    port.add_argument("path", help="the Kedro project's folder (with pyproject.toml)")
    port.add_argument("--to", metavar="COPY", help="port a copy made in this new folder, "
                      "leaving PATH untouched")
    port.add_argument("--dry-run", action="store_true",
                      help="print the changes without writing anything")
    parser.set_defaults(_commands={"run": run, "new": new, "port": port})
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv`` (default ``sys.argv[1:]``) into a namespace with list options split."""
    from kedro_ipy.framework.session.request import join_split_commas

    parser = build_parser()
    # "--tags a, b" (a space after the comma) is one list, as in the magics.
    tokens = join_split_commas(list(sys.argv[1:] if argv is None else argv))
    args, extra = parser.parse_known_args(tokens)
    commands = args.__dict__.pop("_commands")
    if extra:
        # Report unknown options against the sub-command, whose options they resemble.
        commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "run":
        from kedro_ipy.framework.session._options import (
            RunOptionError,
            parse_load_versions,
            parse_params,
            split_items,
        )

        for name in ("pipeline", "tags", "node_names", "from_nodes", "to_nodes", "from_inputs",
                     "to_outputs", "namespaces"):
            setattr(args, name, split_items(getattr(args, name)) or None)
        try:
            args.params = parse_params(args.params)
            args.load_versions = parse_load_versions(args.load_versions) or None
        except RunOptionError as exc:
            commands["run"].error(str(exc))
        if args.explain and not args.changed:
            commands["run"].error("--explain says why each node of a --changed run ran or was "
                                  "skipped: add --changed")
    return args


def run_usage() -> str:
    """The usage line of ``kedro-ipy run``, for errors found after parsing (``--runner``)."""
    return build_parser().get_default("_commands")["run"].format_usage().strip()

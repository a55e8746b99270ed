"""``kedro-ipy``'s entry point: parse, dispatch, and turn errors into one line and an exit code.

Exit codes: 0 success; 1 the pipeline ran and a node failed, or the project's code failed
outside a node; 2 bad input (unknown option, pipeline, node, parameter syntax, not a project,
...).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from kedro_ipy.framework.cli._parser import PROG, CommandLineError, parse

__all__ = ["main"]

EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean "the input or the project is wrong": one line, no traceback.

    Errors raised by a node while it runs are not among them: the run is recorded as failed
    and reported with the node's name (exit code 1).
    """
    import importlib

    errors: list[type[BaseException]] = [CommandLineError]
    for module_name in ("kedro_ipy.framework.session", "kedro_ipy.framework.context",
                        "kedro_ipy.framework.startup", "kedro_ipy.framework.project",
                        "kedro_ipy.framework.hooks.manager", "kedro_ipy.config",
                        "kedro_ipy.pipeline", "kedro_ipy.io"):
        module = importlib.import_module(module_name)
        for name in dir(module):
            obj = getattr(module, name)
            if (name.endswith(("Error", "Exception")) and isinstance(obj, type)
                    and issubclass(obj, Exception)):
                errors.append(obj)
    return tuple(errors)


def _describe(exc: BaseException) -> str:
    """``Type: message``, with the innermost line of the project's code that raised it."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{type(exc).__name__}: {exc.msg} ({exc.filename}, line {exc.lineno})"
    import sysconfig
    import traceback
    from pathlib import Path

    message = str(exc).strip()  # some messages (Kedro's, kept) start with a line break
    skip = (Path(__file__).resolve().parents[2], Path(sysconfig.get_paths()["stdlib"]).resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if not frame.filename.startswith("<") and not any(path.is_relative_to(p) for p in skip):
            return f"{type(exc).__name__}: {message} ({frame.filename}, line {frame.lineno})"
    return f"{type(exc).__name__}: {message}"


def _port(args: argparse.Namespace) -> int:
    from kedro_ipy.framework.cli.port import PortError, port_project

    try:
        report = port_project(args.path, to=args.to, dry_run=args.dry_run)
    except PortError as exc:
        raise CommandLineError(str(exc)) from None
    for line in report.lines():
        print(line)
    return EXIT_OK


def _project_metadata(command_args: list[str]) -> Any:
    """The metadata of the project a command works in, for the CLI hooks: the one at
    ``--project-path`` when given, else the one found from the current folder; ``None`` when
    there is none or its metadata is unusable (the command itself reports that)."""
    from pathlib import Path

    from kedro_ipy.framework.startup import (
        ProjectMetadataError,
        _get_project_metadata,
        find_project_root,
    )

    given: str | None = None
    for index, arg in enumerate(command_args):
        if arg == "--project-path" and index + 1 < len(command_args):
            given = command_args[index + 1]
        elif arg.startswith("--project-path="):
            given = arg.partition("=")[2]
    if given is not None and not Path(given).expanduser().is_dir():
        return None
    root = find_project_root(Path(given).expanduser() if given is not None else None)
    if root is None:
        return None
    try:
        return _get_project_metadata(root)
    except (ProjectMetadataError, OSError, ValueError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kedro-ipy`` with ``argv`` (default: the process arguments); returns the exit code.

    The console script calls it through ``sys.exit(main())``. Installed CLI plugins
    (``kedro_ipy.framework.cli.hooks``) are called before the command, and after it with its
    exit code, whether it succeeded or not; a failing plugin is logged and changes nothing.
    """
    from kedro_ipy.framework.cli.hooks import call_cli_hook, get_cli_hook_manager

    command_args = list(sys.argv[1:] if argv is None else argv)
    manager = get_cli_hook_manager()
    metadata = _project_metadata(command_args) if manager.get_plugins() else None
    call_cli_hook(manager, "before_command_run", project_metadata=metadata,
                  command_args=list(command_args))
    exit_code = EXIT_RUN_FAILED  # what Python exits with when an exception escapes
    try:
        exit_code = _dispatch(command_args)
    except KeyboardInterrupt:
        exit_code = 130
        raise
    finally:
        call_cli_hook(manager, "after_command_run", project_metadata=metadata,
                      command_args=list(command_args), exit_code=exit_code)
    return exit_code


def _dispatch(argv: list[str]) -> int:
    """Parse ``argv`` and run its command; returns the exit code."""
    try:
        args = parse(argv)
    except CommandLineError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version exit through argparse
        return int(exc.code or 0)
    try:
        if args.command == "new":
            from kedro_ipy.framework.cli._new import new_project

            return new_project(args)
        if args.command == "port":
            return _port(args)
        from kedro_ipy.framework.cli._run import run_command

        return run_command(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from kedro_ipy.redaction import redact_exception

        redact_exception(exc)
        if isinstance(exc, _user_errors()):
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if getattr(args, "traceback", False):
            raise
        # The project's code failed outside any node (a syntax error in the pipeline
        # registry, a bad import in settings.py, ...): say what and where, not a wall of
        # our own frames.
        hint = " (run with --traceback for the full traceback)" if args.command == "run" else ""
        print(f"{PROG}: error: {_describe(exc)}{hint}", file=sys.stderr)
        return EXIT_RUN_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

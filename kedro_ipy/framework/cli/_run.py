"""``kedro-ipy run``: one session, one run, the outputs printed, the record saved."""

from __future__ import annotations

import argparse
import logging
import pprint
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.cli._parser import PROG, CommandLineError, run_usage
from kedro_ipy.redaction import redact

if TYPE_CHECKING:
    from kedro_ipy.framework.session import RunRequest, RunResult

_MAX_LINES = 25


def _project_path(given: str | None) -> Path:
    from kedro_ipy.framework.startup import find_project_root

    start = Path(given).expanduser() if given else Path.cwd()
    if given and not start.is_dir():
        raise CommandLineError(f"--project-path '{given}' is not a folder.")
    root = find_project_root(start.resolve())
    if root is None:
        where = f"'{given}'" if given else "the current folder"
        raise CommandLineError(
            f"No kedro_ipy project found in {where} or above it (looked for a pyproject.toml "
            f"with a [tool.kedro] section). Use --project-path or `{PROG} new NAME`."
        )
    return root


def format_output(name: str, value: Any) -> str:
    """``name = value``, pretty-printed and cut after a screenful."""
    text = pprint.pformat(value, width=96, compact=True, sort_dicts=False)
    lines = text.splitlines()
    if len(lines) > _MAX_LINES:
        lines = [*lines[:_MAX_LINES], f"... ({len(lines) - _MAX_LINES} more lines)"]
    return f"{name} = " + "\n    ".join(lines)


def _check_runner(name: str | None) -> None:
    """Fail with the usage line when ``--runner`` names no runner class."""
    if not name:
        return
    from kedro_ipy.framework.session._options import RunOptionError, resolve_runner

    try:
        resolve_runner(name)
    except RunOptionError as exc:
        raise CommandLineError(f"{exc}\n{run_usage()}") from None


def run_request(args: argparse.Namespace) -> RunRequest:
    """The ``RunRequest`` the command line describes (``--params`` go to the session)."""
    from kedro_ipy.framework.session import RunRequest

    filters: dict[str, Any] = {key: tuple(getattr(args, key) or ()) for key in _FILTERS}
    return RunRequest(
        pipeline_names=tuple(args.pipeline or ()),
        runner=args.runner,
        load_versions=args.load_versions or {},
        only_missing_outputs=args.only_missing_outputs,
        only_changed=bool(getattr(args, "changed", False)),
        **filters,
    )


#: Filters in the order the command line writes them, with their options.
_OPTIONS = {"pipeline_names": "--pipeline", "tags": "--tags", "node_names": "--nodes",
            "namespaces": "--namespaces", "to_nodes": "--to-nodes",
            "to_outputs": "--to-outputs", "from_inputs": "--from-inputs"}
_FILTERS = ("tags", "node_names", "from_nodes", "to_nodes", "from_inputs", "to_outputs",
            "namespaces")


def resume_command(args: argparse.Namespace, resume: RunRequest) -> str:
    """The command that runs ``resume`` (a failed run's resume request), with the session
    options (``--env``, ``--params``, ``--project-path``) of the failed command.

    Filters intersect and the resume nodes lie inside the pipeline that ran, so keeping the
    tags, nodes and to-filters runs exactly what that run left undone.
    """
    import shlex

    parts = [PROG, "run"]

    def add(option: str, value: str | None) -> None:
        if value:
            parts.extend([option, shlex.quote(value)])

    if not resume.is_default_pipeline:
        add("--pipeline", ",".join(resume.pipeline_names))
    for key, option in _OPTIONS.items():
        if key != "pipeline_names":
            add(option, ",".join(getattr(resume, key)))
    add("--runner", resume.runner_option)
    add("--load-versions",
        ",".join(f"{name}:{version}" for name, version in resume.load_versions.items()))
    if resume.only_missing_outputs:
        parts.append("--only-missing-outputs")
    add("--env", args.env)
    if args.params:
        from kedro_ipy.framework.session._options import params_to_items

        add("--params", ",".join(params_to_items(args.params)))
    add("--from-nodes", ",".join(resume.from_nodes))
    add("--project-path", args.project_path)
    if getattr(args, "changed", False):
        parts.append("--changed")
    return " ".join(parts)


def run_command(args: argparse.Namespace) -> int:
    """Create a session on the project, run once, print the free outputs and the record."""
    project_path = _project_path(args.project_path)
    from kedro_ipy.framework.project import LOGGING

    if LOGGING.config_file(project_path) is None:  # else bootstrap applies the project's
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    # A session tolerates unusable metadata (as Kedro's does, for notebooks); a command run
    # on such a project would only fail later, at the first pipeline, for no visible reason.
    from kedro_ipy.framework.startup import bootstrap_project

    bootstrap_project(project_path)

    from kedro_ipy.framework.session import KedroSession

    session = KedroSession.create(
        project_path=project_path, env=args.env, extra_params=args.params or None
    )
    with session:
        # After create: the project's source folder is importable, so a dotted --runner
        # path may name a runner class of the project.
        _check_runner(args.runner)
        result = session.execute(run_request(args))
        if result.exception is not None:
            if not (result.failed_node or result.status == "cancelled"):
                raise result.exception  # an after_pipeline_run hook failed: main() reports
            if args.traceback:
                import traceback

                traceback.print_exception(result.exception)
            if result.status == "cancelled":
                raise KeyboardInterrupt
            _report_failure(args, result)
            _print_store_location(session)
            return 1
    for name, value in (result.outputs or {}).items():
        print(redact(format_output(name, value)))
    if result.decisions:
        if args.explain:
            print(result.explain())
        skipped = len(result.nodes_skipped)
        print(f"{skipped} unchanged node{'' if skipped == 1 else 's'} skipped"
              + ("." if args.explain else " (--explain says why)."))
    print(
        f"Run {result.run_id} of pipeline '{result.request.pipeline_name}': "
        f"{len(result.nodes_done)}/{result.nodes_total} nodes in "
        f"{result.duration_s or 0.0:.2f} s."
    )
    _print_store_location(session)
    return 0


def _report_failure(args: argparse.Namespace, result: RunResult) -> None:
    exc = result.exception
    where = f"node '{result.failed_node}' failed" if result.failed_node else "the run failed"
    print(f"{PROG}: {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(f"  {len(result.nodes_done)} of {result.nodes_total} nodes finished.",
          file=sys.stderr)
    if result.resume_request is not None:
        print("  Resume without recomputing persisted data:\n    "
              + resume_command(args, result.resume_request), file=sys.stderr)


def _print_store_location(session: Any) -> None:
    location = getattr(session._store, "location", None)
    if location is not None and Path(location).is_file():
        print(f"Session {session.session_id} recorded in {location}")
    else:
        print(f"Session {session.session_id} (store kept in memory only)")

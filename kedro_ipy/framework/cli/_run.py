"""``kedro-ipy run``: one session, one run, the outputs printed, the record saved."""

from __future__ import annotations

import argparse
import logging
import pprint
import sys
from pathlib import Path
from typing import Any

from kedro_ipy.framework.cli._parser import PROG, CommandLineError, run_usage

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


def _runner(name: str | None) -> Any:
    """A new runner for ``--runner`` (``None``: the session's default)."""
    if not name:
        return None
    from kedro_ipy.framework.session._options import RunOptionError, resolve_runner

    try:
        runner_class = resolve_runner(name)
    except RunOptionError as exc:
        raise CommandLineError(f"{exc}\n{run_usage()}") from None
    return runner_class()


def resume_command(args: argparse.Namespace, nodes: list[str]) -> str:
    """The command that resumes a failed run from ``nodes``, keeping the other choices.

    Filters intersect and the resume nodes lie inside the pipeline that ran, so keeping the
    tags, nodes and to-filters runs exactly what that run left undone (dropping them would
    run nodes the user had filtered out). ``--from-inputs`` is replaced, as ``--from-nodes``.
    """
    import shlex

    parts = [PROG, "run"]

    def add(option: str, value: str | None) -> None:
        if value:
            parts.extend([option, shlex.quote(value)])

    add("--pipeline", args.pipeline)
    for option, attr in (("--tags", "tags"), ("--nodes", "node_names"),
                         ("--to-nodes", "to_nodes"), ("--to-outputs", "to_outputs")):
        add(option, ",".join(getattr(args, attr) or ()))
    add("--runner", args.runner)
    add("--load-versions",
        ",".join(f"{name}:{version}" for name, version in (args.load_versions or {}).items()))
    add("--env", args.env)
    if args.params:
        from kedro_ipy.framework.session._options import params_to_items

        add("--params", ",".join(params_to_items(args.params)))
    add("--from-nodes", ",".join(nodes))
    add("--project-path", args.project_path)
    if getattr(args, "changed", False):
        parts.append("--changed")
    return " ".join(parts)


def run_command(args: argparse.Namespace) -> int:
    """Create a session on the project, run once, print the free outputs and the record."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    project_path = _project_path(args.project_path)
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
        runner = _runner(args.runner)
        try:
            outputs = session.run(
                pipeline_name=args.pipeline, tags=args.tags, runner=runner,
                node_names=args.node_names, from_nodes=args.from_nodes, to_nodes=args.to_nodes,
                from_inputs=args.from_inputs, to_outputs=args.to_outputs,
                load_versions=args.load_versions, only_changed=args.changed,
            )
        except Exception as exc:
            records = session.store.get("runs") or []
            if not records or records[-1]["status"] != "failed":
                raise  # failed before running: bad input, reported by main()
            if args.traceback:
                import traceback

                traceback.print_exc()
            _report_failure(args, records[-1], exc)
            _print_store_location(session)
            return 1
    record = session.store["runs"][-1]
    for name, value in outputs.items():
        print(format_output(name, value))
    result = session.last_result
    if result is not None and result.decisions:
        if args.explain:
            print(result.explain())
        skipped = len(result.nodes_skipped)
        print(f"{skipped} unchanged node{'' if skipped == 1 else 's'} skipped"
              + ("." if args.explain else " (--explain says why)."))
    print(
        f"Run {record['run_id']} of pipeline '{record['pipeline_name']}': "
        f"{len(record['nodes_done'])}/{record['nodes_total']} nodes in "
        f"{record['duration_s']:.2f} s."
    )
    _print_store_location(session)
    return 0


def _report_failure(args: argparse.Namespace, record: dict[str, Any], exc: Exception) -> None:
    error = record["error"] or {}
    where = f"node '{error['node']}' failed" if error.get("node") else "the run failed"
    print(f"{PROG}: {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
    print(f"  {len(record['nodes_done'])} of {record['nodes_total']} nodes finished.",
          file=sys.stderr)
    if record.get("resume_from_nodes") and record["nodes_done"]:
        print("  Resume without recomputing persisted data:\n    "
              + resume_command(args, record["resume_from_nodes"]), file=sys.stderr)


def _print_store_location(session: Any) -> None:
    location = getattr(session._store, "location", None)
    if location is not None and Path(location).is_file():
        print(f"Session {session.session_id} recorded in {location}")
    else:
        print(f"Session {session.session_id} (store kept in memory only)")

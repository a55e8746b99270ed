"""The session magics: ``%session_create``, ``%session_run``, ``%session_info``,
``%session_close``, ``%load_node`` and ``%session_panel``.

The methods stay thin: parsing lives in ``_arguments``, wording in ``_display``, namespace
publishing in ``_namespace``, source reloading in ``_reload``. The framework raises its own
domain errors; this module is the one place that turns them into IPython's plain
``UsageError`` (a subclass would print a traceback), so bad input shows one line, not a wall
of traceback. A failing node is different: the cell fails with ``NodeRunError``, which renders
itself compactly and carries the node's traceback for ``%debug``.

The framework (session, project bootstrap) is imported inside the magics, so that
``%load_ext kedro_ipy`` stays instant.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.ipython import _display
from kedro_ipy.ipython._arguments import (
    CreateArguments,
    LoadNodeArguments,
    MagicArgumentError,
    RunArguments,
    _HelpRequested,
    magic_help,
    parse_cache_action,
    parse_no_arguments,
)
from kedro_ipy.ipython._namespace import (
    SESSION_VARIABLES,
    dataset_variable_names,
    push_run_outputs,
    push_session_variables,
)
from kedro_ipy.redaction import redact, redact_exception
from kedro_ipy.utils import did_you_mean

if TYPE_CHECKING:
    from kedro_ipy.framework.session import RunResult
    from kedro_ipy.ipython._reload import ProjectReloader

__all__ = ["NodeRunError", "ProjectCodeError", "SessionMagics"]

_T = TypeVar("_T")


class NodeRunError(KedroIpyError):
    """A node failed during ``%session_run``; the cell fails, showing a compact report.

    IPython prints ``_render_traceback_()`` instead of a traceback. The exception carries the
    node's own traceback (``__traceback__``), so ``%debug`` opens the debugger in the node's
    frame, and the original exception as ``__cause__``.
    """

    def __init__(self, lines: list[str], original: BaseException) -> None:
        super().__init__(lines[0] if lines else str(original))
        self.lines = lines
        self.original = original

    def _render_traceback_(self) -> list[str]:
        return list(self.lines)


class ProjectCodeError(KedroIpyError):
    """The project's own code (its pipeline registry and what that imports) failed to import.

    Shown compactly like :class:`NodeRunError`: the error and where in the project's files it
    is, rather than the import machinery's frames. ``%debug`` still opens where it failed.
    """

    def __init__(self, lines: list[str], original: BaseException) -> None:
        super().__init__(lines[0] if lines else str(original))
        self.lines = lines
        self.original = original

    def _render_traceback_(self) -> list[str]:
        return list(self.lines)


def _is_domain_error(exc: BaseException) -> bool:
    """Errors the framework raises about bad input (unknown names, missing config, ...).

    This module's own errors are not among them: they render themselves already.
    """
    return isinstance(exc, KedroIpyError) and not isinstance(
        exc, (NodeRunError, ProjectCodeError)
    )


def _parse(parse: Callable[[str], _T], line: str) -> _T | None:
    """Parse a line; ``None`` means help was printed. Bad input becomes a plain UsageError."""
    try:
        return parse(line)
    except _HelpRequested as help_text:
        print(help_text)
        return None
    except MagicArgumentError as exc:
        raise UsageError(str(exc)) from None


def _with_help(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make ``%magic?`` show the parser's help, so it never drifts from what is parsed.

    IPython's inspector asks an object for ``getdoc()`` before reading ``__doc__``. The help is
    built on demand because building parsers at import would slow down ``%load_ext``; the
    method's own docstring stays as the one-line summary ``%lsmagic`` and ``%magic`` show.
    """

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        method.getdoc = lambda: magic_help(name)  # type: ignore[attr-defined]
        return method

    return decorate


def _display_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


@magics_class
class SessionMagics(Magics):
    """Magics over one long-lived ``KedroSession`` per shell.

    Attributes:
        session: the session created by ``%session_create`` (``None`` before, or after
            ``%session_close``).
        context: the context loaded from it, refreshed after every run.
    """

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.session: Any = None
        self.context: Any = None
        self.metadata: Any = None
        self.reloader: ProjectReloader | None = None
        self.panel: Any = None
        self.matcher: Any = None  # set by load_ipython_extension

    # ---------------------------------------------------------------- helpers

    def _require_session(self, magic: str) -> Any:
        if self.session is None:
            raise UsageError(
                f"Cannot run %{magic} because no session is open. Create one with "
                "%session_create (or %session_create path/to/project) and try again."
            )
        return self.session

    @staticmethod
    def _pipelines() -> Any:
        from kedro_ipy.framework.project import pipelines

        return pipelines

    def _loaded_pipelines(self) -> Any:
        """The pipelines registry, loaded now, so that a broken project module (a typo saved
        in ``nodes.py``) is reported as the project's error instead of a traceback through
        the registry and importlib."""
        pipelines = self._pipelines()
        try:
            len(pipelines)  # the registry imports the project's pipelines on first use
        except Exception as exc:
            if _is_domain_error(exc):
                raise UsageError(f"{type(exc).__name__}: {exc}") from None
            lines = _display.format_code_failure(exc, project_path=self._project_path())
            raise ProjectCodeError(lines, exc).with_traceback(exc.__traceback__) from exc
        return pipelines

    def _project_path(self) -> Path | None:
        path = getattr(self.session, "_project_path", None)
        return Path(path) if path is not None else None

    def _shown_path(self, path: str | Path | None, from_cwd: bool = False) -> str:
        """A path as the user would write it: inside the project, relative to its root;
        with ``from_cwd``, relative to the current folder when it is at most one level up
        (a notebook beside the project), otherwise absolute, which reads the same from
        wherever the notebook is opened."""
        if path is None:
            return "?"
        path = Path(path).resolve()
        root = self._project_path()
        if not from_cwd and root is not None and path.is_relative_to(root.resolve()):
            return path.relative_to(root.resolve()).as_posix()
        if from_cwd:
            relative = Path(os.path.relpath(path, Path.cwd()))
            if relative.parts[:2] != ("..", ".."):
                return relative.as_posix()
        return str(path)

    def _refresh_context(self) -> None:
        """Reload the context so that edited config shows in ``catalog`` and ``params``."""
        self.context = self.session.load_context()
        push_session_variables(self.shell, self.session, self.context)

    def _runs(self) -> list[Mapping[str, Any]]:
        try:
            return list(self.session.store.get("runs") or [])
        except AttributeError:
            return []

    def close_session(self) -> Any:
        """Close the session this extension created, if any; returns it."""
        session, self.session, self.context = self.session, None, None
        panel, self.panel, self.reloader = self.panel, None, None
        if panel is not None:
            with contextlib.suppress(Exception):  # a broken panel must not keep a session open
                panel.close()
        if session is not None:
            session.close()
        return session

    # ---------------------------------------------------------------- %session_create

    @line_magic
    @_with_help("session_create")
    def session_create(self, line: str = "") -> None:
        """Open a session on a project and put session, context, catalog, params, pipelines
        into the namespace (see %session_create? for the options)."""
        args = _parse(CreateArguments.parse, line)
        if args is None:
            return
        from kedro_ipy.framework.session import KedroSession
        from kedro_ipy.framework.startup import bootstrap_project, find_project_root

        if args.project_path:
            project_path = Path(args.project_path).expanduser().resolve()
            if not project_path.is_dir():
                raise UsageError(f"Project folder '{args.project_path}' does not exist "
                                 f"(resolved to {project_path}).")
        else:
            found = find_project_root(Path.cwd())
            if found is None:
                raise UsageError(
                    f"No project found in {Path.cwd()} or its parents (a folder with a "
                    "pyproject.toml declaring [tool.kedro]). Give the path: "
                    "%session_create path/to/project"
                )
            project_path = Path(found)

        self.close_session()
        try:
            self.metadata = bootstrap_project(project_path)
            package_name = args.package_name or self.metadata.package_name
            if package_name != self.metadata.package_name and not _importable(package_name):
                # Accepted silently, it would leave edited project code never reloaded.
                raise UsageError(
                    f"Package '{package_name}' of --package-name cannot be imported. The "
                    f"project at {project_path} declares package "
                    f"'{self.metadata.package_name}': leave --package-name out to use it."
                )
            from kedro_ipy.ipython._reload import ProjectReloader

            # Modules imported for an earlier session may predate edits made since.
            ProjectReloader(package_name, self._reset_pipelines).reload()
            self.session = KedroSession.create(
                package_name=package_name,
                project_path=project_path,
                save_on_close=args.save_on_close,
                env=args.env,
                extra_params=dict(args.params) or None,
            )
            self._refresh_context()
            counts = {name: len(pipe.nodes) for name, pipe in self._loaded_pipelines().items()}
        except Exception as exc:
            if self.session is not None:
                self.close_session()
            if _is_domain_error(exc):
                raise UsageError(f"{type(exc).__name__}: {exc}") from None
            raise

        self.reloader = ProjectReloader(package_name, self._reset_pipelines)
        print(self._summary(counts))
        if args.panel:
            self._show_panel(self.session)

    def _summary(self, counts: Mapping[str, int]) -> str:
        path = self._project_path()
        project = getattr(self.metadata, "project_name", None) or (path.name if path else "")
        catalog = self.context.catalog
        datasets = [n for n in _keys(catalog) if n != "parameters" and not n.startswith("params:")]
        return "\n".join([
            f"Session {self.session.session_id} on '{project}' (env: {self._env()})",
            f"pipelines: {_display.format_pipelines(counts)}",
            f"datasets: {len(datasets)} in catalog · variables: {', '.join(SESSION_VARIABLES)}",
        ])

    def _env(self) -> str:
        env = getattr(self.context, "env", None)
        if env:
            return env
        loader = getattr(self.context, "config_loader", None)
        return getattr(loader, "default_run_env", None) or "local"

    def _reset_pipelines(self) -> None:
        pipelines = self._pipelines()
        for name in ("reset", "_reset", "_clear", "clear"):
            method = getattr(pipelines, name, None)
            if callable(method):
                method()
                return
        from kedro_ipy.framework.project import configure_project

        configure_project(self.metadata.package_name)

    # ---------------------------------------------------------------- %session_run

    @line_magic
    @_with_help("session_run")
    def session_run(self, line: str = "") -> None:
        """Run a pipeline of the session with any of KedroSession.run's filters; the outputs
        go into `outputs` (see %session_run? for the options)."""
        args = _parse(RunArguments.parse, line)
        if args is None:
            return
        session = self._require_session("session_run")
        if self.reloader is not None:
            changed = self.reloader.reload_if_changed()
            if changed:
                shown = ", ".join(self._shown_path(path) for path in changed)
                print(f"reloaded the project code ({shown} changed)")
        self._loaded_pipelines()  # broken project code: the compact report, not a traceback
        try:
            from kedro_ipy.ipython._progress import live_progress, quiet_runner_errors

            with quiet_runner_errors(), live_progress(session):
                result = session.execute(args.request)
        except Exception as exc:  # raised before any node ran: bad input or broken config
            redact_exception(exc)
            if _is_domain_error(exc):
                raise UsageError(f"{type(exc).__name__}: {exc}") from None
            raise
        finally:
            if self.reloader is not None:
                self.reloader.snapshot_new()
        if result.exception is not None:
            if result.failed_node or result.status == "cancelled":
                raise self._node_failure(args, result) from result.exception
            if _is_domain_error(result.exception):  # e.g. a hook took an input away
                raise UsageError(f"{type(result.exception).__name__}: {result.exception}")
            raise result.exception
        self.context = result.context
        push_session_variables(self.shell, session, result.context, result.catalog)
        push_run_outputs(self.shell, result.outputs or {}, args.as_name)
        print(_display.format_progress(len(result.nodes_done), result.nodes_total,
                                       result.duration_s or 0.0))
        if result.decisions:
            skipped = len(result.nodes_skipped)
            print(f"{skipped} unchanged node{'' if skipped == 1 else 's'} skipped"
                  + ("" if args.explain else " (--explain says why)"))
            if args.explain:
                print(result.explain())
        print(redact(_display.format_outputs(result.outputs or {}, args.as_name)))

    def _node_failure(self, args: RunArguments, result: RunResult) -> NodeRunError:
        resume = result.resume_request
        resume_line = RunArguments(resume, args.as_name).to_magic_line() if resume else None
        exc = result.exception
        assert exc is not None  # called for failed and cancelled runs only
        lines = _display.format_node_failure(
            result.failed_node, exc,
            done=len(result.nodes_done),
            total=result.nodes_total,
            resume_line=resume_line,
            project_path=self._project_path(),
        )
        failure = NodeRunError(lines, exc)
        return failure.with_traceback(exc.__traceback__)

    # ---------------------------------------------------------------- incremental runs

    @line_magic
    @_with_help("session_explain")
    def session_explain(self, line: str = "") -> None:
        """Say which nodes `%session_run --changed` would run, and why; nothing runs."""
        args = _parse(RunArguments.parse, line)
        if args is None:
            return
        session = self._require_session("session_explain")
        if self.reloader is not None:
            self.reloader.reload_if_changed()
        self._loaded_pipelines()
        try:
            print(session.explain_changes(args.request))
        except Exception as exc:
            if _is_domain_error(exc):
                raise UsageError(f"{type(exc).__name__}: {exc}") from None
            raise

    @line_magic
    def session_cache(self, line: str = "") -> None:
        """Show or clear what `%session_run --changed` remembers (fingerprints, cached data).

        Usage: %session_cache [info|clear]
        """
        action = _parse(parse_cache_action, line)
        if action is None:
            return
        session = self._require_session("session_cache")
        if action == "clear":
            removed = session.clear_cache()
            print(f"Cache cleared ({removed} cached value{'' if removed == 1 else 's'} "
                  "removed): the next --changed run runs every node.")
            return
        stats = session._changes().cache.stats()
        print(f"{stats['entries']} cached values, {_display_bytes(stats['disk_bytes'])} of "
              f"{_display_bytes(stats['max_bytes'])} in {stats['folder']}; "
              f"{stats['memory_entries']} in memory ({_display_bytes(stats['memory_bytes'])})")

    # ---------------------------------------------------------------- %session_info / close

    @line_magic
    def session_info(self, line: str = "") -> None:
        """Show the current session: project, env, id, and the runs so far.

        Usage: %session_info
        """
        _parse(functools.partial(parse_no_arguments, "%session_info"), line)
        session = self._require_session("session_info")
        project = getattr(self.metadata, "project_name", None) or "?"
        runs = self._runs()
        lines = [
            f"Session {session.session_id} on '{project}' (env: {self._env()})",
            f"project: {self._shown_path(self._project_path(), from_cwd=True)}",
            f"runs: {len(runs)}",
            *_display.format_run_history(runs),
        ]
        print("\n".join(lines))

    @line_magic
    def session_close(self, line: str = "") -> None:
        """Close the session created by %session_create (saving its store if asked to).

        The variables stay in the namespace; %session_create opens a new session.

        Usage: %session_close
        """
        _parse(functools.partial(parse_no_arguments, "%session_close"), line)
        session = self.close_session()
        if session is None:
            print("No session is open.")
        else:
            print(f"Session {session.session_id} closed.")

    # ---------------------------------------------------------------- %load_node

    @line_magic
    @_with_help("load_node")
    def load_node(self, line: str = "") -> None:
        """Load a node's inputs into variables and show its source (see %load_node?)."""
        args = _parse(LoadNodeArguments.parse, line)
        if args is None:
            return
        session = self._require_session("load_node")
        if self.reloader is not None:
            self.reloader.reload_if_changed()
        pipeline_name, node = self._find_node(args.node)
        catalog = self.context.catalog
        variables = dataset_variable_names(node.inputs)
        width = max((len(v) for v in variables.values()), default=0)
        values: dict[str, Any] = {}
        notes: dict[str, str] = {}
        to_compute = []
        produced_here = {out for n in self._pipelines()[pipeline_name].nodes for out in n.outputs}
        for dataset in node.inputs:
            if dataset in produced_here and not _exists(catalog, dataset):
                to_compute.append(dataset)  # in memory during a run only, or not written yet
                continue
            try:
                values[dataset] = catalog.load(dataset)
            except Exception as exc:  # reported next to the variable, not fatal
                notes[dataset] = f"not loaded ({type(exc).__name__}: {_first_line(exc)})"
        if to_compute:
            self._compute_inputs(session, pipeline_name, to_compute, values, notes)
        lines = [f"Inputs of node '{node.name}' loaded into variables:"]
        for dataset, variable in variables.items():
            if dataset in values:
                kind = type(values[dataset]).__name__
                extra = f", {notes[dataset]}" if dataset in notes else ""
                lines.append(f"  {variable:<{width}} <- {dataset} ({kind}{extra})")
            else:
                lines.append(f"  {variable:<{width}} <- {dataset}: {notes[dataset]}")
        if self.shell is None:
            raise UsageError("%load_node needs an IPython shell to put the inputs in.")
        self.shell.push({variables[dataset]: value for dataset, value in values.items()})
        func = node.func
        func_name = getattr(func, "__name__", "func")
        call = f"{func_name}({', '.join(variables[d] for d in node.inputs)})"
        lines.append(f"Call it: {call}")
        if args.source:
            lines += ["", *self._source(func)]
        print("\n".join(lines))
        if self.reloader is not None:
            self.reloader.snapshot_new()

    def _compute_inputs(self, session: Any, pipeline_name: str, datasets: list[str],
                        values: dict[str, Any], notes: dict[str, str]) -> None:
        """Run the part of the pipeline that produces ``datasets`` and collect them."""
        from kedro_ipy.framework.session.request import RunRequest
        from kedro_ipy.ipython._progress import quiet_runner_errors

        request = RunRequest(pipeline_names=(pipeline_name,), to_outputs=tuple(datasets))
        line = str(request)
        try:
            with quiet_runner_errors():
                result = session.execute(request)
            if result.exception is not None:
                raise result.exception
        except Exception as exc:
            reason = f"{type(exc).__name__}: {_first_line(exc)}"
            for dataset in datasets:
                notes[dataset] = f"not computed ({line} failed: {reason})"
            return
        produced = result.outputs or {}
        catalog = result.catalog
        for dataset in datasets:
            try:
                values[dataset] = produced[dataset] if dataset in produced \
                    else catalog.load(dataset)
            except Exception as exc:
                notes[dataset] = f"not available ({type(exc).__name__}: {_first_line(exc)})"
            else:
                notes[dataset] = f"computed by {line}"

    def _find_node(self, name: str) -> tuple[str, Any]:
        """The node named ``name`` and the first pipeline holding it (``__default__`` first)."""
        pipelines = self._loaded_pipelines()
        known: dict[str, tuple[str, Any]] = {}
        for pipe_name in sorted(pipelines, key=lambda n: (n != "__default__", n)):
            for node in pipelines[pipe_name].nodes:
                known.setdefault(node.name, (pipe_name, node))
        if name not in known:
            raise UsageError(f"Node '{name}' not found in the registered pipelines."
                             f"{did_you_mean(name, known)}")
        return known[name]

    def _source(self, func: Callable[..., Any]) -> list[str]:
        try:
            source = inspect.getsource(func)
            filename = inspect.getsourcefile(func) or "?"
            lineno = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            return [f"(no source available for {func!r})"]
        root = self._project_path()
        shown = filename
        if root is not None and Path(filename).resolve().is_relative_to(root.resolve()):
            shown = str(Path(filename).resolve().relative_to(root.resolve()))
        return [f"# {shown}:{lineno}", source.rstrip()]

    # ---------------------------------------------------------------- %session_panel

    @line_magic
    def session_panel(self, line: str = "") -> Any:
        """Show the widget panel over the current session (needs a Jupyter front end).

        Usage: %session_panel
        """
        _parse(functools.partial(parse_no_arguments, "%session_panel"), line)
        self._show_panel(self._require_session("session_panel"))

    def _show_panel(self, session: Any) -> None:
        try:
            from kedro_ipy.ipython.panel import SessionPanel
        except ImportError as exc:
            if getattr(exc, "name", "") and not str(exc.name).startswith("kedro_ipy"):
                raise UsageError(f"The panel needs {exc.name}: pip install ipywidgets") from None
            raise UsageError(
                "The widget panel is not available in this installation "
                f"(kedro_ipy.ipython.panel cannot be imported: {exc})."
            ) from None
        from IPython.display import display

        self._loaded_pipelines()  # broken project code: the compact report, not a traceback
        self.panel = SessionPanel(session, self.shell)
        display(self.panel.widget)


def _importable(package_name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(package_name) is not None
    except (ImportError, ValueError):  # a dotted name whose parent is missing, or "" / "."
        return False


def _exists(catalog: Any, dataset: str) -> bool:
    """Whether the catalog can load ``dataset`` now (registered and its data is there)."""
    if dataset not in catalog:
        return False
    try:
        return bool(catalog.exists(dataset))
    except Exception:  # a dataset that cannot tell is tried anyway
        return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _keys(catalog: Any) -> list[str]:
    """The catalog's dataset names (``DataCatalog.keys()``), as a list."""
    keys = catalog.keys
    return list(keys())

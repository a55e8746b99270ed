"""``KedroSession``: one project, one configuration environment, many runs.

Unlike Kedro (one run per session), a session here serves every run a notebook asks for. Each
run gets its own run id (also its save version, so versioned datasets never clash; the first run
uses the session id, as Kedro's single run does) and a record in ``store["runs"]``, updated live
as nodes finish.

Module imports are kept to the standard library: the framework below is imported when a session
is created, so ``import kedro_ipy.framework.session`` stays cheap.
"""

from __future__ import annotations

import enum
import os
import threading
import time
from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.session._errors import KedroSessionError
from kedro_ipy.framework.session._ids import check_session_id, generate_timestamp, utc_now_iso
from kedro_ipy.framework.session.request import FILTERS, RunRequest
from kedro_ipy.framework.session.result import RunListener, RunResult
from kedro_ipy.redaction import redact, redact_exception

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from kedro_ipy.framework.context import KedroContext
    from kedro_ipy.framework.session.plan import RunPlan
    from kedro_ipy.framework.session.store import BaseSessionStore

__all__ = ["KedroSession", "KedroSessionError", "SessionState"]



def _logger() -> logging.Logger:
    # logging (with re and traceback) is imported on first use, not with the module.
    import logging

    return logging.getLogger(__name__)

#: ``_get_config_loader()``'s "use the session's environment" default (``None`` is an env).
_FROM_STORE = object()

#: How long ``close()`` waits for the background ``git status`` before saving without it.
_GIT_WAIT_S = 2.0


class SessionState(enum.Enum):
    """Where a session is in its life: it can run while ``OPEN``; ``CLOSED`` is final."""

    OPEN = "open"
    CLOSED = "closed"


class KedroSession:
    """A project's working session: configuration, hooks, a store, and any number of runs.

    Use ``KedroSession.create(...)`` for a new session; ``KedroSession(session_id=...)`` reopens
    one saved by a persistent store (``settings.SESSION_STORE_CLASS``).

    Args:
        session_id: the session's id (``generate_timestamp()`` for a new one). It names a
            file in the sessions folder: separators, ``..``, ``:`` and NULs are refused
            (``ValueError``).
        package_name: the project's package; defaults to the package of the bootstrapped
            project, or the one read from ``project_path``'s ``pyproject.toml``.
        project_path: the project root; defaults to the project found from the current folder
            upwards, or the current folder.
        save_on_close: persist the store when the session closes (and after every run).
        conf_source: configuration folder, overriding ``settings.CONF_SOURCE``.

    Example:
        >>> with KedroSession.create(project_path="examples/coffee_shop") as session:
        ...     outputs = session.run("forecasting")
    """

    def __init__(
        self,
        session_id: str,
        package_name: str | None = None,
        project_path: Path | str | None = None,
        save_on_close: bool = False,
        conf_source: str | None = None,
    ) -> None:
        self.session_id = check_session_id(session_id)
        self.save_on_close = save_on_close
        self._project_path = _resolve_project_path(project_path)
        self._package_name = _ensure_project(self._project_path, package_name)
        self._conf_source = str(conf_source or _default_conf_source(self._project_path))
        self._state = SessionState.OPEN
        self._lock = threading.RLock()
        self._run_lock = threading.Lock()
        self._git_thread: threading.Thread | None = None
        self._hook_manager = _make_hook_manager()
        self._cancel_token: Any = None  # the run in progress's CancelToken (see cancel_run)
        self._store = self._init_store()
        self._tracker: Any = None  # the ChangeTracker of only_changed runs, made on first use
        self._last_result: RunResult | None = None
        self._listeners: list[RunListener] = []
        runs = self._store.get("runs")
        if isinstance(runs, list):
            _mark_interrupted(runs)

    # -- construction --------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        package_name: str | None = None,
        project_path: Path | str | None = None,
        save_on_close: bool = True,
        env: str | None = None,
        extra_params: dict[str, Any] | None = None,
        *,
        runtime_params: dict[str, Any] | None = None,
        conf_source: str | None = None,
    ) -> KedroSession:
        """A new session with a fresh id, recording who, where and on which commit.

        Args:
            package_name: the project's package (see the class docstring). A path here,
                with no ``project_path``, is taken as the project path, as Kedro 1.x's
                ``create(project_path)`` does.
            project_path: the project root (see the class docstring).
            save_on_close: persist the store on ``close()`` and after each run.
            env: configuration environment layered over ``base`` (default: ``$KEDRO_ENV``,
                then the config loader's default run environment, ``local``).
            extra_params: parameters overriding the configured ones; nested keys may be
                written ``"model.alpha"``.
            runtime_params: Kedro 1.x's name for ``extra_params``; both are merged.
            conf_source: configuration folder, overriding ``settings.CONF_SOURCE``.
        """
        if project_path is None and _looks_like_path(package_name):
            # Kedro 1.x's create() takes the project path first: accept that call too.
            project_path, package_name = package_name, None
        params = {**(runtime_params or {}), **(extra_params or {})}
        for _ in range(5):
            session = cls(
                session_id=generate_timestamp(),
                package_name=package_name,
                project_path=project_path,
                save_on_close=save_on_close,
                conf_source=conf_source,
            )
            if not session._store:
                break
            # Another process saved a session with this very id: take the next millisecond.
        env = env or os.getenv("KEDRO_ENV") or None
        data: dict[str, Any] = {
            "session_id": session.session_id,
            "project_path": session._project_path.as_posix(),
            "package_name": session._package_name,
            "created_at": utc_now_iso(),
            "env": env,
            "runtime_params": params,
            "runs": [],
        }
        username = _username()
        if username:
            data["username"] = username
        session._store.update(data)
        session._start_git_description()
        return session

    def _init_store(self) -> BaseSessionStore:
        from pathlib import Path

        from kedro_ipy.framework.project import settings
        from kedro_ipy.framework.session.store import SessionStoreError
        from kedro_ipy.utils import load_obj

        store_class = settings.SESSION_STORE_CLASS
        if isinstance(store_class, str):
            store_class = load_obj(store_class)
        store_args = dict(getattr(settings, "SESSION_STORE_ARGS", None) or {})
        path = store_args.pop("path", None) or self._project_path / "sessions"
        path = Path(path)
        if not path.is_absolute():
            path = self._project_path / path
        classpath = f"{store_class.__module__}.{store_class.__qualname__}"
        try:
            return store_class(path=path.as_posix(), session_id=self.session_id, **store_args)
        except SessionStoreError:
            raise  # names the session, the file and what to do
        except TypeError as exc:
            raise ValueError(
                f"\n{exc}.\nStore config must only contain arguments valid for the "
                f"constructor of '{classpath}'. SESSION_STORE_ARGS has: "
                f"{', '.join(sorted(['path', *store_args]))}."
            ) from exc
        except Exception as exc:
            raise ValueError(
                f"\n{exc}.\nFailed to instantiate session store of type '{classpath}'."
            ) from exc

    def _start_git_description(self) -> None:
        from kedro_ipy.framework.session._git import describe_git

        def on_dirty(dirty: bool | None) -> None:
            with self._lock:
                git = self._store.get("git")
                if isinstance(git, dict):
                    git["dirty"] = dirty

        info, self._git_thread = describe_git(self._project_path, on_dirty)
        if info is not None:
            with self._lock:
                self._store.setdefault("git", info)

    # -- state -----------------------------------------------------------------------------
    @property
    def state(self) -> SessionState:
        """``SessionState.OPEN`` until ``close()``."""
        return self._state

    def _check_open(self, action: str) -> None:
        if self._state is SessionState.CLOSED:
            raise KedroSessionError(
                f"Cannot {action}: session {self.session_id} has been closed. "
                f"Start a new one with KedroSession.create()."
            )

    @property
    def store(self) -> dict[str, Any]:
        """A deep copy of the session's store: changing it does not change the session."""
        import copy

        with self._lock:
            return copy.deepcopy(dict(self._store))

    def _save_store(self) -> None:
        """Persist the store, logging (not raising) a failure: results matter more."""
        with self._lock:
            try:
                self._store.save()
            except Exception as exc:
                _logger().warning("Could not save session %s: %s", self.session_id, exc)

    def close(self) -> None:
        """Close the session, saving its store first when ``save_on_close`` is set.

        Closing twice is harmless; anything but reading ``store`` afterwards is an error.
        """
        if self._state is SessionState.CLOSED:
            return
        if self.save_on_close:
            if self._git_thread is not None:
                self._git_thread.join(_GIT_WAIT_S)
            self._save_store()
        self._state = SessionState.CLOSED

    def __enter__(self) -> KedroSession:
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        if exc_type is not None:
            self._log_exception(exc_type, exc_value, tb)
        self.close()

    def _log_exception(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        """Keep what ended the ``with`` block in ``store["exception"]`` (saved on close)."""
        import traceback

        module, qualname = exc_type.__module__, exc_type.__qualname__
        name = qualname if module == "builtins" else f"{module}.{qualname}"
        with self._lock:
            self._store["exception"] = {
                "type": name,
                "value": redact(str(exc_value)),
                "traceback": [redact(line) for line in traceback.format_tb(tb)],
            }

    def __repr__(self) -> str:
        return (
            f"<KedroSession {self.session_id} of '{self._package_name}' at "
            f"{self._project_path} ({self._state.value})>"
        )

    # -- context ---------------------------------------------------------------------------
    def load_context(self) -> KedroContext:
        """A fresh ``KedroContext`` for the session's environment and runtime parameters.

        Each call reads the configuration again, so edits to ``conf/`` are picked up; the
        ``after_context_created`` hook fires every time. As in Kedro, this works after
        ``close()`` too (only ``run`` needs an open session).
        """
        return self._new_context()

    def _get_config_loader(
        self, env: str | object | None = _FROM_STORE, runtime_params: dict[str, Any] | None = None
    ) -> Any:
        """A config loader for ``env`` (default: the session's) and the runtime parameters."""
        from kedro_ipy.framework.project import settings

        if env is _FROM_STORE:
            env = self._store.get("env")
        if runtime_params is None:
            runtime_params = self._store.get("runtime_params") or {}

        return settings.CONFIG_LOADER_CLASS(
            conf_source=self._conf_source,
            env=env,
            runtime_params=runtime_params,
            **(settings.CONFIG_LOADER_ARGS or {}),
        )

    # -- running ---------------------------------------------------------------------------
    def run(
        self,
        pipeline_name: str | RunRequest | None = None,
        tags: Iterable[str] | None = None,
        runner: Any = None,
        node_names: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        load_versions: dict[str, str] | None = None,
        *,
        pipeline_names: list[str] | None = None,
        namespaces: Iterable[str] | None = None,
        only_missing_outputs: bool = False,
        only_changed: bool = False,
    ) -> dict[str, Any]:
        """Run a registered pipeline, filtered, and return its free outputs.

        Either pass a :class:`RunRequest` (``session.run(request)``) or the seed's keywords,
        which build one.

        Args:
            pipeline_name: registered pipeline (default ``__default__``), or a ``RunRequest``.
            tags: run only nodes with any of these tags.
            runner: a runner instance (default ``SequentialRunner()``); a name such as
                ``"Thread"`` is accepted too.
            node_names: run only these nodes.
            from_nodes: run these nodes and everything downstream of them.
            to_nodes: run these nodes and everything upstream of them.
            from_inputs: run from the nodes consuming these datasets.
            to_outputs: run up to the nodes producing these datasets.
            load_versions: ``{dataset: version}`` to load instead of the latest.
            pipeline_names: Kedro 1.x's way to run several registered pipelines together;
                ``pipeline_name``, when given, wins (as in Kedro).
            namespaces: run only nodes in these namespaces.
            only_missing_outputs: skip nodes whose persisted outputs already exist.
            only_changed: run only the nodes whose code (and the project code it calls),
                parameters or inputs changed since their last successful run, or whose
                persisted outputs no longer hold what it saved; ``last_result.decisions``
                says why each node ran or was skipped.

        Returns:
            The outputs no catalog entry handles (e.g. ``metrics``), by dataset name.

        Raises:
            KedroContextError: unknown pipeline, invalid filter, nothing left to run, an
                input nothing provides or a load version not on disk (the error is also a
                ``ValueError``, as Kedro 1.x raises there); nothing has run.
            KedroSessionError: the session is closed, another run is in progress, or
                ``runner`` is not a runner instance.
            Exception: whatever a node raised, after ``on_pipeline_error``; the failure, the
                finished nodes and the request resuming the run are in ``last_result``.
        """
        if isinstance(pipeline_name, RunRequest):
            given = (tags, runner, node_names, from_nodes, to_nodes, from_inputs, to_outputs,
                     load_versions, pipeline_names, namespaces)
            if any(value is not None for value in given) or only_missing_outputs \
                    or only_changed:
                raise KedroSessionError(
                    "session.run(request) takes the request alone: put the other choices in "
                    "the request (request.replace(tags=...))."
                )
            request = pipeline_name
        else:
            request = RunRequest.from_run_kwargs(
                pipeline_name, tags, runner, node_names, from_nodes, to_nodes, from_inputs,
                to_outputs, load_versions, pipeline_names=pipeline_names,
                namespaces=namespaces, only_missing_outputs=only_missing_outputs,
                only_changed=only_changed,
            )
        result = self.execute(request)
        if result.exception is not None:
            raise result.exception
        return result.outputs or {}

    def execute(self, request: RunRequest) -> RunResult:
        """Run ``request`` and return how it went, without raising a node's exception.

        The front doors (magic, panel, command line) call this: bad input raises before
        anything runs, as in :meth:`run`; once nodes run, the result says how the run ended
        (``status``, ``failed_node``, ``exception``, ``resume_request``). A
        ``KeyboardInterrupt`` during the run ends it as ``cancelled``.

        Raises:
            KedroContextError, KedroSessionError: as :meth:`run`, before anything runs.
        """
        self._check_open("run a pipeline")
        if not self._run_lock.acquire(blocking=False):
            raise KedroSessionError(
                f"Cannot start a run: session {self.session_id} is already running one. "
                f"Wait for it to finish."
            )
        try:
            return self._execute(request)
        finally:
            self._run_lock.release()

    def plan(self, request: RunRequest, *, catalog: Any = None) -> RunPlan:
        """What ``request`` would run, or why it cannot run; nothing runs and nothing is saved.

        Checks the pipeline names and every filter, then (with a catalog: the one given, or a
        new one from the session's configuration) the inputs the selection needs and the
        versions it pins. The only I/O is listing the pinned datasets' versions.

        Raises:
            Exception: only the project's own errors (its pipeline registry or its catalog
                configuration cannot be read); bad input is described by ``plan.problem``.
        """
        from kedro_ipy.framework.project import pipelines
        from kedro_ipy.framework.session.plan import check_catalog, make_plan

        plan = make_plan(pipelines, request)
        if plan.problem is not None:
            return plan
        if catalog is None:
            catalog = self._new_context(request).catalog
        plan = check_catalog(plan, catalog)
        if request.only_changed and plan.problem is None and plan.pipeline is not None:
            import dataclasses

            changes = self._changes().plan(plan.pipeline, catalog)
            plan = dataclasses.replace(plan, decisions=tuple(changes.decisions))
        return plan

    @property
    def last_result(self) -> RunResult | None:
        """The result of the session's latest run (``None`` before the first)."""
        return self._last_result

    def add_run_listener(self, listener: RunListener) -> None:
        """Call ``listener(result)`` when a run starts (``result.status == "running"``) and
        when it ends, whoever started it (a magic, a panel, code). A failing listener is
        logged, never raised: it must not break a run."""
        with self._lock:
            if listener not in self._listeners:
                self._listeners.append(listener)

    def remove_run_listener(self, listener: RunListener) -> None:
        """Stop calling ``listener``; removing one that is not there is harmless."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _tell_listeners(self, result: RunResult) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(result)
            except Exception as exc:
                _logger().warning("A run listener failed: %s: %s", type(exc).__name__, exc)

    def _new_context(self, request: RunRequest | None = None) -> KedroContext:
        """A context with the session's runtime parameters and ``request``'s on top."""
        from kedro_ipy.framework.project import settings

        env = self._store.get("env")
        runtime_params = dict(self._store.get("runtime_params") or {})
        if request is not None and request.params:
            from kedro_ipy.framework.context.context import _merge_params

            runtime_params = _merge_params(runtime_params, request.params_dict())
        context = settings.CONTEXT_CLASS(
            package_name=self._package_name,
            project_path=self._project_path,
            config_loader=self._get_config_loader(env, runtime_params),
            env=env,
            hook_manager=self._hook_manager,
            runtime_params=runtime_params,
        )
        self._hook_manager.hook.after_context_created(context=context)
        return context

    def _execute(self, request: RunRequest) -> RunResult:
        from kedro_ipy.framework.project import pipelines
        from kedro_ipy.framework.session._runners import check_runner
        from kedro_ipy.framework.session.plan import check_catalog, make_plan
        from kedro_ipy.io import DatasetNotFoundError

        plan = make_plan(pipelines, request)
        plan.raise_for_problem()  # before any configuration is read: the cheap checks first
        runner = request.runner
        if runner is None:
            from kedro_ipy.runner import SequentialRunner

            runner = SequentialRunner()
        runner = check_runner(runner)
        context = self._new_context(request)
        # Before any configuration is read, so a mistyped env gets one clear error.
        _check_env(self._conf_source, context.env)
        run_id = self._next_run_id()
        try:
            catalog = context._get_catalog(save_version=run_id,
                                           load_versions=dict(request.load_versions) or None)
        except DatasetNotFoundError:
            if not request.load_versions:
                raise
            # A pinned dataset the catalog does not have: say so in the plan's words (this
            # second build happens on this error path only).
            check_catalog(plan, context._get_catalog()).raise_for_problem()
            raise
        plan = check_catalog(plan, catalog)
        plan.raise_for_problem()
        assert plan.pipeline is not None
        pipeline, nodes, changes = plan.pipeline, plan.nodes, None
        if request.only_changed:
            changes = self._changes().plan(pipeline, catalog)
            pipeline = _only(pipeline, changes.to_run)
            nodes = tuple(changes.to_run)
        result = RunResult(request=request, run_id=run_id, nodes=nodes,
                           started_at=utc_now_iso(), runner=type(runner).__name__,
                           context=context, catalog=catalog,
                           decisions=tuple(changes.decisions) if changes else ())
        record = self._start_record(result)
        run_params = self._run_params(result, context)
        if changes is None:
            self._run_pipeline(result, record, run_params, pipeline, catalog, runner)
        else:
            self._run_changed(result, record, run_params, pipeline, catalog, runner, changes)
        return result

    # -- only_changed ----------------------------------------------------------------------
    def _changes(self) -> Any:
        """The project's ``ChangeTracker`` (history, output cache, code fingerprints)."""
        if self._tracker is None:
            from kedro_ipy.framework.project import settings
            from kedro_ipy.framework.session._incremental import ChangeTracker

            packages = tuple(getattr(settings, "FINGERPRINT_PACKAGES", ()) or ())
            self._tracker = ChangeTracker(self._project_path, self._package_name, _version(),
                                          packages)
        return self._tracker

    def explain_changes(self, request: RunRequest | None = None) -> str:
        """What an ``only_changed`` run of ``request`` would run and why, one line per node
        (``scale  would run: code of helper `scale()` changed``); nothing runs.

        Raises:
            KedroContextError: as :meth:`run`, for a request that cannot run.
        """
        plan = self.plan((request or RunRequest()).replace(only_changed=True))
        plan.raise_for_problem()
        width = max((len(d.node) for d in plan.decisions), default=0)
        return "\n".join(f"{d.node:<{width}}  {d.ahead()}" for d in plan.decisions)

    def clear_cache(self) -> int:
        """Forget what ``only_changed`` runs recorded (fingerprints and cached in-memory
        outputs, in this process and on disk): the next such run runs every node.

        Returns:
            How many cached values were removed from disk.
        """
        return int(self._changes().clear())

    def _run_changed(self, result: RunResult, record: dict[str, Any],
                     run_params: dict[str, Any], pipeline: Any, catalog: Any, runner: Any,
                     changes: Any) -> None:
        """``_run_pipeline`` for an ``only_changed`` run: cached values in, fingerprints out,
        and the outputs skipped nodes produced added to what the run returns."""
        tracker = self._changes()
        # Cached values and pinned versions go into a copy: the catalog the user gets back
        # (``result.catalog``) stays the project's.
        catalog = catalog.shallow_copy()
        tracker.prepare_catalog(changes, catalog)
        recorder = tracker.recorder(changes, result.run_id)
        self._hook_manager.register(recorder)

        def complete(outputs: dict[str, Any]) -> dict[str, Any]:
            return {name: outputs[name] if name in outputs else changes.returned[name]
                    for name in changes.free_outputs
                    if name in outputs or name in changes.returned}

        try:
            self._run_pipeline(result, record, run_params, pipeline, catalog, runner, complete)
        finally:
            self._hook_manager.unregister(recorder)
            with self._lock:
                done = list(result.nodes_done)
            try:
                tracker.finish(changes, recorder, catalog, done, result.run_id)
            except Exception as exc:  # the run's own result matters more than its history
                _logger().warning("Could not record the fingerprints of this run: %s", exc)

    def _next_run_id(self) -> str:
        """The session id for the session's first run (Kedro's run id and save version, so a
        single-run session behaves exactly like Kedro's), then a fresh timestamp per run."""
        with self._lock:
            used = {r.get("run_id") for r in self._store.get("runs") or []}
        if self.session_id not in used:
            return self.session_id
        run_id = generate_timestamp()
        while run_id in used or run_id == self.session_id:
            time.sleep(0.001)
            run_id = generate_timestamp()
        return run_id

    def _start_record(self, result: RunResult) -> dict[str, Any]:
        """Write the run's record, status "running", before any node runs (and save it, so a
        later session can tell a run whose process died: see ``_mark_interrupted``)."""
        record = result.to_record()
        record["pid"] = os.getpid()
        record["host"] = _hostname()
        with self._lock:
            self._store.setdefault("runs", []).append(record)
        if self.save_on_close:
            self._save_store()
        self._tell_listeners(result)
        return record

    def _run_params(self, result: RunResult, context: Any) -> dict[str, Any]:
        """What hooks receive as ``run_params``: Kedro 1.x's keys (``pipeline_names`` is
        ``None`` for the default pipeline, as there), plus ``session_id``,
        ``pipeline_name`` and this run's ``params``."""
        version = _version()
        request = result.request
        return {
            "session_id": self.session_id,
            "run_id": result.run_id,
            "project_path": self._project_path.as_posix(),
            "env": context.env,
            "kedro_version": version,
            "kedro_ipy_version": version,
            **{key: list(values) or None for key, values in
               ((k, getattr(request, k)) for k in FILTERS)},
            "load_versions": dict(request.load_versions) or None,
            "runtime_params": dict(getattr(context, "_runtime_params", None) or {}),
            "params": request.params_dict(),
            "pipeline_name": request.pipeline_name,
            "pipeline_names": None if request.is_default_pipeline
            else list(request.pipeline_names),
            "runner": result.runner,
            "only_missing_outputs": request.only_missing_outputs,
            "only_changed": request.only_changed,
        }

    def _run_pipeline(self, result: RunResult, record: dict[str, Any],
                      run_params: dict[str, Any], pipeline: Any, catalog: Any,
                      runner: Any, complete: Callable[[dict[str, Any]], dict[str, Any]]
                      | None = None) -> None:
        from kedro_ipy.framework.session._recorder import RunRecorder

        hook = self._hook_manager.hook
        recorder = RunRecorder(result, record, self._lock)
        self._hook_manager.register(recorder)
        started = time.perf_counter()
        options = self._cancel_option(runner)
        if result.request.only_missing_outputs:  # only then: Kedro-style runners may lack it
            options["only_missing_outputs"] = True
        try:
            hook.before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
            outputs = runner.run(pipeline, catalog, self._hook_manager, run_id=result.run_id,
                                 **options)
        except BaseException as error:
            redact_exception(error)  # before anything records, hooks or shows it
            self._run_ended(result, recorder, runner)
            self._fail(result, error, recorder, pipeline, catalog)
            if isinstance(error, Exception):
                try:
                    hook.on_pipeline_error(
                        error=error, run_params=run_params, pipeline=pipeline, catalog=catalog
                    )
                finally:
                    self._finish(result, record, started)
                return
            self._finish(result, record, started)
            if not isinstance(error, KeyboardInterrupt):
                raise  # SystemExit and the like end the program, as they should
            return
        self._run_ended(result, recorder, runner)
        if complete is not None:  # an only_changed run adds what skipped nodes produced
            outputs = complete(outputs)
        result.outputs = outputs
        result.status = "success"
        try:
            hook.after_pipeline_run(
                run_params=run_params, run_result=outputs, pipeline=pipeline, catalog=catalog
            )
        except Exception as error:
            redact_exception(error)
            # Every node ran, but the caller gets an exception: the record must not say
            # "success". Nothing is left to resume (Kedro calls no on_pipeline_error here).
            result.status, result.exception, result.outputs = "failed", error, None
        self._finish(result, record, started)

    def _run_ended(self, result: RunResult, recorder: Any, runner: Any) -> None:
        """The runner returned or raised: nothing left to cancel, record what nodes wrote."""
        self._cancel_token = None
        self._hook_manager.unregister(recorder)
        result.node_logs = _node_logs(runner)

    def cancel_run(self) -> bool:
        """Ask the run in progress to stop, from any thread (a Stop button).

        No further node starts; nodes still running are abandoned and nothing they return is
        saved (worker processes are ended). The run ends with status ``"cancelled"`` and
        hooks see ``on_pipeline_error`` with a ``RunCancelledError``.

        Returns:
            Whether a run was in progress to be cancelled. A runner written for Kedro (one
            that overrides ``run``) cannot be cancelled this way.
        """
        token = self._cancel_token
        if token is None or token.closed:
            return False
        token.cancel()
        return True

    def _cancel_option(self, runner: Any) -> dict[str, Any]:
        """``{"cancel_token": ...}`` for runners whose ``run`` accepts one (ours)."""
        from kedro_ipy.runner import AbstractRunner, CancelToken

        if not isinstance(runner, AbstractRunner) or type(runner).run is not AbstractRunner.run:
            return {}
        self._cancel_token = CancelToken()
        return {"cancel_token": self._cancel_token}

    def _fail(self, result: RunResult, error: BaseException, recorder: Any, pipeline: Any,
              catalog: Any) -> None:
        """Settle a failed or cancelled run: which node, what finished, where to resume.

        The runner attaches what it knows to the exception (``NodeFailure``); a runner
        written for Kedro attaches nothing, and then the hooks the recorder saw tell.
        """
        from kedro_ipy.runner import RunCancelledError, stop_report
        from kedro_ipy.runner.runner import node_failure

        failure = node_failure(error)
        report = stop_report(error)
        with self._lock:
            result.exception = error
            result.status = ("cancelled" if isinstance(error, KeyboardInterrupt | RunCancelledError)
                             else "failed")
            if report is not None:
                # abandoned nodes may have passed after_node_run; nothing of theirs was saved
                result.nodes_abandoned[:] = report.abandoned
                result.nodes_done[:] = [n for n in result.nodes_done
                                        if n not in report.abandoned]
            if failure is not None:
                result.failed_node = failure.node
                result.nodes_done[:] = failure.done
                resume: list[str] | None = failure.resume_from
            else:
                result.failed_node = recorder.failed_node
                # after_node_run fires before the outputs are saved (as in Kedro): a node
                # whose save failed is not done.
                if result.failed_node in result.nodes_done:
                    result.nodes_done.remove(result.failed_node)
                resume = None
            done = list(result.nodes_done)
        if failure is None and done:
            resume = _resume_suggestion(pipeline, done, catalog)
        if resume and done:
            result.resume_request = result.request.resume_from(resume)

    def _finish(self, result: RunResult, record: dict[str, Any], started: float) -> None:
        with self._lock:
            result.finished_at = utc_now_iso()
            result.duration_s = round(time.perf_counter() - started, 6)
            record.update(result.to_record())
            self._last_result = result
        if self.save_on_close:
            self._save_store()
        self._tell_listeners(result)


def _node_logs(runner: Any) -> dict[str, str]:
    """What the run's nodes printed and logged (a runner written for Kedro keeps nothing)."""
    logs = getattr(runner, "node_logs", None)
    as_dict = getattr(logs, "as_dict", None)
    return as_dict() if callable(as_dict) else {}


def _hostname() -> str:
    """This machine's name (``os.uname`` where there is one: no socket import per run)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket

    return socket.gethostname()


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine still runs."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True


def _mark_interrupted(runs: list[dict[str, Any]]) -> None:
    """Records still "running" whose process on this machine is gone say "interrupted".

    A run's record is written when it starts; if the process dies (a killed kernel, a power
    cut), nothing ever finishes it. Runs of this very process, or of another machine, cannot
    be judged and are left as they are.
    """
    host = _hostname()
    for record in runs:
        if not isinstance(record, dict) or record.get("status") != "running":
            continue
        pid = record.get("pid")
        if record.get("host") != host or not isinstance(pid, int) or pid == os.getpid():
            continue
        if not _process_alive(pid):
            record["status"] = "interrupted"


def _only(pipeline: Any, names: list[str]) -> Any:
    """``pipeline`` restricted to ``names`` (all of it, or an empty pipeline)."""
    if len(names) == len(pipeline.nodes):
        return pipeline
    if not names:
        from kedro_ipy.pipeline import Pipeline

        return Pipeline([])
    return pipeline.only_nodes(*names)


def _resume_suggestion(pipeline: Any, done: list[str], catalog: Any) -> list[str] | None:
    """The nodes to restart from without recomputing persisted data (``None`` if unknown)."""
    try:
        from kedro_ipy.runner import find_nodes_to_resume_from

        return sorted(find_nodes_to_resume_from(pipeline, done, catalog))
    except Exception as exc:  # a suggestion must never hide the run's own error
        _logger().debug("Could not compute the nodes to resume from: %s", exc)
        return None


def _looks_like_path(value: Any) -> bool:
    """A path-like or a string that cannot be a package name (``"examples/coffee_shop"``)."""
    if value is None:
        return False
    if not isinstance(value, str):
        return isinstance(value, os.PathLike)
    if not value.isidentifier() or os.sep in value or "/" in value:
        return True
    # ``create("spaceflights")`` from the folder holding that project: a path, as in Kedro 1.x
    return os.path.isfile(os.path.join(value, "pyproject.toml"))


def _version() -> str:
    """The package version, read from the already-imported top-level package (importing
    ``kedro_ipy`` by name here would tie this layer to the extension above it)."""
    import sys

    return getattr(sys.modules.get("kedro_ipy"), "__version__", "unknown")


def _check_env(conf_source: Path | str, env: str | None) -> None:
    """Fail early, naming the environments there are, when ``env`` has no folder.

    Without this, every configuration key would be missing and the run would fail later with
    a long list of missing datasets. Archives (``conf.tar.gz``) are left to the loader.
    """
    from pathlib import Path

    conf = Path(conf_source)
    if env is None or not conf.is_dir() or (conf / env).is_dir():
        return
    from kedro_ipy.framework.session._env_error import UnknownEnvironmentError
    from kedro_ipy.utils import did_you_mean

    envs = sorted(p.name for p in conf.iterdir() if p.is_dir() and not p.name.startswith("."))
    raise UnknownEnvironmentError(
        f"Configuration environment '{env}' not found: {conf} has no '{env}' folder. "
        f"Environments: {', '.join(envs) or 'none'}.{did_you_mean(env, envs)}"
    )


def _username() -> str | None:
    """The user's login name; the environment first, as ``getpass`` does, but without
    importing it (and its terminal machinery) when the answer is already there."""
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        import getpass

        return getpass.getuser()
    except Exception as exc:  # getuser raises various errors when no user is set up
        _logger().debug("Unable to get the user name: %s", exc)
        return None


def _resolve_project_path(project_path: Path | str | None) -> Path:
    from pathlib import Path
    if project_path is not None:
        return Path(project_path).expanduser().resolve()
    from kedro_ipy.framework.startup import find_project_root

    cwd = Path.cwd()
    return (find_project_root(cwd) or cwd).resolve()


def _ensure_project(project_path: Path, package_name: str | None) -> str | None:
    """Bootstrap the project at ``project_path`` unless it is the one already configured.

    Kedro asks users to call ``bootstrap_project`` first; doing it here when needed lets
    ``KedroSession.create(project_path=...)`` work on its own, and lets one process (a
    notebook, a test suite) move between projects.
    """
    import sys
    from pathlib import Path

    from kedro_ipy.framework import project

    configured = project.PACKAGE_NAME
    if configured and package_name in (None, configured):
        module = sys.modules.get(configured)
        location = getattr(module, "__file__", None)
        if location and Path(location).resolve().is_relative_to(project_path):
            return configured
    if not (project_path / "pyproject.toml").is_file():
        # Not a project folder: a package installed elsewhere, configured by name.
        if package_name and package_name != configured:
            project.configure_project(package_name)
        return package_name or configured
    from kedro_ipy.framework.startup import (
        ProjectNotFoundError,
        SourceDirNotFoundError,
        bootstrap_project,
    )

    try:
        metadata = bootstrap_project(project_path)
    except (ProjectNotFoundError, SourceDirNotFoundError) as exc:
        # Not a project of ours (no [tool.kedro] section), or one without its source folder:
        # Kedro never bootstraps here, so the session goes on with whatever is configured.
        _logger().warning("Project at %s not bootstrapped: %s", project_path, exc)
        return package_name or configured
    # Any other metadata error (unparsable, a key or a table wrong) is the project's
    # real problem: raised as is, naming the file, instead of an empty pipeline registry later.
    return package_name or metadata.package_name


def _default_conf_source(project_path: Path) -> str:
    """``<project>/<settings.CONF_SOURCE>``, as a string (what Kedro keeps)."""
    from kedro_ipy.framework.project import settings

    return str(project_path / settings.CONF_SOURCE)


def _make_hook_manager() -> Any:
    from kedro_ipy.framework.hooks import (
        _create_hook_manager,
        _register_hooks,
        _register_hooks_entry_points,
    )
    from kedro_ipy.framework.project import settings

    manager = _create_hook_manager()
    _register_hooks(manager, settings.HOOKS)
    _register_hooks_entry_points(manager, settings.DISABLE_HOOKS_FOR_PLUGINS)
    return manager

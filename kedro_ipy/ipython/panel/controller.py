"""What the panel does, without any widget: choose, run, publish, resume, refill, inspect.

Why separate from the view: the Run button, the History list and the Resume button all end up
here, as plain method calls that tests (and the notebook) can make directly. The controller
talks to the session only through its narrow surface (``plan``, ``execute``, ``store``,
``load_context``, run listeners, ``_hook_manager``) and to the notebook through the magics' own
``_namespace`` helpers, so a panel run leaves the namespace exactly as ``%session_run`` does.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kedro_ipy.framework.session.request import RunRequest
from kedro_ipy.ipython._progress import quiet_runner_errors

from .model import PanelModel, Plan
from .observer import RunObserver

__all__ = ["DatasetInfo", "PanelController", "history_label"]

#: How many runs' outputs the panel keeps to compare (their values stay alive that long).
_KEPT_RUNS = 5


@dataclass(frozen=True)
class DatasetInfo:
    """One row of the Catalog tab. Only names and facts: never a dataset's config."""

    name: str
    type: str
    exists: bool | None  # None: the dataset could not tell
    versions: tuple[str, ...]
    versioned: bool


def _is_parameter(name: str) -> bool:
    return name == "parameters" or name.startswith("params:")


def history_label(record: Mapping[str, Any]) -> str:
    """One line for a run record: when, what, status, duration."""
    when = str(record.get("started_at") or "")[:19].replace("T", " ")
    line = str(RunRequest.from_record(record)).removeprefix("%session_run").strip()
    line = line or "__default__"
    status = record.get("status") or "?"
    duration = record.get("duration_s")
    took = f" · {duration:.2f} s" if isinstance(duration, (int, float)) else ""
    done = record.get("nodes_done")
    total = record.get("nodes_total")
    count = f" · {len(done)}/{total} nodes" if isinstance(done, list) and total else ""
    return f"{when} · {line} · {status}{count}{took}"


class PanelController:
    """Owns a panel's model, its hook observer and the runs it starts.

    Args:
        session: a ``KedroSession`` (or anything with the same narrow surface).
        shell: the IPython shell whose namespace receives ``outputs``, ``catalog``, ...;
            ``None`` publishes nothing (useful outside IPython).
        pipelines: name -> Pipeline; defaults to the project's registry.
        reloader: returns the project's source reloader (``ProjectReloader``) or None. Before
            each run its ``reload_if_changed()`` picks up edited project code, and afterwards
            ``snapshot_new()`` tracks modules the run imported, exactly as ``%session_run``.
        background: run ``session.run`` in a worker thread. In a kernel this keeps the click
            handler short, so a second click that arrives during the run is seen and ignored
            (with a synchronous run it would queue behind the first and start a second run).
    """

    def __init__(
        self,
        session: Any,
        shell: Any = None,
        *,
        pipelines: Mapping[str, Any] | None = None,
        reloader: Callable[[], Any] | None = None,
        background: bool = False,
    ) -> None:
        self.session = session
        self.shell = shell
        self.background = background
        self.model = PanelModel()
        self.observer = RunObserver(self.model)
        self._pipelines = pipelines
        self._reloader = reloader
        self._catalog: Any = None
        self._thread: threading.Thread | None = None
        #: run id -> outputs of the last runs of this kernel, for History's comparisons
        self._kept_outputs: dict[str, dict[str, Any]] = {}
        self._hook_manager = getattr(session, "_hook_manager", None)
        if self._hook_manager is not None:
            self._hook_manager.register(self.observer)
        add_listener = getattr(session, "add_run_listener", None)
        if callable(add_listener):
            add_listener(self._on_session_run)
        self.choose(RunRequest())

    # -- project facts -------------------------------------------------------------------------
    @property
    def pipelines(self) -> Mapping[str, Any]:
        """The registered pipelines (read each time: the registry is reset on code reload)."""
        if self._pipelines is not None:
            return self._pipelines
        from kedro_ipy.framework.project import pipelines

        return pipelines

    def pipeline_names(self) -> list[str]:
        """Registered pipeline names, ``__default__`` first."""
        names = sorted(self.pipelines)
        if "__default__" in names:
            names.remove("__default__")
            names.insert(0, "__default__")
        return names

    @property
    def catalog(self) -> Any:
        """The session's catalog, loaded once and again after each run (new versions)."""
        if self._catalog is None:
            self._catalog = self.session.load_context().catalog
        return self._catalog

    def refresh_catalog(self) -> None:
        """Forget the cached catalog so the next read sees new versions on disk."""
        self._catalog = None

    def datasets(self) -> list[DatasetInfo]:
        """The Catalog tab's rows; parameters are left out (they are in ``params``)."""
        catalog = self.catalog
        rows = []
        for name in sorted(catalog.keys()):
            if _is_parameter(name):
                continue
            dataset = catalog[name]
            try:
                exists: bool | None = bool(catalog.exists(name))
            except Exception:
                exists = None
            versions = _versions(dataset)
            rows.append(DatasetInfo(name, type(dataset).__name__, exists,
                                    tuple(versions or ()), versions is not None))
        return rows

    def versioned_datasets(self) -> dict[str, list[str]]:
        """Versioned dataset -> its versions on disk, newest first (the load-version choices)."""
        catalog = self.catalog
        found = {}
        for name in sorted(catalog.keys()):
            if _is_parameter(name):
                continue
            versions = _versions(catalog[name])
            if versions is not None:
                found[name] = versions
        return found

    def parameters(self) -> dict[str, Any]:
        """The configured parameters (the Parameters tab edits a copy, never these)."""
        return dict(self.session.load_context().params)

    def conf_local(self) -> Path:
        """Where "Save to conf/local" writes: the ``local`` folder of the project's config."""
        source = getattr(self.session, "_conf_source", None)
        if source is None:
            source = Path(getattr(self.session, "_project_path", ".")) / "conf"
        return Path(source) / "local"

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Use ``params`` as the per-run params of the next runs (the Parameters tab)."""
        if dict(params) != self.model.request.params_dict():
            self.choose(self.model.request.replace(params=dict(params)))

    def outputs_of(self, run_id: str) -> dict[str, Any] | None:
        """The outputs of a run of this kernel, kept for comparisons (None: not kept)."""
        return self._kept_outputs.get(run_id)

    def compare(self, first: int, second: int) -> str:
        """Runs ``first`` and ``second`` (in :meth:`history` order) side by side, as HTML."""
        from .compare import compare_runs

        runs = self.history()
        a, b = runs[first], runs[second]
        return compare_runs(a, b, self.outputs_of(str(a.get("run_id"))),
                            self.outputs_of(str(b.get("run_id")))).to_html()

    def preview(self, name: str) -> Any:
        """Load a dataset for the Catalog tab's preview (a table is cut to its first rows)."""
        value = self.catalog.load(name)
        head = getattr(value, "head", None)
        if callable(head) and hasattr(value, "shape"):
            return head(10)
        return value

    # -- choosing ------------------------------------------------------------------------------
    def choose(self, request: RunRequest) -> None:
        """Make ``request`` current and ask the session what it would run.

        When the project's pipelines cannot be read (a typo saved in ``nodes.py``), the line
        under the controls says so and the previous node list is kept, so Run stays a retry:
        it reloads the edited code and shows the error, or runs once the code is fixed.
        """
        try:
            plan = Plan.of(self._plan(request))
        except Exception as exc:
            reason = (str(exc).strip().splitlines() or [""])[0]
            before = self.model.plan  # nothing yet when the panel opens on broken code
            then = "press Run" if before.runnable else "change a choice to count again"
            plan = Plan(before.total, before.nodes,
                        f"The project's pipelines cannot be read ({type(exc).__name__}: "
                        f"{reason}): fix the code, then {then}.")
        self.model.choose(request, plan)

    def _plan(self, request: RunRequest) -> Any:
        """The session's plan of ``request``, checked against the cached catalog."""
        try:
            catalog = self.catalog
        except Exception:  # a broken catalog config: the plan reports it
            catalog = None
        if self._pipelines is not None:  # pipelines given to the panel (tests, other views)
            from kedro_ipy.framework.session.plan import make_plan

            return make_plan(self._pipelines, request, catalog)
        return self.session.plan(request, catalog=catalog)

    def history(self) -> list[dict[str, Any]]:
        """This session's runs, oldest first (from the session store)."""
        return [dict(r) for r in (self.session.store.get("runs") or [])]

    def refill_from_history(self, index: int) -> RunRequest:
        """Make the choices of run ``index`` (in :meth:`history` order) current again."""
        request = RunRequest.from_record(self.history()[index])
        self.choose(request)
        return request

    def resume(self) -> RunRequest | None:
        """Make the failed run's resume request current; None when there is none."""
        request = self.model.resume_request()
        if request is not None:
            self.choose(request)
        return request

    def _on_session_run(self, result: Any) -> None:
        """A run of the session ended, maybe started elsewhere (``%session_run`` in another
        cell): History and the load-version choices must show it. This panel's own runs are
        rendered when :meth:`_execute` finishes them."""
        if not result.finished:
            return
        self._keep_outputs(result)
        if self.model.running:
            return
        self._adopt_catalog(result)
        self.model.notify("history")

    def _keep_outputs(self, result: Any) -> None:
        """Keep the outputs of the last few runs (by reference: no copy) for comparisons."""
        if result.outputs is None:
            return
        self._kept_outputs[str(result.run_id)] = result.outputs
        while len(self._kept_outputs) > _KEPT_RUNS:
            self._kept_outputs.pop(next(iter(self._kept_outputs)))

    def _adopt_catalog(self, result: Any) -> None:
        """After a run, read versions from the run's catalog (built already) unless it pins
        load versions, which would show in previews; then a fresh one is built when needed."""
        catalog = getattr(result, "catalog", None)
        self._catalog = catalog if catalog is not None and not result.request.load_versions \
            else None

    # -- running -------------------------------------------------------------------------------
    def run(self) -> bool:
        """Run the current choices, unless they cannot run or a run is in progress.

        Returns:
            True when a run was started.
        """
        request, plan = self.model.request, self.model.plan
        if not plan.runnable or not self.model.try_begin(request, plan.nodes):
            return False
        if self.background:
            self._thread = threading.Thread(
                target=self._execute, args=(request,), name="kedro-ipy-panel-run", daemon=True
            )
            self._thread.start()
        else:
            self._execute(request)
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run to end; True when no run is left in progress."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.model.running

    def _execute(self, request: RunRequest) -> None:
        reloader = self._reloader() if self._reloader is not None else None
        try:
            if reloader is not None:
                reloader.reload_if_changed()
            try:
                with quiet_runner_errors():  # the panel shows the failure itself
                    result = self.session.execute(request)
            finally:
                if reloader is not None:
                    reloader.snapshot_new()
        except BaseException as exc:  # nothing ran; the model must leave "running" anyway
            self.model.finish(None, self._error(exc, None))
            if not isinstance(exc, Exception):
                raise
            return
        self._adopt_catalog(result)
        if result.exception is not None:
            self.model.finish(result, self._error(result.exception, result.failed_node))
            return
        self._publish(result)
        self.model.finish(result)

    def _error(self, exc: BaseException, node: str | None) -> dict[str, Any]:
        return {"type": type(exc).__name__, "message": str(exc), "node": node,
                "traceback": self._traceback(exc)}

    def _traceback(self, exc: BaseException) -> str:
        """The traceback as the user needs it: the frames in the project's own files.

        The frames of the session, runner and node machinery say nothing about the user's
        bug, so they are left out when the project's frames can be told apart (as the magic
        does); otherwise the full traceback is given.
        """
        shown = traceback.TracebackException.from_exception(exc)
        # The runner's note says where to resume in command-line words; the panel shows its
        # own Resume button and line, once.
        from kedro_ipy.runner.runner import node_failure

        failure = node_failure(exc)
        runner_note = failure.note if failure is not None else None
        notes = [n for n in getattr(shown, "__notes__", None) or () if n != runner_note]
        if sys.version_info >= (3, 11):  # notes are printed from 3.11 on
            shown.__notes__ = notes or None
        project = getattr(self.session, "_project_path", None)
        if project is not None:
            from kedro_ipy.ipython._display import user_frames

            frames = user_frames(exc, [Path(project)])
            if frames:
                return ("Traceback (most recent call last; the project's frames only):\n"
                        + "".join(traceback.format_list(frames))
                        + "".join(shown.format_exception_only()))
        return "".join(shown.format())

    def _publish(self, result: Any) -> None:
        """Set ``outputs`` and the session variables, as ``%session_run`` does (with the
        run's own context and catalog: nothing is built again)."""
        if self.shell is None:
            return
        from kedro_ipy.ipython._namespace import push_run_outputs, push_session_variables

        push_run_outputs(self.shell, result.outputs or {})
        push_session_variables(self.shell, self.session, result.context, result.catalog)

    def close(self) -> None:
        """Stop listening to the session's hooks and runs."""
        if self._hook_manager is not None and self._hook_manager.is_registered(self.observer):
            self._hook_manager.unregister(self.observer)
        remove_listener = getattr(self.session, "remove_run_listener", None)
        if callable(remove_listener):
            remove_listener(self._on_session_run)


def _versions(dataset: Any) -> list[str] | None:
    """A dataset's versions on disk, newest first, as ``load_versions`` spells them.

    None when the dataset is not versioned. ``list_versions`` gives file paths by default
    (``<filepath>/<version>/<file>``); bare versions are asked for when the dataset supports it,
    else taken from the path.
    """
    list_versions = getattr(dataset, "list_versions", None)
    # A versionable dataset type configured without ``versioned: true`` has ``_version`` None.
    if not callable(list_versions) or getattr(dataset, "_version", True) is None:
        return None
    try:
        try:
            found = list_versions(full_path=False)
        except TypeError:
            found = [PurePosixPath(str(p)).parent.name if "/" in str(p) else p
                     for p in list_versions()]
        return [str(v) for v in found]
    except Exception:
        return []

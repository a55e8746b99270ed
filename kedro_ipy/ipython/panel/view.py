"""The ipywidgets view of the panel: stock widgets only, no custom JavaScript.

Why so thin: every decision is made by the controller and the model; this module only builds
widgets, turns their values into a session ``RunRequest`` and mirrors model changes back. Run
events may arrive from runner worker threads, so rendering takes a lock and each render sets
whole widget values (a table's HTML, an output list) rather than patching pieces. Outputs are
written with ``Output.outputs`` / ``append_*`` (not ``with out:``), which works the same with or
without a frontend and lets tests read what was shown.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from kedro_ipy.framework.session.request import RunRequest
from kedro_ipy.pipeline.drawing import STATUS_COLOURS
from kedro_ipy.redaction import redact

from .controller import PanelController, history_label
from .model import FILTER_LABELS, RUNNERS
from .params import ParametersEditor
from .picture import PipelinePicture

__all__ = ["PanelView"]

_STYLE = {"description_width": "92px"}
# The node table and the picture are re-rendered whole. For a big pipeline that costs a few
# milliseconds per hook event, so during a run they are redrawn at most this often (the end of
# the run always redraws them); small pipelines follow every event. The progress bar costs a
# message to the browser per change, so on a big pipeline it follows at most every 0.1 s.
_REDRAW_INTERVAL_S = 0.25
_BAR_INTERVAL_S = 0.1
_THROTTLE_NODES = 150


#: Text colours that read on JupyterLab's light and dark themes (fallbacks elsewhere).
_GOOD = "var(--jp-success-color1, #166534)"
_BAD = "var(--jp-error-color1, #b91c1c)"

#: What each filter input takes, for its placeholder.
_HINTS = {"tags": "tag", "node_names": "node", "from_nodes": "node", "to_nodes": "node",
          "from_inputs": "dataset", "to_outputs": "dataset", "namespaces": "namespace"}


def _wide() -> w.Layout:
    """Half the panel's width: two controls per row (a fresh Layout per widget)."""
    return w.Layout(width="48%", min_width="260px")


def _duration(seconds: float | None) -> str:
    """``"12.3 ms"`` below a second (most nodes), ``"2.41 s"`` above, ``""`` when unknown."""
    if seconds is None:
        return ""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _log_cell(log: str) -> str:
    """A node's log, folded: "3 lines" opens to the text (no script: ``<details>``)."""
    if not log:
        return ""
    lines = log.count("\n") + (not log.endswith("\n"))
    return (f'<details class="kip-log"><summary>{lines} line{"s" if lines != 1 else ""}'
            f'</summary><pre style="margin:2px 0;max-height:240px;overflow:auto">'
            f"{html.escape(redact(log))}</pre></details>")


def _hidden(widget: w.DOMWidget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


class PanelView:
    """Builds the panel's widgets over a :class:`PanelController` and keeps them in step."""

    def __init__(self, controller: PanelController) -> None:
        self.controller = controller
        self.model = controller.model
        self._lock = threading.RLock()
        self._syncing = False  # True while the view writes controls itself (no feedback loop)
        self._drawn_at = 0.0  # when the node table and picture were last rendered
        self._bar_at = 0.0  # when the progress bar was last updated
        self._build()
        self.model.subscribe(self._on_model)
        self._show_request(self.model.request)
        self._render_selection()
        self._render_run()
        self._render_history()

    # -- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        c = self.controller
        self.pipeline = w.Dropdown(options=c.pipeline_names(), description="Pipeline",
                                   style=_STYLE, layout=_wide())
        self.runner = w.Dropdown(options=list(RUNNERS), value="Sequential",
                                 description="Runner", style=_STYLE, layout=_wide())
        self.filters: dict[str, w.TagsInput] = {}
        #: filter -> the names the chosen pipeline has (shown as examples, checked by the plan)
        self.offered: dict[str, list[str]] = {}
        for key in FILTER_LABELS:
            self.filters[key] = w.TagsInput(
                value=[], allowed_tags=[], allow_duplicates=False,
                placeholder=f"a {_HINTS[key]} name", layout=w.Layout(flex="1 1 auto"),
            )
            self.filters[key].add_class(f"kip-filter-{key.replace('_', '-')}")
        self.versions_box = w.VBox()
        self.version_controls: dict[str, w.Dropdown] = {}
        self.count = w.HTML()
        self.magic = w.HTML()
        self.run_button = w.Button(description="Run", button_style="primary", icon="play",
                                   tooltip="run the current selection")
        self.only_changed = w.Checkbox(value=False, description="only what changed",
                                       indent=False, layout=w.Layout(width="auto"),
                                       tooltip="skip nodes whose code, parameters and inputs "
                                               "are unchanged since their last run")
        self.only_changed.add_class("kip-only-changed")
        self.resume_button = w.Button(description="Resume", button_style="warning",
                                      icon="redo", tooltip="fill the choices to resume the run")
        _hidden(self.resume_button, True)
        self.stop_button = w.Button(description="Stop", button_style="danger", icon="stop",
                                    tooltip="stop the run: no further node starts, nothing "
                                            "more is saved")
        self.stop_button.add_class("kip-stop")
        _hidden(self.stop_button, True)
        self.run_button.add_class("kip-run")
        self.resume_button.add_class("kip-resume")
        self.status = w.HTML()
        self.progress = w.IntProgress(value=0, min=0, max=1, description="",
                                      layout=w.Layout(width="50%"))
        self.progress_label = w.Label()
        self.progress.add_class("kip-progress")
        self.progress_label.add_class("kip-progress-label")
        self.table = w.HTML()
        self.error = w.Output()
        self.outputs = w.Output()
        self.picture = PipelinePicture(self._node_details)
        self.catalog_table = w.HTML()
        self.preview_name = w.Dropdown(options=[], description="Dataset", style=_STYLE)
        self.preview_button = w.Button(description="Preview", icon="eye",
                                       tooltip="load the dataset and show it")
        self.preview_out = w.Output()
        self.history = w.Select(options=[], rows=8, layout=w.Layout(width="100%"))
        self.history_note = w.HTML("<i>Select a run to refill the choices.</i>")
        self.compare_a = w.Dropdown(options=[], description="Compare", style=_STYLE,
                                    layout=_wide())
        self.compare_b = w.Dropdown(options=[], description="with", style=_STYLE,
                                    layout=_wide())
        self.compare_button = w.Button(description="Compare", icon="columns",
                                       tooltip="show the two runs side by side")
        self.compare_button.add_class("kip-compare-button")
        self.comparison = w.HTML()
        self.comparison.add_class("kip-comparison")
        self.params = ParametersEditor(c.parameters, c.conf_local,
                                       lambda edits: None if edits.error
                                       else c.set_params(edits.overrides))

        self.pipeline.observe(self._on_pipeline, names="value")
        self.runner.observe(self._on_control, names="value")
        self.only_changed.observe(self._on_control, names="value")
        for control in self.filters.values():
            control.observe(self._on_control, names="value")
        self.run_button.on_click(lambda _b: self.controller.run())
        self.resume_button.on_click(lambda _b: self.controller.resume())
        self.stop_button.on_click(lambda _b: self.controller.stop())
        self.preview_button.on_click(lambda _b: self._preview())
        self.history.observe(self._on_history, names="value")
        self.compare_button.on_click(lambda _b: self._compare())

        # The TagsInput front end does not draw its description, so each gets a label.
        f = {key: w.HBox([w.Label(label.capitalize(), layout=w.Layout(width="92px")),
                          self.filters[key]], layout=_wide())
             for key, label in FILTER_LABELS.items()}
        choices = w.VBox([
            w.HBox([self.pipeline, self.runner]),
            w.HBox([f["tags"], f["node_names"]]),
            w.HBox([f["from_nodes"], f["to_nodes"]]),
            w.HBox([f["from_inputs"], f["to_outputs"]]),
            w.HBox([f["namespaces"]]),
            self.versions_box,
        ])
        actions = w.HBox([self.run_button, self.stop_button, self.only_changed,
                          self.resume_button, self.status],
                         layout=w.Layout(align_items="center"))
        run_tab = w.VBox([w.HBox([self.progress, self.progress_label]), self.table,
                          self.error, self.outputs])
        catalog_tab = w.VBox([self.catalog_table,
                              w.HBox([self.preview_name, self.preview_button]),
                              self.preview_out])
        history_tab = w.VBox([self.history_note, self.history,
                              w.HBox([self.compare_a, self.compare_b, self.compare_button]),
                              self.comparison])
        self.tabs = w.Tab(children=[run_tab, self.picture.box, catalog_tab, history_tab,
                                    self.params.box])
        for index, title in enumerate(("Run", "Picture", "Catalog", "History", "Parameters")):
            self.tabs.set_title(index, title)
        self.tabs.observe(self._on_tab, names="selected_index")
        self.widget = w.VBox([choices, self.count, self.magic, actions, self.tabs])
        self.widget.add_class("kedro-ipy-panel")
        self._build_versions()

    def _build_versions(self) -> None:
        """One dropdown per versioned dataset: "latest" or a version found on disk."""
        self.version_controls = {}
        try:
            versioned = self.controller.versioned_datasets()
        except Exception as exc:  # a broken catalog must not take the whole panel down
            self.versions_box.children = [w.HTML(f"<i>load versions unavailable: "
                                                 f"{html.escape(str(exc))}</i>")]
            return
        chosen = dict(self.model.request.load_versions)
        for name, versions in versioned.items():
            options = [("latest", ""), *((v, v) for v in versions)]
            value = chosen.get(name, "")
            if value and value not in versions:
                options.append((value, value))
            control = w.Dropdown(options=options, value=value, description=name,
                                 style=_STYLE, layout=_wide())
            control.observe(self._on_control, names="value")
            self.version_controls[name] = control
        if self.version_controls:
            title = w.HTML("<b>Load versions</b>")
            self.versions_box.children = [title, w.HBox(list(self.version_controls.values()),
                                                        layout=w.Layout(flex_flow="row wrap"))]
        else:
            self.versions_box.children = []

    # -- controls -> model ----------------------------------------------------------------------
    def current_request(self) -> RunRequest:
        """The choices as the controls show them (per-run params and only-missing-outputs,
        which have no control, are kept from the current request)."""
        return self.model.request.replace(
            pipeline_names=(self.pipeline.value,),
            runner=self.runner.value,
            only_changed=self.only_changed.value,
            load_versions={k: c.value for k, c in self.version_controls.items() if c.value},
            **{key: tuple(control.value) for key, control in self.filters.items()},
        )

    def _on_pipeline(self, _change: Any) -> None:
        if self._syncing:
            return
        self._set_allowed(self.pipeline.value)
        self.controller.choose(self.current_request())

    def _on_control(self, _change: Any) -> None:
        if not self._syncing:
            self.controller.choose(self.current_request())

    def _set_allowed(self, pipeline_name: str) -> None:
        """Offer the tags, nodes and datasets of the chosen pipeline; drop what is not in it.

        The inputs accept any name (``allowed_tags`` stays empty): a front end restricted to
        known names drops a typo without a word, while an unknown name that reaches the plan
        is shown in the count line with its close matches, and Run waits until it is fixed.
        The names are offered in each input's placeholder instead.
        """
        try:
            pipeline = self.controller.pipelines.get(pipeline_name)
        except Exception:  # the project's code is broken right now: keep what is offered
            return
        nodes = list(pipeline.nodes) if pipeline is not None else []
        tags = sorted({tag for node in nodes for tag in node.tags})
        names = [node.name for node in nodes]
        datasets = sorted(pipeline.datasets()) if pipeline is not None else []
        namespaces = sorted({n.namespace.split(".")[0] for n in nodes
                             if getattr(n, "namespace", None)})
        allowed = {"tags": tags, "node_names": names, "from_nodes": names, "to_nodes": names,
                   "from_inputs": datasets, "to_outputs": datasets, "namespaces": namespaces}
        previous, self._syncing = self._syncing, True
        try:
            for key, control in self.filters.items():
                control.value = [v for v in control.value if v in allowed[key]]
                self.offered[key] = allowed[key]
                # One short example: a placeholder cut off by a narrow input helps nobody.
                example = allowed[key][0] if allowed[key] else ""
                control.placeholder = (f"a {_HINTS[key]} name" if not example or len(example) > 24
                                       else f"a {_HINTS[key]}, e.g. {example}")
        finally:
            self._syncing = previous

    def _show_request(self, request: RunRequest) -> None:
        """Write ``request`` into the controls (history refill, resume)."""
        previous, self._syncing = self._syncing, True
        try:
            name = request.pipeline_names[0]
            if name in self.pipeline.options:
                self.pipeline.value = name
            self._set_allowed(self.pipeline.value)
            runner = request.runner_option or "Sequential"
            if runner not in self.runner.options:
                self.runner.options = [*self.runner.options, runner]
            self.runner.value = runner
            self.only_changed.value = request.only_changed
            for key, control in self.filters.items():
                control.value = list(getattr(request, key))
            versions = dict(request.load_versions)
            for name, control in self.version_controls.items():
                value = versions.get(name, "")
                if value not in [v for _, v in control.options]:
                    control.options = [*control.options, (value, value)]
                control.value = value
        finally:
            self._syncing = previous

    # -- model -> widgets -----------------------------------------------------------------------
    def _on_model(self, topic: str) -> None:
        with self._lock:
            if topic == "selection":
                if self.current_request() != self.model.request:
                    self._show_request(self.model.request)
                self.params.apply(self.model.request.params_dict())
                self._render_selection()
            elif topic == "nodes":
                self._render_nodes()
            elif topic == "run":
                self._render_run()
            elif topic == "history":  # a run outside the panel: new records, new versions
                self._build_versions()
                self._render_history()

    def _render_selection(self) -> None:
        plan = self.model.plan
        colour = _GOOD if plan.runnable else _BAD
        self.count.value = (f'<span class="kip-count" style="color:{colour}">'
                            f"{html.escape(plan.message)}</span>")
        line = str(self.model.request)
        self.magic.value = (f'<code class="kip-magic" style="user-select:all">'
                            f"{html.escape(line)}</code>")
        self.run_button.disabled = self.model.running or not plan.runnable
        if not self.model.running:
            self._draw_picture()

    def _render_nodes(self) -> None:
        status, done, total = self.model.progress()
        now = time.monotonic()
        throttled = status == "running" and total > _THROTTLE_NODES
        if throttled and now - self._bar_at < _BAR_INTERVAL_S:
            return  # the next event (or the end of the run) brings the bar up to date
        self._bar_at = now
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.progress_label.value = f"{done}/{total} nodes" if status != "idle" else "no run yet"
        if throttled and now - self._drawn_at < _REDRAW_INTERVAL_S:
            return  # the rows and the picture wait for the next redraw (the bar did not)
        self._drawn_at = now
        snap = self.model.snapshot()
        rows = []
        for state in snap.nodes:
            took = _duration(state.duration_s)
            colour = STATUS_COLOURS.get(state.status, "transparent")
            why = f' title="{html.escape(state.reason)}"' if state.reason else ""
            rows.append(
                f'<tr data-node="{html.escape(state.name)}" data-status="{state.status}"{why}>'
                f"<td>{html.escape(state.name)}</td>"
                f'<td><span style="background:{colour};padding:1px 6px;border-radius:4px">'
                f"{state.status}</span></td><td style='text-align:right'>{took}</td>"
                f"<td>{_log_cell(state.log)}</td></tr>"
            )
        self.table.value = (
            '<table class="kip-nodes" style="border-collapse:collapse;min-width:50%">'
            "<thead><tr><th style='text-align:left'>node</th><th style='text-align:left'>"
            "status</th><th style='text-align:right'>duration</th>"
            "<th style='text-align:left;padding-left:12px'>log</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        self._draw_picture()

    def _render_run(self) -> None:
        snap = self.model.snapshot()
        running = snap.status == "running"
        self.run_button.disabled = running or not self.model.plan.runnable
        self.run_button.description = "Running…" if running else "Run"
        _hidden(self.stop_button, not running)
        self.stop_button.disabled = False
        _hidden(self.resume_button, self.model.resume_request() is None)
        took = f" in {snap.duration_s:.2f} s" if snap.duration_s is not None else ""
        if running:
            self.status.value = '<span class="kip-status">running…</span>'
            self.error.outputs = ()
            self.outputs.outputs = ()
        elif snap.status == "success":
            self.status.value = (f'<span class="kip-status" style="color:{_GOOD}">'
                                 f"✓ {snap.done}/{snap.total} nodes done{took}</span>")
        elif snap.status in ("failed", "cancelled"):
            error = snap.error or {}
            where = f"node '{error['node']}'" if error.get("node") else "the run"
            if snap.status == "cancelled":
                self.status.value = (f'<span class="kip-status" style="color:{_BAD}">'
                                     f"■ cancelled after {snap.done}/{snap.total} nodes"
                                     f"{took}</span>")
            else:
                self.status.value = (f'<span class="kip-status" style="color:{_BAD}">'
                                     f"✗ {html.escape(where)} failed{took}</span>")
        else:
            self.status.value = ""
        self._render_nodes()
        if snap.status == "success":
            self._show_outputs(snap.outputs or {})
        elif snap.status in ("failed", "cancelled"):
            self._show_error(snap.error or {}, self.model.resume_request(),
                             cancelled=snap.status == "cancelled")
        if not running and snap.status != "idle":
            self._build_versions()
            self._render_history()
            if self.tabs.selected_index == 2:
                self._render_catalog()

    def _show_outputs(self, outputs: Mapping[str, Any]) -> None:
        self.outputs.outputs = ()
        if not outputs:
            self.outputs.append_stdout("The run returned no outputs: the catalog saved them all.\n")
            return
        self.outputs.append_stdout(f"outputs ({len(outputs)}), also in the variable `outputs`:\n")
        for name, value in outputs.items():
            self._append_rich(self.outputs, {"text/html": f"<b>{html.escape(name)}</b>",
                                             "text/plain": f"{name}:"})
            self._append_value(self.outputs, value)

    def _show_error(self, error: Mapping[str, Any], resume: RunRequest | None,
                    *, cancelled: bool = False) -> None:
        self.error.outputs = ()
        node = error.get("node")
        if cancelled:
            text = (f"■ the run was cancelled{f' while {node!r} ran' if node else ''}: "
                    "nothing more was saved.\n")
            if resume is not None:
                text += ("Go on from there: press Resume, or run\n  " + str(resume) + "\n")
            self.error.append_stderr(redact(text))
            return
        head = f"node '{node}' failed" if node else "the run failed"
        text = f"✗ {head}: {error.get('type')}: {error.get('message')}\n"
        if resume is not None:
            text += ("Resume without recomputing persisted data: press Resume, or run\n  "
                     + str(resume) + "\n")
        self.error.append_stderr(redact(text))
        if error.get("traceback"):
            self.error.append_stderr(redact(error["traceback"]))

    def _append_rich(self, out: w.Output, data: dict[str, str]) -> None:
        out.outputs += ({"output_type": "display_data", "data": data, "metadata": {}},)

    def _append_value(self, out: w.Output, value: Any) -> None:
        """Show ``value`` with its own rich repr, like a cell's last expression."""
        shell = self.controller.shell
        formatter = getattr(shell, "display_formatter", None)
        try:
            if formatter is None:
                raise LookupError
            data, metadata = formatter.format(value)
        except Exception:
            data, metadata = {"text/plain": repr(value)}, {}
        data = {mime: redact(shown) if isinstance(shown, str) else shown
                for mime, shown in data.items()}  # a value may hold a credential
        out.outputs += ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _draw_picture(self) -> None:
        """Draw the chosen pipeline, its selected nodes, and the last run's status of those
        nodes only: after choosing another pipeline or filter, the picture follows the
        choice, not the run."""
        snap = self.model.snapshot()
        name = self.model.request.pipeline_names[0]
        try:
            pipeline = self.controller.pipelines.get(name)
        except Exception as exc:  # the project's code is broken right now
            self.picture.show(None, selected=None, statuses={})
            self.picture.message.value = (f"<i>the pipeline cannot be drawn: "
                                          f"{html.escape(f'{type(exc).__name__}: {exc}')}</i>")
            return
        selected = self.model.plan.nodes
        chosen = set(selected)
        statuses = ({s.name: s.status for s in snap.nodes if s.name in chosen}
                    if snap.status != "idle" else {})
        self.picture.show(pipeline, selected=selected, statuses=statuses)

    def _node_details(self, name: str) -> str:
        """What the picture shows for a clicked node: its data, tags and last run."""
        pipeline = self.picture.pipeline
        node = next((n for n in getattr(pipeline, "nodes", ()) if n.name == name), None)
        if node is None:
            return ""
        state = next((s for s in self.model.snapshot().nodes if s.name == name), None)
        rows = [
            ("inputs", ", ".join(node.inputs) or "none"),
            ("outputs", ", ".join(node.outputs) or "none"),
            ("tags", ", ".join(sorted(node.tags)) or "none"),
            ("status", state.status if state else "not in the last run"),
            ("duration", _duration(state.duration_s) if state else ""),
        ]
        body = "".join(f"<tr><th style='text-align:left;padding-right:12px'>{k}</th>"
                       f"<td>{html.escape(v)}</td></tr>" for k, v in rows if v)
        log = (f"<pre class='kip-details-log' style='max-height:240px;overflow:auto'>"
               f"{html.escape(redact(state.log))}</pre>" if state and state.log else "")
        return (f'<div class="kip-details" role="region" aria-label="node {html.escape(name)}">'
                f"<b>{html.escape(name)}</b><table>{body}</table>{log}</div>")

    def _render_history(self) -> None:
        runs = self.controller.history()
        previous, self._syncing = self._syncing, True
        try:
            options = [(history_label(r), i) for i, r in enumerate(runs)]
            self.history.options = list(reversed(options))  # newest on top
            self.history.value = None
            # Offer the last run against the one before; the user may pick any two.
            self.compare_a.options = self.compare_b.options = list(reversed(options))
            if len(runs) >= 2:
                self.compare_a.value, self.compare_b.value = len(runs) - 2, len(runs) - 1
        finally:
            self._syncing = previous
        if not runs:
            self.history_note.value = "<i>No runs yet in this session.</i>"
        else:
            self.history_note.value = (f"<i>{len(runs)} run(s) in this session. "
                                       f"Select one to refill the choices.</i>")

    def _compare(self) -> None:
        a, b = self.compare_a.value, self.compare_b.value
        if a is None or b is None:
            self.comparison.value = "<i>Two runs are needed to compare.</i>"
            return
        self.comparison.value = self.controller.compare(a, b)

    def _on_history(self, change: Any) -> None:
        if self._syncing or change["new"] is None:
            return
        self.controller.refill_from_history(change["new"])

    def _on_tab(self, change: Any) -> None:
        if change["new"] == 2:
            self._render_catalog()

    def _render_catalog(self) -> None:
        """Catalog tab: built on demand, since asking each dataset whether it exists costs I/O."""
        try:
            rows = self.controller.datasets()
        except Exception as exc:
            self.catalog_table.value = f"<i>catalog unavailable: {html.escape(str(exc))}</i>"
            return
        body = []
        for info in rows:
            if info.error is not None:
                body.append(f'<tr class="kip-catalog-error"><td>{html.escape(info.name)}</td>'
                            f'<td colspan="3"><i>cannot be created: '
                            f"{html.escape(redact(info.error))}</i></td></tr>")
                continue
            exists = {True: "yes", False: "no", None: "?"}[info.exists]
            versions = (", ".join(info.versions[:3]) + (" …" if len(info.versions) > 3 else "")
                        if info.versioned else "")
            if info.versioned and not info.versions:
                versions = "none yet"
            body.append(f"<tr><td>{html.escape(info.name)}</td><td>{html.escape(info.type)}</td>"
                        f"<td>{exists}</td><td>{html.escape(versions)}</td></tr>")
        self.catalog_table.value = (
            '<table class="kip-catalog"><thead><tr><th>dataset</th><th>type</th>'
            f"<th>exists</th><th>versions</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
        names = [info.name for info in rows if info.error is None]
        if list(self.preview_name.options) != names:
            self.preview_name.options = names

    def _preview(self) -> None:
        name = self.preview_name.value
        self.preview_out.outputs = ()
        if not name:
            return
        try:
            value = self.controller.preview(name)
        except Exception as exc:
            self.preview_out.append_stderr(
                redact(f"Cannot load '{name}': {type(exc).__name__}: {exc}\n")
            )
            return
        self._append_value(self.preview_out, value)

    def close(self) -> None:
        """Close every widget of the panel (a Box does not close its children itself)."""
        stack: list[Any] = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()

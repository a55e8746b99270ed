"""The hook plugin that tells the panel's model how a run is going.

Why a plugin: the panel must not wrap or replace the runner (a project may choose its own), so
it listens to the same hook events any Kedro plugin gets. It is registered on the session's hook
manager while a panel is open. ``ThreadRunner`` calls node hooks from worker threads; the model
takes its own lock, so this class holds no state besides the model and an "armed" flag.
"""

from __future__ import annotations

from typing import Any

from kedro_ipy.framework.hooks import hook_impl

from .model import PanelModel

__all__ = ["RunObserver"]


class RunObserver:
    """Forward pipeline and node hook events of the panel's own runs to a :class:`PanelModel`.

    Runs started elsewhere (a ``%session_run`` cell, another panel on the same session) are
    ignored: the model only accepts events while it is running, which only its panel starts.
    """

    def __init__(self, model: PanelModel) -> None:
        self.model = model

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        """The runner's filtered pipeline gives the exact rows and total of the progress."""
        self.model.pipeline_started(node.name for node in pipeline.nodes)

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        """Mark ``node`` running."""
        self.model.node_started(node.name)

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        """Mark ``node`` done."""
        self.model.node_finished(node.name)

    @hook_impl
    def on_node_error(self, error: Exception, node: Any) -> None:
        """Mark ``node`` failed (the controller records the error itself when run() raises)."""
        self.model.node_finished(node.name, failed=True)

"""The widget panel over a live session: choose, run, watch, inspect (``%session_panel``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from kedro_ipy.framework.session.request import RunRequest

from .controller import PanelController
from .view import PanelView

__all__ = ["SessionPanel"]


class SessionPanel:
    """An ipywidgets panel over ``session``; display :attr:`widget` (or the panel itself).

    Args:
        session: the ``KedroSession`` to drive.
        shell: the IPython shell whose namespace receives ``outputs``, ``catalog``, ... after a
            run, exactly as ``%session_run`` sets them; ``None`` publishes nothing.
        pipelines: name -> Pipeline, defaults to the project's registry.
        reloader: returns the project's source reloader; by default the one ``%session_create``
            set up in ``shell``, so a run from the panel picks up edited project code just
            like ``%session_run``.
        background: run in a worker thread so the kernel stays free and a second click during
            a run is ignored. Default: on inside a Jupyter kernel, off elsewhere (tests, plain
            IPython), where the click returns when the run is over.
    """

    def __init__(
        self,
        session: Any,
        shell: Any = None,
        *,
        pipelines: Any = None,
        reloader: Callable[[], Any] | None = None,
        background: bool | None = None,
    ) -> None:
        if background is None:
            background = getattr(shell, "kernel", None) is not None
        if reloader is None and shell is not None:
            reloader = functools.partial(_magics_reloader, shell)
        self.controller = PanelController(session, shell, pipelines=pipelines,
                                          reloader=reloader, background=background)
        self.view = PanelView(self.controller)

    @property
    def widget(self) -> Any:
        """The top-level ipywidgets box."""
        return self.view.widget

    @property
    def selection(self) -> RunRequest:
        """The current choices, as the session's ``RunRequest``."""
        return self.controller.model.request

    def choose(self, **values: Any) -> RunRequest:
        """Set choices from code, as if picked in the controls; returns the new request.

        Keys are ``RunRequest`` fields (``pipeline_names``, ``tags``, ``node_names``,
        ``from_nodes``, ``to_nodes``, ``from_inputs``, ``to_outputs``, ``namespaces``,
        ``runner``, ``load_versions``, ``params``, ``only_missing_outputs``), or
        ``pipeline_name`` for one pipeline; the rest keep their current value.

        Example:
            ``panel.choose(pipeline_name="forecasting", tags=["training"])``
        """
        if "pipeline_name" in values:
            values["pipeline_names"] = (values.pop("pipeline_name"),)
        if "load_versions" in values:  # "" in a dropdown means "latest"
            values["load_versions"] = {k: v for k, v in values["load_versions"].items() if v}
        request = self.selection.replace(**values)
        self.controller.choose(request)
        return request

    @property
    def message(self) -> str:
        """The line under the controls: what the choices would run, or why nothing."""
        return self.controller.model.plan.message

    def run(self) -> bool:
        """Press Run: True when a run started (False: nothing to run, or already running)."""
        return self.controller.run()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run; True when no run is in progress any more."""
        return self.controller.wait(timeout)

    def close(self) -> None:
        """Stop listening to the session and close the widgets."""
        self.controller.close()
        self.view.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view.widget._repr_mimebundle_(**kwargs)


def _magics_reloader(shell: Any) -> Any:
    """The source reloader of the extension's magics in ``shell``, if a session was created."""
    manager = getattr(shell, "magics_manager", None)
    magics = manager.registry.get("SessionMagics") if manager is not None else None
    return getattr(magics, "reloader", None)

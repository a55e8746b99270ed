"""The widget panel over a live session: choose, run, watch, inspect (``%session_panel``)."""

from __future__ import annotations

from typing import Any

from .controller import PanelController
from .model import Selection
from .view import PanelView

__all__ = ["SessionPanel"]


class SessionPanel:
    """An ipywidgets panel over ``session``; display :attr:`widget` (or the panel itself).

    Args:
        session: the ``KedroSession`` to drive.
        shell: the IPython shell whose namespace receives ``outputs``, ``catalog``, ... after a
            run, exactly as ``%session_run`` sets them; ``None`` publishes nothing.
        pipelines: name -> Pipeline, defaults to the project's registry.
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
        background: bool | None = None,
    ) -> None:
        if background is None:
            background = getattr(shell, "kernel", None) is not None
        self.controller = PanelController(session, shell, pipelines=pipelines,
                                          background=background)
        self.view = PanelView(self.controller)

    @property
    def widget(self) -> Any:
        """The top-level ipywidgets box."""
        return self.view.widget

    @property
    def selection(self) -> Selection:
        """The current choices."""
        return self.controller.model.selection

    def run(self) -> bool:
        """Press Run: True when a run started (False: nothing to run, or already running)."""
        return self.controller.run()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run; True when no run is in progress any more."""
        return self.controller.wait(timeout)

    def close(self) -> None:
        """Stop listening to the session and close the widgets."""
        self.controller.close()
        self.view.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.view.widget._repr_mimebundle_(**kwargs)

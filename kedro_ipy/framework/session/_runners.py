"""Turning what a user typed or passed as ``runner`` into a runner instance."""

from __future__ import annotations

import inspect
from typing import Any

from kedro_ipy.framework.session._errors import KedroSessionError
from kedro_ipy.framework.session._options import RunOptionError, resolve_runner

#: Kedro's message for a runner class passed where an instance is expected (users match it).
_KEDRO_SENTENCE = (
    "KedroSession expect an instance of Runner instead of a class."
    "Have you forgotten the `()` at the end of the statement?"
)


def check_runner(runner: Any) -> Any:
    """``runner`` itself, after checking it is a runner instance (not a class or a typo).

    A string is a runner name as ``--runner`` takes it (``"thread"``, a dotted class path):
    a new instance of that runner is returned.

    Raises:
        KedroSessionError: ``runner`` is a class, has no ``run`` method, or is a name that
            resolves to no runner class.
    """
    if isinstance(runner, str):
        try:
            return resolve_runner(runner)()
        except RunOptionError as exc:
            raise KedroSessionError(str(exc)) from None
    if inspect.isclass(runner):
        raise KedroSessionError(
            f"{_KEDRO_SENTENCE} KedroSession.run expects a runner instance, got the class "
            f"{runner.__name__}. Did you forget the parentheses: runner={runner.__name__}()?"
        )
    if not callable(getattr(runner, "run", None)):
        raise KedroSessionError(
            f"{_KEDRO_SENTENCE} KedroSession.run expects a runner instance (e.g. "
            f"SequentialRunner()), got {type(runner).__name__}."
        )
    return runner

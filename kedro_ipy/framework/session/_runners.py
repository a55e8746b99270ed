"""Turning what a user typed or passed as ``runner`` into a runner instance."""

from __future__ import annotations

import inspect
from typing import Any

from kedro_ipy.framework.session._errors import KedroSessionError
from kedro_ipy.utils import did_you_mean

#: Short names accepted wherever a runner is named (CLI, magics, panel), case-insensitively.
RUNNER_NAMES = {
    "sequential": "SequentialRunner",
    "thread": "ThreadRunner",
    "parallel": "ParallelRunner",
}


def runner_from_name(name: str) -> Any:
    """A new runner for ``Sequential``/``SequentialRunner`` (any case), or a dotted class path.

    Raises:
        KedroSessionError: the name is neither a known runner nor an importable class.
    """
    import kedro_ipy.runner as runners

    key = name.strip().lower().removesuffix("runner")
    if key in RUNNER_NAMES:
        return getattr(runners, RUNNER_NAMES[key])()
    if hasattr(runners, name) and inspect.isclass(getattr(runners, name)):
        return getattr(runners, name)()
    if "." not in name:
        known = [*(n.capitalize() for n in RUNNER_NAMES), *RUNNER_NAMES.values()]
        raise KedroSessionError(
            f"Unknown runner '{name}'. Use one of: {', '.join(known)}, or a dotted path to a "
            f"runner class.{did_you_mean(name, known)}"
        )
    from kedro_ipy.utils import load_obj

    try:
        runner_class = load_obj(name)
    except (ImportError, AttributeError) as exc:
        raise KedroSessionError(f"Cannot import runner '{name}': {exc}") from exc
    return check_runner(runner_class() if inspect.isclass(runner_class) else runner_class)


#: Kedro's message for a runner class passed where an instance is expected (users match it).
_KEDRO_SENTENCE = (
    "KedroSession expect an instance of Runner instead of a class."
    "Have you forgotten the `()` at the end of the statement?"
)


def check_runner(runner: Any) -> Any:
    """``runner`` itself, after checking it is a runner instance (not a class or a typo).

    Raises:
        KedroSessionError: ``runner`` is a class, or has no ``run`` method.
    """
    if isinstance(runner, str):
        return runner_from_name(runner)
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

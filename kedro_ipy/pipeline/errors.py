"""The pipeline layer's errors (importable from ``kedro_ipy.pipeline.pipeline`` too, where
Kedro keeps them).

``UnknownNameError`` is a ``ValueError``, like the errors Kedro's filters raise, so code that
catches ``ValueError`` keeps working; the others mirror Kedro's classes one for one.
"""

from __future__ import annotations

from typing import Any

from kedro_ipy.errors import KedroIpyError

__all__ = [
    "CircularDependencyError",
    "ConfirmNotUniqueError",
    "OutputNotUniqueError",
    "PipelineError",
    "UnknownNameError",
]


class PipelineError(KedroIpyError):
    """Raised by ``pipeline()`` when its ``inputs``/``outputs``/``parameters`` mapping does not
    fit the pipeline being reused (an unknown name, or an input that is not a free input)."""


class CircularDependencyError(KedroIpyError):
    """Raised when nodes depend on each other in a loop, so no execution order exists."""


class OutputNotUniqueError(KedroIpyError):
    """Raised when two nodes of one pipeline write the same dataset."""


class ConfirmNotUniqueError(KedroIpyError):
    """Raised when two nodes of one pipeline confirm the same dataset."""


class UnknownNameError(ValueError, KedroIpyError):
    """Raised by a filter given node, dataset or namespace names the pipeline does not have.

    It is a ``ValueError`` (what Kedro raises) carrying the unknown names and the closest
    existing ones, so a front end can offer them.

    Attributes:
        kind: ``"node"``, ``"dataset"`` or ``"namespace"``.
        names: The unknown names, in the order given.
        suggestions: Existing names close to them.
    """

    def __init__(
        self,
        message: str,
        kind: str = "",
        names: list[str] | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.names = names or []
        self.suggestions = suggestions or []

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (str(self), self.kind, self.names, self.suggestions)

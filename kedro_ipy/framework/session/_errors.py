"""The session's own error: misuse of its lifecycle or of ``run``'s arguments."""

from __future__ import annotations

from kedro_ipy.errors import KedroIpyError


class KedroSessionError(KedroIpyError):
    """Raised by ``KedroSession`` when it is used after ``close()``, when a run is started while
    another is in progress, or when ``runner`` is not a runner instance."""

"""``KedroSession``: a project's long-lived working session, and the stores that keep it.

The stores are in ``kedro_ipy.framework.session.store`` (``BaseSessionStore`` in memory,
``FileSessionStore`` on disk), as in Kedro.
"""

from __future__ import annotations

from kedro_ipy.framework.session.session import KedroSession, KedroSessionError, SessionState

__all__ = ["KedroSession", "KedroSessionError", "SessionState"]

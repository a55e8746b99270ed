"""``KedroSession``: a project's long-lived working session, and the stores that keep it.

A run is described by a ``RunRequest``, checked by ``KedroSession.plan`` (a ``RunPlan``) and
ends as a ``RunResult``. The stores are in ``kedro_ipy.framework.session.store``
(``BaseSessionStore`` in memory, ``FileSessionStore`` on disk), as in Kedro.
"""

from __future__ import annotations

from kedro_ipy.framework.session.plan import PipelineSelectionError, RunPlan, RunPlanError
from kedro_ipy.framework.session.request import RunRequest, RunRequestError
from kedro_ipy.framework.session.result import RunResult
from kedro_ipy.framework.session.session import KedroSession, KedroSessionError, SessionState

__all__ = [
    "KedroSession",
    "KedroSessionError",
    "PipelineSelectionError",
    "RunPlan",
    "RunPlanError",
    "RunRequest",
    "RunRequestError",
    "RunResult",
    "SessionState",
]

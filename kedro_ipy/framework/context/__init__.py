"""``KedroContext``: the project's configuration as a catalog and parameters."""

from __future__ import annotations

from kedro_ipy.framework.context.context import KedroContext, KedroContextError

__all__ = ["KedroContext", "KedroContextError"]

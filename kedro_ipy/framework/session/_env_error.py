"""The error for a configuration environment without a folder (imported only when raised:
it needs the config and context layers, which the session module does not import eagerly)."""

from __future__ import annotations

from kedro_ipy.config import MissingConfigException
from kedro_ipy.framework.context import KedroContextError


class UnknownEnvironmentError(KedroContextError, MissingConfigException):
    """The configuration environment has no folder under the configuration source.

    A ``KedroContextError`` (what the session documents) that is also the
    ``MissingConfigException`` Kedro raises when the catalog is then built from it.
    """

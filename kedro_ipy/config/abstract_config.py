"""The base class every config loader derives from, and the config errors.

Kept free of any parsing so that custom loaders (and the settings validation that checks a
project's ``CONFIG_LOADER_CLASS``) import nothing heavy.
"""

from __future__ import annotations

from collections import UserDict
from pathlib import Path
from typing import Any

from kedro_ipy.errors import KedroIpyError

__all__ = ["AbstractConfigLoader", "BadConfigException", "MissingConfigException"]


class BadConfigException(ValueError, KedroIpyError):
    """A config file exists but cannot be used: invalid YAML, a key defined twice in one
    environment, an interpolation that cannot be resolved.

    It is a ``ValueError`` because Kedro's loader reports these cases with ``ValueError`` (or
    subclasses of it), so ``except ValueError`` in ported code keeps working.
    """


class MissingConfigException(KedroIpyError):
    """Config that was asked for is not there: an environment folder that does not exist, or
    no file matching a key's patterns in either environment."""


class AbstractConfigLoader(UserDict):
    """Base of all config loaders: a mapping from a config key (``"catalog"``,
    ``"parameters"``, ...) to that key's configuration dictionary.

    It is a ``UserDict`` (as in Kedro) so that a custom loader can keep explicitly set values in
    ``self.data`` and compute the others in ``__getitem__``.

    Args:
        conf_source: The folder that holds the environments (``conf/`` in a project).
        env: The run environment, layered over the base one; ``None`` for the default.
        runtime_params: Parameters given at run time, which win over the configured ones.
        **kwargs: Accepted so that subclasses can take extra options through the same call.
    """

    def __init__(
        self,
        conf_source: str | Path,
        env: str | None = None,
        runtime_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.conf_source = conf_source
        self.env = env
        self.runtime_params = runtime_params or {}

    def get(self, key: str, default: Any = None) -> Any:
        """``loader[key]``, or ``default`` when the key is unknown.

        Defined here because ``UserDict.get`` stopped going through ``__getitem__`` in
        Python 3.12, which would bypass a subclass's loading.
        """
        try:
            return self[key]
        except KeyError:
            return default

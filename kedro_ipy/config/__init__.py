"""Project configuration: YAML files in environment folders, layered and templated."""

from __future__ import annotations

from kedro_ipy.config.abstract_config import (
    AbstractConfigLoader,
    BadConfigException,
    MissingConfigException,
)
from kedro_ipy.config.omegaconf_config import OmegaConfigLoader

__all__ = [
    "AbstractConfigLoader",
    "BadConfigException",
    "MissingConfigException",
    "OmegaConfigLoader",
]

"""Pipelines: nodes wired by dataset names, validated as a DAG, ordered, filtered and reused."""

from .node import GroupedNodes, Node, node
from .pipeline import (
    CircularDependencyError,
    ConfirmNotUniqueError,
    OutputNotUniqueError,
    Pipeline,
    PipelineError,
    UnknownNameError,
    pipeline,
)

__all__ = [
    "CircularDependencyError",
    "ConfirmNotUniqueError",
    "GroupedNodes",
    "Node",
    "OutputNotUniqueError",
    "Pipeline",
    "PipelineError",
    "UnknownNameError",
    "node",
    "pipeline",
]

"""Runners: execute a pipeline's nodes against a data catalog, in order, in threads, in
processes or on a Dask cluster (``DaskRunner``, with the ``dask`` extra)."""

from __future__ import annotations

from kedro_ipy.runner._cancel import CancelToken, RunCancelledError, cancelled, stop_report
from kedro_ipy.runner.dask_runner import DaskNotInstalledError, DaskRunner
from kedro_ipy.runner.parallel_runner import ParallelRunner, UnpicklableError
from kedro_ipy.runner.resume import find_nodes_to_resume_from
from kedro_ipy.runner.runner import AbstractRunner, MissingInputsError, RunnerError
from kedro_ipy.runner.sequential_runner import SequentialRunner
from kedro_ipy.runner.task import Task
from kedro_ipy.runner.thread_runner import ThreadRunner

__all__ = [
    "AbstractRunner",
    "CancelToken",
    "DaskNotInstalledError",
    "DaskRunner",
    "MissingInputsError",
    "ParallelRunner",
    "RunCancelledError",
    "RunnerError",
    "SequentialRunner",
    "Task",
    "ThreadRunner",
    "UnpicklableError",
    "cancelled",
    "find_nodes_to_resume_from",
    "stop_report",
]

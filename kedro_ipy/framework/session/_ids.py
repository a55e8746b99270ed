"""Session and run ids: Kedro's timestamp format, unique and sortable within a process."""

from __future__ import annotations


def generate_timestamp() -> str:
    """A UTC timestamp such as ``2026-11-24T10.47.32.420Z`` (Kedro's session id format).

    It comes from the same clock as dataset versions (``kedro_ipy.io.generate_timestamp``):
    each call is a strictly later millisecond, so ids are unique and sorted, and a run id can
    serve as the run's save version without ever colliding with another version. ``io`` is
    imported here, on first use, so that importing the session module stays cheap.
    """
    from kedro_ipy.io.core import generate_timestamp as next_version

    return next_version()


def utc_now_iso() -> str:
    """The current time as an ISO 8601 string with milliseconds, for run records."""
    from datetime import datetime, timezone

    return datetime.now(tz=timezone.utc).isoformat(timespec="milliseconds")

"""Session and run ids: Kedro's timestamp format, unique and sortable within a process."""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_last_ms = 0


def generate_timestamp() -> str:
    """A UTC timestamp such as ``2026-11-24T10.47.32.420Z`` (Kedro's session id format).

    Two calls in the same millisecond would collide, so each call returns a strictly later
    millisecond than the previous one: ids stay unique and sort in creation order. The format
    is also a valid dataset version, so a run id can serve as the run's save version.
    """
    global _last_ms
    with _lock:
        now_ms = max(time.time_ns() // 1_000_000, _last_ms + 1)
        _last_ms = now_ms
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(now_ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H.%M.%S.") + f"{now_ms % 1000:03d}Z"


def utc_now_iso() -> str:
    """The current time as an ISO 8601 string with milliseconds, for run records."""
    from datetime import datetime, timezone

    return datetime.now(tz=timezone.utc).isoformat(timespec="milliseconds")

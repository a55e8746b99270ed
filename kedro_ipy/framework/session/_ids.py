"""Session and run ids: Kedro's timestamp format, unique and sortable across processes.

Two processes that start a session (or a run) in the same millisecond would get the same id:
the run id is also the run's dataset save version, so the second run would then fail on an
existing version, and both would write one store file. Ids therefore come from a clock shared
by every process of the user on this machine: a small file holding the last millisecond
handed out, read and advanced under an exclusive lock. The format is untouched (still
``2026-11-24T10.47.32.420Z``): an id may just be a millisecond or two ahead of the wall clock.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from kedro_ipy.errors import KedroIpyError

__all__ = ["InvalidSessionIdError", "check_session_id", "generate_timestamp", "utc_now_iso"]

logger = logging.getLogger(__name__)


class InvalidSessionIdError(KedroIpyError, ValueError):
    """A session id that could name a file outside the sessions folder (or no file at all)."""


def generate_timestamp() -> str:
    """A UTC timestamp such as ``2026-11-24T10.47.32.420Z`` (Kedro's session id format).

    It comes from the same clock as dataset versions (``kedro_ipy.io.generate_timestamp``):
    each call is a strictly later millisecond, so ids are unique and sorted, and a run id can
    serve as the run's save version without ever colliding with another version. The
    millisecond is also reserved in the machine-wide id file, so no other process gets it. ``io``
    is imported here, on first use, so that importing the session module stays cheap.
    """
    from kedro_ipy.io.core import generate_timestamp as next_version

    return next_version(reserve=_reserve)


#: How far ahead of the wall clock the shared clock may run before it is ignored.
_MAX_LEAD_MS = 60_000


def _clock_file() -> Path:
    import tempfile

    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"kedro_ipy-last-id-{user}"


def _reserve(wanted_ms: int) -> int:
    """The millisecond to use: ``wanted_ms``, or the one after the last any process took.

    If the id file cannot be used (a read-only temporary folder), ids stay unique within this
    process only, which is what they were before; that is logged once at DEBUG level.
    """
    try:
        fd = os.open(_clock_file(), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        logger.debug("Session ids unique in this process only: %s", exc)
        return wanted_ms
    try:
        _lock(fd)
        last = os.read(fd, 20).strip()
        previous = int(last) if last.isdigit() else 0
        # Far ahead of the wall clock means the clock was set back: follow the clock again.
        taken = previous + 1 if wanted_ms <= previous < wanted_ms + _MAX_LEAD_MS else wanted_ms
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"%020d" % taken)  # fixed width: no truncation needed
        return taken
    except OSError as exc:  # a full disk: the millisecond is not shared, but still ours
        logger.debug("Session ids unique in this process only: %s", exc)
        return wanted_ms
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int) -> None:
    """Hold an exclusive lock on ``fd`` until it is closed."""
    try:
        import fcntl
    except ModuleNotFoundError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined, unused-ignore]
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def utc_now_iso() -> str:
    """The current time as an ISO 8601 string with milliseconds, for run records."""
    from datetime import datetime, timezone

    return datetime.now(tz=timezone.utc).isoformat(timespec="milliseconds")


#: Characters a session id may not hold: it names a file inside the sessions folder.
_FORBIDDEN = frozenset('/\\:\0')


def check_session_id(session_id: object) -> str:
    """``session_id`` if it can only name a file inside the sessions folder.

    A session id becomes ``<sessions>/<id>.json``: a path separator, ``..``, a drive or an
    absolute path would read and rewrite a file elsewhere on the disk.

    Raises:
        InvalidSessionIdError: (a ``ValueError``) the id is not a non-empty string, or it
            holds a path separator, ``:``, a NUL or another control character, or it is
            ``.`` or ``..``.
    """
    example = "2026-11-24T10.47.32.420Z"
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidSessionIdError(
            f"Invalid session id {session_id!r}: a session id is a non-empty string such as "
            f"'{example}' (KedroSession.create() makes one)."
        )
    bad = sorted({ch for ch in session_id if ch in _FORBIDDEN or ord(ch) < 32})
    if bad or session_id in (".", "..") or session_id != session_id.strip():
        what = (f"it holds {', '.join(repr(ch) for ch in bad)}" if bad
                else "it has leading or trailing spaces" if session_id != session_id.strip()
                else "it is a relative folder name")
        raise InvalidSessionIdError(
            f"Invalid session id {session_id!r}: {what}. A session id names a file inside "
            f"the project's sessions folder, so it cannot hold path separators, ':', "
            f"control characters or be '.' or '..'; use an id such as '{example}' "
            "(KedroSession.create() makes one)."
        )
    return session_id

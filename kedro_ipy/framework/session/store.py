"""Session stores: where a session keeps what it knows about itself and its runs.

``BaseSessionStore`` (Kedro's name and constructor) lives in memory only. ``FileSessionStore``
writes one JSON document per session under the project's ``sessions/`` folder, so a session can
be reopened by id and command-line runs show up next to the notebook's.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from kedro_ipy.errors import KedroIpyError

__all__ = ["BaseSessionStore", "FileSessionStore", "SessionStoreError"]

logger = logging.getLogger(__name__)


class SessionStoreError(KedroIpyError):
    """A session store could not be read or written (the message names the file)."""


class BaseSessionStore(dict):
    """An in-memory store: a dict that forgets everything when the process ends.

    Subclasses persist it by overriding ``read`` (called once, when the store is created) and
    ``save`` (called by the session when it closes with ``save_on_close`` and after each run).

    Args:
        path: where a persistent subclass keeps its data; unused here.
        session_id: the session this store belongs to.
    """

    def __init__(self, path: str | os.PathLike[str], session_id: str) -> None:
        self._path = str(path)
        self._session_id = session_id
        super().__init__(self.read())

    @property
    def _logger(self) -> logging.Logger:
        return logger

    def read(self) -> dict[str, Any]:
        """The data saved earlier for this session; nothing, for an in-memory store."""
        # Kedro's wording: tests and log filters written for Kedro match it.
        self._logger.debug(
            "'read()' not implemented for '%s'. Assuming empty store.", type(self).__name__
        )
        return {}

    def save(self) -> None:
        """Persist the store; an in-memory store has nowhere to put it."""
        self._logger.debug(
            "'save()' not implemented for '%s'. Skipping the step.", type(self).__name__
        )


class FileSessionStore(BaseSessionStore):
    """A store persisted as ``<path>/<session_id>.json``, written atomically.

    The session id is checked first: it names a file inside ``path`` and nothing else. A file
    that cannot be read back (not UTF-8, not JSON, not an object) stops the reopening with an
    error naming the session and the file, rather than starting empty and overwriting it later.

    Raises:
        ValueError: the session id could reach outside ``path`` (see ``check_session_id``).
        SessionStoreError: the session's file exists but cannot be read back.
    """

    @property
    def location(self) -> Path:
        """The JSON file this store reads and writes (the session id checked first)."""
        from kedro_ipy.framework.session._ids import check_session_id

        return Path(self._path) / f"{check_session_id(self._session_id)}.json"

    def read(self) -> dict[str, Any]:
        import json

        location = self.location
        try:
            raw = location.read_bytes()
        except (FileNotFoundError, NotADirectoryError):  # a new session
            return {}
        except OSError as exc:
            raise self._unreadable(f"cannot be read ({exc})") from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self._unreadable(
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start})"
            ) from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise self._unreadable(f"is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise self._unreadable(f"holds a JSON {type(data).__name__}, not an object")
        return data

    def _unreadable(self, problem: str) -> SessionStoreError:
        return SessionStoreError(
            f"Cannot reopen session '{self._session_id}': its store file {self.location} "
            f"{problem}. Move the file away (or delete it) to reopen the session with an "
            "empty store, restore it from a backup, or start a new session with "
            "KedroSession.create()."
        )

    def save(self) -> None:
        """Write the store as JSON through a temporary file and an atomic rename.

        Raises:
            SessionStoreError: the folder cannot be created or the file cannot be written.
        """
        import json

        location = self.location
        from kedro_ipy.redaction import redact_value

        # Credentials never reach the disk, whatever a record or an error message holds.
        text = json.dumps(redact_value(dict(self)), indent=2, sort_keys=True,
                          default=lambda value: redact_value(_to_json(value)))
        temporary = location.with_name(f".{location.name}.{os.getpid()}.tmp")
        try:
            location.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, location)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise SessionStoreError(f"Cannot save session store to {location}: {exc}") from exc


def _to_json(value: Any) -> Any:
    """Fallback for values JSON does not know: paths and sets as usual, the rest as text."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return repr(value)

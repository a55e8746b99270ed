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

    A corrupt file never stops a session: reading it logs a warning naming the file and the
    problem, moves it aside to ``<session_id>.json.corrupt`` and starts empty.
    """

    @property
    def location(self) -> Path:
        """The JSON file this store reads and writes."""
        return Path(self._path) / f"{self._session_id}.json"

    def read(self) -> dict[str, Any]:
        import json

        location = self.location
        try:
            text = location.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._logger.warning("Cannot read session store %s (%s); starting empty.",
                                 location, exc)
            return {}
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError(f"expected a JSON object, found {type(data).__name__}")
        except ValueError as exc:
            self._set_aside(location, exc)
            return {}
        return data

    def _set_aside(self, location: Path, exc: Exception) -> None:
        aside = location.with_name(location.name + ".corrupt")
        try:
            os.replace(location, aside)
            where = f"it was moved to {aside.name}"
        except OSError:
            where = "it was left in place"
        self._logger.warning(
            "Session store %s is corrupt (%s); %s and the session starts with an empty store.",
            location, exc, where,
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

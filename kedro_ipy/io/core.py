"""The dataset contract: the base classes every dataset builds on, versions, and the errors.

Error family (all raised by this package)::

    DatasetError                     a dataset or the catalog failed; the message says which
    ├── DatasetNotFoundError         the catalog has no dataset (or pattern) of that name
    ├── DatasetAlreadyExistsError    ``add`` without ``replace=True`` on a registered name
    ├── VersionNotFoundError         a versioned dataset has no version to load (or not the pin)
    └── VersionAlreadyExistsError    a save would overwrite an existing version

A subclass implements ``_load``, ``_save`` and ``_describe`` (and, when it can, ``_exists`` and
``_release``); the public methods wrap them so that any failure reaches the user as a
``DatasetError`` that names the dataset and the operation. Subclasses written for Kedro 1.x,
which define ``load``/``save`` directly, are wrapped the same way when the class is created.
"""

from __future__ import annotations

import abc
import functools
import logging
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import PurePath, PurePosixPath
from typing import Any, NamedTuple

__all__ = [
    "CLOUD_PROTOCOLS",
    "HTTP_PROTOCOLS",
    "PROTOCOL_DELIMITER",
    "VERSION_FORMAT",
    "AbstractDataset",
    "AbstractVersionedDataset",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetNotFoundError",
    "Version",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
    "generate_timestamp",
    "get_filepath_str",
    "get_protocol_and_path",
    "parse_dataset_definition",
]

logger = logging.getLogger(__name__)

#: ``strftime`` format of a version before its microseconds are cut to milliseconds.
VERSION_FORMAT = "%Y-%m-%dT%H.%M.%S.%fZ"


class DatasetError(Exception):
    """A dataset or the catalog could not do what was asked; the message names the dataset."""


class DatasetNotFoundError(DatasetError):
    """The catalog has no dataset of that name and no dataset factory pattern matches it."""


class DatasetAlreadyExistsError(DatasetError):
    """A name is registered already and the caller did not ask to replace it."""


class VersionNotFoundError(DatasetError):
    """A versioned dataset has no version to load, or not the pinned one."""


class VersionAlreadyExistsError(DatasetError):
    """Saving would overwrite an existing version, which versioning never allows."""


class Version(NamedTuple):
    """Which version to load and which to save; ``None`` means newest / a fresh timestamp."""

    load: str | None
    save: str | None


def generate_timestamp() -> str:
    """A version string for "now" in UTC, e.g. ``2026-11-23T10.02.11.417Z``.

    The format sorts lexicographically in time order, which is how the newest version is found.
    """
    stamp = datetime.now(tz=timezone.utc).strftime(VERSION_FORMAT)
    return stamp[:-4] + stamp[-1:]  # microseconds -> milliseconds


PROTOCOL_DELIMITER = "://"
HTTP_PROTOCOLS = ("http", "https")
CLOUD_PROTOCOLS = ("abfs", "abfss", "adl", "gcs", "gdrive", "gs", "oci", "oss", "s3", "s3a", "s3n")


def get_protocol_and_path(filepath: str | os.PathLike, version: Version | None = None
                          ) -> tuple[str, str]:
    """Split a path or URL into ``(protocol, path)``; local paths give ``"file"``.

    Kept under Kedro's name so custom datasets written for Kedro port unchanged.

    Raises:
        DatasetError: ``version`` is given for an HTTP(S) URL, which cannot be versioned.
    """
    text = os.fspath(filepath)
    protocol, sep, rest = text.partition(PROTOCOL_DELIMITER)
    if not sep or len(protocol) < 2:  # no protocol, or a Windows drive letter
        return "file", text
    if protocol in ("file", "local"):
        return "file", rest
    if protocol in HTTP_PROTOCOLS and version is not None:
        raise DatasetError(
            f"'{protocol}://' paths cannot be versioned; remove 'versioned' from the entry."
        )
    return protocol, rest


def get_filepath_str(raw_path: PurePath, protocol: str) -> str:
    """The path string to hand to fsspec: HTTP(S) needs its full URL back."""
    path = raw_path.as_posix() if isinstance(raw_path, PurePath) else str(raw_path)
    if protocol in HTTP_PROTOCOLS:
        return f"{protocol}{PROTOCOL_DELIMITER}{path}"
    return path


def parse_dataset_definition(
    config: dict[str, Any],
    load_version: str | None = None,
    save_version: str | None = None,
) -> tuple[type, dict[str, Any]]:
    """``(dataset class, constructor kwargs)`` for one catalog entry, as Kedro's helper gives.

    Raises:
        DatasetError: no ``type``, an unknown type, or versioning the class does not support.
    """
    from kedro_ipy.io._types import check_entry

    kwargs, cls, versioned = check_entry("?", config)
    if versioned:
        kwargs["version"] = Version(load_version, save_version)
    return cls, kwargs


def _is_wrapped(func: Callable[..., Any]) -> bool:
    return getattr(func, "__kedro_ipy_wrapped__", False)


def _wrap_load(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(func)
    def load(self: AbstractDataset) -> Any:
        try:
            return func(self)
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed while loading data from {self}: {type(exc).__name__}: {exc}"
            ) from exc

    load.__kedro_ipy_wrapped__ = True  # type: ignore[attr-defined]
    return load


def _wrap_save(func: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    @functools.wraps(func)
    def save(self: AbstractDataset, data: Any) -> None:
        if data is None:
            raise DatasetError(f"Saving 'None' to {self} is not allowed.")
        try:
            func(self, data)
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed while saving data to {self}: {type(exc).__name__}: {exc}"
            ) from exc

    save.__kedro_ipy_wrapped__ = True  # type: ignore[attr-defined]
    return save


class AbstractDataset(abc.ABC):
    """Base of every dataset: one thing that can be loaded and saved.

    Subclasses implement ``_load``, ``_save`` and ``_describe``; optionally ``_exists`` (else
    ``exists()`` answers ``False``) and ``_release`` (to drop cached data). The public methods
    turn any exception into a ``DatasetError`` naming the dataset, so a failing node input is
    easy to trace back to its file.

    Example:
        >>> class Constant(AbstractDataset):
        ...     def _load(self): return 42
        ...     def _save(self, data): raise DatasetError("read-only")
        ...     def _describe(self): return {}
        >>> Constant().load()
        42
    """

    #: Data lives only in this process's memory (runners and resume logic read this flag).
    _EPHEMERAL = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Kedro 1.x datasets define ``load``/``save`` themselves: give them the same wrapping.
        own_load = cls.__dict__.get("load")
        if own_load is not None and callable(own_load) and not _is_wrapped(own_load):
            cls.load = _wrap_load(own_load)  # type: ignore[method-assign]
        own_save = cls.__dict__.get("save")
        if own_save is not None and callable(own_save) and not _is_wrapped(own_save):
            cls.save = _wrap_save(own_save)  # type: ignore[method-assign]

    @classmethod
    def from_config(
        cls,
        name: str,
        config: dict[str, Any],
        load_version: str | None = None,
        save_version: str | None = None,
    ) -> AbstractDataset:
        """Build a dataset from one catalog entry (``type:`` plus constructor arguments).

        Args:
            name: The entry's name, used in error messages.
            config: The entry; ``type`` picks the class, ``versioned: true`` turns versions on.
            load_version: Version to load when versioned (``None`` = newest).
            save_version: Version to save when versioned (``None`` = a fresh timestamp).

        Raises:
            DatasetError: unknown type, bad arguments, or versioning asked of a class without it.
        """
        from kedro_ipy.io._types import build_dataset

        return build_dataset(name, config, load_version, save_version)

    def load(self) -> Any:
        """Load the data; any failure becomes a ``DatasetError`` that names this dataset."""
        try:
            return self._load()
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed while loading data from {self}: {type(exc).__name__}: {exc}"
            ) from exc

    def save(self, data: Any) -> None:
        """Save ``data``; ``None`` is refused, and failures name this dataset."""
        if data is None:
            raise DatasetError(f"Saving 'None' to {self} is not allowed.")
        try:
            self._save(data)
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed while saving data to {self}: {type(exc).__name__}: {exc}"
            ) from exc

    load.__kedro_ipy_wrapped__ = True  # type: ignore[attr-defined]
    save.__kedro_ipy_wrapped__ = True  # type: ignore[attr-defined]

    def exists(self) -> bool:
        """Whether there is data to load (``False`` when the dataset cannot tell)."""
        try:
            return bool(self._exists())
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed during exists check for {self}: {type(exc).__name__}: {exc}"
            ) from exc

    def release(self) -> None:
        """Drop whatever the dataset keeps in memory (runners call this when data is done)."""
        try:
            self._release()
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed during release for {self}: {type(exc).__name__}: {exc}"
            ) from exc

    def describe(self) -> dict[str, Any]:
        """A dict of what identifies this dataset (paths, arguments), never credentials."""
        return {k: v for k, v in self._describe().items() if v is not None}

    def _load(self) -> Any:
        raise DatasetError(f"{type(self).__name__} does not implement loading.")

    def _save(self, data: Any) -> None:
        raise DatasetError(f"{type(self).__name__} does not implement saving.")

    @abc.abstractmethod
    def _describe(self) -> dict[str, Any]:
        """The fields shown by ``repr``: identify the data, leave out secrets."""

    def _exists(self) -> bool:
        logger.debug("%s does not implement exists(); assuming no data.", type(self).__name__)
        return False

    def _release(self) -> None:  # optional hook: nothing to drop by default
        return None

    def __str__(self) -> str:
        return self._pretty_repr(self.describe())

    def __repr__(self) -> str:
        return self._pretty_repr(self.describe())

    def _pretty_repr(self, description: dict[str, Any]) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in description.items())
        return f"{type(self).__module__}.{type(self).__qualname__}({args})"




def _local_exists(path: str) -> bool:
    return os.path.exists(path)


def _local_glob(pattern: str) -> list[str]:
    import glob

    return glob.glob(pattern)


class AbstractVersionedDataset(AbstractDataset, abc.ABC):
    """A dataset whose saves never overwrite: each save goes to ``<filepath>/<version>/<name>``.

    Loading takes the newest version unless ``version.load`` pins one; saving uses
    ``version.save`` (the catalog shares one per run) or a fresh timestamp, and fails if that
    version exists already. Subclasses read from ``self._get_load_path()`` and write to
    ``self._get_save_path()``.

    Args:
        filepath: Where the unversioned file would live.
        version: ``Version(load, save)``, or ``None`` to switch versioning off.
        exists_function: Checks a path (defaults to the local filesystem).
        glob_function: Lists paths matching a pattern (defaults to the local filesystem).
    """

    def __init__(
        self,
        filepath: PurePosixPath,
        version: Version | None,
        exists_function: Callable[[str], bool] | None = None,
        glob_function: Callable[[str], list[str]] | None = None,
    ) -> None:
        self._filepath = PurePosixPath(filepath)
        self._version = version
        self._exists_function = exists_function or _local_exists
        self._glob_function = glob_function or _local_glob

    # -- versions -------------------------------------------------------------------------
    def _get_versioned_path(self, version: str) -> PurePosixPath:
        return self._filepath / version / self._filepath.name

    def _get_version_from_path(self, path: str) -> str:
        return PurePosixPath(path).parent.name

    def _get_versions(self) -> list[str]:
        pattern = str(self._get_versioned_path("*"))
        try:
            paths = self._glob_function(pattern)
        except Exception as exc:
            raise VersionNotFoundError(
                f"Could not list the versions of {self}: {type(exc).__name__}: {exc}"
            ) from exc
        paths = [str(p) for p in paths]
        return sorted(
            (p for p in paths if self._exists_function(p)),
            key=self._get_version_from_path,
            reverse=True,
        )

    def list_versions(self, full_path: bool = True) -> list[str]:
        """Every saved version, newest first.

        Args:
            full_path: ``True`` (Kedro's default) gives each version's file path;
                ``False`` gives the bare version strings, as ``load_versions`` expects them.
        """
        paths = self._get_versions()
        if full_path:
            return paths
        return [self._get_version_from_path(p) for p in paths]

    def _fetch_latest_load_version(self) -> str:
        paths = self._get_versions()
        if not paths:
            raise VersionNotFoundError(f"Did not find any versions for {self}.")
        return self._get_version_from_path(paths[0])

    def _fetch_latest_save_version(self) -> str:
        return generate_timestamp()

    def resolve_load_version(self) -> str | None:
        """The version a load would read: the pin, else the newest, else ``None``."""
        if self._version is None:
            return None
        if self._version.load:
            return self._version.load
        return self._fetch_latest_load_version()

    def resolve_save_version(self) -> str | None:
        """The version the next save would write (``None`` when unversioned)."""
        if self._version is None:
            return None
        return self._version.save or self._fetch_latest_save_version()

    def _get_load_path(self) -> PurePosixPath:
        if self._version is None:
            return self._filepath
        version = self.resolve_load_version()
        assert version is not None
        path = self._get_versioned_path(version)
        if self._version.load and not self._exists_function(str(path)):
            available = self.list_versions(full_path=False)
            listed = ", ".join(available[:10]) or "none"
            raise VersionNotFoundError(
                f"Version '{version}' of {self} does not exist (no file at '{path}'). "
                f"Available versions, newest first: {listed}."
            )
        return path

    def _get_save_path(self) -> PurePosixPath:
        if self._version is None:
            return self._filepath
        version = self.resolve_save_version()
        assert version is not None
        path = self._get_versioned_path(version)
        if self._exists_function(str(path)):
            raise VersionAlreadyExistsError(
                f"Version '{version}' of {self} exists already at '{path}'; versioned saves "
                "never overwrite. Save with a new version (or leave it unset for a fresh one)."
            )
        return path

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}

    def exists(self) -> bool:
        """Whether there is data to load; for a versioned dataset, any (or the pinned) version."""
        try:
            if self._version is not None and not self._version.load and not self._get_versions():
                return False
            return bool(self._exists())
        except VersionNotFoundError:
            return False
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(
                f"Failed during exists check for {self}: {type(exc).__name__}: {exc}"
            ) from exc

    def _exists(self) -> bool:
        return self._exists_function(str(self._get_load_path()))

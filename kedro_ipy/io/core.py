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
import re
import sys
import threading
import time
import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import PurePath, PurePosixPath
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.redaction import redact, redact_exception, redact_value

__all__ = [
    "CLOUD_PROTOCOLS",
    "HTTP_PROTOCOLS",
    "PROTOCOL_DELIMITER",
    "VERSION_FORMAT",
    "AbstractDataset",
    "AbstractVersionedDataset",
    "CatalogProtocol",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetNotFoundError",
    "Version",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
    "generate_timestamp",
    "get_filepath_str",
    "get_protocol_and_path",
    "is_parameter",
    "parse_dataset_definition",
    "validate_on_forbidden_chars",
]

#: Keys of a catalog entry with a meaning of their own (Kedro's names).
TYPE_KEY = "type"
VERSION_KEY = "version"
VERSIONED_FLAG_KEY = "versioned"

logger = logging.getLogger(__name__)

#: ``strftime`` format of a version before its microseconds are cut to milliseconds.
VERSION_FORMAT = "%Y-%m-%dT%H.%M.%S.%fZ"


class DatasetError(KedroIpyError):
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


_STAMP_LOCK = threading.Lock()
_last_stamp_ms = 0


def generate_timestamp() -> str:
    """A version string for "now" in UTC, e.g. ``2026-11-23T10.02.11.417Z``.

    The format sorts lexicographically in time order, which is how the newest version is found.
    Each call gives a strictly later millisecond than the one before in this process: two
    saves within one millisecond would otherwise get one version, and the second would fail
    because versions are never overwritten.
    """
    global _last_stamp_ms
    with _STAMP_LOCK:
        now_ms = max(time.time_ns() // 1_000_000, _last_stamp_ms + 1)
        _last_stamp_ms = now_ms
    moment = datetime.fromtimestamp(now_ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H.%M.%S.") + f"{now_ms % 1000:03d}Z"


PROTOCOL_DELIMITER = "://"
HTTP_PROTOCOLS = ("http", "https")
CLOUD_PROTOCOLS = ("abfs", "abfss", "adl", "gcs", "gdrive", "gs", "oci", "oss", "s3", "s3a", "s3n")


_HAS_SCHEME = re.compile(r"^[a-zA-Z0-9]+://")
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")
_URL_DRIVE = re.compile(r"^/([a-zA-Z])[:|]([\\/].*)$")


def get_protocol_and_path(filepath: str | os.PathLike, version: Version | None = None
                          ) -> tuple[str, str]:
    """Split a path or URL into ``(protocol, path)`` exactly as Kedro does.

    Local paths (also ``C:\\...``) give ``"file"``; HTTP(S) keeps the host in the path; cloud
    protocols (``s3``, ``gcs``, ``abfs``, ...) keep the bucket but drop ``user@`` and ports;
    other protocols (except ``memory``) keep only the URL's path. Query and fragment stay on
    the path. Kept under Kedro's name so custom datasets written for Kedro port unchanged.

    Raises:
        DatasetError: ``version`` is given for an HTTP(S) URL, which cannot be versioned.
    """
    from urllib.parse import urlsplit

    text = os.fspath(filepath)
    if not isinstance(text, str):
        text = str(text)
    if _DRIVE.match(text) or not _HAS_SCHEME.match(text):
        return "file", text
    parts = urlsplit(text)
    protocol = parts.scheme or "file"
    if protocol in HTTP_PROTOCOLS:
        if version is not None:
            raise DatasetError(
                "Versioning is not supported for HTTP protocols. Please remove the "
                "`versioned` flag from the dataset configuration."
            )
        return protocol, text.split(PROTOCOL_DELIMITER, 1)[-1]
    path = parts.path
    if protocol == "file":
        drive = _URL_DRIVE.match(path)
        if drive:
            path = ":".join(drive.groups())
    if parts.query:
        path += "?" + parts.query
    if parts.fragment:
        path += "#" + parts.fragment
    if parts.netloc and protocol == "memory":
        # Deliberate difference: fsspec's memory filesystem keys files by netloc + path, so
        # 'memory://a/x' and 'memory://b/x' stay two files (Kedro would drop 'a' and 'b').
        return protocol, parts.netloc.rsplit("@", 1)[-1] + path
    if parts.netloc and protocol in CLOUD_PROTOCOLS:
        host = parts.netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0]
        path = host + path
        if protocol in ("abfss", "oci") and parts.username:
            # ADLS Gen2 keeps the container, OCI the bucket, before the '@'.
            path = parts.username + "@" + path
    return protocol, path


def get_filepath_str(raw_path: PurePath, protocol: str) -> str:
    """The path string to hand to fsspec: HTTP(S) needs its full URL back."""
    path = raw_path.as_posix() if isinstance(raw_path, PurePath) else str(raw_path)
    if protocol in HTTP_PROTOCOLS:
        return f"{protocol}{PROTOCOL_DELIMITER}{path}"
    return path


def validate_on_forbidden_chars(**kwargs: Any) -> None:
    """Refuse string arguments holding a space or ``;`` (SQL-ish table and column names).

    Kept under Kedro's name because dataset plugins call it on their own arguments.

    Raises:
        DatasetError: a value contains a white-space or a semicolon; the key is named.
    """
    for key, value in kwargs.items():
        if " " in value or ";" in value:
            raise DatasetError(f"Neither white-space nor semicolon are allowed in '{key}'.")


#: Where a short ``type:`` is looked up, in order (Kedro tries ``kedro.io.`` then
#: ``kedro_datasets.``; ours map those onto the same places, see ``_types``).
_DEFAULT_PACKAGES = ["kedro_ipy.io.", "kedro_ipy.io.datasets.", ""]


def parse_dataset_definition(
    config: dict[str, Any],
    load_version: str | None = None,
    save_version: str | None = None,
) -> tuple[type, dict[str, Any]]:
    """``(dataset class, constructor kwargs)`` for one catalog entry, as Kedro's helper gives.

    Raises:
        DatasetError: no ``type``, an unknown type, or versioning the class does not support.
    """
    from kedro_ipy.io._types import _split

    if "type" not in config:
        raise DatasetError("'type' is missing from dataset catalog configuration")
    if VERSIONED_FLAG_KEY in config:
        versioned_flag("<config>", config[VERSIONED_FLAG_KEY])
    kwargs, cls, versioned = _split(config)
    if versioned:
        kwargs["version"] = Version(load_version, save_version or generate_timestamp())
    return cls, kwargs


def _load_error(dataset: AbstractDataset, exc: BaseException) -> DatasetError:
    redact_exception(exc)  # a driver's error may quote a credential: so would its cause chain
    return DatasetError(f"Failed while loading data from dataset {dataset}.\n{exc}")


def _save_error(dataset: AbstractDataset, exc: BaseException) -> DatasetError:
    redact_exception(exc)
    return DatasetError(f"Failed while saving data to dataset {dataset}.\n{exc}")


_DI = TypeVar("_DI")  # what save() takes
_DO = TypeVar("_DO")  # what load() gives


# Where a dataset's own code is found: ``load``/``save`` (Kedro 1.x style) win over
# ``_load``/``_save`` defined in the same class; the base class's methods are never wrapped.
def _own(cls: type, public: str, private: str) -> Callable[..., Any] | None:
    for name in (public, private):
        func = cls.__dict__.get(name)
        if func is not None and callable(func):
            return func
    return None


class AbstractDataset(abc.ABC, Generic[_DI, _DO]):
    """Base of every dataset: one thing that can be loaded and saved.

    Subclasses implement ``_load``, ``_save`` and ``_describe`` (or, Kedro 1.x style, ``load``
    and ``save`` directly); optionally ``_exists`` (else ``exists()`` warns and answers
    ``False``) and ``_release`` (to drop cached data). Whichever they define is wrapped when the
    class is created, so any failure reaches the user as a ``DatasetError`` naming the dataset,
    and a failing node input is easy to trace back to its file.

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

    #: Remember constructor arguments for ``_init_config``/``DataCatalog.to_config``. Off for
    #: ``MemoryDataset``: keeping its ``data`` argument alive would double the memory held.
    _RECORD_INIT = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "__recordsinit__", False):
            cls.__init__ = _recording_init(cls, init)  # type: ignore[method-assign]
        load = _own(cls, "load", "_load")
        if load is not None:
            # a per-subclass wrapper replaces the method: mypy cannot follow that
            cls.load = cls._load_wrapper(  # type: ignore[method-assign, assignment]
                getattr(load, "__wrapped__", load) if _is_wrapped(load, "load") else load
            )
        save = _own(cls, "save", "_save")
        if save is not None:
            cls.save = cls._save_wrapper(  # type: ignore[method-assign, assignment]
                getattr(save, "__wrapped__", save) if _is_wrapped(save, "save") else save
            )

    def _init_config(self) -> dict[str, Any]:
        """This dataset as a catalog entry: ``type`` plus the constructor arguments it got.

        Arguments left out take their defaults; ``version`` becomes ``versioned: true`` and
        ``metadata`` is dropped, as in Kedro. A ``CachedDataset`` shows its wrapped dataset as
        a nested entry, with ``versioned`` moved up to the cache.
        """
        config: dict[str, Any] = {"type": f"{type(self).__module__}.{type(self).__name__}"}
        config.update(_called_with(self))
        if "dataset" in config and type(self).__name__ == "CachedDataset":
            inner = config.pop("dataset")
            if isinstance(inner, AbstractDataset):
                inner = inner._init_config()
            inner = dict(inner) if isinstance(inner, dict) else {}
            if "versioned" in inner:
                config["versioned"] = inner.pop("versioned")
            inner.pop("metadata", None)
            config["dataset"] = inner
        if config.pop("version", None):
            config["versioned"] = True
        config.pop("metadata", None)
        return config

    @classmethod
    def _load_wrapper(cls, load_func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """``load_func`` turned into a public ``load``: failures become ``DatasetError``."""

        @functools.wraps(load_func)
        def load(self: AbstractDataset) -> Any:
            try:
                return load_func(self)
            except DatasetError:
                raise
            except Exception as exc:
                raise _load_error(self, exc) from exc

        load.__loadwrapped__ = True  # type: ignore[attr-defined]
        return load

    @classmethod
    def _save_wrapper(cls, save_func: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        """``save_func`` turned into a public ``save``: ``None`` refused, failures wrapped.

        ``FileNotFoundError``/``NotADirectoryError`` pass through unchanged, as in Kedro (the
        versioned wrapper turns them into an explanation).
        """

        @functools.wraps(save_func)
        def save(self: AbstractDataset, data: Any) -> None:
            if data is None:
                raise DatasetError("Saving 'None' to a 'Dataset' is not allowed")
            try:
                save_func(self, data)
            except (DatasetError, FileNotFoundError, NotADirectoryError):
                raise
            except Exception as exc:
                raise _save_error(self, exc) from exc

        save.__savewrapped__ = True  # type: ignore[attr-defined]
        return save

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
            raise _load_error(self, exc) from exc

    def save(self, data: Any) -> None:
        """Save ``data``; ``None`` is refused, and failures name this dataset."""
        if data is None:
            raise DatasetError("Saving 'None' to a 'Dataset' is not allowed")
        try:
            self._save(data)
        except (DatasetError, FileNotFoundError, NotADirectoryError):
            raise
        except Exception as exc:
            raise _save_error(self, exc) from exc

    def exists(self) -> bool:
        """Whether there is data to load (``False``, with a warning, when it cannot tell)."""
        try:
            return bool(self._exists())
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(f"Failed during exists check for dataset {self}.\n{exc}") from exc

    def release(self) -> None:
        """Drop whatever the dataset keeps in memory (runners call this when data is done)."""
        try:
            self._release()
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(f"Failed during release for dataset {self}.\n{exc}") from exc

    def describe(self) -> dict[str, Any]:
        """A dict of what identifies this dataset (paths, arguments), never credentials."""
        description = self._describe()
        if not isinstance(description, dict):
            return {}
        return {
            k: redact_value(_hide_url_secrets(v)) for k, v in description.items() if v is not None
        }

    def _copy(self, **overwrite_params: Any) -> AbstractDataset:
        """A deep copy with some attributes replaced (Kedro's helper, used by plugins)."""
        import copy

        dataset = copy.deepcopy(self)
        for name, value in overwrite_params.items():
            setattr(dataset, name, value)
        return dataset

    def _load(self) -> Any:
        raise DatasetError(f"{type(self).__name__} does not implement loading.")

    def _save(self, data: Any) -> None:
        raise DatasetError(f"{type(self).__name__} does not implement saving.")

    @abc.abstractmethod
    def _describe(self) -> dict[str, Any]:
        """The fields shown by ``repr``: identify the data, leave out secrets."""

    def _exists(self) -> bool:
        logger.warning(
            "'exists()' not implemented for '%s'. Assuming output does not exist.",
            type(self).__name__,
        )
        return False

    def _release(self) -> None:  # optional hook: nothing to drop by default
        return None

    def __repr__(self) -> str:
        description = self._describe()
        if isinstance(description, dict) and all(isinstance(k, str) for k in description):
            return redact(self._pretty_repr(description))
        name = f"{type(self).__module__}.{type(self).__name__}"
        logger.warning(
            "'%s' is a subclass of AbstractDataset and it must implement the '_describe' "
            "method following the signature of AbstractDataset's '_describe'.",
            name,
        )
        return f"{name}()"

    def _pretty_repr(self, description: dict[str, Any]) -> str:
        import pprint

        args = []
        for key, value in description.items():
            if value is None:
                continue
            shown = pprint.pformat(
                _hide_url_secrets(value), sort_dicts=False, compact=True, depth=2,
                width=sys.maxsize,
            )
            args.append(f"{key}={shown}")
        return f"{type(self).__module__}.{type(self).__name__}({', '.join(args)})"


def _recording_init(owner: type, init: Callable[..., None]) -> Callable[..., None]:
    """``init`` that also keeps its arguments (unbound: cheap) for ``_init_config``."""

    @functools.wraps(init)
    def __init__(self: AbstractDataset, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if self._RECORD_INIT:
            # Outermost constructor last: a subclass's arguments win over its parent's.
            # The class, not the function, is kept: instances must stay picklable.
            self.__dict__["_init_call"] = (owner, args, kwargs)

    __init__.__recordsinit__ = True  # type: ignore[attr-defined]
    return __init__


def _called_with(dataset: AbstractDataset) -> dict[str, Any]:
    call = dataset.__dict__.get("_init_call")
    if call is None:
        return {}
    import inspect

    owner, args, kwargs = call
    init = owner.__dict__["__init__"]
    init = getattr(init, "__wrapped__", init)
    try:
        bound = inspect.signature(init).bind(dataset, *args, **kwargs)
    except TypeError:  # pragma: no cover - the call succeeded, so it binds
        return {}
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop(next(iter(arguments)), None)  # self
    return arguments


def _is_wrapped(func: Callable[..., Any], kind: str) -> bool:
    return bool(getattr(func, f"__{kind}wrapped__", False))


_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>)\]]+")


def _hide_url_secrets(value: Any) -> Any:
    """``value`` with ``user:password@`` of URLs inside strings (or containers) blanked."""
    if isinstance(value, str):
        if "@" not in value or "://" not in value:
            return value
        from kedro_ipy.io.datasets._file import safe_url

        return _URL_IN_TEXT.sub(lambda m: safe_url(m.group(0)), value)
    if isinstance(value, dict):
        return {k: _hide_url_secrets(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_hide_url_secrets(v) for v in value)
    return value


_GLOB_MAGIC = re.compile(r"([*?\[])")


def _glob_escape(text: str) -> str:
    """``text`` matched literally by ``glob`` and fsspec's glob: ``[`` ``*`` ``?`` bracketed."""
    return _GLOB_MAGIC.sub(r"[\1]", text)


def versioned_flag(entry: str, value: Any) -> bool:
    """The ``versioned:`` key of catalog entry ``entry`` as a bool, refusing anything else.

    A quoted ``"false"`` or ``"no"`` is a non-empty string, so it would turn versioning on.

    Raises:
        DatasetError: ``value`` is not a boolean.
    """
    if isinstance(value, bool):
        return value
    hint = ""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            hint = " Write versioned: true, without quotes."
        elif lowered in ("false", "no", "off", "0", ""):
            hint = " Write versioned: false, without quotes."
    raise DatasetError(
        f"Catalog entry '{entry}': 'versioned' must be true or false, got "
        f"{type(value).__name__} {value!r}.{hint}"
    )


def _local_exists(path: str) -> bool:
    return os.path.exists(path)


def _local_glob(pattern: str) -> list[str]:
    import glob

    return glob.glob(pattern)


class AbstractVersionedDataset(AbstractDataset[_DI, _DO], abc.ABC):
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
        # One save version per save: chosen when the save starts, kept until the next one.
        self._cached_save_version: str | None = None

    @classmethod
    def _save_wrapper(cls, save_func: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        """The plain save wrapper plus what versions need around it.

        The save version is fixed before writing; a file standing where the version folder
        should go is explained; and a save to a version other than the one loads would read
        warns, since the next load would not see what was just saved.
        """
        plain = super()._save_wrapper(save_func)

        @functools.wraps(save_func)
        def save(self: AbstractVersionedDataset, data: Any) -> None:
            self._cached_save_version = None
            save_version = self.resolve_save_version()
            try:
                plain(self, data)
            except (FileNotFoundError, NotADirectoryError) as exc:
                name = self._filepath.name
                folder = self._filepath.parent.as_posix()
                raise DatasetError(
                    f"Cannot save versioned dataset '{name}' to '{folder}' because a file with "
                    f"the same name already exists in the directory. This happens when "
                    f"versioning is turned on for a dataset saved before without it: remove "
                    f"'{name}' from the directory, or move it into a version folder such as "
                    f"'{self._filepath.as_posix()}/YYYY-MM-DDThh.mm.ss.sssZ/{name}'."
                ) from exc
            load_version = self.resolve_load_version()
            if load_version != save_version:
                warnings.warn(
                    f"Save version '{save_version}' did not match load version "
                    f"'{load_version}' for {self}. This is strongly discouraged due to "
                    "inconsistencies it may cause between 'save' and 'load' operations: the "
                    "next load will not read what was just saved. Avoid pinning a load "
                    "version for data the run itself saves.",
                    stacklevel=2,
                )
                self._cached_save_version = None

        save.__savewrapped__ = True  # type: ignore[attr-defined]
        return save

    # -- versions -------------------------------------------------------------------------
    def _get_versioned_path(self, version: str) -> PurePosixPath:
        # A version is one folder name: anything else could read or write outside the dataset.
        if not version or "/" in version or "\\" in version or version in (".", ".."):
            raise DatasetError(
                f"Version string '{version}' is not allowed. Version strings must be a single "
                "non-empty path component with no path separators ('/' or '\\') and must not "
                "be '.' or '..'."
            )
        return self._filepath / version / self._filepath.name

    def _get_version_from_path(self, path: str) -> str:
        return PurePosixPath(path).parent.name

    def _get_versions(self) -> list[str]:
        # The dataset's own path is matched literally: ``model[v1].pkl`` has glob characters.
        pattern = str(
            PurePosixPath(_glob_escape(str(self._filepath)), "*",
                          _glob_escape(self._filepath.name))
        )
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
        if self._cached_save_version is None:
            self._cached_save_version = generate_timestamp()
        return self._cached_save_version

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
            raise self._version_exists_error(path)
        return path

    def _version_exists_error(self, path: PurePosixPath | str) -> VersionAlreadyExistsError:
        from kedro_ipy.io.datasets._file import safe_url

        version = self._get_version_from_path(str(path))
        return VersionAlreadyExistsError(
            f"Save path '{safe_url(str(path))}' for {self} must not exist if versioning is "
            f"enabled. Versioned saves never overwrite: version '{version}' exists already; "
            "save with a new version (or leave it unset for a fresh one)."
        )

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "version": self._version}

    def exists(self) -> bool:
        """Whether there is data to load; for a versioned dataset, any (or the pinned) version."""
        try:
            return bool(self._exists())
        except VersionNotFoundError:
            return False
        except DatasetError:
            raise
        except Exception as exc:
            raise DatasetError(f"Failed during exists check for dataset {self}.\n{exc}") from exc

    def _exists(self) -> bool:
        return self._exists_function(str(self._get_load_path()))

    def _release(self) -> None:
        self._cached_save_version = None


def is_parameter(dataset_name: str) -> bool:
    """Whether ``dataset_name`` is parameters: ``parameters`` or ``params:<key>``."""
    return dataset_name.startswith("params:") or dataset_name == "parameters"


_C = TypeVar("_C", covariant=True)  # only returned (by from_config)
_DS = TypeVar("_DS")


@runtime_checkable
class CatalogProtocol(Protocol[_C, _DS]):
    """What runners and hooks need from a catalog, for type hints and ``isinstance``.

    ``DataCatalog`` satisfies it; so does any object with the same methods (Kedro's name, so
    code typed against Kedro's catalog protocol ports unchanged).
    """

    _datasets: dict[str, _DS]

    def __repr__(self) -> str: ...

    def __contains__(self, ds_name: str) -> bool: ...

    def __getitem__(self, ds_name: str) -> _DS: ...

    def __setitem__(self, key: str, value: Any) -> None: ...

    def __iter__(self) -> Any: ...

    def keys(self) -> list[str]: ...

    def values(self) -> list[_DS]: ...

    def items(self) -> list[tuple[str, _DS]]: ...

    @classmethod
    def from_config(cls, catalog: dict[str, dict[str, Any]] | None) -> _C: ...

    def get(self, key: str, fallback_to_runtime_pattern: bool = False) -> _DS | None: ...

    def save(self, ds_name: str, data: Any) -> None: ...

    def load(self, ds_name: str, version: str | None = None) -> Any: ...

    def release(self, ds_name: str) -> None: ...

    def confirm(self, ds_name: str) -> None: ...

    def exists(self, ds_name: str) -> bool: ...

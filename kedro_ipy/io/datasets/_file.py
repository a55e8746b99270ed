"""What every file dataset shares: paths, fsspec, versions and atomic saves.

Local paths use the standard library directly (no fsspec import, and a save is a write to a
temporary file in the same folder followed by an atomic rename). Any other protocol
(``s3://``, ``gs://``, ``memory://``, ...) goes through fsspec, imported on first use; there a
save is serialised completely in memory first and written in one call, so a serialiser that
fails half-way writes nothing, and object stores publish an object only once it is complete.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import io
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from kedro_ipy.io.core import (
    AbstractVersionedDataset,
    DatasetError,
    Version,
    get_filepath_str,
    get_protocol_and_path,
)
from kedro_ipy.io.datasets._requires import require
from kedro_ipy.redaction import collect_secrets
from kedro_ipy.redaction import register as register_secrets

__all__ = [
    "AbstractFileDataset", "is_stale_temp", "public_args", "remove_stale_temps", "safe_url",
    "sweep_each_folder_once", "temp_prefix",
]

# Argument names that can carry secrets: never shown by describe()/repr.
_SECRET_ARGS = frozenset({
    "credentials", "storage_options", "password", "passwd", "token", "secret", "key",
    "aws_secret_access_key", "aws_session_token", "account_key", "sas_token", "client_kwargs",
})


def safe_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, for display."""
    if "@" not in url or "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, "***@" + host, parts.path, parts.query, parts.fragment))


def public_args(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` without the ones that may hold secrets."""
    return {k: v for k, v in args.items() if k.lower() not in _SECRET_ARGS}


_UMASK: int | None = None


def _file_mode() -> int:
    """Permission bits a normal ``open(..., "w")`` would give (temp files start at 0600)."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


# -- temporary files of saves ------------------------------------------------------------------
# A local save writes ``.<name>.kedroipy-<host>-<pid>.<random>.tmp`` next to its target. The
# host and process id in the name let a later save tell a temp file of a writer that died
# (killed mid-save) from one still being written, and remove only the former.
_TEMP_MARK = "kedroipy"
_TEMP_NAME = re.compile(rf"^\..*\.{_TEMP_MARK}-(?P<host>[A-Za-z0-9_-]*)-(?P<pid>\d+)\.[^./]+\.tmp$")
_HOST: str | None = None


def _host_tag() -> str:
    global _HOST
    if _HOST is None:
        _HOST = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())[:40]
    return _HOST


def temp_prefix(path: str) -> str:
    """The ``mkstemp`` prefix for a temp file that will replace ``path``."""
    return f".{os.path.basename(path)}.{_TEMP_MARK}-{_host_tag()}-{os.getpid()}."


def _writer_is_gone(pid: int) -> bool:
    """Whether process ``pid`` of this host has ended (an unknown answer counts as alive)."""
    if os.name == "nt" or pid == os.getpid():  # os.kill(pid, 0) would end a Windows process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def is_stale_temp(name: str) -> bool:
    """Whether file ``name`` is the temp file of a save whose process died on this host."""
    found = _TEMP_NAME.match(name)
    if found is None:
        return False
    return found["host"] == _host_tag() and _writer_is_gone(int(found["pid"]))


def remove_stale_temps(folder: str) -> int:
    """Delete the temp files that dead writers left in ``folder``; how many went.

    Only files in our own naming scheme and of this host are candidates: a temp file of a
    live process, or of another machine sharing the folder, is never touched.
    """
    # Within one partitioned save, each folder is swept once, not once per partition.
    swept = _SWEPT.get()
    if swept is not None:
        if folder in swept:
            return 0
        swept.add(folder)
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.endswith(".tmp") and is_stale_temp(entry.name):
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):  # a partitioned save's staging folder
                    import shutil

                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
    return removed


_SWEPT: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "kedro_ipy_swept_folders", default=None
)


@contextlib.contextmanager
def sweep_each_folder_once() -> Iterator[None]:
    """Within the block, :func:`remove_stale_temps` looks at each folder once only."""
    token = _SWEPT.set(set())
    try:
        yield
    finally:
        _SWEPT.reset(token)


def _remove_unfinished_versions(dataset_dir: str, name: str) -> None:
    """Empty the version folders of ``dataset_dir`` that a killed save left without ``name``.

    A version is published by linking its file in one step, so a folder without the file holds
    at most a temp file: once that is removed (its writer is gone), the empty folder goes too.
    """
    try:
        entries = list(os.scandir(dataset_dir))
    except OSError:
        return
    for entry in entries:
        if not entry.is_dir(follow_symlinks=False):
            continue
        if os.path.lexists(os.path.join(entry.path, name)):
            continue
        remove_stale_temps(entry.path)
        with contextlib.suppress(OSError):  # not empty: a live writer's, or someone's files
            os.rmdir(entry.path)


class _Filesystem:
    """The fsspec filesystem of a dataset that lives at ``self._protocol``.

    Users set ``_protocol``, ``_credentials``, ``_fs_args`` and ``_fs_obj = None``. Local files
    never need fsspec, so it is imported on first use only.
    """

    _protocol: str
    _credentials: dict[str, Any]
    _fs_args: dict[str, Any]
    _fs_obj: Any

    @property
    def _local(self) -> bool:
        return self._protocol == "file"

    @property
    def _fs(self) -> Any:
        if self._fs_obj is None:
            import fsspec

            self._fs_obj = fsspec.filesystem(
                self._protocol, **self._credentials, **self._fs_args
            )
        return self._fs_obj


class AbstractFileDataset(_Filesystem, AbstractVersionedDataset):
    """A dataset stored as one file, local or behind any fsspec protocol, maybe versioned.

    Subclasses set ``_binary`` and implement ``_read(handle)`` and ``_write(handle, data)``;
    ``DEFAULT_LOAD_ARGS``/``DEFAULT_SAVE_ARGS`` are merged under the user's ones.

    Args:
        filepath: Local path or URL (``s3://bucket/file.pkl``).
        load_args: Passed to the reader.
        save_args: Passed to the writer.
        version: ``Version(load, save)`` to version the file; ``None`` for a plain file.
        credentials: Passed to the fsspec filesystem (ignored for local files).
        fs_args: Passed to the fsspec filesystem; ``open_args_load``/``open_args_save`` go to
            ``open()``.
        metadata: Free-form information for plugins; ignored here.
    """

    DEFAULT_LOAD_ARGS: dict[str, Any] = {}
    DEFAULT_SAVE_ARGS: dict[str, Any] = {}
    #: Modules the dataset needs, with the extra that installs them: checked when the dataset
    #: is created (not imported), so a catalog entry says at once what is missing.
    REQUIRES: tuple[tuple[str, str], ...] = ()
    _binary = True
    _encoding = "utf-8"
    _newline: str | None = None

    def __init__(
        self,
        *,
        filepath: str,
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        credentials: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        require(type(self).__name__, self.REQUIRES)
        if not isinstance(filepath, (str, os.PathLike)) or not str(filepath):
            raise DatasetError(
                f"{type(self).__name__} needs a 'filepath' (a path or URL), got {filepath!r}."
            )
        self._protocol, path = get_protocol_and_path(filepath, version)
        self._credentials = dict(credentials or {})
        register_secrets(collect_secrets(self._credentials))  # masked wherever shown
        fs_args = dict(fs_args or {})
        self._open_args_load = dict(fs_args.pop("open_args_load", {}) or {})
        self._open_args_save = dict(fs_args.pop("open_args_save", {}) or {})
        self._fs_args = fs_args
        self._fs_obj: Any = None
        self._load_args = {**self.DEFAULT_LOAD_ARGS, **(load_args or {})}
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **(save_args or {})}
        self.metadata = metadata
        if self._local:
            super().__init__(PurePosixPath(path), version)
        else:
            super().__init__(
                PurePosixPath(path), version, exists_function=self._remote_exists,
                glob_function=self._remote_glob,
            )

    def _remote_exists(self, path: str) -> bool:
        return bool(self._fs.exists(self._fs_path(path)))

    def _remote_glob(self, pattern: str) -> list[str]:
        return [str(p) for p in self._fs.glob(self._fs_path(pattern))]

    def _fs_path(self, path: str) -> str:
        return get_filepath_str(PurePosixPath(path), self._protocol)

    def _display(self, path: PurePosixPath | str) -> str:
        path = str(path)
        return path if self._local else safe_url(f"{self._protocol}://{path}")

    @contextlib.contextmanager
    def _open_for_read(self, path: str) -> Iterator[IO[Any]]:
        mode = "rb" if self._binary else "r"
        kwargs: dict[str, Any] = {}
        if not self._binary:
            kwargs["encoding"] = self._encoding
            if self._newline is not None:
                kwargs["newline"] = self._newline
        kwargs.update(self._open_args_load)
        if self._local:
            with open(path, mode, **kwargs) as handle:
                yield handle
        else:
            with self._fs.open(self._fs_path(path), mode, **kwargs) as handle:
                yield handle

    @contextlib.contextmanager
    def _atomic_write(self, path: str) -> Iterator[IO[Any]]:
        """A handle whose content replaces ``path`` only if the ``with`` block succeeds."""
        if self._local:
            yield from self._atomic_local(path)
            return
        buffer: io.BytesIO | io.StringIO = (
            io.BytesIO() if self._binary else io.StringIO(newline=self._newline)
        )
        yield buffer
        content = buffer.getvalue()
        payload = content if isinstance(content, bytes) else content.encode(self._encoding)
        parent = str(PurePosixPath(path).parent)
        with contextlib.suppress(Exception):  # object stores have no folders to make
            self._fs.mkdirs(parent, exist_ok=True)
        with self._fs.open(self._fs_path(path), "wb", **self._open_args_save) as handle:
            handle.write(payload)

    def _atomic_local(self, path: str) -> Iterator[IO[Any]]:
        if self._version is None and os.path.islink(path):
            # Save through a symlink: its target is replaced, the link stays a link.
            path = os.path.realpath(path)
        parent = os.path.dirname(path) or "."
        if self._version is None:
            remove_stale_temps(parent)
        else:
            _remove_unfinished_versions(os.path.dirname(parent) or ".", os.path.basename(path))
        fd, tmp = self._make_temp(parent, path)
        try:
            handle: IO[Any]
            if self._binary:
                handle = os.fdopen(fd, "wb")
            else:
                handle = os.fdopen(fd, "w", encoding=self._encoding, newline=self._newline)
            with handle:
                yield handle
            os.chmod(tmp, _file_mode())
            if self._version is None:
                os.replace(tmp, path)
            else:
                self._publish_new_version(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if self._version is not None:
                with contextlib.suppress(OSError):  # not empty: someone else's version
                    os.rmdir(parent)  # no empty version folder left by a failed save
            raise

    @staticmethod
    def _make_temp(parent: str, path: str) -> tuple[int, str]:
        """Create the folder and a temp file in it (again, if a cleanup just removed it)."""
        for attempt in range(3):
            os.makedirs(parent, exist_ok=True)
            try:
                return tempfile.mkstemp(dir=parent, prefix=temp_prefix(path), suffix=".tmp")
            except FileNotFoundError:  # another process removed the empty folder meanwhile
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _publish_new_version(self, tmp: str, path: str) -> None:
        """Move ``tmp`` to ``path`` only if ``path`` does not exist, in one step.

        ``_get_save_path`` checked before writing, but another thread or process may have
        saved the same version since; a hard link fails rather than replace its file.
        """
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise self._version_exists_error(path) from None
        except OSError:  # a filesystem without hard links: check, then rename
            if os.path.exists(path):
                raise self._version_exists_error(path) from None
            os.replace(tmp, path)
        else:
            with contextlib.suppress(OSError):  # published already: a stray link is harmless
                os.unlink(tmp)

    # -- load / save --------------------------------------------------------------------------
    def _load(self) -> Any:
        path = str(self._get_load_path())
        try:
            return self._load_path(path)
        except FileNotFoundError as exc:
            # Kedro's wording (the OS's), with the path shown without credentials.
            raise FileNotFoundError(
                errno.ENOENT, os.strerror(errno.ENOENT), self._display(path)
            ) from exc

    def _load_path(self, path: str) -> Any:
        with self._open_for_read(path) as handle:
            return self._read(handle)

    def _save(self, data: Any) -> None:
        path = str(self._get_save_path())
        with self._atomic_write(path) as handle:
            self._write(handle, data)

    def _read(self, handle: IO[Any]) -> Any:  # pragma: no cover - abstract in spirit
        raise NotImplementedError

    def _write(self, handle: IO[Any], data: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    #: The fields ``repr`` shows, in kedro-datasets' order for the same dataset.
    _DESCRIBED: tuple[str, ...] = ("filepath", "protocol", "load_args", "save_args", "version")

    def _describe(self) -> dict[str, Any]:
        filepath = self._filepath
        if not self._local and "@" in str(filepath):
            # HTTP(S) keeps ``user:password@host`` in the path (fsspec needs it): hide it.
            shown = safe_url(f"{self._protocol}://{filepath}").split("://", 1)[1]
            filepath = PurePosixPath(shown)
        values = {
            "filepath": filepath,
            "protocol": self._protocol,
            "load_args": public_args(self._load_args),
            "save_args": public_args(self._save_args),
            "version": self._version,
            "backend": getattr(self, "_backend", None),
        }
        return {field: values[field] for field in self._DESCRIBED}

    def _release(self) -> None:
        super()._release()
        if not self._local and self._fs_obj is not None:
            with contextlib.suppress(Exception):
                self._fs.invalidate_cache(str(self._filepath))

"""``SQLTableDataset`` and ``SQLQueryDataset``: DataFrames in a SQL database, through SQLAlchemy.

The connection string (``credentials: {con: ...}``) usually holds a password, so it is never
shown: not by ``repr`` or ``describe()``, and not in errors, where every occurrence of it and
of its password is masked. Engines are shared by every dataset with the same connection
string, as connection pools are meant to be.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar, NoReturn

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.io.core import AbstractDataset, DatasetError
from kedro_ipy.io.datasets._file import public_args
from kedro_ipy.io.datasets._requires import require
from kedro_ipy.redaction import MASK, register

__all__ = ["DatabaseError", "SQLQueryDataset", "SQLTableDataset"]

_REQUIRES = (("pandas", "sql"), ("sqlalchemy", "sql"))

#: Drivers whose module name differs from what installs them.
_DRIVERS = {
    "psycopg2": "psycopg2-binary", "psycopg": "'psycopg[binary]'", "MySQLdb": "mysqlclient",
    "pymysql": "pymysql", "cx_Oracle": "cx_Oracle", "oracledb": "oracledb", "pyodbc": "pyodbc",
}


def _connection(owner: str, credentials: Any) -> tuple[str, dict[str, Any]]:
    """``(connection string, other create_engine arguments)`` from ``credentials``."""
    if credentials is not None and not isinstance(credentials, dict):
        raise DatasetError(
            f"{owner} 'credentials' must be a mapping with a 'con' connection string, "
            f"not a {type(credentials).__name__}."
        )
    credentials = dict(credentials or {})
    con = credentials.pop("con", None)
    if not con:
        raise DatasetError(
            f"{owner}: 'con' argument cannot be empty. Please provide a SQLAlchemy connection "
            "string in 'credentials', such as {'con': 'sqlite:///data/db.sqlite'} or "
            "{'con': 'postgresql://user:password@host/db'}."
        )
    if not isinstance(con, str):
        raise DatasetError(
            f"{owner}: 'con' must be a SQLAlchemy connection string, not a "
            f"{type(con).__name__}."
        )
    return con, credentials


def _secrets_of(con: str) -> list[str]:
    """The connection string and the password inside it: what errors must never show."""
    secrets = [con]
    match = re.match(r"^[^:/]+://[^:@/]*:([^@]*)@", con)
    if match and match.group(1):
        secrets.append(match.group(1))
    return secrets


class DatabaseError(KedroIpyError):
    """A database or driver error, its text stripped of the connection string."""


class _SQLDataset(AbstractDataset):
    """Holds the connection: creates the engine on first use, masks the secrets in errors."""

    _engines: ClassVar[dict[str, Any]] = {}
    _engines_lock: ClassVar[threading.Lock] = threading.Lock()

    def _connect_with(self, credentials: Any) -> None:
        require(type(self).__name__, _REQUIRES)
        self._con, self._engine_args = _connection(type(self).__name__, credentials)
        self._secrets = _secrets_of(self._con)
        register(self._secrets)  # logs and every other surface of this process mask them too

    @property
    def engine(self) -> Any:
        """The SQLAlchemy engine, created on first use and shared by equal connections."""
        key = self._con
        with self._engines_lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = self._engines[key] = self._create_engine()
        return engine

    def _create_engine(self) -> Any:
        from sqlalchemy import create_engine

        try:
            return create_engine(self._con, **self._engine_args)
        except ModuleNotFoundError as exc:
            package = _DRIVERS.get(exc.name or "", exc.name)
            raise DatasetError(
                f"{type(self).__name__} cannot connect: the database driver '{exc.name}' is "
                f"not installed. Install it with: pip install {package}"
            ) from None
        except Exception as exc:
            raise self._masked(exc) from None

    def _masked(self, exc: BaseException) -> DatabaseError:
        """``exc`` told again without any part of the connection string."""
        text = f"{type(exc).__name__}: {exc}"
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return DatabaseError(text)

    def _run(self, action: Any) -> Any:
        try:
            return action()
        except DatasetError:
            raise
        except Exception as exc:
            # Database errors may quote the URL; the original chain is dropped for that reason.
            raise self._masked(exc) from None


class SQLTableDataset(_SQLDataset):
    """A whole table: loaded with ``pandas.read_sql_table``, saved with ``to_sql``.

    Saving writes no index (``index: False`` by default) so that a save and a load give the
    same frame, and fails if the table exists unless ``save_args`` says ``if_exists:
    replace`` or ``append``, as pandas does.

    Args:
        table_name: The table.
        credentials: ``con``, the SQLAlchemy connection string (``sqlite:///path.db``,
            ``postgresql://user:password@host/db``, ...); other keys go to
            ``sqlalchemy.create_engine`` (``pool_size``, ...).
        load_args: Passed to ``pandas.read_sql_table`` (``schema``, ``columns``, ...).
        save_args: Passed to ``to_sql`` (``schema``, ``if_exists``, ``dtype``, ...).
        metadata: Free-form information; ignored here.
    """

    DEFAULT_LOAD_ARGS: dict[str, Any] = {}
    DEFAULT_SAVE_ARGS: dict[str, Any] = {"index": False}

    def __init__(
        self,
        *,
        table_name: str,
        credentials: dict[str, Any],
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not table_name or not isinstance(table_name, str):
            raise DatasetError(
                f"SQLTableDataset: 'table_name' argument cannot be empty; give the name of "
                f"the table, got {table_name!r}."
            )
        self._connect_with(credentials)
        self._table_name = table_name
        self._load_args = {**self.DEFAULT_LOAD_ARGS, **(load_args or {})}
        self._save_args = {**self.DEFAULT_SAVE_ARGS, **(save_args or {})}
        for args in (self._load_args, self._save_args):
            args.pop("con", None)  # the connection comes from credentials only
        self.metadata = metadata

    def _load(self) -> Any:
        import pandas as pd

        return self._run(
            lambda: pd.read_sql_table(self._table_name, con=self.engine, **self._load_args)
        )

    def _save(self, data: Any) -> None:
        if not callable(getattr(data, "to_sql", None)):
            raise TypeError(
                "SQLTableDataset saves objects with a 'to_sql' method (a pandas DataFrame or "
                f"Series), not {type(data).__name__}."
            )
        self._run(lambda: data.to_sql(name=self._table_name, con=self.engine, **self._save_args))

    def _exists(self) -> bool:
        from sqlalchemy import inspect

        schema = self._load_args.get("schema")
        return bool(self._run(
            lambda: inspect(self.engine).has_table(self._table_name, schema=schema)
        ))

    def _describe(self) -> dict[str, Any]:
        return {
            "table_name": self._table_name,
            "load_args": public_args(self._load_args),
            "save_args": public_args(self._save_args),
        }


class SQLQueryDataset(_SQLDataset):
    """The result of a query, loaded with ``pandas.read_sql_query``; read-only.

    Args:
        sql: The query. Give it here or in the file ``filepath``, not both.
        credentials: ``con``, the SQLAlchemy connection string; other keys go to
            ``sqlalchemy.create_engine``.
        load_args: Passed to ``pandas.read_sql_query`` (``params``, ``parse_dates``, ...).
        fs_args: For the fsspec filesystem the ``filepath`` is read from.
        filepath: A file holding the query (local path or fsspec URL).
        execution_options: SQLAlchemy execution options for the connection (e.g.
            ``{"stream_results": True}``).
        metadata: Free-form information; ignored here.
    """

    def __init__(
        self,
        *,
        sql: str | None = None,
        credentials: dict[str, Any] | None = None,
        load_args: dict[str, Any] | None = None,
        fs_args: dict[str, Any] | None = None,
        filepath: str | None = None,
        execution_options: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if sql and filepath:
            raise DatasetError(
                "SQLQueryDataset: 'sql' and 'filepath' arguments cannot both be provided. "
                "Please only provide one."
            )
        if not (sql or filepath):
            raise DatasetError(
                "SQLQueryDataset: 'sql' and 'filepath' arguments cannot both be empty. "
                "Please provide a sql query or path to a sql query file."
            )
        self._connect_with(credentials)
        self._sql = sql
        self._filepath = str(filepath) if filepath else None
        self._fs_args = dict(fs_args or {})
        self._load_args = dict(load_args or {})
        self._load_args.pop("con", None)
        self._execution_options = dict(execution_options or {})
        self.metadata = metadata

    def _query(self) -> str:
        if self._sql:
            return self._sql
        import fsspec

        assert self._filepath is not None
        with fsspec.open(self._filepath, "r", encoding="utf-8", **self._fs_args) as handle:
            return str(handle.read())

    def _load(self) -> Any:
        import pandas as pd

        query = self._query()
        return self._run(lambda: pd.read_sql_query(
            query, con=self.engine.execution_options(**self._execution_options),
            **self._load_args,
        ))

    def _save(self, data: Any) -> NoReturn:
        raise DatasetError(
            "'save' is not supported on SQLQueryDataset: it reads the result of a query. "
            "Use SQLTableDataset to write a table."
        )

    def _describe(self) -> dict[str, Any]:
        return {
            "sql": self._sql,
            "filepath": self._filepath,
            "load_args": public_args(self._load_args),
            "execution_options": self._execution_options or None,
        }

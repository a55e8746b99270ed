"""``KedroIpyError``: the one root of every error kedro_ipy raises on purpose.

Each error class keeps the base Kedro gives it (``DatasetError`` is an ``Exception``,
``BadConfigException`` a ``ValueError``, ``CredentialsNotFoundError`` a ``KeyError``, ...), so
code written for Kedro catches what it always caught, and adds this root, so a front end can
tell "the framework refused this input" from a bug with one ``isinstance``: the magics show
the first as a one-line message and the second with its traceback.

This module imports nothing, so every layer may import it (see the import-linter contracts in
pyproject.toml), the pipeline layer included.
"""

from __future__ import annotations

__all__ = ["KedroIpyError"]


class KedroIpyError(Exception):
    """Base class of kedro_ipy's own exceptions (never raised itself).

    ``except KedroIpyError`` catches every error the framework, the runners, the session and
    the extension raise about bad input, missing data or a failed step; it never catches a
    node function's own exception, which reaches the caller unchanged.
    """

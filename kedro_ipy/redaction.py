"""The one place that knows this process's secrets and hides them in any text shown.

Credentials reach many surfaces: exception messages and their chains, ``repr`` and
``describe()`` of datasets and catalogs, the session store written to disk, log records, the
magics' output, the panel and the command line. Matching only the exact secret text is not
enough, because each surface may show an *escaped* form of it: ``repr`` doubles backslashes
and escapes quotes, JSON escapes quotes, backslashes and non-ASCII characters, URLs
percent-encode, HTML escapes ``<&>``. So every secret is registered once (:func:`register`),
every form it can take is derived from it (:func:`secret_forms`), and each surface passes its
text through :func:`redact` (or :func:`redact_value` / :func:`redact_exception`).

The registry is process-wide on purpose: a secret read by one session must not show in a log
line written by another, and more redaction is never a leak. Registering a secret also
installs a log record factory, so any logger (ours, fsspec's, a driver's) is covered.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "MASK",
    "collect_secrets",
    "forget_all",
    "known_secrets",
    "redact",
    "redact_exception",
    "redact_value",
    "register",
    "secret_forms",
    "secrets_in_catalog_config",
]

#: What a secret is replaced by.
MASK = "***"
#: Shorter values are not treated as secrets: masking every ``"ab"`` in every message would
#: make text unreadable and hide nothing worth hiding.
MIN_SECRET_LENGTH = 3

#: Keys whose values are secrets wherever they appear in a catalog entry (beside
#: ``credentials``, whose whole value is secret).
SECRET_KEYS = frozenset({
    "password", "passwd", "pwd", "token", "secret", "secret_key", "api_key", "apikey",
    "access_token", "refresh_token", "client_secret", "private_key", "aws_secret_access_key",
    "aws_session_token", "account_key", "sas_token", "connection_string",
})

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def _py_escaped(text: str) -> list[str]:
    """What ``repr`` and ``ascii`` show of ``text`` inside quotes, with either quote."""
    inner = repr(text)[1:-1]
    forms = [inner, ascii(text)[1:-1]]
    # Inside a longer string that also holds the other quote, repr escapes ``'`` too.
    forms.append(re.sub(r"(?<!\\)'", r"\\'", inner))
    forms.append(re.sub(r'(?<!\\)"', r'\\"', inner))
    return forms


def secret_forms(secret: str) -> set[str]:
    """Every way ``secret`` may be written in text we show: itself, Python-escaped (once and
    twice: a repr inside a repr), JSON-escaped, URL-quoted and HTML-escaped."""
    import html
    import json
    from urllib.parse import quote, quote_plus

    forms = {secret}
    once = set(_py_escaped(secret))
    once.add(json.dumps(secret)[1:-1])
    once.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms |= once
    for form in list(once):
        forms.update(_py_escaped(form))
        forms.add(json.dumps(form)[1:-1])
    forms.update({quote(secret, safe=""), quote(secret), quote_plus(secret)})
    forms.update({html.escape(secret), html.escape(secret, quote=False)})
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def register(secrets: Iterable[str]) -> None:
    """Remember ``secrets`` (values of at least 3 characters) for every later :func:`redact`."""
    global _pattern
    new = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}
    with _lock:
        if new <= _secrets:
            return
        _secrets.update(new)
        _pattern = _compile(_secrets)
    _install_log_redaction()


def known_secrets() -> frozenset[str]:
    """The secrets registered so far in this process."""
    with _lock:
        return frozenset(_secrets)


def forget_all() -> None:
    """Drop every registered secret (tests use it to stay independent of each other)."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def _compile(secrets: Iterable[str]) -> re.Pattern[str] | None:
    forms: set[str] = set()
    for secret in secrets:
        forms |= secret_forms(secret)
    if not forms:
        return None
    return re.compile(_trie_pattern(forms))


def _trie_pattern(words: set[str]) -> str:
    """One regex matching any of ``words``, the longest where several match at one place.

    Written as a trie (shared prefixes factored out), so matching costs one character test
    per position whatever the number of secrets; a plain alternation of hundreds of forms
    would try each of them at every position of every log line.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a word

    def build(node: dict[str, Any]) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items())
                    if char != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: a longer form wins over a shorter one ending at the same place.
        return f"(?:{body})?" if ends_here else body

    return build(trie)


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` with every form of every registered secret (and of ``secrets``) masked."""
    if not isinstance(text, str):
        return text
    pattern = _pattern
    if secrets:
        extra = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}
        if not extra.issubset(_secrets):  # usually they are registered already
            pattern = _compile(extra | known_secrets())
    if pattern is None:
        return text
    return pattern.sub(MASK, text)


def redact_value(value: Any, secrets: Iterable[str] | None = None) -> Any:
    """``value`` with secrets masked in every string inside it (dicts, lists, tuples, sets).

    Other objects are returned as they are, unless their text shows a secret: then that text,
    masked, stands in for them (a path object holding a password, say).
    """
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {redact_value(k, secrets): redact_value(v, secrets) for k, v in value.items()}
    if type(value) in (list, tuple, set, frozenset):
        return type(value)(redact_value(v, secrets) for v in value)
    if value is None or isinstance(value, (bool, int, float)):
        text = str(value)
        return redact(text, secrets) if redact(text, secrets) != text else value
    try:
        text = str(value)
    except Exception:
        return value
    masked = redact(text, secrets)
    return masked if masked != text else value


def redact_exception(exc: BaseException, secrets: Iterable[str] | None = None) -> BaseException:
    """Mask secrets in ``exc`` and every exception its traceback would print, in place.

    The exception objects are kept (their tracebacks still let ``%debug`` open where they
    were raised); only the text they carry changes: ``args``, notes, and the fields
    ``OSError`` formats itself from. Returns ``exc``.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        _redact_one(current, secrets)
        current = current.__cause__ or current.__context__
    return exc


def _redact_one(exc: BaseException, secrets: Iterable[str] | None) -> None:
    with contextlib.suppress(Exception):  # a class that refuses new args is left as it is
        exc.args = tuple(redact_value(arg, secrets) for arg in exc.args)
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [redact(n, secrets) if isinstance(n, str) else n for n in notes]
    if isinstance(exc, OSError):
        for field in ("filename", "filename2", "strerror"):
            value = getattr(exc, field, None)
            if isinstance(value, str):
                with contextlib.suppress(Exception):
                    setattr(exc, field, redact(value, secrets))
    for field in ("message", "msg", "detail"):  # classes that format from an attribute
        value = exc.__dict__.get(field) if hasattr(exc, "__dict__") else None
        if isinstance(value, str):
            with contextlib.suppress(Exception):
                setattr(exc, field, redact(value, secrets))


def collect_secrets(credentials: Any) -> frozenset[str]:
    """Every string (and long number) inside a credentials mapping: the values to hide."""
    found: set[str] = set()
    stack = [credentials]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            found.add(value)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and len(str(value)) >= MIN_SECRET_LENGTH
        ):
            found.add(str(value))
    return frozenset(found)


_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:([^\s/@]+)@")


def secrets_in_catalog_config(catalog: Any) -> frozenset[str]:
    """The secrets written straight into catalog entries rather than referenced by name.

    That is: the whole value of a ``credentials`` key that is not a reference (a mapping, say),
    the values of keys named like :data:`SECRET_KEYS`, and the password of any
    ``scheme://user:password@host`` URL.
    """
    from urllib.parse import unquote

    found: set[str] = set()
    stack: list[tuple[Any, bool]] = [(catalog, False)]
    while stack:
        value, secret = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                lowered = str(key).lower()
                inline_credentials = lowered == "credentials" and not isinstance(item, str)
                stack.append((item, secret or inline_credentials or lowered in SECRET_KEYS))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, secret) for item in value)
        elif secret:
            found |= collect_secrets(value)
        elif isinstance(value, str) and "://" in value and "@" in value:
            for password in _URL_PASSWORD.findall(value):
                found.update({password, unquote(password)})
    return frozenset(s for s in found if len(s) >= MIN_SECRET_LENGTH)


# -- logging --------------------------------------------------------------------------------
_factory_installed = False


def _install_log_redaction() -> None:
    """Make every log record created from now on carry masked text (message and traceback)."""
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        _factory_installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _pattern is None:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it as usual
            return record
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and record.exc_info[1] is not None:
            redact_exception(record.exc_info[1])
            # Formatted now (and masked: source lines may quote a secret); formatters reuse
            # ``exc_text`` when it is set.
            with contextlib.suppress(Exception):
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)

"""``kedro_ipy.redaction``: every written form of a secret is masked, in text and exceptions."""

from __future__ import annotations

import html
import json
import logging
import traceback
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kedro_ipy import redaction
from kedro_ipy.io import DataCatalog, DatasetError


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


def shown_forms(secret: str) -> list[str]:
    """How surfaces write a secret, computed here independently of the implementation."""
    forms = [
        secret,
        repr(secret)[1:-1],
        ascii(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        repr(repr(secret))[1:-1],
        json.dumps(repr(secret))[1:-1],
    ]
    return [f for f in forms if len(f) >= 3]


def assert_hidden(text: str, secret: str) -> None:
    for form in shown_forms(secret):
        assert form not in text, f"{form!r} (a form of the secret) shows in: {text!r}"


SECRETS = st.text(min_size=3, max_size=24).filter(lambda s: s.strip("*") != "")
WRAPPERS = [
    str,
    repr,
    ascii,
    json.dumps,
    lambda s: json.dumps({"a": [s]}, ensure_ascii=False),
    lambda s: repr({"password": s, "other": "x'\""}),
    lambda s: repr(repr(s)),
    lambda s: f"https://user:{quote(s, safe='')}@host/db",
    lambda s: f"url?token={quote_plus(s)}",
    lambda s: html.escape(f"<b>{s}</b>"),
]


@settings(max_examples=150, deadline=None)
@given(secret=SECRETS, wrapper=st.sampled_from(WRAPPERS), before=st.text(max_size=5),
       after=st.text(max_size=5))
def test_every_written_form_is_masked(secret: str, wrapper: object, before: str, after: str
                                      ) -> None:
    assume(not any(secret in part for part in (before, after)))
    redaction.forget_all()
    redaction.register([secret])
    text = wrapper(before + secret + after)  # type: ignore[operator]
    assert_hidden(redaction.redact(text), secret)


@settings(max_examples=60, deadline=None)
@given(secret=SECRETS)
def test_an_exception_chain_is_masked_in_place(secret: str) -> None:
    secret = "Zq9" + secret  # not a piece of this file's source, which tracebacks quote
    redaction.forget_all()
    redaction.register([secret])
    try:
        try:
            raise ConnectionError(f"cannot connect with {{'password': {secret!r}}}")
        except ConnectionError as inner:
            raise DatasetError(f"load failed: {inner}") from inner
    except DatasetError as exc:
        caught = exc
    redaction.redact_exception(caught)
    assert_hidden("".join(traceback.format_exception(caught)), secret)
    assert "***" in str(caught)


def test_oserror_fields_and_notes_are_masked() -> None:
    redaction.register(["hunter22"])
    exc = FileNotFoundError(2, "No such file", "/mnt/hunter22/x")
    exc.add_note("tried with hunter22")
    redaction.redact_exception(exc)
    assert "hunter22" not in "".join(traceback.format_exception(exc))


def test_short_values_are_not_secrets() -> None:
    redaction.register(["ab", "", "abc"])
    assert redaction.redact("ab abc") == "ab ***"


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    redaction.register(["s3cr\\et"])
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("some.driver").debug("connecting with %r", {"password": "s3cr\\et"})
        try:
            raise ValueError("bad s3cr\\et")
        except ValueError:
            logging.getLogger("kedro_ipy.x").exception("failed")
    assert "***" in caplog.text
    assert_hidden(caplog.text, "s3cr\\et")


class TestInlineCatalogCredentials:
    def test_inline_credentials_and_secret_keys_are_secrets(self) -> None:
        config = {
            "a": {"type": "pickle.PickleDataset", "filepath": "a.pkl",
                  "credentials": {"key": "AKIAinline", "secret": "inl'ne\\secret"}},
            "b": {"type": "pickle.PickleDataset", "filepath": "b.pkl",
                  "fs_args": {"password": "pw-in-fs-args"}},
            "c": {"type": "pickle.PickleDataset",
                  "filepath": "s3://user:url%2Fpass@bucket/c.pkl"},
            "d": {"type": "pickle.PickleDataset", "filepath": "d.pkl", "credentials": "named"},
        }
        found = redaction.secrets_in_catalog_config(config)
        assert found == {"AKIAinline", "inl'ne\\secret", "pw-in-fs-args", "url%2Fpass",
                         "url/pass"}

    def test_an_error_about_an_inline_entry_shows_no_secret(self) -> None:
        secret = "inl'ne\\s3cret"
        with pytest.raises(DatasetError) as info:
            DataCatalog.from_config({"a": {
                "type": "pickle.PickleDataset", "filepath": "a.pkl",
                "credentials": {"token": secret}, "bogus_argument": {"token": secret},
            }}).load("a")
        assert_hidden("".join(traceback.format_exception(info.value)), secret)

    def test_repr_and_describe_of_a_leaky_dataset(self) -> None:
        from kedro_ipy.io import AbstractDataset

        class Leaky(AbstractDataset):
            def __init__(self, credentials: dict) -> None:
                self._credentials = credentials

            def _describe(self) -> dict:
                return {"credentials": self._credentials, "url": f"x://{self._credentials}"}

        secret = 'p"a\\ss wörd%'
        catalog = DataCatalog.from_config({"a": {"type": Leaky, "credentials": "c"}},
                                          credentials={"c": {"password": secret}})
        catalog["a"]
        assert_hidden(repr(catalog), secret)
        assert_hidden(repr(catalog.describe()), secret)
        assert_hidden(json.dumps(catalog.describe("a"), default=str), secret)


def test_a_dataset_used_without_a_catalog_hides_its_credentials(tmp_path: object) -> None:
    from kedro_ipy.io.datasets.pickle import PickleDataset

    secret = "dir\\ect'pw"
    ds = PickleDataset(filepath=f"memory://bucket/{secret}/x.pkl", credentials={"pw": secret})
    with pytest.raises(DatasetError) as info:
        ds.load()
    assert_hidden(repr(ds) + repr(ds.describe()), secret)
    assert_hidden("".join(traceback.format_exception(info.value)), secret)

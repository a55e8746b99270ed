"""Credentials of every shape stay hidden on every surface a user sees.

The example project is given a credential (in ``credentials.yml``) and an inline one (in
``catalog.yml``), and its supplier dataset is made as careless as real ones are: it logs its
credentials at DEBUG, describes them, and fails with an error quoting them. Then the user runs
it every way there is: ``kedro-ipy run --traceback``, ``%session_create`` + ``%session_run``,
the panel's Run and Preview buttons. No written form of either secret (as is, ``repr``- or
JSON-escaped, URL-quoted, HTML-escaped) may appear in what they show or store.
"""

from __future__ import annotations

import html
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import ipywidgets as w
import pytest

from kedro_ipy import redaction
from kedro_ipy.ipython.magics import NodeRunError
from kedro_ipy.ipython.testing import TestingShell

SHAPES = [
    "plainS3cret",
    "with spaces in it",
    "single'quote",
    'double"quote',
    "both'\"quotes",
    "back\\slash",
    "two\\\\back\\\\slashes",
    "ünïcødé🔑秘密",
    "per%41cent%25",
    "dollar${not_interp}",
    "amp&<html>",
    "tab\there",
    "u:r@l/?#=",
]

LEAKY_DATASET = '''
import logging
from typing import Any

from kedro_ipy.io import AbstractDataset

logger = logging.getLogger(__name__)


class SupplierFeedDataset(AbstractDataset):
    """A careless API client: it logs, describes and quotes its credentials."""

    def __init__(self, filepath: str, credentials: dict | None = None,
                 inline: dict | None = None) -> None:
        self._filepath = filepath
        self._credentials = credentials or {}
        logger.debug("connecting with %r and %s", self._credentials, inline)

    def _load(self) -> Any:
        raise ConnectionError(f"feed refused {self._credentials!r} at {self._filepath}")

    def _save(self, data: Any) -> None:
        raise ConnectionError("read-only")

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "credentials": self._credentials}
'''


def written_forms(secret: str) -> list[str]:
    forms = {secret, repr(secret)[1:-1], ascii(secret)[1:-1], json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret, safe=""),
             quote_plus(secret), html.escape(secret), repr(repr(secret))[1:-1]}
    return sorted(f for f in forms if len(f) >= 3)


def yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that our loader reads back unchanged."""
    return json.dumps(value.replace("${", "\\${"), ensure_ascii=False)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


def leaky_project(project: Path, secret: str, inline: str) -> None:
    (project / "conf/local/credentials.yml").write_text(
        f"supplier_api:\n  api_key: {yaml_string(secret)}\n", encoding="utf-8")
    catalog = project / "conf/base/catalog.yml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "  credentials: supplier_api\n",
        f"  credentials: supplier_api\n  inline:\n    credentials: {{token: {yaml_string(inline)}}}"
        "\n", 1), encoding="utf-8")
    (project / "src/coffee_shop/datasets.py").write_text(LEAKY_DATASET, encoding="utf-8")


@pytest.mark.parametrize("shape", SHAPES)
def test_no_surface_shows_a_secret(
    shape: str, example_project: Path, ip: object, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kedro_ipy.framework.cli.cli import main
    from kedro_ipy.ipython.panel import SessionPanel

    secret, inline = f"Zq9{shape}", f"In1{shape}"
    leaky_project(example_project, secret, inline)
    monkeypatch.chdir(example_project)
    seen: dict[str, str] = {}
    caplog.set_level(logging.DEBUG)
    for name in ("coffee_shop", "coffee_shop.datasets"):  # as a fresh process has them
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "disabled", False)
        monkeypatch.setattr(logger, "propagate", True)
        monkeypatch.setattr(logger, "level", logging.NOTSET)

    # kedro-ipy run, with the whole traceback
    assert main(["run", "--project-path", str(example_project), "--traceback",
                 "--pipeline", "data_processing"]) == 1
    out = capsys.readouterr()
    seen["kedro-ipy run"] = out.out + out.err
    assert "feed refused {'api_key': " in seen["kedro-ipy run"]
    assert "***" in seen["kedro-ipy run"]
    seen["session store on disk"] = "".join(
        p.read_text(encoding="utf-8") for p in (example_project / "sessions").rglob("*.json"))

    # the magics
    shell = TestingShell(ip)
    shell.run_cell("%session_create")
    config = ip.user_ns["context"].config_loader  # type: ignore[attr-defined]
    assert config["credentials"]["supplier_api"]["api_key"] == secret  # the shape survived
    with pytest.raises(NodeRunError) as failure:
        shell.run_cell("%session_run data_processing")
    seen["%session_run"] = capsys.readouterr().out + "\n".join(
        failure.value._render_traceback_())
    seen["exception chain"] = "".join(traceback.format_exception(failure.value))
    catalog = ip.user_ns["catalog"]  # type: ignore[attr-defined]
    seen["repr(catalog)"] = repr(catalog)
    seen["describe()"] = json.dumps(catalog.describe(), default=str, ensure_ascii=False)
    assert "***" in seen["describe()"]

    # the panel: a failed run, then a preview of the dataset and of a value holding the secret
    panel = SessionPanel(ip.user_ns["session"], ip)  # type: ignore[attr-defined]
    try:
        view = panel.view
        view.pipeline.value = "data_processing"
        view.run_button.click()
        seen["panel error"] = repr(view.error.outputs)
        for name in ("supplier_costs", "echo"):
            if name == "echo":
                panel.controller.catalog["echo"] = {"leaked": secret, "again": [inline]}
            panel.view.preview_name.options = [name]
            panel.view.preview_name.value = name
            panel.view.preview_button.click()
            seen[f"panel preview {name}"] = repr(view.preview_out.outputs)
    finally:
        panel.close()
        w.Widget.close_all()
    seen["DEBUG logs"] = caplog.text
    assert "connecting with" in caplog.text

    for surface, text in seen.items():
        for value in (secret, inline):
            for form in written_forms(value):
                assert form not in text, f"{surface} shows {form!r}"

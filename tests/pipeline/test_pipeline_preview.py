"""``preview_fn``: an experimental node payload for viewers, with Kedro 1.7's contract."""

from __future__ import annotations

import re
import warnings

import pytest

from kedro_ipy.pipeline import Node, node, pipeline
from kedro_ipy.pipeline.node import KedroExperimentalWarning
from kedro_ipy.pipeline.preview_contract import (
    CustomPreview,
    ImagePreview,
    MermaidPreview,
    TextPreview,
)


def identity(x):
    return x


@pytest.fixture(autouse=True)
def fresh_warning_flag(monkeypatch):
    monkeypatch.delattr(Node, "__preview_fn_warned__", raising=False)


def test_preview_returns_the_payload_and_survives_namespacing():
    def summary():
        return MermaidPreview("graph LR; a-->b", meta={"rows": 3})

    with pytest.warns(KedroExperimentalWarning, match="'preview_fn' feature is experimental"):
        n = node(identity, "a", "b", name="n", preview_fn=summary)
    assert n.preview() == MermaidPreview("graph LR; a-->b", meta={"rows": 3})
    assert n.preview().to_dict() == {
        "meta": {"rows": 3},
        "content": "graph LR; a-->b",
        "kind": "mermaid",
    }
    assert pipeline([n], namespace="eu").nodes[0].preview().kind == "mermaid"
    assert node(identity, "a", "b").preview() is None


def test_experimental_warning_is_given_once():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        node(identity, "a", "b", preview_fn=lambda: TextPreview("x"))
        node(identity, "a", "c", preview_fn=lambda: TextPreview("y"))
    assert [type(w.message) for w in record] == [KedroExperimentalWarning]


def test_preview_fn_must_be_callable_and_return_a_payload():
    with pytest.raises(ValueError, match=re.escape("preview_fn must be a function, not 'str'.")):
        node(identity, "a", "b", preview_fn="summary")
    with pytest.warns(KedroExperimentalWarning):
        n = node(identity, "a", "b", preview_fn=lambda: {"text": "x"})
    msg = (
        "preview_fn must return one of the valid preview types (TextPreview, MermaidPreview, "
        "ImagePreview, or CustomPreview), but got 'dict' instead."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        n.preview()


@pytest.mark.parametrize(
    "make, msg",
    [
        (lambda: TextPreview(1), "TextPreview.content must be str, got int"),
        (lambda: ImagePreview(b"png"), "ImagePreview.content must be str, got bytes"),
        (lambda: CustomPreview("", {}), "CustomPreview.renderer_key must be a non-empty str"),
        (lambda: CustomPreview("table", [1]), "CustomPreview.content must be dict, got list"),
        (lambda: CustomPreview("table", {1: "a"}), "$.content: object keys must be str, got int"),
        (
            lambda: TextPreview("x", meta={"when": object()}).to_dict(),
            "$.meta: value is not JSON-serializable, got dict",
        ),
    ],
)
def test_payloads_reject_what_a_viewer_cannot_receive(make, msg):
    with pytest.raises(TypeError, match=re.escape(msg)):
        make()


def test_custom_payload_to_dict():
    assert CustomPreview("table", {"rows": [1, 2]}).to_dict() == {
        "meta": None,
        "renderer_key": "table",
        "content": {"rows": [1, 2]},
        "kind": "custom",
    }

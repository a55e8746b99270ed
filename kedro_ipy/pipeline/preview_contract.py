"""What a node's ``preview_fn`` may return: small, JSON-safe payloads a UI can render.

Kedro 1.7 lets a node carry a ``preview_fn`` (an experimental feature) whose result describes
the node for viewers such as Kedro-Viz: plain text, a Mermaid diagram, an image (URL or data
URI) or a custom payload for a named renderer. The classes keep Kedro's names, fields and
``kind`` values so that preview functions written for Kedro work unchanged.

Example:
    >>> TextPreview("3 rows dropped").to_dict()
    {'meta': None, 'content': '3 rows dropped', 'kind': 'text'}
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypeAlias, Union

__all__ = [
    "BasePreview",
    "CustomPreview",
    "ImagePreview",
    "MermaidPreview",
    "PreviewPayload",
    "TextPreview",
    "assert_json_value",
]

JSONScalar: TypeAlias = str | int | float | bool | None
JSONValue: TypeAlias = Union[JSONScalar, "JSONObject", "JSONArray"]
JSONObject: TypeAlias = dict[str, JSONValue]
JSONArray: TypeAlias = list[JSONValue]
Meta: TypeAlias = dict[str, JSONValue]


def assert_json_value(data: Any, path: str = "$") -> None:
    """Check that ``data`` would survive a trip through JSON, so a viewer can receive it.

    Args:
        data: The value to check.
        path: Where the value sits in the payload, for the error message (``$`` is the root).

    Raises:
        TypeError: a dict key is not a string, or the value cannot be serialised.
    """
    if isinstance(data, dict):
        bad = next((key for key in data if not isinstance(key, str)), None)
        if bad is not None:
            raise TypeError(f"{path}: object keys must be str, got {type(bad).__name__}")
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{path}: value is not JSON-serializable, got {type(data).__name__}"
        ) from exc


def _require(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{where} must be {kind.__name__}, got {type(value).__name__}")


@dataclass(frozen=True)
class BasePreview:
    """Fields every preview shares: optional JSON-safe ``meta`` for the viewer."""

    meta: Meta | None = field(default=None, kw_only=True)

    def to_dict(self) -> JSONObject:
        """The preview as a plain dict (``meta`` is checked for JSON safety here)."""
        if self.meta is not None:
            assert_json_value(self.meta, "$.meta")
        return asdict(self)


@dataclass(frozen=True)
class TextPreview(BasePreview):
    """Plain text."""

    content: str
    kind: Literal["text"] = field(default="text", init=False)

    def __post_init__(self) -> None:
        _require(self.content, str, "TextPreview.content")


@dataclass(frozen=True)
class MermaidPreview(BasePreview):
    """A Mermaid diagram definition."""

    content: str
    kind: Literal["mermaid"] = field(default="mermaid", init=False)

    def __post_init__(self) -> None:
        _require(self.content, str, "MermaidPreview.content")


@dataclass(frozen=True)
class ImagePreview(BasePreview):
    """An image, given as a URL or a ``data:`` URI."""

    content: str
    kind: Literal["image"] = field(default="image", init=False)

    def __post_init__(self) -> None:
        _require(self.content, str, "ImagePreview.content")


@dataclass(frozen=True)
class CustomPreview(BasePreview):
    """A JSON object for a viewer-side renderer named by ``renderer_key``."""

    renderer_key: str
    content: JSONObject
    kind: Literal["custom"] = field(default="custom", init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.renderer_key, str) or not self.renderer_key:
            raise TypeError("CustomPreview.renderer_key must be a non-empty str")
        _require(self.content, dict, "CustomPreview.content")
        assert_json_value(self.content, "$.content")


PreviewPayload: TypeAlias = TextPreview | MermaidPreview | ImagePreview | CustomPreview
_PAYLOAD_TYPES = (TextPreview, MermaidPreview, ImagePreview, CustomPreview)

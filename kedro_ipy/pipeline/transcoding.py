"""Transcoded dataset names: ``"cars@pandas"`` and ``"cars@spark"`` are one dataset, ``cars``.

The catalog keeps one entry per full name (each may load the data with a different library), but
the pipeline orders nodes by the part before ``@``, so a node writing ``cars@pandas`` runs before a
node reading ``cars@spark``.
"""

from __future__ import annotations

__all__ = ["TRANSCODING_SEPARATOR"]

TRANSCODING_SEPARATOR = "@"


def _transcode_split(name: str) -> tuple[str, str]:
    """Split ``"base@format"`` into ``("base", "format")``; ``"base"`` gives ``("base", "")``.

    Raises:
        ValueError: the name holds more than one separator, so its base is ambiguous.
    """
    base, sep, suffix = name.partition(TRANSCODING_SEPARATOR)
    if sep and TRANSCODING_SEPARATOR in suffix:
        count = name.count(TRANSCODING_SEPARATOR)
        raise ValueError(
            f"Expected maximum 1 transcoding separator, found {count} instead: '{name}'."
        )
    return base, suffix


def _strip_transcoding(name: str) -> str:
    """The dataset a (possibly transcoded) name refers to for ordering: the part before ``@``."""
    if TRANSCODING_SEPARATOR not in name:
        return name
    return _transcode_split(name)[0]

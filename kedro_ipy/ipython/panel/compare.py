"""Two runs side by side: what was asked, what it cost, and whether the outputs agree.

The run records (``store["runs"]``) hold the request, status, timings and per-run params of
every run; outputs are only known for runs of this kernel (the panel keeps the last few), so
the output column says "not kept" for the others rather than guessing. Comparing values is
best effort: frames and arrays are compared by content and summarised by shape and the count
of differing cells, mappings by their changed keys; anything whose comparison raises is
reported as "cannot compare" instead of failing the panel.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .params import flatten

__all__ = ["RunComparison", "compare_outputs", "compare_runs"]

def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare_outputs(a: Any, b: Any) -> str:
    """``"equal"``, or a short account of how ``a`` and ``b`` differ."""
    try:
        if type(a) is not type(b):
            return f"differ: {type(a).__name__} vs {type(b).__name__}"
        if hasattr(a, "equals") and hasattr(a, "shape"):  # pandas frames and series
            if a.shape != b.shape:
                return f"differ: shape {a.shape} vs {b.shape}"
            if a.equals(b):
                return "equal"
            try:
                cells = int((a != b).to_numpy().sum())
            except Exception:
                return "differ"
            return f"differ: {cells} of {a.size} values"
        if hasattr(a, "shape") and hasattr(a, "dtype"):  # numpy arrays
            if a.shape != b.shape:
                return f"differ: shape {a.shape} vs {b.shape}"
            unequal = int((a != b).sum())
            return "equal" if unequal == 0 else f"differ: {unequal} of {a.size} values"
        if isinstance(a, Mapping):
            changed = [k for k in {**a, **b} if k not in a or k not in b
                       or compare_outputs(a[k], b[k]) != "equal"]
            if not changed:
                return "equal"
            shown = ", ".join(map(str, changed[:5])) + (" ..." if len(changed) > 5 else "")
            return f"differ in {len(changed)} key(s): {shown}"
        if isinstance(a, (list, tuple)):
            if len(a) != len(b):
                return f"differ: length {len(a)} vs {len(b)}"
            for index, (x, y) in enumerate(zip(a, b, strict=True)):
                if compare_outputs(x, y) != "equal":
                    return f"differ from item {index}"
            return "equal"
        return "equal" if bool(a == b) else f"differ: {_short(a)} → {_short(b)}"
    except Exception as exc:
        return f"cannot compare ({type(exc).__name__})"


@dataclass(frozen=True)
class RunComparison:
    """The rows of a comparison, each ``(label, value in run A, value in run B)``."""

    titles: tuple[str, str]
    summary: list[tuple[str, str, str]]
    params: list[tuple[str, str, str]]
    timings: list[tuple[str, str, str]]
    outputs: list[tuple[str, str]]

    def to_html(self) -> str:
        """A table per section; rows that differ are marked ``kip-differs``."""

        def table(title: str, rows: list[tuple[str, str, str]], empty: str) -> str:
            if not rows:
                return f"<h4>{title}</h4><i>{empty}</i>"
            body = "".join(
                f'<tr class="{"kip-differs" if a != b else "kip-same"}">'
                f"<th style='text-align:left'>{html.escape(label)}</th>"
                f"<td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
                for label, a, b in rows
            )
            head = (f"<tr><th></th><th>{html.escape(self.titles[0])}</th>"
                    f"<th>{html.escape(self.titles[1])}</th></tr>")
            css = f"kip-compare-{title.lower()}"
            return f"<h4>{title}</h4><table class='{css}'>{head}{body}</table>"

        outputs = "".join(
            f'<tr class="{"kip-same" if verdict == "equal" else "kip-differs"}">'
            f"<th style='text-align:left'>{html.escape(name)}</th>"
            f"<td>{html.escape(verdict)}</td></tr>"
            for name, verdict in self.outputs
        )
        return (
            '<div class="kip-compare">'
            + table("Run", self.summary, "")
            + table("Parameters", self.params, "no per-run parameters in either run")
            + table("Timings", self.timings, "no node ran in either run")
            + "<h4>Outputs</h4>"
            + (f"<table class='kip-compare-outputs'>{outputs}</table>" if outputs
               else "<i>neither run returned outputs</i>")
            + "</div>"
        )


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return ""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def compare_runs(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    outputs_a: Mapping[str, Any] | None = None,
    outputs_b: Mapping[str, Any] | None = None,
) -> RunComparison:
    """Compare two run records; ``outputs_*`` are the runs' outputs where still known."""
    titles = (f"run {a.get('run_id', '?')}", f"run {b.get('run_id', '?')}")
    summary = [
        (label, str(a.get(key) if a.get(key) is not None else ""),
         str(b.get(key) if b.get(key) is not None else ""))
        for label, key in (("command", "command"), ("runner", "runner"), ("status", "status"),
                           ("started", "started_at"))
    ]
    summary.append(("duration", _duration(a.get("duration_s")), _duration(b.get("duration_s"))))
    summary.append(("nodes done", str(len(a.get("nodes_done") or ())),
                    str(len(b.get("nodes_done") or ()))))
    pa, pb = flatten(a.get("params") or {}), flatten(b.get("params") or {})
    params = [(key, _short(pa[key]) if key in pa else "(configured)",
               _short(pb[key]) if key in pb else "(configured)")
              for key in sorted({**pa, **pb})]
    ta, tb = a.get("node_durations") or {}, b.get("node_durations") or {}
    timings = [(name, _duration(ta.get(name)), _duration(tb.get(name)))
               for name in list(dict.fromkeys([*ta, *tb]))]
    outputs: list[tuple[str, str]] = []
    if outputs_a is None or outputs_b is None:
        missing = titles[0] if outputs_a is None else titles[1]
        outputs.append(("(all)", f"not kept for {missing}: only runs of this kernel are kept"))
    else:
        for name in dict.fromkeys([*outputs_a, *outputs_b]):
            if name not in outputs_a or name not in outputs_b:
                where = titles[0] if name in outputs_a else titles[1]
                outputs.append((name, f"only in {where}"))
            else:
                outputs.append((name, compare_outputs(outputs_a[name], outputs_b[name])))
    return RunComparison(titles, summary, params, timings, outputs)

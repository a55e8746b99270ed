"""Comparing two runs: request, params, timings and outputs side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kedro_ipy.ipython.panel.compare import compare_outputs, compare_runs

A = {"run_id": "r1", "command": "%session_run", "runner": "SequentialRunner",
     "status": "success", "duration_s": 0.5, "nodes_done": ["fit", "score"],
     "params": {}, "node_durations": {"fit": 0.4, "score": 0.1}}
B = {"run_id": "r2", "command": "%session_run --params model.alpha=0.1",
     "runner": "SequentialRunner", "status": "failed", "duration_s": 1.5,
     "nodes_done": ["fit"], "params": {"model": {"alpha": 0.1}},
     "node_durations": {"fit": 1.5}}


def test_request_params_and_timings_side_by_side():
    comparison = compare_runs(A, B)
    summary = {label: (a, b) for label, a, b in comparison.summary}
    assert summary["status"] == ("success", "failed")
    assert summary["duration"] == ("500.0 ms", "1.50 s")
    assert comparison.params == [("model.alpha", "(configured)", "0.1")]
    assert comparison.timings == [("fit", "400.0 ms", "1.50 s"), ("score", "100.0 ms", "")]
    markup = comparison.to_html()
    assert markup.count('class="kip-differs"') >= 4
    assert "not kept for run r1" in markup  # outputs of other kernels are not known


def test_outputs_are_compared_by_content():
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [1.0, 2.0, 3.0]})
    changed = frame.copy()
    changed.loc[1, "y"] = 9.0
    comparison = compare_runs(
        A, B,
        {"metrics": {"r2": 0.9, "mae": 1.0}, "frame": frame, "arr": np.arange(4), "only": 1},
        {"metrics": {"r2": 0.8, "mae": 1.0}, "frame": changed, "arr": np.arange(4)},
    )
    assert dict(comparison.outputs) == {
        "metrics": "differ in 1 key(s): r2",
        "frame": "differ: 1 of 6 values",
        "arr": "equal",
        "only": "only in run r1",
    }


def test_deep_and_odd_values():
    deep_a = {"l1": {"l2": {"l3": {"l4": {"l5": {"l6": {"l7": [1, 2, 3]}}}}}}}
    deep_b = {"l1": {"l2": {"l3": {"l4": {"l5": {"l6": {"l7": [1, 2, 4]}}}}}}}
    assert compare_outputs(deep_a, deep_b) == "differ in 1 key(s): l1"
    assert compare_outputs("a", 1) == "differ: str vs int"
    assert compare_outputs(np.zeros(3), np.zeros(4)) == "differ: shape (3,) vs (4,)"

    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no")

    assert compare_outputs(Weird(), Weird()) == "cannot compare (RuntimeError)"

"""A small pipeline registry shared by the panel's tests (real ``kedro_ipy.pipeline`` objects)."""

from __future__ import annotations

import pytest

from kedro_ipy.pipeline import Pipeline, node


def split(raw):
    return raw[: len(raw) // 2], raw[len(raw) // 2 :]


def clean(rows):
    return [r for r in rows if r is not None]


def fit(rows, alpha):
    return {"alpha": alpha, "n": len(rows)}


def evaluate(model, rows):
    return {"score": model["n"] + len(rows)}


def report(metrics):
    return f"score={metrics['score']}"


def make_pipelines() -> dict[str, Pipeline]:
    """__default__ = prep + ds + report: 5 nodes; tags prep, training, eval, report."""
    prep = Pipeline([
        node(split, "raw", ["train_rows", "test_rows"], name="split", tags=["prep"]),
        node(clean, "train_rows", "clean_rows", name="clean", tags=["prep"]),
    ])
    ds = Pipeline([
        node(fit, ["clean_rows", "params:alpha"], "model", name="fit", tags=["training"]),
        node(evaluate, ["model", "test_rows"], "metrics", name="evaluate",
             tags=["training", "eval"]),
    ])
    rep = Pipeline([node(report, "metrics", "report", name="report", tags=["report"])])
    return {"__default__": prep + ds + rep, "prep": prep, "ds": ds, "report": rep}


@pytest.fixture
def pipelines() -> dict[str, Pipeline]:
    return make_pipelines()

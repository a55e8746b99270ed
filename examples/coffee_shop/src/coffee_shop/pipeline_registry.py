"""The project's pipelines, by name."""

from __future__ import annotations

from coffee_shop.pipelines import data_processing, forecasting, reporting
from kedro_ipy.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    """Each pipeline can run on its own once its inputs exist; ``__default__`` runs them all."""
    processing = data_processing.create_pipeline()
    model = forecasting.create_pipeline()
    report = reporting.create_pipeline()
    return {
        "__default__": processing + model + report,
        "data_processing": processing,
        "forecasting": model,
        "reporting": report,
    }

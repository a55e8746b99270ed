"""The forecasting pipeline: features, training, evaluation, forecast."""

from __future__ import annotations

from coffee_shop.pipelines.forecasting import nodes
from kedro_ipy.pipeline import Pipeline, node


def create_pipeline() -> Pipeline:
    return Pipeline(
        [
            node(
                nodes.build_features,
                ["daily_sales", "params:features"],
                "model_input",
                name="build_features",
                tags=["features"],
            ),
            node(
                nodes.split_data,
                ["model_input", "params:model.split_ratio"],
                ["train_rows", "test_rows"],
                name="split_data",
                tags=["training"],
            ),
            node(
                nodes.fit_model,
                ["train_rows", "model_input", "params:model"],
                "sales_model",
                name="fit_model",
                tags=["training"],
            ),
            node(
                nodes.evaluate_model,
                ["sales_model", "test_rows"],
                "metrics",
                name="evaluate_model",
                tags=["training", "evaluation"],
            ),
            node(
                nodes.forecast_next_days,
                ["sales_model", "model_input", "params:forecast"],
                "next_week_forecast",
                name="forecast_next_days",
                tags=["forecast"],
            ),
        ]
    )

"""Daily sales to features, a small ridge regression, its metrics and next week's forecast."""

from coffee_shop.pipelines.forecasting.pipeline import create_pipeline

__all__ = ["create_pipeline"]

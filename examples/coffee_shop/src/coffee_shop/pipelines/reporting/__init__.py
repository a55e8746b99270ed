"""A weekly markdown report from the persisted daily sales, clean orders and model."""

from coffee_shop.pipelines.reporting.pipeline import create_pipeline

__all__ = ["create_pipeline"]

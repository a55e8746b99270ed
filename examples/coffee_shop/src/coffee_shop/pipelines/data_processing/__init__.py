"""Raw till orders to clean orders and daily sales."""

from coffee_shop.pipelines.data_processing.pipeline import create_pipeline

__all__ = ["create_pipeline"]

"""The data processing pipeline."""

from __future__ import annotations

from coffee_shop.pipelines.data_processing import nodes
from kedro_ipy.pipeline import Pipeline, node

TAGS = ["preprocessing"]


def create_pipeline() -> Pipeline:
    return Pipeline(
        [
            node(nodes.parse_orders, "raw_orders", "orders", name="parse_orders", tags=TAGS),
            node(
                nodes.clean_orders,
                ["orders", "params:cleaning"],
                "clean_orders",
                name="clean_orders",
                tags=TAGS,
            ),
            node(
                nodes.add_margins,
                ["clean_orders", "supplier_costs"],
                "order_lines",
                name="add_margins",
                tags=TAGS,
            ),
            node(
                nodes.aggregate_daily,
                "order_lines",
                "daily_sales",
                name="aggregate_daily",
                tags=TAGS,
            ),
        ]
    )

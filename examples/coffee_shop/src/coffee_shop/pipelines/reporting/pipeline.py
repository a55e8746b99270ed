"""The reporting pipeline; it reads only persisted datasets, so it can run on its own."""

from __future__ import annotations

from coffee_shop.pipelines.reporting import nodes
from kedro_ipy.pipeline import Pipeline, node


def create_pipeline() -> Pipeline:
    return Pipeline(
        [
            node(
                nodes.rank_products,
                ["clean_orders", "params:report"],
                "top_products",
                name="rank_products",
                tags=["reporting"],
            ),
            node(
                nodes.write_report,
                ["daily_sales", "top_products", "sales_model", "params:report"],
                "sales_report",
                name="write_report",
                tags=["reporting"],
            ),
        ]
    )

"""Parsing and cleaning the till export; pure Python, no dataframe library needed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

Order = dict[str, Any]


def parse_orders(raw_orders: str) -> list[Order]:
    """Turn the till's CSV export into one dict per order line, keeping the raw strings."""
    return list(csv.DictReader(io.StringIO(raw_orders)))


def clean_orders(orders: list[Order], cleaning: dict[str, Any]) -> list[Order]:
    """Drop cancelled/refunded orders and broken rows, and type the numeric columns.

    Rows without a price or with a quantity below ``cleaning.min_quantity`` are till glitches.
    """
    dropped = set(cleaning["drop_statuses"])
    clean = []
    for row in orders:
        if row["status"] in dropped or not row["unit_price"]:
            continue
        quantity = int(row["quantity"])
        if quantity < cleaning["min_quantity"]:
            continue
        clean.append(
            {
                "order_id": int(row["order_id"]),
                "date": row["date"],
                "product": row["product"],
                "quantity": quantity,
                "unit_price": float(row["unit_price"]),
            }
        )
    return clean


def add_margins(clean_orders: list[Order], supplier_costs: dict[str, Any]) -> list[Order]:
    """Price each line at the supplier's unit cost to get revenue and margin per line."""
    costs = supplier_costs["unit_costs"]
    lines = []
    for row in clean_orders:
        revenue = row["quantity"] * row["unit_price"]
        cost = row["quantity"] * costs[row["product"]]
        lines.append({**row, "revenue": round(revenue, 2), "margin": round(revenue - cost, 2)})
    return lines


def aggregate_daily(order_lines: list[Order]) -> list[dict[str, Any]]:
    """One row per day with revenue, margin and number of orders, in date order."""
    days: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"revenue": 0.0, "margin": 0.0, "orders": 0}
    )
    for line in order_lines:
        day = days[line["date"]]
        day["revenue"] += line["revenue"]
        day["margin"] += line["margin"]
        day["orders"] += 1
    return [
        {
            "date": date,
            "revenue": round(day["revenue"], 2),
            "margin": round(day["margin"], 2),
            "orders": day["orders"],
        }
        for date, day in sorted(days.items())
    ]

"""Report building: plain text, so it reads well in a terminal, a notebook or a browser."""

from __future__ import annotations

from collections import Counter
from typing import Any

Row = dict[str, Any]


def rank_products(clean_orders: list[Row], report: dict[str, Any]) -> list[Row]:
    """The ``report.top_n`` products by revenue over the whole period."""
    revenue: Counter[str] = Counter()
    for row in clean_orders:
        revenue[row["product"]] += row["quantity"] * row["unit_price"]
    return [
        {"product": product, "revenue": round(total, 2)}
        for product, total in revenue.most_common(report["top_n"])
    ]


def write_report(daily_sales: list[Row], top_products: list[Row], sales_model: Any,
                 report: dict[str, Any]) -> str:
    """A short markdown summary of the period, the best sellers and the model."""
    currency = report["currency"]
    total = sum(day["revenue"] for day in daily_sales)
    margin = sum(day["margin"] for day in daily_sales)
    best = max(daily_sales, key=lambda day: day["revenue"])
    lines = [
        "# Coffee shop sales report",
        "",
        f"Period: {daily_sales[0]['date']} to {daily_sales[-1]['date']} "
        f"({len(daily_sales)} days)",
        f"Revenue: {total:,.2f} {currency}; margin: {margin:,.2f} {currency} "
        f"({margin / total:.0%})",
        f"Best day: {best['date']} ({best['revenue']:,.2f} {currency})",
        "",
        "## Best sellers",
        *(f"- {p['product']}: {p['revenue']:,.2f} {currency}" for p in top_products),
        "",
        "## Daily revenue model",
        *(
            f"- {name}: {coef:+.3f}"
            for name, coef in zip(sales_model.features, sales_model.coefficients, strict=True)
        ),
        f"- intercept: {sales_model.intercept:.2f} (ridge alpha {sales_model.alpha})",
    ]
    return "\n".join(lines) + "\n"

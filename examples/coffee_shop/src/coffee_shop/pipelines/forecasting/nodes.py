"""Feature building, training, evaluation and forecasting for daily revenue."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from coffee_shop.pipelines.forecasting.model import RidgeModel, fit_ridge

Row = dict[str, Any]


def _feature_names(features: dict[str, Any]) -> list[str]:
    names = [f"lag_{lag}" for lag in features["lags"]] + ["trend"]
    return names + (["weekend"] if features["weekend_flag"] else [])


def build_features(daily_sales: list[Row], features: dict[str, Any]) -> dict[str, Any]:
    """Lagged revenue, a trend and a weekend flag for every day that has all its lags."""
    first = max(features["lags"])
    rows = []
    for index in range(first, len(daily_sales)):
        day = daily_sales[index]
        row = {"date": day["date"], "revenue": day["revenue"], "trend": float(index)}
        for lag in features["lags"]:
            row[f"lag_{lag}"] = daily_sales[index - lag]["revenue"]
        if features["weekend_flag"]:
            row["weekend"] = float(dt.date.fromisoformat(day["date"]).weekday() >= 5)
        rows.append(row)
    return {"feature_names": _feature_names(features), "rows": rows}


def split_data(model_input: dict[str, Any], split_ratio: float) -> tuple[list[Row], list[Row]]:
    """Chronological split: the model is judged on days it has not seen, as in real use."""
    if not 0 < split_ratio < 1:
        raise ValueError(f"model.split_ratio must be between 0 and 1, got {split_ratio}.")
    rows = model_input["rows"]
    cut = int(len(rows) * split_ratio)
    return rows[:cut], rows[cut:]


def fit_model(train_rows: list[Row], model_input: dict[str, Any],
              model: dict[str, Any]) -> RidgeModel:
    """Fit the ridge regression with penalty ``model.alpha``."""
    if model["alpha"] < 0:
        raise ValueError(f"model.alpha must be >= 0, got {model['alpha']}.")
    return fit_ridge(train_rows, model_input["feature_names"], model["target"], model["alpha"])


def evaluate_model(sales_model: RidgeModel, test_rows: list[Row]) -> dict[str, float]:
    """Mean absolute error, RMSE and R² on the held-out days."""
    actual = [row["revenue"] for row in test_rows]
    predicted = [sales_model.predict_one(row) for row in test_rows]
    errors = [p - a for p, a in zip(predicted, actual, strict=True)]
    mean = sum(actual) / len(actual)
    total = sum((a - mean) ** 2 for a in actual)
    return {
        "mae": round(sum(abs(e) for e in errors) / len(errors), 3),
        "rmse": round(math.sqrt(sum(e * e for e in errors) / len(errors)), 3),
        "r2": round(1 - sum(e * e for e in errors) / total, 4) if total else 0.0,
        "test_days": len(test_rows),
    }


def forecast_next_days(sales_model: RidgeModel, model_input: dict[str, Any],
                       forecast: dict[str, Any]) -> list[Row]:
    """Predict the next ``forecast.days`` days, feeding each prediction back in as a lag."""
    rows = model_input["rows"]
    history = [row["revenue"] for row in rows]
    last_date = dt.date.fromisoformat(rows[-1]["date"])
    trend = rows[-1]["trend"]
    predictions = []
    for step in range(1, forecast["days"] + 1):
        date = last_date + dt.timedelta(days=step)
        row = {"trend": trend + step, "weekend": float(date.weekday() >= 5)}
        for name in sales_model.features:
            if name.startswith("lag_"):
                row[name] = history[-int(name[4:])]
        value = round(sales_model.predict_one(row), 2)
        history.append(value)
        predictions.append({"date": date.isoformat(), "revenue": value})
    return predictions

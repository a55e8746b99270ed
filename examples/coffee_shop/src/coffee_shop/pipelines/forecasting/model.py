"""A tiny ridge regression in pure Python, enough for a handful of features."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RidgeModel:
    """A fitted linear model: ``prediction = intercept + sum(coef * feature)``."""

    features: list[str]
    coefficients: list[float]
    intercept: float
    alpha: float
    means: list[float] = field(default_factory=list)

    def predict_one(self, row: dict[str, float]) -> float:
        return self.intercept + sum(
            c * row[name] for c, name in zip(self.coefficients, self.features, strict=True)
        )


def fit_ridge(rows: list[dict[str, float]], features: list[str], target: str,
              alpha: float) -> RidgeModel:
    """Solve ``(X'X + alpha I) w = X'y`` on centred data; the intercept is not penalised."""
    x = [[row[name] for name in features] for row in rows]
    y = [row[target] for row in rows]
    n, k = len(x), len(features)
    x_means = [sum(col) / n for col in zip(*x, strict=True)]
    y_mean = sum(y) / n
    xc = [[v - m for v, m in zip(r, x_means, strict=True)] for r in x]
    yc = [v - y_mean for v in y]
    gram = [
        [sum(r[i] * r[j] for r in xc) + (alpha if i == j else 0.0) for j in range(k)]
        for i in range(k)
    ]
    rhs = [sum(r[i] * t for r, t in zip(xc, yc, strict=True)) for i in range(k)]
    coefficients = _solve(gram, rhs)
    intercept = y_mean - sum(c * m for c, m in zip(coefficients, x_means, strict=True))
    return RidgeModel(features, coefficients, intercept, alpha, x_means)


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the matrix is small and positive definite)."""
    size = len(rhs)
    aug = [[*row, value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(aug[r][col]))
        aug[col], aug[pivot] = aug[pivot], aug[col]
        if abs(aug[col][col]) < 1e-12:
            raise ValueError("The features are collinear; increase model.alpha.")
        for r in range(col + 1, size):
            factor = aug[r][col] / aug[col][col]
            for c in range(col, size + 1):
                aug[r][c] -= factor * aug[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        rest = sum(aug[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = (aug[r][size] - rest) / aug[r][r]
    return solution

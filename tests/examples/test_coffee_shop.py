"""The example project: its nodes do what they say, and the whole project runs."""

from __future__ import annotations

import importlib.util
import math
import shutil
from pathlib import Path

import pytest

from kedro_ipy.framework.session import KedroSession


@pytest.fixture
def nodes(example_project: Path):
    """The project's node modules, imported from the copy."""
    from kedro_ipy.framework.startup import bootstrap_project

    bootstrap_project(example_project)
    from coffee_shop.pipelines.data_processing import nodes as processing
    from coffee_shop.pipelines.forecasting import model
    from coffee_shop.pipelines.forecasting import nodes as forecasting
    from coffee_shop.pipelines.reporting import nodes as reporting

    return processing, forecasting, model, reporting


ORDERS = """order_id,date,product,quantity,unit_price,status
1,2026-03-02,espresso,2,2.40,completed
2,2026-03-02,croissant,1,,completed
3,2026-03-02,espresso,1,2.40,cancelled
4,2026-03-03,cold_brew,0,4.10,completed
5,2026-03-03,cold_brew,3,4.10,completed
"""


class TestNodes:
    def test_cleaning_and_daily_aggregation(self, nodes) -> None:
        processing, *_ = nodes
        orders = processing.parse_orders(ORDERS)
        clean = processing.clean_orders(orders, {"drop_statuses": ["cancelled"],
                                                 "min_quantity": 1})
        assert [row["order_id"] for row in clean] == [1, 5]
        lines = processing.add_margins(clean, {"unit_costs": {"espresso": 0.5,
                                                              "cold_brew": 1.0}})
        assert lines[1]["revenue"] == 12.3 and lines[1]["margin"] == 9.3
        assert processing.aggregate_daily(lines) == [
            {"date": "2026-03-02", "revenue": 4.8, "margin": 3.8, "orders": 1},
            {"date": "2026-03-03", "revenue": 12.3, "margin": 9.3, "orders": 1},
        ]

    def test_ridge_recovers_a_known_line(self, nodes) -> None:
        _, _, model, _ = nodes
        rows = [{"x": float(x), "z": float(x % 3), "y": 2.0 * x - 3.0 * (x % 3) + 5.0}
                for x in range(20)]
        fitted = model.fit_ridge(rows, ["x", "z"], "y", alpha=0.0)
        assert fitted.coefficients == pytest.approx([2.0, -3.0])
        assert fitted.intercept == pytest.approx(5.0)
        shrunk = model.fit_ridge(rows, ["x", "z"], "y", alpha=1000.0)
        assert abs(shrunk.coefficients[0]) < 2.0

    def test_evaluation_of_a_perfect_model(self, nodes) -> None:
        _, forecasting, model, _ = nodes
        perfect = model.RidgeModel(["lag_1"], [1.0], 0.0, 0.0)
        rows = [{"lag_1": v, "revenue": v} for v in (1.0, 2.0, 4.0)]
        assert forecasting.evaluate_model(perfect, rows) == {
            "mae": 0.0, "rmse": 0.0, "r2": 1.0, "test_days": 3}

    def test_split_is_chronological_and_checked(self, nodes) -> None:
        _, forecasting, _, _ = nodes
        data = {"rows": [{"date": str(i)} for i in range(10)]}
        train, test = forecasting.split_data(data, 0.7)
        assert [r["date"] for r in test] == ["7", "8", "9"] and len(train) == 7
        with pytest.raises(ValueError, match=r"between 0 and 1, got 1\.5"):
            forecasting.split_data(data, 1.5)

    def test_supplier_feed_needs_credentials(self, example_project: Path, nodes) -> None:
        from coffee_shop.datasets import SupplierFeedDataset

        from kedro_ipy.io import DatasetError

        path = str(example_project / "data/01_raw/supplier_costs.json")
        with pytest.raises(DatasetError, match="needs credentials with an 'api_key'"):
            SupplierFeedDataset(path).load()
        dataset = SupplierFeedDataset(path, credentials={"api_key": "s3cr3t"})
        assert dataset.load()["unit_costs"]["espresso"] == 0.55
        assert "s3cr3t" not in repr(dataset) + str(dataset)
        with pytest.raises(DatasetError, match="read-only"):
            dataset.save({})


class TestProject:
    def test_registered_pipelines(self, example_project: Path) -> None:
        from kedro_ipy.framework.project import pipelines

        with KedroSession.create(project_path=example_project, save_on_close=False):
            assert sorted(pipelines) == ["__default__", "data_processing", "forecasting",
                                         "reporting"]
            default = pipelines["__default__"]
            assert len(default.nodes) == 11
            assert default.outputs() >= {"metrics", "next_week_forecast", "sales_report"}
            tags = {tag for node in default.nodes for tag in node.tags}
            assert {"preprocessing", "training", "reporting"} <= tags

    def test_full_run_writes_versioned_and_plain_outputs(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project) as session:
            outputs = session.run()
        metrics = outputs["metrics"]
        assert metrics["test_days"] == 13
        assert math.isfinite(metrics["rmse"]) and metrics["mae"] <= metrics["rmse"]
        assert (example_project / "data/03_primary/daily_sales.json").is_file()
        (report,) = (example_project / "data/08_reporting/sales_report.md").glob("*/*.md")
        assert report.parent.name == session.store["runs"][0]["run_id"]
        text = report.read_text()
        assert text.startswith("# Coffee shop sales report")
        assert "## Best sellers" in text and "(56 days)" in text


def test_main_job_runs_the_quickstart_notebook(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run` executes the quickstart notebook; here on copies, so the repo stays clean."""
    root = Path(__file__).resolve().parents[2]
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(root / "notebooks" / "quickstart.ipynb", notebooks)
    project = tmp_path / "examples" / "coffee_shop"
    project.parent.mkdir()
    shutil.copytree(example_project, project)
    module = _import_script(root / "scripts" / "main_job.py")
    executed = tmp_path / "build" / "quickstart.ipynb"

    assert module.main(notebooks / "quickstart.ipynb", project, executed) == 0

    out = capsys.readouterr().out
    assert "In [2]: %session_create ../examples/coffee_shop" in out
    assert "11/11 nodes" in out and "metrics" in out
    assert "with 0 failing cell(s)" in out
    assert "report (versioned):" in out and "sales_report.md" in out
    assert executed.is_file()
    assert len(list((project / "sessions").glob("*.json"))) == 1


def _import_script(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

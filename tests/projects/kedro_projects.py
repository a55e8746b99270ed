"""Five small Kedro-1.x-style projects, written for these tests, of the shapes real projects
have: the spaceflights starters (pandas, and pandas with plotly and matplotlib outputs), an
advanced-configuration project, an extending-Kedro project and a spaceflights deep dive.

They import from ``kedro...`` and name ``kedro_datasets.`` types, as real projects do, so
they must go through ``kedro-ipy port`` before kedro_ipy runs them; the same unported trees
run under Kedro 1.7.0 in ``compat/`` (``make compat``). ``digest`` reads what a run wrote
into a comparable form. Only the standard library is imported at module level: this file is
shared by the test suite and the Kedro environment.
"""

from __future__ import annotations

import json
import random
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["PROJECTS", "RUNS", "build", "digest"]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _common(package: str, name: str, datasets_extras: str, extra_deps: str = "") -> dict[str, str]:
    """pyproject, __main__, settings, registry, README: what every project has."""
    return {
        "pyproject.toml": f'''
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{package}"
            version = "0.1.0"
            requires-python = ">=3.10"
            dependencies = [
                "kedro~=1.7.0",
                "kedro-datasets[{datasets_extras}]>=9.0",{extra_deps}
            ]

            [project.scripts]
            {package} = "{package}.__main__:main"

            [project.entry-points."kedro.hooks"]

            [tool.kedro]
            package_name = "{package}"
            project_name = "{name}"
            kedro_init_version = "1.7.0"
            tools = "['Testing', 'Custom Logging', 'Data Structure']"
            example_pipeline = "True"
            source_dir = "src"
            ''',
        "README.md": f"# {name}\n\nRun it with `kedro run` (or `python -m {package}`).\n",
        f"src/{package}/__init__.py": '"""A test project."""\n\n__version__ = "0.1.0"\n',
        f"src/{package}/__main__.py": '''
            """``python -m <package>`` runs the project with the options of ``kedro run``."""
            import sys
            from pathlib import Path
            from typing import Any

            from kedro.framework.cli.utils import find_run_command
            from kedro.framework.project import configure_project


            def main(*args, **kwargs) -> Any:
                package_name = Path(__file__).parent.name
                configure_project(package_name)
                kwargs["standalone_mode"] = not hasattr(sys, "ps1")
                return find_run_command(package_name)(*args, **kwargs)


            if __name__ == "__main__":
                main()
            ''',
        f"src/{package}/pipeline_registry.py": '''
            """Every pipeline folder is a pipeline; the default runs them all."""
            from kedro.framework.project import find_pipelines
            from kedro.pipeline import Pipeline


            def register_pipelines() -> dict[str, Pipeline]:
                found = find_pipelines(raise_errors=True)
                found["__default__"] = sum(found.values())
                return found
            ''',
        "conf/local/.gitkeep": "",
        "conf/logging.yml": f'''
            # Logging for this project: console plus a file in the project folder.
            version: 1
            disable_existing_loggers: False
            formatters:
              plain:
                format: "%(asctime)s %(name)s %(levelname)s: %(message)s"
            handlers:
              console:
                class: logging.StreamHandler
                level: INFO
                formatter: plain
                stream: ext://sys.stderr
              file:
                class: logging.handlers.RotatingFileHandler
                level: INFO
                formatter: plain
                filename: info.log
                maxBytes: 1048576
                backupCount: 2
                encoding: utf8
                delay: True
              rich:
                class: kedro.logging.RichHandler
                rich_tracebacks: True
            loggers:
              kedro:
                level: INFO
              {package}:
                level: INFO
            root:
              handlers: [rich, file]
            ''',
    }


def _settings(extra: str = "") -> str:
    return textwrap.dedent('''
        """Project settings (Kedro's defaults unless set here)."""
        from kedro.config import OmegaConfigLoader

        CONFIG_LOADER_CLASS = OmegaConfigLoader
        CONFIG_LOADER_ARGS = {"base_env": "base", "default_run_env": "local"}
        ''') + textwrap.dedent(extra)


# -- spaceflights data ------------------------------------------------------------------------

def _spaceflights_data(root: Path, seed: int = 7) -> None:
    """Raw companies (CSV), shuttles (Excel) and reviews (CSV) with the usual dirty formats."""
    import pandas as pd

    rng = random.Random(seed)
    raw = root / "data" / "01_raw"
    raw.mkdir(parents=True, exist_ok=True)
    companies = pd.DataFrame({
        "id": range(1, 21),
        "company_rating": [f"{rng.randint(40, 100)}%" for _ in range(20)],
        "company_location": [rng.choice(["Niue", "Anguilla", "Malta", "Tonga"]) for _ in range(20)],
        "total_fleet_count": [float(rng.randint(1, 9)) for _ in range(20)],
        "iata_approved": [rng.choice("tf") for _ in range(20)],
    })
    companies.to_csv(raw / "companies.csv", index=False)
    n = 80
    shuttles = pd.DataFrame({
        "id": range(100, 100 + n),
        "shuttle_type": [rng.choice(["Type V5", "Type F5", "Type A3"]) for _ in range(n)],
        "engine_type": [rng.choice(["Quantum", "Plasma", "Nuclear"]) for _ in range(n)],
        "engines": [float(rng.randint(1, 4)) for _ in range(n)],
        "passenger_capacity": [rng.randint(1, 12) for _ in range(n)],
        "crew": [float(rng.randint(1, 6)) for _ in range(n)],
        "d_check_complete": [rng.choice("tf") for _ in range(n)],
        "moon_clearance_complete": [rng.choice("tf") for _ in range(n)],
        "price": [f"${rng.randint(500, 9000):,}.0" for _ in range(n)],
        "company_id": [rng.randint(1, 20) for _ in range(n)],
    })
    # a price that depends on the features, so the model has something to learn
    base = shuttles["passenger_capacity"] * 450 + shuttles["engines"] * 900
    shuttles["price"] = [f"${int(b + rng.randint(0, 400)):,}.0" for b in base]
    shuttles.to_excel(raw / "shuttles.xlsx", index=False)
    reviews = pd.DataFrame({
        "shuttle_id": range(100, 100 + n),
        "review_scores_rating": [float(rng.randint(60, 100)) for _ in range(n)],
        "number_of_reviews": [rng.randint(0, 50) for _ in range(n)],
    })
    reviews.to_csv(raw / "reviews.csv", index=False)


_PROCESSING_NODES = '''
    """Clean the raw tables and join them into one model input table."""
    import pandas as pd


    def _is_true(column: pd.Series) -> pd.Series:
        return column == "t"


    def _percentage(column: pd.Series) -> pd.Series:
        return column.str.rstrip("%").astype(float) / 100


    def _money(column: pd.Series) -> pd.Series:
        return column.str.replace("[$,]", "", regex=True).astype(float)


    def preprocess_companies(companies: pd.DataFrame) -> pd.DataFrame:
        companies = companies.copy()
        companies["iata_approved"] = _is_true(companies["iata_approved"])
        companies["company_rating"] = _percentage(companies["company_rating"])
        return companies


    def preprocess_shuttles(shuttles: pd.DataFrame) -> pd.DataFrame:
        shuttles = shuttles.copy()
        for column in ("d_check_complete", "moon_clearance_complete"):
            shuttles[column] = _is_true(shuttles[column])
        shuttles["price"] = _money(shuttles["price"])
        return shuttles


    def create_model_input_table(
        shuttles: pd.DataFrame, companies: pd.DataFrame, reviews: pd.DataFrame
    ) -> pd.DataFrame:
        table = shuttles.merge(reviews, left_on="id", right_on="shuttle_id")
        table = table.merge(companies, left_on="company_id", right_on="id",
                            suffixes=("", "_company"))
        return table.dropna().reset_index(drop=True)
    '''

_PROCESSING_PIPELINE = '''
    from kedro.pipeline import Pipeline, node, pipeline

    from .nodes import create_model_input_table, preprocess_companies, preprocess_shuttles


    def create_pipeline(**kwargs) -> Pipeline:
        return pipeline([
            node(preprocess_companies, "companies", "preprocessed_companies",
                 name="preprocess_companies_node"),
            node(preprocess_shuttles, "shuttles", "preprocessed_shuttles",
                 name="preprocess_shuttles_node"),
            node(create_model_input_table,
                 ["preprocessed_shuttles", "preprocessed_companies", "reviews"],
                 "model_input_table", name="create_model_input_table_node"),
        ])
    '''

_SCIENCE_NODES = '''
    """Split, fit a linear model of the price, and score it on held-out rows."""
    import logging

    import numpy as np
    import pandas as pd

    try:
        from sklearn.linear_model import LinearRegression
    except ImportError:  # the same least-squares fit without scikit-learn
        class LinearRegression:
            def fit(self, x, y):
                design = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
                solution = np.linalg.lstsq(design, np.asarray(y, dtype=float), rcond=None)[0]
                self.intercept_, self.coef_ = solution[0], solution[1:]
                return self

            def predict(self, x):
                return np.asarray(x, dtype=float) @ self.coef_ + self.intercept_


    def split_data(data: pd.DataFrame, options: dict) -> tuple:
        features = data[options["features"]].astype(float)
        target = data["price"]
        test = data.sample(frac=options["test_size"], random_state=options["random_state"])
        train_index = data.index.difference(test.index)
        return (features.loc[train_index], features.loc[test.index],
                target.loc[train_index], target.loc[test.index])


    def train_model(x_train: pd.DataFrame, y_train: pd.Series):
        return LinearRegression().fit(x_train, y_train)


    def evaluate_model(model, x_test: pd.DataFrame, y_test: pd.Series) -> dict:
        predicted = model.predict(x_test)
        residual = np.asarray(y_test) - predicted
        total = np.asarray(y_test) - np.mean(y_test)
        r2 = 1 - float(residual @ residual) / float(total @ total)
        logging.getLogger(__name__).info("Model has a coefficient R^2 of %.3f", r2)
        return {"r2": round(r2, 6), "mae": round(float(np.mean(np.abs(residual))), 4),
                "rows": len(y_test)}
    '''

_SCIENCE_PIPELINE = '''
    from kedro.pipeline import Pipeline, node, pipeline

    from .nodes import evaluate_model, split_data, train_model


    def create_pipeline(**kwargs) -> Pipeline:
        return pipeline([
            node(split_data, ["model_input_table", "params:model_options"],
                 ["X_train", "X_test", "y_train", "y_test"], name="split_data_node"),
            node(train_model, ["X_train", "y_train"], "regressor", name="train_model_node",
                 tags=["training"]),
            node(evaluate_model, ["regressor", "X_test", "y_test"], "metrics",
                 name="evaluate_model_node"),
        ])
    '''

_SPACEFLIGHTS_CATALOG = '''
    companies:
      type: pandas.CSVDataset
      filepath: data/01_raw/companies.csv

    reviews:
      type: kedro_datasets.pandas.CSVDataset
      filepath: data/01_raw/reviews.csv

    shuttles:
      type: pandas.ExcelDataset
      filepath: data/01_raw/shuttles.xlsx
      load_args:
        engine: openpyxl

    preprocessed_companies:
      type: pandas.ParquetDataset
      filepath: data/02_intermediate/preprocessed_companies.parquet

    preprocessed_shuttles:
      type: kedro_datasets.pandas.ParquetDataset
      filepath: data/02_intermediate/preprocessed_shuttles.parquet

    model_input_table:
      type: pandas.ParquetDataset
      filepath: data/03_primary/model_input_table.parquet

    regressor:
      type: pickle.PickleDataset
      filepath: data/06_models/regressor.pickle
      versioned: true

    metrics:
      type: kedro_datasets.json.JSONDataset
      filepath: data/08_reporting/metrics.json
    '''

_FEATURES = ["engines", "passenger_capacity", "crew", "d_check_complete",
             "moon_clearance_complete", "iata_approved", "company_rating",
             "review_scores_rating"]

_LOG_TEST = '''
    """The project's own test: a run logs its progress through Kedro's loggers."""
    import logging
    from pathlib import Path

    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project


    def test_processing_logs_each_completed_node(caplog):
        caplog.set_level(logging.INFO, logger="kedro")
        project = Path(__file__).resolve().parents[1]
        bootstrap_project(project)
        with KedroSession.create(project_path=project) as session:
            session.run(pipeline_name="data_processing")
        messages = [record.getMessage() for record in caplog.records
                    if record.name.startswith("kedro")]
        assert any("Completed 3 out of 3 tasks" in message for message in messages)
    '''


def _spaceflights(root: Path, package: str, name: str, extras: str) -> dict[str, str]:
    files = _common(package, name, extras, '\n                "scikit-learn>=1.3",')
    files.update({
        f"src/{package}/settings.py": _settings(),
        f"src/{package}/pipelines/__init__.py": "",
        f"src/{package}/pipelines/data_processing/__init__.py":
            "from .pipeline import create_pipeline\n",
        f"src/{package}/pipelines/data_processing/nodes.py": _PROCESSING_NODES,
        f"src/{package}/pipelines/data_processing/pipeline.py": _PROCESSING_PIPELINE,
        f"src/{package}/pipelines/data_science/__init__.py":
            "from .pipeline import create_pipeline\n",
        f"src/{package}/pipelines/data_science/nodes.py": _SCIENCE_NODES,
        f"src/{package}/pipelines/data_science/pipeline.py": _SCIENCE_PIPELINE,
        "conf/base/catalog.yml": _SPACEFLIGHTS_CATALOG,
        "conf/base/parameters_data_science.yml": f'''
            model_options:
              test_size: 0.25
              random_state: 3
              features: {json.dumps(_FEATURES)}
            ''',
        "tests/__init__.py": "",
        "tests/test_logs.py": _LOG_TEST,
    })
    _spaceflights_data(root)
    return files


def _build_spaceflights(root: Path) -> None:
    _write(root, _spaceflights(root, "spaceflights", "Spaceflights",
                               "pandas-csvdataset,pandas-exceldataset,pandas-parquetdataset"))


_REPORTING_NODES = '''
    """Charts of the fleet: a plotly express spec, a plotly figure and a matplotlib figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import plotly.graph_objects as go


    def capacity_by_type(shuttles: pd.DataFrame) -> pd.DataFrame:
        return (shuttles.groupby("shuttle_type", as_index=False)["passenger_capacity"].mean()
                .sort_values("shuttle_type").reset_index(drop=True))


    def capacity_figure(shuttles: pd.DataFrame) -> go.Figure:
        table = capacity_by_type(shuttles)
        figure = go.Figure(go.Bar(x=list(table["shuttle_type"]),
                                  y=[float(v) for v in table["passenger_capacity"]]))
        figure.update_layout(title="Mean capacity per shuttle type")
        return figure


    def rating_histogram(companies: pd.DataFrame):
        figure, axes = plt.subplots(figsize=(4, 3), dpi=50)
        axes.hist(companies["company_rating"], bins=5, color="#336699")
        axes.set_title("Company ratings")
        return figure
    '''

_REPORTING_PIPELINE = '''
    from kedro.pipeline import Pipeline, node, pipeline

    from .nodes import capacity_by_type, capacity_figure, rating_histogram


    def create_pipeline(**kwargs) -> Pipeline:
        return pipeline([
            node(capacity_by_type, "preprocessed_shuttles", "capacity_plot_express",
                 name="capacity_express_node"),
            node(capacity_figure, "preprocessed_shuttles", "capacity_plot_figure",
                 name="capacity_figure_node"),
            node(rating_histogram, "preprocessed_companies", "rating_histogram",
                 name="rating_histogram_node"),
        ])
    '''


def _build_spaceflights_viz(root: Path) -> None:
    package = "spaceflights_viz"
    files = _spaceflights(root, package, "Spaceflights Viz",
                          "pandas-csvdataset,pandas-exceldataset,pandas-parquetdataset,"
                          "plotly-plotlydataset,plotly-jsondataset,matplotlib-matplotlibdataset")
    files[f"src/{package}/pipelines/reporting/__init__.py"] = \
        "from .pipeline import create_pipeline\n"
    files[f"src/{package}/pipelines/reporting/nodes.py"] = _REPORTING_NODES
    files[f"src/{package}/pipelines/reporting/pipeline.py"] = _REPORTING_PIPELINE
    files["conf/base/catalog_reporting.yml"] = '''
        capacity_plot_express:
          type: plotly.PlotlyDataset
          filepath: data/08_reporting/capacity_plot_express.json
          plotly_args:
            type: bar
            fig:
              x: shuttle_type
              y: passenger_capacity
            layout:
              title: Mean capacity per shuttle type

        capacity_plot_figure:
          type: kedro_datasets.plotly.JSONDataset
          filepath: data/08_reporting/capacity_plot_figure.json

        rating_histogram:
          type: matplotlib.MatplotlibDataset
          filepath: data/08_reporting/rating_histogram.png
          save_args:
            format: png
        '''
    _write(root, files)


# -- advanced configuration -------------------------------------------------------------------

def _build_advanced_config(root: Path) -> None:
    package = "advanced_config"
    files = _common(package, "Advanced Config", "pandas-csvdataset,json-jsondataset")
    files.update({
        f"src/{package}/settings.py": _settings('''
            def _add(*numbers):
                return sum(numbers)


            CONFIG_LOADER_ARGS = {
                "base_env": "base",
                "default_run_env": "local",
                "custom_resolvers": {"add": _add, "upper": lambda text: str(text).upper()},
                "config_patterns": {"globals": ["globals*", "globals*/**"]},
            }
            '''),
        f"src/{package}/pipelines/__init__.py": "",
        f"src/{package}/pipelines/sales/__init__.py": "from .pipeline import create_pipeline\n",
        f"src/{package}/pipelines/sales/nodes.py": '''
            """Scale sales and summarise them with the resolved configuration."""
            import pandas as pd


            def scale_sales(sales: pd.DataFrame, factor: float) -> pd.DataFrame:
                scaled = sales.copy()
                scaled["amount"] = scaled["amount"] * factor
                return scaled


            def summarise(sales: pd.DataFrame, options: dict, currency: str) -> dict:
                kept = sales[sales["region"].isin(options["regions"])]
                totals = kept.groupby("region")["amount"].sum().sort_index()
                return {
                    "currency": currency,
                    "label": options["label"],
                    "threshold": options["threshold"],
                    "regions": list(options["regions"]),
                    "top": options["top"],
                    "totals": {region: float(total) for region, total in totals.items()},
                    "above_threshold": sorted(r for r, t in totals.items()
                                              if t > options["threshold"]),
                }
            ''',
        f"src/{package}/pipelines/sales/pipeline.py": '''
            from kedro.pipeline import Pipeline, node, pipeline

            from .nodes import scale_sales, summarise


            def create_pipeline(**kwargs) -> Pipeline:
                return pipeline([
                    node(scale_sales, ["sales", "params:scale"], "scaled_sales",
                         name="scale"),
                    node(summarise, ["scaled_sales", "params:options", "params:currency"],
                         "sales_report", name="summarise"),
                ])
            ''',
        "conf/base/globals.yml": '''
            folders:
              raw: data/01_raw
              out: data/08_reporting
            currency: EUR
            ''',
        "conf/prod/globals.yml": "currency: USD\n",
        "conf/base/catalog.yml": '''
            _csv: &csv
              type: pandas.CSVDataset
              save_args:
                index: false

            sales:
              <<: *csv
              filepath: ${globals:folders.raw}/sales.csv
              credentials: local_files

            scaled_sales:
              <<: *csv
              filepath: ${globals:folders.out}/scaled_sales.csv

            sales_report:
              type: kedro_datasets.json.JSONDataset
              filepath: ${globals:folders.out}/report_${runtime_params:tag, plain}.json
            ''',
        "conf/base/parameters.yml": '''
            scale: ${runtime_params:scale, 1}
            currency: ${globals:currency}
            options:
              label: ${upper:sales}
              threshold: ${add:100,50}
              regions: [north, south]
              top: 1
            ''',
        "conf/prod/parameters.yml": '''
            options:
              label: ${upper:prod sales}
              threshold: ${add:100,50}
              regions: [north, south, east]
              top: 2
            ''',
        "conf/prod/credentials.yml": '''
            local_files:
              auto_mkdir: true
            ''',
    })
    _write(root, files)
    rng = random.Random(3)
    rows = ["region,amount"] + [
        f"{rng.choice(['north', 'south', 'east', 'west'])},{rng.randint(5, 60)}"
        for _ in range(40)
    ]
    (root / "data" / "01_raw").mkdir(parents=True, exist_ok=True)
    (root / "data" / "01_raw" / "sales.csv").write_text("\n".join(rows) + "\n")


# -- extending Kedro --------------------------------------------------------------------------

def _build_extending(root: Path) -> None:
    package = "extending"
    files = _common(package, "Extending", "json-jsondataset")
    files.update({
        f"src/{package}/settings.py": _settings('''
            from extending.hooks import AuditHooks

            HOOKS = (AuditHooks(),)
            '''),
        f"src/{package}/datasets/__init__.py": "",
        f"src/{package}/datasets/key_value.py": '''
            """A dataset of ``key=value`` lines: the project's own dataset type."""
            from pathlib import Path, PurePosixPath

            from kedro.io import AbstractDataset


            class KeyValueDataset(AbstractDataset):
                def __init__(self, filepath: str, separator: str = "=") -> None:
                    self._filepath = PurePosixPath(filepath)
                    self._separator = separator

                def load(self) -> dict:
                    pairs = {}
                    with open(self._filepath, encoding="utf-8") as handle:
                        for line in handle:
                            if line.strip():
                                key, _, value = line.strip().partition(self._separator)
                                pairs[key] = value
                    return pairs

                def save(self, data: dict) -> None:
                    with open(self._filepath, "w", encoding="utf-8") as handle:
                        for key in sorted(data):
                            handle.write(f"{key}{self._separator}{data[key]}\\n")

                def _exists(self) -> bool:
                    return Path(self._filepath).exists()

                def _describe(self) -> dict:
                    return {"filepath": str(self._filepath), "separator": self._separator}
            ''',
        f"src/{package}/hooks.py": '''
            """Hooks that keep an audit of what a run did, written when the run ends."""
            import json
            from pathlib import Path

            from kedro.framework.hooks import hook_impl


            class AuditHooks:
                def __init__(self) -> None:
                    self.project_path = None
                    self.events = []

                @hook_impl
                def after_context_created(self, context) -> None:
                    self.project_path = Path(context.project_path)
                    self.events = [f"context env={context.env}"]

                @hook_impl
                def after_catalog_created(self, catalog) -> None:
                    self.events.append("catalog")

                @hook_impl
                def before_node_run(self, node, inputs) -> None:
                    self.events.append(f"start {node.name} <- {sorted(inputs)}")

                @hook_impl
                def after_dataset_saved(self, dataset_name, data) -> None:
                    self.events.append(f"saved {dataset_name}")

                @hook_impl
                def after_pipeline_run(self, run_params) -> None:
                    names = run_params["pipeline_names"] or ["__default__"]
                    self.events.append(f"done {names}")
                    target = self.project_path / "data" / "08_reporting" / "audit.json"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(json.dumps(self.events, indent=1))
            ''',
        f"src/{package}/runner.py": '''
            """A runner that reports what it ran into the catalog, after the run."""
            from kedro.runner import SequentialRunner


            class ReportingRunner(SequentialRunner):
                def run(self, pipeline, catalog, hook_manager=None, run_id=None,
                        only_missing_outputs=False):
                    outputs = super().run(pipeline, catalog, hook_manager, run_id,
                                          only_missing_outputs)
                    catalog.save("runner_report", {"runner": type(self).__name__,
                                                   "nodes": len(pipeline.nodes)})
                    return outputs
            ''',
        f"src/{package}/pipelines/__init__.py": "",
        f"src/{package}/pipelines/inventory/__init__.py":
            "from .pipeline import create_pipeline\n",
        f"src/{package}/pipelines/inventory/pipeline.py": '''
            from kedro.pipeline import Pipeline, node, pipeline


            def restock(stock: dict, minimum: dict) -> dict:
                return {item: max(int(count), int(minimum["level"]))
                        for item, count in stock.items()}


            def count_items(stock: dict) -> dict:
                return {"items": len(stock), "units": sum(int(v) for v in stock.values())}


            def create_pipeline(**kwargs) -> Pipeline:
                return pipeline([
                    node(restock, ["stock", "params:minimum"], "restocked", name="restock"),
                    node(count_items, "restocked", "stock_summary", name="count_items"),
                ])
            ''',
        "conf/base/catalog.yml": '''
            stock:
              type: extending.datasets.key_value.KeyValueDataset
              filepath: data/01_raw/stock.txt

            restocked:
              type: extending.datasets.key_value.KeyValueDataset
              filepath: data/02_intermediate/restocked.txt
              separator: ":"

            stock_summary:
              type: json.JSONDataset
              filepath: data/08_reporting/stock_summary.json

            runner_report:
              type: kedro_datasets.json.JSONDataset
              filepath: data/08_reporting/runner_report.json
            ''',
        "conf/base/parameters.yml": "minimum:\n  level: 5\n",
        "data/01_raw/stock.txt": "bolts=3\nnuts=12\nwashers=0\ngears=7\n",
        "data/02_intermediate/.gitkeep": "",
    })
    _write(root, files)


# -- spaceflights deep dive -------------------------------------------------------------------

_DEEP_SCIENCE_PIPELINE = '''
    from kedro.pipeline import Pipeline, node, pipeline

    from .nodes import evaluate_model, split_data, train_model


    def create_pipeline(**kwargs) -> Pipeline:
        template = pipeline([
            node(split_data, ["model_input_table", "params:model_options"],
                 ["X_train", "X_test", "y_train", "y_test"], name="split_data_node"),
            node(train_model, ["X_train", "y_train"], "regressor", name="train_model_node"),
            node(evaluate_model, ["regressor", "X_test", "y_test"], "metrics",
                 name="evaluate_model_node"),
        ])
        active = pipeline(template, inputs="model_input_table",
                          namespace="active_modelling_pipeline", tags=["active"])
        candidate = pipeline(template, inputs="model_input_table",
                             namespace="candidate_modelling_pipeline", tags=["candidate"])
        return active + candidate
    '''

_DEEP_REPORTING = '''
    from kedro.pipeline import Pipeline, node, pipeline
    import pandas as pd


    def compare_models(active: dict, candidate: dict) -> pd.DataFrame:
        rows = [{"model": "active", **active}, {"model": "candidate", **candidate}]
        return pd.DataFrame(rows).sort_values("model").reset_index(drop=True)


    def create_pipeline(**kwargs) -> Pipeline:
        return pipeline([
            node(compare_models,
                 ["active_modelling_pipeline.metrics", "candidate_modelling_pipeline.metrics"],
                 "model_comparison", name="compare_models_node"),
        ])
    '''


def _build_deep_dive(root: Path) -> None:
    package = "deep_dive"
    files = _spaceflights(root, package, "Spaceflights Deep Dive",
                          "pandas-csvdataset,pandas-exceldataset,pandas-parquetdataset")
    files[f"src/{package}/pipelines/data_science/pipeline.py"] = _DEEP_SCIENCE_PIPELINE
    files[f"src/{package}/pipelines/reporting/__init__.py"] = \
        "from .pipeline import create_pipeline\n"
    files[f"src/{package}/pipelines/reporting/pipeline.py"] = _DEEP_REPORTING
    files["conf/base/catalog.yml"] = _SPACEFLIGHTS_CATALOG.split("    regressor:")[0] + '''
    "{namespace}.regressor":
      type: pickle.PickleDataset
      filepath: data/06_models/regressor_{namespace}.pickle
      versioned: true

    "{namespace}.metrics":
      type: kedro_datasets.json.JSONDataset
      filepath: data/08_reporting/metrics_{namespace}.json

    model_comparison:
      type: pandas.CSVDataset
      filepath: data/08_reporting/model_comparison.csv
    '''
    small = ["engines", "passenger_capacity", "crew", "review_scores_rating"]
    files["conf/base/parameters_data_science.yml"] = f'''
        active_modelling_pipeline:
          model_options:
            test_size: 0.25
            random_state: 3
            features: {json.dumps(_FEATURES)}

        candidate_modelling_pipeline:
          model_options:
            test_size: 0.3
            random_state: 8
            features: {json.dumps(small)}
        '''
    _write(root, files)


#: name -> builder(root): writes the unported Kedro project into ``root``.
PROJECTS: dict[str, Callable[[Path], None]] = {
    "spaceflights": _build_spaceflights,
    "spaceflights_viz": _build_spaceflights_viz,
    "advanced_config": _build_advanced_config,
    "extending": _build_extending,
    "deep_dive": _build_deep_dive,
}

#: name -> how each project is run: env, runtime params (``--params`` form), runner path.
RUNS: dict[str, dict[str, Any]] = {
    "spaceflights": {},
    "spaceflights_viz": {},
    "advanced_config": {"env": "prod", "params": "scale=2,tag=t1,options.top=3"},
    "extending": {"runner": "extending.runner.ReportingRunner"},
    "deep_dive": {},
}


def build(name: str, root: Path) -> Path:
    """Write project ``name`` into ``root`` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    PROJECTS[name](root)
    return root


def cli_arguments(name: str) -> list[str]:
    """``kedro run`` / ``kedro-ipy run`` options for project ``name``."""
    run = RUNS[name]
    args = []
    if run.get("env"):
        args += ["--env", run["env"]]
    if run.get("params"):
        args += ["--params", run["params"]]
    if run.get("runner"):
        args += ["--runner", run["runner"]]
    return args


# -- reading what a run wrote -----------------------------------------------------------------

def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value


def _frame(frame: Any) -> Any:
    return _round(json.loads(frame.to_json(orient="split", index=False, date_format="iso")))


def _plotly(document: Any) -> Any:
    """Traces' type and x/y values (typed arrays decoded), and the title: what a chart shows,
    independent of the plotly version that wrote it."""
    import base64

    import numpy as np

    def values(data: Any) -> Any:
        if isinstance(data, dict) and "bdata" in data:
            return _round(np.frombuffer(base64.b64decode(data["bdata"]),
                                        dtype=data["dtype"]).tolist())
        return _round(list(data)) if isinstance(data, list) else data

    traces = [{"type": t.get("type"), "x": values(t.get("x")), "y": values(t.get("y"))}
              for t in document.get("data", [])]
    title = document.get("layout", {}).get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return {"traces": traces, "title": title}


def _read(path: Path) -> Any:
    suffix = path.suffix
    if suffix == ".csv":
        import pandas as pd

        return _frame(pd.read_csv(path))
    if suffix == ".parquet":
        import pandas as pd

        return _frame(pd.read_parquet(path))
    if suffix == ".json":
        document = json.loads(path.read_text())
        if isinstance(document, dict) and "data" in document and "layout" in document:
            return _plotly(document)
        return _round(document)
    if suffix == ".pickle":
        import pickle

        with path.open("rb") as handle:
            model = pickle.load(handle)
        coef = getattr(model, "coef_", None)
        return {"type": type(model).__name__,
                "coef": _round([float(c) for c in coef]) if coef is not None else None}
    if suffix == ".png":
        import hashlib

        import matplotlib.image

        pixels = matplotlib.image.imread(path)
        return {"shape": list(pixels.shape),
                "pixels": hashlib.sha256((pixels * 255).round().astype("uint8").tobytes())
                .hexdigest()}
    return path.read_text()


def digest(project: Path) -> dict[str, Any]:
    """Every file a run wrote under ``data/`` (raw inputs excluded), read into plain values;
    version folders named ``<version>`` so runs at different times compare equal."""
    data = project / "data"
    result: dict[str, Any] = {}
    for path in sorted(data.rglob("*")):
        relative = path.relative_to(data)
        if not path.is_file() or relative.parts[0] == "01_raw" or path.name.startswith("."):
            continue
        parts = list(relative.parts)
        if len(parts) >= 3 and parts[-1] == parts[-3]:  # <name>/<version>/<name>
            parts[-2] = "<version>"
        result["/".join(parts)] = _read(path)
    return result

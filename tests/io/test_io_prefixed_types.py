"""``kedro_datasets.<short name>`` types: ours unless kedro-datasets is installed, where its own
class is used; ``KEDRO_IPY_DATASETS`` or a full module path chooses."""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kedro_ipy.io import DataCatalog, DatasetError, _types
from kedro_ipy.io.datasets.pandas import CSVDataset
from kedro_ipy.io.datasets.partitions import PartitionedDataset


@pytest.fixture(autouse=True)
def fresh_resolution(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test looks kedro-datasets up again and resolves types afresh."""
    monkeypatch.setattr(_types, "_CACHE", {})
    monkeypatch.setattr(_types, "_MODULES", {})
    monkeypatch.setattr(_types, "_importable", {})
    monkeypatch.delenv(_types.DATASETS_SOURCE_ENV, raising=False)
    yield
    for name in [m for m in sys.modules if m == "kedro_datasets" or
                 m.startswith("kedro_datasets.")]:
        del sys.modules[name]


@pytest.fixture
def fake_kedro_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``kedro_datasets`` package on sys.path, as when kedro-datasets is installed."""
    package = tmp_path / "site" / "kedro_datasets" / "pandas"
    package.mkdir(parents=True)
    (package.parent / "__init__.py").write_text("")
    (package / "csv_dataset.py").write_text(textwrap.dedent("""
        from kedro_ipy.io.datasets.pandas import CSVDataset as _Ours

        class CSVDataset(_Ours):
            '''kedro-datasets' CSVDataset, as far as this test can tell.'''
    """))
    (package / "__init__.py").write_text("from .csv_dataset import CSVDataset\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    return package


def real_class() -> type:
    return importlib.import_module("kedro_datasets.pandas.csv_dataset").CSVDataset  # type: ignore[no-any-return]


def test_without_kedro_datasets_the_prefixed_type_is_ours(tmp_path: Path) -> None:
    assert _types.resolve_type("kedro_datasets.pandas.CSVDataset") is CSVDataset
    catalog = DataCatalog.from_config({"cars": {
        "type": "kedro_datasets.pandas.CSVDataset", "filepath": str(tmp_path / "c.csv"),
    }})
    import pandas as pd

    catalog.save("cars", pd.DataFrame({"a": [1]}))
    assert list(catalog.load("cars")["a"]) == [1]
    assert "kedro_datasets" not in sys.modules


def test_with_kedro_datasets_its_class_is_used(fake_kedro_datasets: Path) -> None:
    resolved = _types.resolve_type("kedro_datasets.pandas.CSVDataset")
    assert resolved is real_class() and resolved is not CSVDataset
    assert _types.resolve_type("pandas.CSVDataset") is CSVDataset  # short names stay ours


def test_setting_chooses_ours(fake_kedro_datasets: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_types.DATASETS_SOURCE_ENV, "kedro_ipy")
    assert _types.resolve_type("kedro_datasets.pandas.CSVDataset") is CSVDataset
    # A full module path names that very class, whatever the setting.
    full = _types.resolve_type("kedro_datasets.pandas.csv_dataset.CSVDataset")
    assert full is real_class()
    monkeypatch.setenv(_types.DATASETS_SOURCE_ENV, "kedro_datasets")
    assert _types.resolve_type("kedro_datasets.pandas.CSVDataset") is real_class()


def test_partition_datasets_follow_the_same_rule(fake_kedro_datasets: Path,
                                                 tmp_path: Path) -> None:
    ds = PartitionedDataset(path=str(tmp_path / "parts"),
                            dataset="kedro_datasets.pandas.CSVDataset")
    assert ds._dataset_type is real_class()


def test_asking_for_kedro_datasets_where_it_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_types.DATASETS_SOURCE_ENV, "kedro_datasets")
    with pytest.raises(DatasetError, match=re.escape(
        "KEDRO_IPY_DATASETS=kedro_datasets, but kedro-datasets is not installed: install it "
        "(pip install kedro-datasets) or unset KEDRO_IPY_DATASETS to use kedro_ipy's own "
        "datasets."
    )):
        _types.resolve_type("kedro_datasets.pandas.CSVDataset")
    assert _types.resolve_type("pandas.CSVDataset") is CSVDataset  # short names unaffected


def test_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_types.DATASETS_SOURCE_ENV, "kedro-ipyy")
    with pytest.raises(DatasetError, match=re.escape(
        "KEDRO_IPY_DATASETS='kedro-ipyy' is not a valid choice: use one of auto, kedro_ipy, "
        "kedro_datasets. Did you mean 'kedro_ipy'?"
    )):
        _types.resolve_type("kedro_datasets.pandas.CSVDataset")


def test_types_we_lack_say_what_to_install() -> None:
    with pytest.raises(DatasetError, match=re.escape(
        "kedro_ipy has no built-in 'spark.SparkDataset', and kedro-datasets, which would "
        "provide it, is not installed (pip install kedro-datasets)."
    )):
        _types.resolve_type("kedro_datasets.spark.SparkDataset")
    with pytest.raises(DatasetError, match=re.escape(
        "kedro-datasets is not installed; kedro_ipy's own 'pandas.CSVDataset' can stand in: "
        "write 'type: pandas.CSVDataset'."
    )):
        _types.resolve_type("kedro_datasets.pandas.csv_dataset.CSVDataset")


@pytest.mark.parametrize("short", sorted(_types.KNOWN_TYPES))
def test_every_built_in_type_resolves_with_and_without_prefix(short: str) -> None:
    ours = _types.resolve_type(short)
    assert _types.resolve_type(f"kedro_datasets.{short}") is ours
    assert ours.__name__ == short.rpartition(".")[2]

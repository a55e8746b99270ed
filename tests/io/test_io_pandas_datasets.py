"""pandas datasets beyond CSV/Parquet: Excel, JSON, Feather, Generic and SQL; plus what each
accepts (anything with the right ``to_<format>``), versions, and what they never show."""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kedro_ipy.io import DataCatalog, DatasetError, Version
from kedro_ipy.io.datasets.pandas import (
    CSVDataset,
    ExcelDataset,
    FeatherDataset,
    GenericDataset,
    JSONDataset,
    ParquetDataset,
    SQLQueryDataset,
    SQLTableDataset,
)

FRAME = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
SERIES = pd.Series([1.5, 2.5], name="price")

FILE_CASES = [
    (ExcelDataset, "d.xlsx", {}),
    (JSONDataset, "d.json", {}),
    (FeatherDataset, "d.feather", {}),
    (GenericDataset, "d.orc", {"file_format": "orc"}),
    (GenericDataset, "d.csv", {"file_format": "csv", "save_args": {"index": False}}),
]
FILE_IDS = ["excel", "json", "feather", "generic-orc", "generic-csv"]


@pytest.mark.parametrize(("cls", "name", "args"), FILE_CASES, ids=FILE_IDS)
class TestPandasFiles:
    def test_round_trip_local_and_remote(self, tmp_path: Path, cls: type, name: str,
                                         args: dict[str, Any]) -> None:
        for filepath in (str(tmp_path / "sub" / name), f"memory://{uuid.uuid4().hex}/{name}"):
            ds = cls(filepath=filepath, **args)
            assert not ds.exists()
            ds.save(FRAME)
            assert ds.exists()
            pd.testing.assert_frame_equal(ds.load(), FRAME)

    def test_versioned(self, tmp_path: Path, cls: type, name: str, args: dict[str, Any]) -> None:
        path = str(tmp_path / name)
        cls(filepath=path, version=Version(None, "2024-01-01T00.00.00.000Z"), **args).save(FRAME)
        cls(filepath=path, version=Version(None, "2024-02-01T00.00.00.000Z"), **args).save(
            FRAME.head(1)
        )
        assert (tmp_path / name / "2024-01-01T00.00.00.000Z" / name).is_file()
        latest = cls(filepath=path, version=Version(None, None), **args)
        pd.testing.assert_frame_equal(latest.load(), FRAME.head(1))
        pinned = cls(filepath=path, version=Version("2024-01-01T00.00.00.000Z", None), **args)
        pd.testing.assert_frame_equal(pinned.load(), FRAME)

    def test_refuses_what_it_cannot_write_and_keeps_the_file(
        self, tmp_path: Path, cls: type, name: str, args: dict[str, Any]
    ) -> None:
        ds = cls(filepath=str(tmp_path / name), **args)
        ds.save(FRAME)
        with pytest.raises(DatasetError, match=r"(not|of) list"):
            ds.save([1, 2])
        pd.testing.assert_frame_equal(ds.load(), FRAME)
        assert [p.name for p in tmp_path.iterdir()] == [name]


class TestAnythingWithTheWriterMethod:
    """As kedro-datasets: what is saved needs the ``to_<format>`` method, not a DataFrame type."""

    @pytest.mark.parametrize(("cls", "name", "args"), [
        (CSVDataset, "s.csv", {}),
        (JSONDataset, "s.json", {"load_args": {"typ": "series"}}),
        (ExcelDataset, "s.xlsx", {}),
    ])
    def test_series(self, tmp_path: Path, cls: type, name: str, args: dict[str, Any]) -> None:
        ds = cls(filepath=str(tmp_path / name), **args)
        ds.save(SERIES)
        loaded = ds.load()
        values = loaded.iloc[:, 0] if isinstance(loaded, pd.DataFrame) else loaded
        assert list(values) == [1.5, 2.5]

    def test_duck_typed_frame(self, tmp_path: Path) -> None:
        class Wrapper:  # another library's frame that writes CSV like pandas
            def to_csv(self, handle: Any, **kwargs: Any) -> None:
                FRAME.to_csv(handle, **kwargs)

        ds = CSVDataset(filepath=str(tmp_path / "w.csv"))
        ds.save(Wrapper())
        pd.testing.assert_frame_equal(ds.load(), FRAME)

    def test_parquet_names_its_method(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match=re.escape(
            "ParquetDataset saves objects with a 'to_parquet' method (a pandas DataFrame), "
            "not dict."
        )):
            ParquetDataset(filepath=str(tmp_path / "p.parquet")).save({"a": 1})


class TestExcel:
    def test_sheets_dict_round_trip(self, tmp_path: Path) -> None:
        ds = ExcelDataset(filepath=str(tmp_path / "m.xlsx"), load_args={"sheet_name": None})
        ds.save({"first": FRAME, "second": FRAME.head(1)})
        loaded = ds.load()
        assert list(loaded) == ["first", "second"]
        pd.testing.assert_frame_equal(loaded["second"], FRAME.head(1))
        one = ExcelDataset(filepath=str(tmp_path / "m.xlsx"), load_args={"sheet_name": "first"})
        pd.testing.assert_frame_equal(one.load(), FRAME)

    def test_sheet_name_and_load_args(self, tmp_path: Path) -> None:
        path = str(tmp_path / "s.xlsx")
        ExcelDataset(filepath=path, save_args={"sheet_name": "Rockets"}).save(FRAME)
        ds = ExcelDataset(filepath=path, load_args={"sheet_name": "Rockets", "usecols": "B"})
        assert list(ds.load().columns) == ["b"]
        assert list(ExcelDataset(filepath=path, load_args={"sheet_name": None}).load()) == [
            "Rockets"
        ]

    def test_append_mode_adds_a_sheet(self, tmp_path: Path) -> None:
        path = str(tmp_path / "a.xlsx")
        ExcelDataset(filepath=path, save_args={"sheet_name": "one"}).save(FRAME)
        ExcelDataset(filepath=path, save_args={
            "sheet_name": "two", "writer": {"mode": "a", "if_sheet_exists": "replace"},
        }).save(FRAME.head(2))
        sheets = ExcelDataset(filepath=path, load_args={"sheet_name": None}).load()
        assert list(sheets) == ["one", "two"]
        pd.testing.assert_frame_equal(sheets["two"], FRAME.head(2))

    def test_bad_arguments(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError, match="doesn't support versioning in append mode"):
            ExcelDataset(filepath=str(tmp_path / "a.xlsx"), version=Version(None, None),
                         save_args={"writer": {"mode": "a"}})
        with pytest.raises(DatasetError, match=re.escape(
            "ExcelDataset with engine 'xlsxwriter' needs xlsxwriter, which is not installed. "
            "Install it with: pip install xlsxwriter"
        )):
            ExcelDataset(filepath=str(tmp_path / "a.xlsx"), engine="xlsxwriter")
        ds = ExcelDataset(filepath=str(tmp_path / "a.xlsx"), save_args={"sheet_name": "s"})
        with pytest.raises(DatasetError, match="the dict's keys are the sheet names"):
            ds.save({"a": FRAME})
        assert not ds.exists()

    def test_describe_shows_writer_args(self, tmp_path: Path) -> None:
        ds = ExcelDataset(filepath=str(tmp_path / "a.xlsx"), load_args={"sheet_name": "s"})
        assert ds.describe()["writer_args"] == {"engine": "openpyxl"}
        assert repr(ds).startswith("kedro_ipy.io.datasets.pandas.ExcelDataset(filepath=")


class TestGeneric:
    def test_unknown_format_names_the_method(self, tmp_path: Path) -> None:
        ds = GenericDataset(filepath=str(tmp_path / "x.nope"), file_format="nope")
        with pytest.raises(DatasetError, match=re.escape(
            "Unable to retrieve 'to_nope' method of DataFrame"
        )):
            ds.save(FRAME)
        (tmp_path / "x.nope").write_text("?")
        with pytest.raises(DatasetError, match=re.escape(
            "Unable to retrieve 'pandas.read_nope' method"
        )):
            ds.load()

    @pytest.mark.parametrize("fmt", ["sql", "clipboard", ""])
    def test_formats_without_files_refused(self, tmp_path: Path, fmt: str) -> None:
        with pytest.raises(DatasetError, match="file_format"):
            GenericDataset(filepath=str(tmp_path / "x"), file_format=fmt)

    def test_describe(self, tmp_path: Path) -> None:
        ds = GenericDataset(filepath=str(tmp_path / "x.orc"), file_format="orc")
        assert list(ds.describe())[:2] == ["file_format", "filepath"]


SECRET_PASSWORD = "hunter2-secret"


class TestSQL:
    def con(self, tmp_path: Path) -> dict[str, str]:
        return {"con": f"sqlite:///{tmp_path / 'db.sqlite'}"}

    def test_table_round_trip_and_if_exists(self, tmp_path: Path) -> None:
        ds = SQLTableDataset(table_name="rockets", credentials=self.con(tmp_path))
        assert not ds.exists()
        ds.save(FRAME)
        assert ds.exists()
        pd.testing.assert_frame_equal(ds.load(), FRAME)
        with pytest.raises(DatasetError, match="Table 'rockets' already exists"):
            ds.save(FRAME)  # pandas' default, as in kedro-datasets
        replace = SQLTableDataset(table_name="rockets", credentials=self.con(tmp_path),
                                  save_args={"if_exists": "replace"})
        replace.save(FRAME.head(1))
        pd.testing.assert_frame_equal(ds.load(), FRAME.head(1))

    def test_query_from_text_and_file(self, tmp_path: Path) -> None:
        SQLTableDataset(table_name="t", credentials=self.con(tmp_path)).save(FRAME)
        query = SQLQueryDataset(sql="SELECT b FROM t WHERE a >= 2",
                                credentials=self.con(tmp_path))
        assert list(query.load()["b"]) == ["y", "z"]
        (tmp_path / "q.sql").write_text("SELECT a FROM t WHERE b = :b")
        from_file = SQLQueryDataset(filepath=str(tmp_path / "q.sql"),
                                    credentials=self.con(tmp_path),
                                    load_args={"params": {"b": "z"}})
        assert list(from_file.load()["a"]) == [3]
        with pytest.raises(DatasetError, match="'save' is not supported on SQLQueryDataset"):
            query.save(FRAME)

    def test_through_the_catalog_with_credentials(self, tmp_path: Path) -> None:
        catalog = DataCatalog.from_config(
            {"shuttles": {"type": "pandas.SQLTableDataset", "table_name": "shuttles",
                          "credentials": "db"}},
            credentials={"db": self.con(tmp_path)},
        )
        catalog.save("shuttles", FRAME)
        pd.testing.assert_frame_equal(catalog.load("shuttles"), FRAME)

    def test_connection_string_never_shown(self) -> None:
        con = f"postgresql://scott:{SECRET_PASSWORD}@localhost:1/db"
        ds = SQLTableDataset(table_name="t", credentials={"con": con},
                             load_args={"con": con})
        query = SQLQueryDataset(sql="SELECT 1", credentials={"con": con})
        shown = repr(ds) + str(ds.describe()) + repr(query) + str(query.describe())
        assert SECRET_PASSWORD not in shown and "scott" not in shown
        sqlite = SQLTableDataset(table_name="no_such_table",
                                 credentials={"con": "sqlite:////no/such/dir/x.db"})
        with pytest.raises(DatasetError) as info:
            sqlite.load()
        assert "/no/such/dir" not in str(info.value)
        assert "unable to open database file" in str(info.value)

    def test_error_text_is_masked(self) -> None:
        from sqlalchemy.exc import ArgumentError

        ds = SQLTableDataset(table_name="t", credentials={
            "con": f"sqlite:///x.db?password={SECRET_PASSWORD}"})
        ds._engines[ds._con] = None  # force a fresh engine for this connection
        del ds._engines[ds._con]

        def failing(*args: Any, **kwargs: Any) -> Any:
            raise ArgumentError(f"cannot use {ds._con}")

        ds._create_engine = failing  # type: ignore[method-assign]
        with pytest.raises(DatasetError) as info:
            ds.load()
        text = str(info.value) + repr(info.value.__cause__)
        assert SECRET_PASSWORD not in text and "cannot use ***" in text

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"table_name": "", "credentials": {"con": "sqlite://"}},
         "'table_name' argument cannot be empty"),
        ({"table_name": "t", "credentials": {}}, "'con' argument cannot be empty"),
        ({"table_name": "t", "credentials": "sqlite://"}, "'credentials' must be a mapping"),
    ])
    def test_table_bad_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        with pytest.raises(DatasetError, match=re.escape(message)):
            SQLTableDataset(**kwargs)

    def test_query_bad_arguments(self) -> None:
        with pytest.raises(DatasetError, match="cannot both be provided"):
            SQLQueryDataset(sql="SELECT 1", filepath="q.sql", credentials={"con": "sqlite://"})
        with pytest.raises(DatasetError, match="cannot both be empty"):
            SQLQueryDataset(credentials={"con": "sqlite://"})

    def test_missing_driver_says_what_to_install(self) -> None:
        ds = SQLTableDataset(table_name="t",
                             credentials={"con": "mysql+pymysql://u:p@localhost/db"})
        if "pymysql" in sys.modules or _installed("pymysql"):
            pytest.skip("pymysql is installed here")
        with pytest.raises(DatasetError, match=re.escape(
            "the database driver 'pymysql' is not installed. Install it with: pip install pymysql"
        )):
            ds.load()


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize(("cls", "kwargs", "module", "extra"), [
    (ExcelDataset, {"filepath": "x.xlsx"}, "openpyxl", "excel"),
    (ExcelDataset, {"filepath": "x.xlsx"}, "pandas", "excel"),
    (FeatherDataset, {"filepath": "x.feather"}, "pyarrow", "pandas"),
    (JSONDataset, {"filepath": "x.json"}, "pandas", "pandas"),
    (GenericDataset, {"filepath": "x.orc", "file_format": "orc"}, "pandas", "pandas"),
    (SQLTableDataset, {"table_name": "t", "credentials": {"con": "sqlite://"}},
     "sqlalchemy", "sql"),
])
def test_missing_library_says_how_to_install(monkeypatch: pytest.MonkeyPatch, cls: type,
                                             kwargs: dict[str, Any], module: str,
                                             extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # the import is blocked, as if not installed
    with pytest.raises(DatasetError, match=re.escape(
        f"needs {module}, which is not installed. Install it with: "
        f"pip install 'kedro_ipy[{extra}]'"
    )):
        cls(**kwargs)


@pytest.mark.parametrize(("cls", "name", "args"), FILE_CASES, ids=FILE_IDS)
def test_file_datasets_hide_credentials(cls: type, name: str, args: dict[str, Any]) -> None:
    ds = cls(filepath=f"memory://user:pw-SECRET@host/{name}", credentials={"key": "SECRET"},
             fs_args={"token": "SECRET"}, **args)
    assert "SECRET" not in repr(ds) + str(ds.describe())


@pytest.mark.parametrize(("cls", "name", "args"), FILE_CASES, ids=FILE_IDS)
def test_file_datasets_need_a_filepath(cls: type, name: str, args: dict[str, Any]) -> None:
    with pytest.raises(DatasetError, match=f"{cls.__name__} needs a 'filepath'"):
        cls(filepath="", **args)

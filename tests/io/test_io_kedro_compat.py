"""Behaviour a Kedro 1.7 user relies on: names, signatures, error types and messages.

Each test pins one place where kedro_ipy.io used to differ from Kedro 1.7.0.
"""

from __future__ import annotations

import inspect
import logging
import pickle
import re
import warnings
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from kedro_ipy.io import (
    AbstractDataset,
    AbstractVersionedDataset,
    CachedDataset,
    CatalogConfigResolver,
    DataCatalog,
    DatasetError,
    DatasetNotFoundError,
    MemoryDataset,
    Version,
    VersionAlreadyExistsError,
)
from kedro_ipy.io.core import get_protocol_and_path, validate_on_forbidden_chars
from kedro_ipy.io.datasets.pickle import PickleDataset


class Text(AbstractVersionedDataset[str, str]):
    """A tiny versioned dataset written the way Kedro's documentation shows."""

    def __init__(self, filepath: str, version: Version | None = None) -> None:
        super().__init__(PurePosixPath(filepath), version)

    def _load(self) -> str:
        return Path(str(self._get_load_path())).read_text()

    def _save(self, data: str) -> None:
        path = Path(str(self._get_save_path()))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data)

    def _describe(self) -> dict[str, Any]:
        return {"filepath": self._filepath, "version": self._version}


class Plain(AbstractDataset):
    def __init__(self, path: str = "", colour: str | None = None) -> None:
        self.path = path
        self.colour = colour

    def _load(self) -> Any:
        raise ValueError("cannot read")

    def _save(self, data: Any) -> None:
        Path(self.path).write_text(str(data))

    def _describe(self) -> dict[str, Any]:
        return {"path": self.path, "colour": self.colour}


class TestDatasetBase:
    def test_base_classes_are_generic_like_kedros(self) -> None:
        class Frames(AbstractDataset[list, list]):
            def _load(self) -> list:
                return [1]

            def _save(self, data: list) -> None: ...

            def _describe(self) -> dict[str, Any]:
                return {}

        assert Frames().load() == [1]
        assert AbstractVersionedDataset[str, str] is not None

    def test_repr_is_module_and_class_name_with_pretty_values(self) -> None:
        assert repr(Plain("a.txt")) == f"{__name__}.Plain(path='a.txt')"
        assert str(Plain("a.txt", colour="red")) == f"{__name__}.Plain(path='a.txt', colour='red')"

    def test_repr_survives_a_describe_that_breaks_the_contract(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        class Odd(Plain):
            def _describe(self) -> Any:
                return {1: "x"}

        with caplog.at_level(logging.WARNING):
            assert repr(Odd()) == f"{__name__}.Odd()"
        assert "must implement the '_describe' method" in caplog.text

    def test_repr_hides_passwords_inside_urls(self) -> None:
        shown = repr(Plain("s3://user:hunter2@bucket/a.csv"))
        assert "hunter2" not in shown
        assert "bucket/a.csv" in shown

    def test_own_load_and_save_are_wrapped_once_with_the_original_kept(self) -> None:
        assert Plain.load.__wrapped__ is Plain.__dict__["_load"]
        assert Plain.save.__wrapped__ is Plain.__dict__["_save"]
        assert not getattr(Plain.load.__wrapped__, "__loadwrapped__", False)

    def test_failure_messages_use_kedros_sentences(self, tmp_path: Path) -> None:
        with pytest.raises(DatasetError) as info:
            Plain().load()
        assert str(info.value) == (
            f"Failed while loading data from dataset {__name__}.Plain(path='').\ncannot read"
        )
        with pytest.raises(DatasetError, match=r"^Saving 'None' to a 'Dataset' is not allowed$"):
            Plain().save(None)

    def test_missing_folder_on_save_is_not_rewrapped(self, tmp_path: Path) -> None:
        # Kedro lets these two through unchanged (its versioned wrapper explains them).
        with pytest.raises(FileNotFoundError):
            Plain(str(tmp_path / "no" / "such" / "dir" / "a.txt")).save(1)

    def test_exists_not_implemented_warns_and_answers_false(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING):
            assert Plain().exists() is False
        assert "'exists()' not implemented for 'Plain'. Assuming output does not exist." in (
            caplog.text
        )

    def test_init_config_lists_constructor_arguments(self) -> None:
        assert Plain("a.txt")._init_config() == {
            "type": f"{__name__}.Plain", "path": "a.txt", "colour": None,
        }
        # Datasets stay picklable with their recorded arguments.
        assert pickle.loads(pickle.dumps(Plain("b.txt")))._init_config()["path"] == "b.txt"


class TestVersioned:
    def test_save_path_taken_message(self, tmp_path: Path) -> None:
        ds = Text(str(tmp_path / "t.txt"), Version(None, "2024-01-01T00.00.00.000Z"))
        ds.save("one")
        with pytest.raises(
            VersionAlreadyExistsError,
            match=r"^Save path '.+' for .*Text\(.+\) must not exist if versioning is enabled\.",
        ):
            ds.save("two")

    def test_saving_where_loads_do_not_read_warns(self, tmp_path: Path) -> None:
        Text(str(tmp_path / "t.txt"), Version(None, "2024-01-01T00.00.00.000Z")).save("old")
        pinned = Text(
            str(tmp_path / "t.txt"),
            Version("2024-01-01T00.00.00.000Z", "2024-02-01T00.00.00.000Z"),
        )
        with pytest.warns(UserWarning, match="Save version '2024-02-01T00.00.00.000Z' did not "
                                             "match load version '2024-01-01T00.00.00.000Z'"):
            pinned.save("new")

    def test_unpinned_save_then_load_is_silent_and_reads_it(self, tmp_path: Path) -> None:
        ds = Text(str(tmp_path / "t.txt"), Version(None, None))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ds.save("hello")
        assert ds.load() == "hello"
        # The version of that save is kept until the next one.
        assert ds.resolve_save_version() == ds.resolve_load_version()

    def test_plain_file_where_versions_go_is_explained(self, tmp_path: Path) -> None:
        class Blocked(Text):
            def _save(self, data: str) -> None:
                raise NotADirectoryError("not a directory")

        (tmp_path / "t.txt").write_text("unversioned")
        with pytest.raises(DatasetError, match="because a file with the same name already "
                                               "exists in the directory"):
            Blocked(str(tmp_path / "t.txt"), Version(None, None)).save("x")

    def test_exists_turns_other_failures_into_dataset_errors(self, tmp_path: Path) -> None:
        class Broken(Text):
            def _exists(self) -> bool:
                raise NameError("boom")

        with pytest.raises(DatasetError, match=r"Failed during exists check for dataset .*\n"
                                               r"boom"):
            Broken(str(tmp_path / "t.txt"), Version(None, None)).exists()


@pytest.mark.parametrize(("path", "expected"), [
    ("s3://user@bucket/a.csv", ("s3", "bucket/a.csv")),
    ("gcs://bucket:443/a.csv", ("gcs", "bucket/a.csv")),
    ("hdfs://namenode:8020/data/a.csv", ("hdfs", "/data/a.csv")),
    ("file:///C:\\data\\a.csv", ("file", "C:\\data\\a.csv")),
    ("C:\\data\\a.csv", ("file", "C:\\data\\a.csv")),
    ("s3://bucket/a?x=1#frag", ("s3", "bucket/a?x=1#frag")),
    ("oci://bucket@namespace/a.csv", ("oci", "bucket@namespace/a.csv")),
    ("https://host/a.csv?x=1", ("https", "host/a.csv?x=1")),
])
def test_protocol_and_path_as_kedro_splits_them(path: str, expected: tuple[str, str]) -> None:
    assert get_protocol_and_path(path) == expected


def test_memory_urls_keep_their_host_unlike_kedro() -> None:
    assert get_protocol_and_path("memory://a/x.pkl") == ("memory", "a/x.pkl")


def test_versioned_http_refused_with_kedros_sentence() -> None:
    with pytest.raises(DatasetError, match=re.escape(
        "Versioning is not supported for HTTP protocols. Please remove the `versioned` flag "
        "from the dataset configuration."
    )):
        get_protocol_and_path("http://host/a.csv", Version(None, None))


def test_forbidden_characters() -> None:
    validate_on_forbidden_chars(table="ok_name")
    with pytest.raises(DatasetError, match=re.escape(
        "Neither white-space nor semicolon are allowed in 'table'."
    )):
        validate_on_forbidden_chars(table="a; drop")


class TestMemoryAndCached:
    def test_invalid_copy_mode_sentence(self) -> None:
        with pytest.raises(DatasetError, match=re.escape(
            "Invalid copy mode: clone. Possible values are: deepcopy, copy, assign."
        )):
            MemoryDataset(data=1, copy_mode="clone")  # type: ignore[arg-type]

    def test_cached_dataset_refuses_other_values_with_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="The argument type of 'dataset' should be either a "
                                             "dict/YAML representation of the dataset"):
            CachedDataset(dataset="not a dataset")  # type: ignore[arg-type]

    def test_cached_dataset_warns_when_pickled(self, caplog: pytest.LogCaptureFixture) -> None:
        cached = CachedDataset(MemoryDataset(1))
        cached.load()
        with caplog.at_level(logging.WARNING):
            copy = pickle.loads(pickle.dumps(cached))
        assert f"{cached}: clearing cache to pickle." in caplog.text
        assert copy.load() == 1

    def test_versioned_inside_the_wrapped_entry_is_refused(self) -> None:
        catalog = DataCatalog.from_config({"c": {
            "type": "CachedDataset",
            "dataset": {"type": "pickle.PickleDataset", "filepath": "x", "versioned": True},
        }})
        with pytest.raises(DatasetError, match="Cached datasets should specify that they are "
                                               "versioned in the 'CachedDataset', not in the "
                                               "wrapped dataset"):
            catalog["c"]


class TestCatalog:
    def test_method_parameters_have_kedros_names(self) -> None:
        for method in ("load", "save", "exists", "release", "confirm", "get_type"):
            params = list(inspect.signature(getattr(DataCatalog, method)).parameters)
            assert params[1] == "ds_name", method
        assert list(inspect.signature(DataCatalog.get).parameters)[1] == "key"
        assert list(inspect.signature(DataCatalog).parameters)[:5] == [
            "datasets", "config_resolver", "load_versions", "save_version", "validation_enabled",
        ]
        catalog = DataCatalog(datasets={"a": MemoryDataset(1)})
        assert catalog.load(ds_name="a") == 1

    def test_load_failure_is_prefixed_with_the_name(self) -> None:
        catalog = DataCatalog(datasets={"a": Plain()})
        with pytest.raises(DatasetError, match=r"^a: Failed while loading data from dataset "):
            catalog.load("a")

    def test_missing_credentials_is_also_a_key_error(self) -> None:
        with pytest.raises(KeyError) as info:
            DataCatalog.from_config({"x": {"type": "MemoryDataset", "credentials": "nope"}})
        assert isinstance(info.value, DatasetError)
        assert str(info.value).startswith("Unable to find credentials 'nope': check your data "
                                          "catalog and credentials configuration.")

    def test_confirm_logs_and_names_the_missing_method(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        catalog = DataCatalog(datasets={"m": MemoryDataset(1)})
        with caplog.at_level(logging.INFO), pytest.raises(
            DatasetError, match="Dataset 'm' does not have 'confirm' method"
        ):
            catalog.confirm("m")
        assert ("kedro_ipy.io.data_catalog", logging.INFO, "Confirming dataset 'm'") in (
            caplog.record_tuples
        )

    def test_unknown_load_versions_listed_together(self) -> None:
        with pytest.raises(DatasetNotFoundError, match=re.escape(
            "'load_versions' keys [a, b] are not found in the catalog."
        )):
            DataCatalog.from_config({}, load_versions={"b": "1", "a": "2"})

    def test_entries_of_uninstalled_types_do_not_break_the_rest(self) -> None:
        catalog = DataCatalog.from_config({
            "spark": {"type": "spark.SparkDataset", "filepath": "x"},
            "ok": {"type": "MemoryDataset", "data": 3},
        })
        assert catalog.load("ok") == 3
        assert "spark" in catalog

    def test_datasets_pinning_versions_set_the_catalogs_versions(self, tmp_path: Path) -> None:
        pinned = PickleDataset(filepath=str(tmp_path / "a.pkl"), version=Version("v1", "v2"))
        catalog = DataCatalog(datasets={"a": pinned})
        assert catalog._load_versions == {"a": "v1"}
        assert catalog._save_version == "v2"
        other = PickleDataset(filepath=str(tmp_path / "b.pkl"), version=Version(None, "v3"))
        with pytest.raises(VersionAlreadyExistsError, match="Cannot add a dataset `b` with `v3` "
                                                            "save version"):
            catalog["b"] = other

    def test_to_config_round_trips(self, tmp_path: Path) -> None:
        config = {
            "raw": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "r.pkl"),
                    "credentials": "store"},
            "memory": {"type": "MemoryDataset", "data": 1},
        }
        credentials = {"store": {"token": "abc"}}
        catalog = DataCatalog.from_config(config, credentials)
        catalog["built"] = PickleDataset(filepath=str(tmp_path / "b.pkl"), backend="pickle")
        catalog["numbers"] = [1, 2]
        entries, creds, load_versions, save_version = catalog.to_config()
        assert entries == {
            "raw": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "r.pkl"),
                    "credentials": "raw_credentials"},
            "built": {"type": "kedro_ipy.io.datasets.pickle.PickleDataset",
                      "filepath": str(tmp_path / "b.pkl"), "backend": "pickle",
                      "load_args": None, "save_args": None, "credentials": None,
                      "fs_args": None},
        }
        assert creds == {"raw_credentials": {"token": "abc"}}
        assert load_versions == {"raw": None, "built": None}
        assert save_version == catalog._save_version
        again = DataCatalog.from_config(entries, creds, save_version=save_version)
        again.save("built", {"x": 1})
        assert catalog.load("built") == {"x": 1}

    def test_equality_compares_datasets_and_patterns(self) -> None:
        ds = MemoryDataset(1)
        assert DataCatalog(datasets={"a": ds}) == DataCatalog(datasets={"a": ds})
        assert DataCatalog(datasets={"a": ds}) != DataCatalog(datasets={"a": MemoryDataset(1)})

    def test_get_with_version_copies_versioned_and_returns_others(self, tmp_path: Path) -> None:
        memory = MemoryDataset(1)
        versioned = PickleDataset(filepath=str(tmp_path / "p.pkl"), version=Version(None, None))
        catalog = DataCatalog(datasets={"m": memory, "p": versioned})
        assert catalog.get("m", version=Version("v", None)) is memory
        pinned = catalog.get("p", version=Version("v", None))
        assert pinned is not versioned and pinned._version == Version("v", None)

    def test_validator_entries_are_dropped_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        catalog = DataCatalog.from_config({"m": {"type": "MemoryDataset", "data": 1,
                                                 "validator": {"type": "x.Schema"}}})
        with caplog.at_level(logging.WARNING):
            assert catalog.load("m") == 1
        assert "dataset validators" in caplog.text


class TestResolver:
    def test_direct_construction_warns_about_the_runtime_pattern(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING):
            CatalogConfigResolver({})
        assert "Since runtime patterns are not provided" in caplog.text
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            DataCatalog.from_config({"a": {"type": "MemoryDataset"}})
        assert "runtime patterns" not in caplog.text

    def test_patterns_catch_all_and_runtime_pattern_are_told_apart(self) -> None:
        resolver = CatalogConfigResolver(
            {"{name}_csv": {"type": "pandas.CSVDataset", "filepath": "{name}.csv"},
             "{anything}": {"type": "MemoryDataset"},
             "plain": {"type": "MemoryDataset", "data": 1}},
            default_runtime_patterns={"{default}": {"type": "MemoryDataset"}},
        )
        assert resolver.match_dataset_pattern("cars_csv") == "{name}_csv"
        assert resolver.match_dataset_pattern("cars") is None
        assert resolver.match_user_catch_all_pattern(ds_name="cars") == "{anything}"
        assert resolver.match_runtime_pattern("cars") == "{default}"
        assert resolver.resolve_pattern("plain") == {"type": "MemoryDataset", "data": 1}
        assert resolver.resolve_pattern(ds_name="cars_csv")["filepath"] == "cars.csv"

    def test_unmatched_name_resolves_to_the_runtime_pattern(self) -> None:
        resolver = CatalogConfigResolver(default_runtime_patterns={
            "{default}": {"type": "MemoryDataset"}
        })
        assert resolver.resolve_pattern("anything") == {"type": "MemoryDataset"}

    def test_catalog_subclass_runtime_pattern_is_used_for_fallbacks(self) -> None:
        class Shared(DataCatalog):
            default_runtime_patterns = {"{default}": {"type": "CachedDataset",
                                                      "dataset": {"type": "MemoryDataset"}}}

        catalog = Shared()
        assert isinstance(catalog.get("x", fallback_to_runtime_pattern=True), CachedDataset)
        assert isinstance(DataCatalog().get("x", fallback_to_runtime_pattern=True),
                          MemoryDataset)


def test_printing_the_catalog_builds_nothing(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config({
        "later": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "l.pkl")},
        "used": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "u.pkl")},
    })
    catalog["used"]
    text = repr(catalog)
    assert "'later': kedro_ipy.io.datasets.pickle.PickleDataset\n" in text
    assert "'used': kedro_ipy.io.datasets.pickle.PickleDataset(filepath=PurePosixPath(" in text
    assert type(catalog._datasets["later"]).__name__ == "_LazyDataset"


def test_filter_is_case_sensitive_exact_on_types_and_builds_nothing(tmp_path: Path) -> None:
    class Special(MemoryDataset):
        pass

    catalog = DataCatalog.from_config({
        "Raw_pickle": {"type": "pickle.PickleDataset", "filepath": str(tmp_path / "r.pkl")},
        "raw_memory": {"type": "MemoryDataset"},
    })
    catalog["special"] = Special(1)
    assert catalog.filter(name_regex="^raw") == ["raw_memory"]
    assert catalog.filter(type_regex="pickle") == ["Raw_pickle"]
    assert catalog.filter(by_type=MemoryDataset) == ["raw_memory"]
    assert catalog.filter(by_type=[Special, PickleDataset]) == ["Raw_pickle", "special"]
    assert catalog.get_type("Raw_pickle") == "kedro_ipy.io.datasets.pickle.PickleDataset"
    assert type(catalog._datasets["Raw_pickle"]).__name__ == "_LazyDataset"
    assert catalog.get_type("missing") is None


def test_not_found_is_kedros_sentence_with_hints_only_when_there_are_some() -> None:
    catalog = DataCatalog(datasets={"cars": MemoryDataset(1)})
    with pytest.raises(DatasetNotFoundError) as info:
        catalog.load("zzz")
    assert str(info.value) == "Dataset 'zzz' not found in the catalog"
    with pytest.raises(DatasetNotFoundError) as info:
        catalog.load("crs")
    assert str(info.value) == "Dataset 'crs' not found in the catalog. Did you mean 'cars'?"


def test_a_version_means_nothing_to_a_memory_dataset() -> None:
    catalog = DataCatalog(datasets={"m": MemoryDataset(5)})
    assert catalog.load("m", version="2024-01-01T00.00.00.000Z") == 5


def test_runtime_pattern_is_listed_last() -> None:
    catalog = DataCatalog.from_config({"{name}_m": {"type": "MemoryDataset"}})
    assert catalog.config_resolver.list_patterns() == ["{name}_m", "{default}"]


def test_catalog_protocol_and_is_parameter_exist_under_kedros_names() -> None:
    from kedro_ipy.io import CatalogProtocol
    from kedro_ipy.io.core import is_parameter

    assert isinstance(DataCatalog(), CatalogProtocol)
    assert not isinstance(MemoryDataset(), CatalogProtocol)
    assert is_parameter("parameters") and is_parameter("params:a.b")
    assert not is_parameter("param:a")


def test_loads_and_saves_are_logged_at_info_as_in_kedro(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalog = DataCatalog(datasets={"cars": MemoryDataset()})
    with caplog.at_level(logging.INFO, logger="kedro_ipy.io.data_catalog"):
        catalog.save("cars", 1)
        catalog.load("cars")
    assert [r.getMessage() for r in caplog.records] == [
        "Saving data to cars (MemoryDataset)...", "Loading data from cars (MemoryDataset)...",
    ]


@pytest.mark.parametrize("version", ["..", ".", "a/b", "..\\x"])
def test_versions_that_leave_the_dataset_folder_are_refused(tmp_path: Path, version: str) -> None:
    ds = Text(str(tmp_path / "t.txt"), Version(version, version))
    with pytest.raises(DatasetError, match=re.escape(f"Version string '{version}' is not "
                                                     "allowed.")):
        ds.save("x")


def test_copy_with_replaced_attributes() -> None:
    original = Plain("a.txt", colour="red")
    copy = original._copy(colour="blue")
    assert (copy.path, copy.colour, original.colour) == ("a.txt", "blue", "red")

"""DataCatalog: config, factories, credentials, versions, parameters and the catalog API."""

from __future__ import annotations

import logging
import re
import traceback
from pathlib import Path
from typing import Any

import pytest

from kedro_ipy.io import (
    AbstractDataset,
    DataCatalog,
    DatasetAlreadyExistsError,
    DatasetError,
    DatasetNotFoundError,
    LambdaDataset,
    MemoryDataset,
)
from kedro_ipy.io.datasets.pickle import PickleDataset

SECRET = "s3cr3t-VALUE-123"
CREDENTIALS = {"db": {"user": "alice", "password": SECRET}, "other": {"token": "tok-XYZ"}}


class NeedsCredentials(AbstractDataset):
    """Keeps its credentials; fails loudly (with them!) when told to."""

    def __init__(self, credentials: dict[str, Any], fail: str = "") -> None:
        self.credentials = credentials
        if fail == "init":
            raise ValueError(f"bad login {credentials}")
        self.fail = fail

    def _load(self) -> Any:
        if self.fail == "load":
            raise ConnectionError(f"refused for password={self.credentials['password']}")
        return self.credentials["user"]

    def _save(self, data: Any) -> None:
        raise ConnectionError(f"cannot write with {self.credentials}")

    def _describe(self) -> dict[str, Any]:
        return {}


NEEDS = f"{__name__}.NeedsCredentials"


class Confirmable(MemoryDataset):
    confirmed = False

    def confirm(self) -> None:
        self.confirmed = True


class TestFromConfig:
    def test_builds_and_round_trips(self) -> None:
        catalog = DataCatalog.from_config({
            "a": {"type": "MemoryDataset", "data": 1},
            "b": {"type": "kedro.io.MemoryDataset"},
            "_anchor": {"type": "ignored"},
        })
        assert catalog.keys() == ["a", "b"]
        catalog.save("b", [2])
        assert catalog.load("a") == 1 and catalog.load("b") == [2]

    @pytest.mark.parametrize("type_name", [
        "pickle.PickleDataset",
        "kedro_datasets.pickle.PickleDataset",
        "kedro_ipy.io.datasets.pickle.PickleDataset",
    ])
    def test_kedro_type_strings_map_to_ours(self, type_name: str, tmp_path: Path) -> None:
        catalog = DataCatalog.from_config(
            {"x": {"type": type_name, "filepath": str(tmp_path / "x.pkl")}}
        )
        assert type(catalog["x"]) is PickleDataset

    def test_full_dotted_path(self) -> None:
        catalog = DataCatalog.from_config({"x": {"type": f"{__name__}.Confirmable"}})
        assert type(catalog["x"]) is Confirmable

    def test_unknown_type_fails_on_first_use_and_suggests_close_names(self) -> None:
        # As in Kedro, an entry whose type is missing only fails when it is used.
        catalog = DataCatalog.from_config(
            {"cars": {"type": "pandas.CSVDataSet", "filepath": "c"},
             "ok": {"type": "MemoryDataset", "data": 1}}
        )
        assert catalog.load("ok") == 1
        with pytest.raises(DatasetError, match=re.escape(
            "An exception occurred when parsing config for dataset 'cars':\n"
            "Class 'pandas.CSVDataSet' not found, is this a typo?"
        )) as info:
            catalog.load("cars")
        assert "Did you mean 'pandas.CSVDataset'?" in str(info.value)

    @pytest.mark.parametrize(("typed", "hint"), [
        ("PickleDataset", "Did you mean 'pickle.PickleDataset'?"),  # the module left out
        ("pickle", "Did you mean 'pickle.PickleDataset'?"),  # the class left out
        ("pandas", "Did you mean one of these: 'pandas.CSVDataset', 'pandas.ExcelDataset', "
                   "'pandas.FeatherDataset', 'pandas.GenericDataset', 'pandas.JSONDataset', "
                   "'pandas.ParquetDataset', 'pandas.SQLQueryDataset', 'pandas.SQLTableDataset'?"),
    ])
    def test_half_a_type_path_suggests_the_whole_one(self, typed: str, hint: str) -> None:
        catalog = DataCatalog.from_config({"cars": {"type": typed, "filepath": "c"}})
        with pytest.raises(DatasetError, match=re.escape(hint)):
            catalog.load("cars")

    def test_type_naming_something_other_than_a_class(self) -> None:
        # Used to crash with AttributeError while building the "not a dataset" message.
        catalog = DataCatalog.from_config({"x": {"type": "math.pi"}})
        with pytest.raises(DatasetError, match=r"'math\.pi' is a float, not a class"):
            catalog.load("x")

    def test_type_that_is_not_a_dataset(self) -> None:
        catalog = DataCatalog.from_config({"x": {"type": "collections.OrderedDict"}})
        with pytest.raises(DatasetError, match=re.escape(
            "Dataset type 'collections.OrderedDict' is invalid: all dataset types must extend "
            "'AbstractDataset'."
        )):
            catalog.load("x")

    def test_relative_type_path_is_refused(self) -> None:
        with pytest.raises(DatasetError, match="'type' class path does not support relative"):
            DataCatalog.from_config({"x": {"type": ".PickleDataset"}}).load("x")

    def test_malformed_entries_are_named(self) -> None:
        with pytest.raises(DatasetError, match=re.escape(
            "Catalog entry 'x' is not a valid dataset configuration. \nHint: If this catalog "
            "entry is intended for variable interpolation, make sure that the key is preceded "
            "by an underscore."
        )):
            DataCatalog.from_config({"x": "pickle.PickleDataset"})
        with pytest.raises(DatasetError, match=re.escape(
            "An exception occurred when parsing config for dataset 'y':\n"
            "'type' is missing from dataset catalog configuration"
        )):
            DataCatalog.from_config({"y": {"filepath": "a.csv"}})

    def test_bad_constructor_args_name_the_entry(self) -> None:
        catalog = DataCatalog.from_config({"x": {"type": "MemoryDataset", "colour": "red"}})
        with pytest.raises(DatasetError, match=re.escape(
            "Dataset 'x' must only contain arguments valid for the constructor of "
            "'kedro_ipy.io.memory_dataset.MemoryDataset'."
        )) as info:
            catalog.load("x")
        assert "colour" in str(info.value)

    def test_failing_constructor_names_entry_and_type(self) -> None:
        catalog = DataCatalog.from_config(
            {"x": {"type": "pickle.PickleDataset", "filepath": ""}}
        )
        with pytest.raises(DatasetError, match=re.escape(
            "Failed to instantiate dataset 'x' of type "
            "'kedro_ipy.io.datasets.pickle.PickleDataset'."
        )):
            catalog.load("x")

    def test_versioned_type_without_versions(self) -> None:
        catalog = DataCatalog.from_config({"x": {"type": "MemoryDataset", "versioned": True}})
        with pytest.raises(DatasetError, match="'MemoryDataset' does not support versioning"):
            catalog.load("x")

    def test_reserved_version_key_is_dropped_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        catalog = DataCatalog.from_config({"x": {"type": "MemoryDataset", "version": 3}})
        with caplog.at_level(logging.WARNING):
            assert isinstance(catalog["x"], MemoryDataset)
        assert "'version' attribute removed from dataset configuration" in caplog.text


class TestCredentials:
    def test_injected_by_name(self) -> None:
        catalog = DataCatalog.from_config(
            {"users": {"type": NEEDS, "credentials": "db"}}, credentials=CREDENTIALS
        )
        assert catalog.load("users") == "alice"
        assert catalog["users"].credentials == CREDENTIALS["db"]  # type: ignore[attr-defined]

    def test_nested_credentials_injected(self, tmp_path: Path) -> None:
        catalog = DataCatalog.from_config({"parts": {
            "type": "partitions.PartitionedDataset", "path": str(tmp_path),
            "dataset": {"type": NEEDS, "credentials": "db"}, "filepath_arg": "fail",
        }}, credentials=CREDENTIALS)
        assert catalog["parts"]._dataset_config["credentials"] == CREDENTIALS["db"]  # type: ignore[attr-defined]

    def test_missing_credentials_named_without_values(self) -> None:
        with pytest.raises(DatasetError, match=re.escape(
            "Catalog entry 'users' uses credentials 'dbb', which are not defined. "
            "Defined credentials: db, other. Did you mean 'db'?"
        )) as info:
            DataCatalog.from_config(
                {"users": {"type": NEEDS, "credentials": "dbb"}}, credentials=CREDENTIALS
            )
        assert SECRET not in str(info.value)

    def test_missing_credentials_in_pattern_reported_at_start(self) -> None:
        message = "Catalog entry '{name}_db' uses credentials 'x'"
        with pytest.raises(DatasetError, match=re.escape(message)):
            DataCatalog.from_config({"{name}_db": {"type": NEEDS, "credentials": "x"}})

    def test_never_in_repr_errors_or_logs(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        catalog = DataCatalog.from_config({
            "ok": {"type": NEEDS, "credentials": "db"},
            "bad_load": {"type": NEEDS, "credentials": "db", "fail": "load"},
            "bad_init": {"type": NEEDS, "credentials": "db", "fail": "init"},
            "{name}_x": {"type": NEEDS, "credentials": "db", "fail": "init"},
        }, credentials=CREDENTIALS)
        texts = [repr(catalog), str(catalog.describe())]
        for action in (
            lambda: catalog.load("bad_load"),
            lambda: catalog.save("ok", 1),
            lambda: catalog.load("bad_init"),
            lambda: catalog.load("a_x"),
            lambda: catalog.load("missing"),
        ):
            with pytest.raises(DatasetError) as info:
                action()
            texts.append(str(info.value))
            cause = info.value.__cause__
            while cause is not None:
                texts.append(str(cause))
                cause = cause.__cause__
        assert catalog.load("ok") == "alice"
        texts.append(caplog.text)
        for text in texts:
            assert SECRET not in text
        assert "***" in texts[2]  # the load error kept its shape, secret masked

    def test_never_in_describe_even_when_the_dataset_describes_its_credentials(self) -> None:
        # A hand-written dataset that shows what it was given: the catalog must still hide it.
        class Telling(NeedsCredentials):
            def _describe(self) -> dict[str, Any]:
                return {"user": self.credentials["user"], "login": dict(self.credentials)}

        catalog = DataCatalog.from_config(
            {"t": {"type": NEEDS, "credentials": "db"}}, credentials=CREDENTIALS
        )
        catalog.add("t", Telling(CREDENTIALS["db"]), replace=True)
        for described in (catalog.describe("t"), catalog.describe()["t"]):
            assert SECRET not in str(described)
            assert described["login"] == {"user": "***", "password": "***"}

    def test_password_in_an_http_url_never_shown(self) -> None:
        url = f"https://bob:{SECRET}@example.com/data/x.pkl"
        catalog = DataCatalog.from_config({"x": {"type": "pickle.PickleDataset", "filepath": url}})
        dataset = catalog["x"]
        texts = [repr(catalog), repr(dataset), str(catalog.describe()), str(dataset.describe())]
        for text in texts:
            assert SECRET not in text
        assert "example.com/data/x.pkl" in texts[1]

        class Connection(MemoryDataset):
            def _describe(self) -> dict[str, Any]:
                return {"con": f"postgresql://bob:{SECRET}@db.example.com/sales"}

        assert Connection().describe() == {"con": "postgresql://***@db.example.com/sales"}

    def test_never_in_an_earlier_exception_of_the_chain(self) -> None:
        # The dataset's own DatasetError is clean, but it was raised from (or while handling)
        # an error that shows the password: a printed traceback would show that one too.
        class Wrapping(NeedsCredentials):
            def _load(self) -> Any:
                try:
                    super()._load()
                except ConnectionError as exc:
                    raise DatasetError("remote load failed") from exc

            def _save(self, data: Any) -> None:
                try:
                    super()._save(data)
                except ConnectionError:
                    raise DatasetError("remote save failed")  # noqa: B904 - implicit context

        catalog = DataCatalog.from_config(
            {"w": {"type": NEEDS, "credentials": "db"}}, credentials=CREDENTIALS
        )
        catalog.add("w", Wrapping(CREDENTIALS["db"], fail="load"), replace=True)

        for action in (lambda: catalog.load("w"), lambda: catalog.save("w", 1)):
            with pytest.raises(DatasetError) as info:
                action()
            printed = "".join(traceback.format_exception(info.value))
            assert "remote" in printed
            assert SECRET not in printed


class TestFactories:
    def test_pattern_fills_placeholders(self, tmp_path: Path) -> None:
        catalog = DataCatalog.from_config({"{name}_pkl": {
            "type": "pickle.PickleDataset", "filepath": str(tmp_path / "{name}.pkl"),
        }})
        assert "cars_pkl" in catalog
        assert "cars" not in catalog
        catalog.save("cars_pkl", {"n": 1})
        assert (tmp_path / "cars.pkl").is_file()
        assert catalog.load("cars_pkl") == {"n": 1}
        assert catalog["cars_pkl"] is catalog["cars_pkl"]  # created once, then registered
        assert "cars_pkl" in catalog.list()

    def test_most_specific_pattern_wins(self) -> None:
        catalog = DataCatalog.from_config({
            "{default}": {"type": "MemoryDataset", "data": "catch-all"},
            "{namespace}.{name}": {"type": "MemoryDataset", "data": "ns"},
            "{namespace}.int_{name}": {"type": "MemoryDataset", "data": "int"},
            "{a}{b}.int_{name}": {"type": "MemoryDataset", "data": "more placeholders"},
        })
        assert catalog.config_resolver.list_patterns() == [
            "{a}{b}.int_{name}", "{namespace}.int_{name}", "{namespace}.{name}", "{default}",
        ]
        assert catalog.load("data.int_cars") == "more placeholders"
        assert catalog.load("data.cars") == "ns"
        assert catalog.load("cars") == "catch-all"

    def test_alphabetical_tie_break(self) -> None:
        catalog = DataCatalog.from_config({
            "{x}_b": {"type": "MemoryDataset", "data": "b"},
            "a_{x}": {"type": "MemoryDataset", "data": "a"},
        })
        assert catalog.load("a_b") == "a"

    def test_matching_ignores_case_like_kedro(self) -> None:
        catalog = DataCatalog.from_config({"{name}_CSV": {"type": "MemoryDataset", "data": 1}})
        assert "cars_csv" in catalog

    def test_only_one_catch_all(self) -> None:
        with pytest.raises(DatasetError, match=re.escape(
                "Multiple catch-all patterns found in the catalog: {a}, {b}. Only one "
                "catch-all pattern is allowed")):
            DataCatalog.from_config({"{a}": {"type": "MemoryDataset"},
                                     "{b}": {"type": "MemoryDataset"}})

    def test_unknown_placeholder_in_config(self) -> None:
        with pytest.raises(DatasetError, match=re.escape(
            "Incorrect dataset configuration provided. Keys used in the configuration "
            "{'{folder}'} should present in the dataset pattern name {name}_csv. "
            "(Its name has {name}.)"
        )):
            DataCatalog.from_config({"{name}_csv": {
                "type": "pandas.CSVDataset", "filepath": "{folder}/{name}.csv",
            }})

    def test_repeated_placeholder_must_agree(self) -> None:
        catalog = DataCatalog.from_config({"{x}_{x}": {"type": "MemoryDataset"}})
        assert "a_a" in catalog
        assert "a_b" not in catalog


class TestVersions:
    def test_one_save_version_for_the_run(self, tmp_path: Path) -> None:
        config = {
            n: {"type": "pickle.PickleDataset", "filepath": str(tmp_path / f"{n}.pkl"),
                "versioned": True}
            for n in ("a", "b")
        }
        catalog = DataCatalog.from_config(config, save_version="2024-01-01T00.00.00.000Z")
        catalog.save("a", 1)
        catalog.save("b", 2)
        assert catalog["a"].list_versions(full_path=False) == ["2024-01-01T00.00.00.000Z"]  # type: ignore[attr-defined]
        assert catalog["b"].list_versions(full_path=False) == ["2024-01-01T00.00.00.000Z"]  # type: ignore[attr-defined]

        later = DataCatalog.from_config(config, save_version="2024-02-01T00.00.00.000Z")
        later.save("a", 10)
        assert later.load("a") == 10
        pinned = DataCatalog.from_config(
            config, load_versions={"a": "2024-01-01T00.00.00.000Z"}
        )
        assert pinned.load("a") == 1
        assert later.load("a", version="2024-01-01T00.00.00.000Z") == 1

    def test_default_save_version_is_shared(self, tmp_path: Path) -> None:
        catalog = DataCatalog.from_config({"{n}": {
            "type": "json.JSONDataset", "filepath": str(tmp_path / "{n}.json"), "versioned": True,
        }})
        catalog.save("a", 1)
        catalog.save("b", 2)
        assert (catalog["a"].list_versions(full_path=False)  # type: ignore[attr-defined]
                == catalog["b"].list_versions(full_path=False))  # type: ignore[attr-defined]

    def test_load_versions_reach_datasets_made_from_patterns(self, tmp_path: Path) -> None:
        config = {"{name}_model": {"type": "pickle.PickleDataset", "versioned": True,
                                   "filepath": str(tmp_path / "{name}.pkl")}}
        DataCatalog.from_config(config, save_version="2024-01-01T00.00.00.000Z").save("a_model", 1)
        DataCatalog.from_config(config, save_version="2024-02-01T00.00.00.000Z").save("a_model", 2)
        assert DataCatalog.from_config(config).load("a_model") == 2
        pinned = DataCatalog.from_config(
            config, load_versions={"a_model": "2024-01-01T00.00.00.000Z"}
        )
        assert pinned.load("a_model") == 1

    def test_load_versions_for_unknown_dataset(self) -> None:
        with pytest.raises(DatasetNotFoundError, match=r"'load_versions' keys \[modle\] are not "
                                                       r"found in the catalog\..*"
                                                       "Did you mean 'model'"):
            DataCatalog.from_config({"model": {"type": "MemoryDataset"}},
                                    load_versions={"modle": "2024-01-01T00.00.00.000Z"})

    def test_load_versions_for_unversioned_dataset_is_ignored_with_a_warning(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.WARNING, logger="kedro_ipy.io.data_catalog"):
            catalog = DataCatalog.from_config(
                {"model": {"type": "MemoryDataset", "data": 1}},
                load_versions={"model": "2024-01-01T00.00.00.000Z"},
            )
        assert catalog.load("model") == 1
        assert "dataset 'model', which is not versioned; the pin is ignored" in caplog.text


class TestParameters:
    def test_nested_params(self) -> None:
        catalog = DataCatalog()
        catalog.add_feed_dict({"parameters": {"model": {"alpha": 0.1, "layers": [1]}, "seed": 3}})
        assert "params:model.alpha" in catalog
        assert catalog.load("params:model.alpha") == 0.1
        assert catalog.load("params:model") == {"alpha": 0.1, "layers": [1]}
        assert catalog.load("parameters")["seed"] == 3
        assert "params:model.beta" not in catalog
        assert catalog.list("^params:") == [
            "params:model", "params:model.alpha", "params:model.layers", "params:seed",
        ]

    def test_explicit_params_entry_wins(self) -> None:
        catalog = DataCatalog()
        catalog.add_feed_dict({"parameters": {"a": 1}, "params:a": 2})
        assert catalog.load("params:a") == 2

    def test_new_parameters_replace_old(self) -> None:
        catalog = DataCatalog()
        catalog["parameters"] = {"a": 1}
        assert catalog.load("params:a") == 1
        catalog["parameters"] = {"a": 2}
        assert catalog.load("params:a") == 2

    def test_saving_parameters_updates_params_entries(self) -> None:
        # A notebook tweaking the parameters through the catalog: params:<key> must follow.
        catalog = DataCatalog()
        catalog.add_feed_dict({"parameters": {"model": {"alpha": 0.1}}})
        assert catalog.load("params:model.alpha") == 0.1
        catalog.save("parameters", {"model": {"alpha": 0.7, "beta": 2}})
        assert catalog.load("params:model.alpha") == 0.7
        assert catalog.load("params:model.beta") == 2

    def test_unknown_param_suggests(self) -> None:
        catalog = DataCatalog()
        catalog["parameters"] = {"alpha": 1}
        with pytest.raises(DatasetNotFoundError, match=re.escape(
            "Dataset 'params:alpah' not found in the catalog. Did you mean 'params:alpha'?"
        )):
            catalog.load("params:alpah")

    def test_params_without_parameters(self) -> None:
        with pytest.raises(DatasetNotFoundError, match="No parameters have been added"):
            DataCatalog().load("params:x")


class TestCatalogApi:
    def test_add_and_replace(self) -> None:
        catalog = DataCatalog(datasets={"a": MemoryDataset(1)}, raw_data={"b": 2})
        with pytest.raises(DatasetAlreadyExistsError, match="Dataset 'a' has already been "
                                                            "registered; pass replace=True"):
            catalog.add("a", MemoryDataset(3))
        catalog.add("a", MemoryDataset(3), replace=True)
        assert catalog.load("a") == 3 and catalog.load("b") == 2
        with pytest.raises(DatasetAlreadyExistsError):
            catalog.add_feed_dict({"b": 5})
        catalog.add_feed_dict({"b": 5, "c": MemoryDataset(6)}, replace=True)
        assert catalog.load("b") == 5 and catalog.load("c") == 6

    def test_setitem_wraps_raw_data(self) -> None:
        catalog = DataCatalog()
        catalog["x"] = [1]
        ds = LambdaDataset(load=lambda: "L", save=None)
        catalog["y"] = ds
        assert isinstance(catalog["x"], MemoryDataset)
        assert catalog["y"] is ds
        assert "x" in catalog and "z" not in catalog and 3 not in catalog
        assert list(catalog) == ["x", "y"] and len(catalog) == 2

    def test_not_found_suggests(self) -> None:
        catalog = DataCatalog(raw_data={"companies": 1})
        for call in (catalog.load, lambda n: catalog.save(n, 1), catalog.release,
                     catalog.__getitem__):
            with pytest.raises(DatasetNotFoundError, match=re.escape(
                "Dataset 'compnies' not found in the catalog. Did you mean 'companies'?"
            )):
                call("compnies")

    def test_exists_release(self) -> None:
        catalog = DataCatalog(datasets={"a": MemoryDataset()})
        assert catalog.exists("a") is False
        assert catalog.exists("unknown") is False
        catalog.save("a", 1)
        assert catalog.exists("a") is True
        catalog.release("a")
        assert catalog.exists("a") is False

    def test_load_error_names_dataset(self) -> None:
        catalog = DataCatalog(datasets={"a": MemoryDataset()})
        with pytest.raises(DatasetError, match=re.escape(
            "a: Data for MemoryDataset has not been saved yet."
        )):
            catalog.load("a")

    def test_missing_file_names_dataset_and_path(self, tmp_path: Path) -> None:
        path = str(tmp_path / "none.pkl")
        catalog = DataCatalog.from_config({"m": {"type": "pickle.PickleDataset",
                                                 "filepath": path}})
        with pytest.raises(DatasetError, match=rf"^m: Failed while loading .*\n\[Errno 2\] No "
                                               rf"such file or directory: '{re.escape(path)}'$"):
            catalog.load("m")

    def test_confirm(self) -> None:
        catalog = DataCatalog(datasets={"c": Confirmable(), "m": MemoryDataset()})
        catalog.confirm("c")
        assert catalog["c"].confirmed  # type: ignore[attr-defined]
        with pytest.raises(DatasetError, match="Dataset 'm' does not have 'confirm' method"):
            catalog.confirm("m")

    def test_list_with_regex(self) -> None:
        catalog = DataCatalog(raw_data={"raw_cars": 1, "raw_boats": 2, "model": 3})
        assert catalog.list() == ["raw_cars", "raw_boats", "model"]
        assert catalog.list("^raw") == ["raw_cars", "raw_boats"]
        with pytest.raises(SyntaxError, match="Invalid regular expression provided: '\\['"):
            catalog.list("[")

    def test_shallow_copy_is_independent_but_shares_datasets(self) -> None:
        catalog = DataCatalog.from_config({"a": {"type": "MemoryDataset"}})
        copy = catalog.shallow_copy()
        copy["run_only"] = 1
        copy.save("a", 5)
        assert "run_only" not in catalog
        assert catalog.load("a") == 5  # same dataset object
        assert copy["a"] is catalog["a"]

    def test_describe_and_get_type(self) -> None:
        catalog = DataCatalog(raw_data={"a": [1]})
        assert catalog.describe("a") == {
            "type": "kedro_ipy.io.memory_dataset.MemoryDataset", "data": "<list>",
        }
        assert catalog.get_type("nope") is None
        assert catalog.get("nope") is None
        assert isinstance(catalog.get("new", fallback_to_runtime_pattern=True), MemoryDataset)
        assert "new" in catalog


def test_threads_share_one_lazily_built_dataset() -> None:
    import threading

    catalog = DataCatalog.from_config({f"d{i}": {"type": "MemoryDataset"} for i in range(50)})
    copies = [catalog.shallow_copy() for _ in range(4)]
    seen: list[list[AbstractDataset]] = [[] for _ in copies]
    barrier = threading.Barrier(len(copies))

    def work(index: int) -> None:
        barrier.wait()
        seen[index] = [copies[index][f"d{i}"] for i in range(50)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(copies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(50):
        assert len({id(s[i]) for s in seen} | {id(catalog[f"d{i}"])}) == 1


def test_parse_dataset_definition_like_kedro() -> None:
    from kedro_ipy.io.core import Version, parse_dataset_definition

    cls, kwargs = parse_dataset_definition(
        {"type": "pickle.PickleDataset", "filepath": "x.pkl", "versioned": True}, "v1", "v2"
    )
    assert cls is PickleDataset
    assert kwargs == {"filepath": "x.pkl", "version": Version("v1", "v2")}


def test_a_reimported_dataset_module_gives_its_new_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """Project code reloaded (``%session_create`` drops the package): the edited class wins."""
    import sys
    import types

    from kedro_ipy.io import AbstractDataset

    def module_with(value: int) -> types.ModuleType:
        module = types.ModuleType("reloaded_project_datasets")

        class Feed(AbstractDataset):
            def _load(self) -> int:
                return value

            def _describe(self) -> dict:
                return {}

        Feed.__module__ = module.__name__
        module.Feed = Feed  # type: ignore[attr-defined]
        return module

    config = {"feed": {"type": "reloaded_project_datasets.Feed"}}
    monkeypatch.setitem(sys.modules, "reloaded_project_datasets", module_with(1))
    assert DataCatalog.from_config(config).load("feed") == 1
    monkeypatch.setitem(sys.modules, "reloaded_project_datasets", module_with(2))
    assert DataCatalog.from_config(config).load("feed") == 2

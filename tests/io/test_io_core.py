"""AbstractDataset / AbstractVersionedDataset: the wrapping of failures and versions."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

import pytest

from kedro_ipy.io import (
    AbstractDataset,
    AbstractVersionedDataset,
    DatasetError,
    Version,
    VersionAlreadyExistsError,
    VersionNotFoundError,
    generate_timestamp,
)


class Broken(AbstractDataset):
    def _load(self) -> Any:
        raise ValueError("disk on fire")

    def _save(self, data: Any) -> None:
        raise OSError("no space")

    def _exists(self) -> bool:
        raise RuntimeError("cannot tell")

    def _describe(self) -> dict[str, Any]:
        return {"where": "here"}


class KedroStyle(AbstractDataset):
    """Written the Kedro 1.x way: load/save defined directly."""

    def __init__(self) -> None:
        self.data: Any = None

    def load(self) -> Any:
        if self.data is None:
            raise KeyError("nothing")
        return self.data

    def save(self, data: Any) -> None:
        self.data = data

    def _describe(self) -> dict[str, Any]:
        return {}


class TestAbstractDataset:
    def test_load_failure_names_dataset_and_operation(self) -> None:
        with pytest.raises(
            DatasetError,
            match=r"Failed while loading data from dataset "
                  r".*Broken\(where='here'\)\.\ndisk on fire$",
        ) as info:
            Broken().load()
        assert isinstance(info.value.__cause__, ValueError)

    def test_save_failure_names_dataset_and_operation(self) -> None:
        with pytest.raises(DatasetError,
                           match=r"Failed while saving data to dataset .*Broken.*\.\n"):
            Broken().save(1)

    def test_exists_failure_is_wrapped(self) -> None:
        with pytest.raises(DatasetError,
                           match=r"Failed during exists check for dataset .*\.\n.*cannot tell"):
            Broken().exists()

    def test_saving_none_is_refused(self) -> None:
        with pytest.raises(DatasetError, match="Saving 'None'"):
            KedroStyle().save(None)

    def test_kedro_style_subclass_is_wrapped_too(self) -> None:
        ds = KedroStyle()
        with pytest.raises(DatasetError, match=r"Failed while loading data from dataset "
                                               r".*KedroStyle\(\)\.\n'nothing'"):
            ds.load()
        ds.save([1])
        assert ds.load() == [1]

    def test_missing_exists_means_false(self) -> None:
        assert KedroStyle().exists() is False

    def test_repr_uses_module_path_and_describe(self) -> None:
        assert repr(Broken()) == f"{__name__}.Broken(where='here')"


def test_generate_timestamp_has_kedro_format() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z", generate_timestamp())


class Dict(AbstractVersionedDataset):
    """A versioned dataset over a dict 'filesystem', to test the version logic alone."""

    def __init__(self, files: dict[str, Any], version: Version | None) -> None:
        self.files = files
        super().__init__(
            PurePosixPath("data/model.pkl"), version,
            exists_function=lambda p: p in files,
            glob_function=lambda pattern: [
                p for p in files if re.fullmatch(re.escape(pattern).replace(r"\*", "[^/]+"), p)
            ],
        )

    def _load(self) -> Any:
        return self.files[str(self._get_load_path())]

    def _save(self, data: Any) -> None:
        self.files[str(self._get_save_path())] = data


class TestVersioning:
    def test_every_save_is_kept_and_newest_loads(self) -> None:
        files: dict[str, Any] = {}
        Dict(files, Version(None, "2024-01-01T00.00.00.000Z")).save("old")
        Dict(files, Version(None, "2024-02-01T00.00.00.000Z")).save("new")
        assert sorted(files) == [
            "data/model.pkl/2024-01-01T00.00.00.000Z/model.pkl",
            "data/model.pkl/2024-02-01T00.00.00.000Z/model.pkl",
        ]
        assert Dict(files, Version(None, None)).load() == "new"
        assert Dict(files, Version("2024-01-01T00.00.00.000Z", None)).load() == "old"

    @pytest.mark.filterwarnings("ignore:Save version .* did not match load version")
    def test_list_versions_newest_first(self) -> None:
        files: dict[str, Any] = {}
        for v in ("2024-01-01T00.00.00.000Z", "2024-03-01T00.00.00.000Z",
                  "2024-02-01T00.00.00.000Z"):
            Dict(files, Version(None, v)).save(v)
        ds = Dict(files, Version(None, None))
        assert ds.list_versions(full_path=False) == [
            "2024-03-01T00.00.00.000Z", "2024-02-01T00.00.00.000Z", "2024-01-01T00.00.00.000Z",
        ]
        assert ds.list_versions()[0] == "data/model.pkl/2024-03-01T00.00.00.000Z/model.pkl"

    def test_saving_an_existing_version_fails(self) -> None:
        files: dict[str, Any] = {}
        ds = Dict(files, Version(None, "2024-01-01T00.00.00.000Z"))
        ds.save(1)
        with pytest.raises(VersionAlreadyExistsError, match="exists already"):
            ds.save(2)
        assert ds.load() == 1

    def test_no_versions_yet(self) -> None:
        ds = Dict({}, Version(None, None))
        assert ds.exists() is False
        assert ds.list_versions() == []
        with pytest.raises(VersionNotFoundError, match="Did not find any versions"):
            ds.load()

    def test_pinned_missing_version_lists_available(self) -> None:
        files: dict[str, Any] = {}
        Dict(files, Version(None, "2024-01-01T00.00.00.000Z")).save(1)
        ds = Dict(files, Version("2023-01-01T00.00.00.000Z", None))
        with pytest.raises(VersionNotFoundError, match=re.escape(
            "Available versions, newest first: 2024-01-01T00.00.00.000Z."
        )):
            ds.load()
        assert ds.exists() is False

    def test_unset_save_version_is_fresh_per_save(self) -> None:
        files: dict[str, Any] = {}
        ds = Dict(files, Version(None, None))
        ds.save(1)
        assert ds.resolve_load_version() == ds.list_versions(full_path=False)[0]


@pytest.mark.parametrize(("path", "expected"), [
    ("data/a.csv", ("file", "data/a.csv")),
    ("file:///tmp/a.csv", ("file", "/tmp/a.csv")),
    ("s3://bucket/a.csv", ("s3", "bucket/a.csv")),
    ("https://example.com/a.csv", ("https", "example.com/a.csv")),
    ("C:\\data\\a.csv", ("file", "C:\\data\\a.csv")),
])
def test_get_protocol_and_path(path: str, expected: tuple[str, str]) -> None:
    from kedro_ipy.io.core import get_filepath_str, get_protocol_and_path

    assert get_protocol_and_path(path) == expected
    protocol, rest = expected
    if protocol == "https":
        assert get_filepath_str(PurePosixPath(rest), protocol) == path


def test_http_cannot_be_versioned() -> None:
    from kedro_ipy.io.core import get_protocol_and_path

    with pytest.raises(DatasetError, match="Versioning is not supported for HTTP protocols"):
        get_protocol_and_path("https://example.com/a.csv", Version(None, None))

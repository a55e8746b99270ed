"""MemoryDataset, CachedDataset and LambdaDataset."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from kedro_ipy.io import CachedDataset, DatasetError, LambdaDataset, MemoryDataset


class TestMemoryDataset:
    def test_round_trip_deep_copies_by_default(self) -> None:
        data = {"a": [1, 2]}
        ds = MemoryDataset(data=data)
        data["a"].append(3)
        loaded = ds.load()
        assert loaded == {"a": [1, 2]}
        loaded["a"].append(4)
        assert ds.load() == {"a": [1, 2]}

    def test_assign_shares_the_object(self) -> None:
        data: list[int] = []
        ds = MemoryDataset(data=data, copy_mode="assign")
        assert ds.load() is data

    def test_copy_mode_calls_copy(self) -> None:
        class Copyable:
            copies = 0

            def copy(self) -> Copyable:
                Copyable.copies += 1
                return Copyable()

        ds = MemoryDataset(copy_mode="copy")
        ds.save(Copyable())
        ds.load()
        assert Copyable.copies == 2

    def test_frames_and_arrays_default_to_copy(self) -> None:
        df = pd.DataFrame({"a": [1]})
        ds = MemoryDataset(data=df)
        out = ds.load()
        assert out is not df
        pd.testing.assert_frame_equal(out, df)
        arr = np.arange(3)
        out_arr = MemoryDataset(data=arr).load()
        assert out_arr is not arr and out_arr.tolist() == [0, 1, 2]

    def test_bad_copy_mode(self) -> None:
        with pytest.raises(DatasetError, match=r"Invalid copy mode: clone\. Possible values "
                                               r"are: deepcopy, copy, assign\."):
            MemoryDataset(copy_mode="clone")  # type: ignore[arg-type]

    def test_empty_load_exists_release(self) -> None:
        ds = MemoryDataset()
        assert ds.exists() is False
        with pytest.raises(DatasetError, match="has not been saved yet"):
            ds.load()
        ds.save(1)
        assert ds.exists() is True
        ds.release()
        assert ds.exists() is False

    def test_repr_shows_type_not_value(self) -> None:
        assert repr(MemoryDataset(data="secret-ish")) == (
            "kedro_ipy.io.memory_dataset.MemoryDataset(data='<str>')"
        )


class TestCachedDataset:
    def test_loads_underlying_once(self) -> None:
        calls: list[int] = []

        def load() -> int:
            calls.append(1)
            return 7

        ds = CachedDataset(LambdaDataset(load=load, save=None))
        assert ds.load() == 7
        assert ds.load() == 7
        assert len(calls) == 1
        ds.release()
        ds.load()
        assert len(calls) == 2

    def test_save_writes_through(self) -> None:
        inner = MemoryDataset()
        ds = CachedDataset(inner)
        ds.save([1])
        assert inner.load() == [1]
        assert ds.exists()

    def test_from_config_mapping(self) -> None:
        ds = CachedDataset({"type": "MemoryDataset", "data": 3})
        assert ds.load() == 3

    def test_versioned_inside_is_refused(self) -> None:
        with pytest.raises(DatasetError, match="not inside 'dataset'"):
            CachedDataset({"type": "pickle.PickleDataset", "filepath": "x", "versioned": True})


class TestLambdaDataset:
    def test_calls_functions(self) -> None:
        store: dict[str, Any] = {}
        ds = LambdaDataset(
            load=lambda: store["x"], save=lambda d: store.update(x=d),
            exists=lambda: "x" in store, release=store.clear,
        )
        assert not ds.exists()
        ds.save(5)
        assert ds.load() == 5 and ds.exists()
        ds.release()
        assert store == {}

    def test_missing_function_errors(self) -> None:
        with pytest.raises(DatasetError, match="no 'save' function"):
            LambdaDataset(load=lambda: 1, save=None).save(1)

    def test_non_callable_rejected(self) -> None:
        with pytest.raises(DatasetError, match="LambdaDataset 'load' must be a function"):
            LambdaDataset(load=3, save=None)  # type: ignore[arg-type]


def test_empty_dataset_stays_empty_through_pickle_and_deepcopy() -> None:
    # Catalogs are pickled for worker processes: "no data yet" must survive the trip.
    import copy
    import pickle

    for clone in (pickle.loads(pickle.dumps(MemoryDataset())), copy.deepcopy(MemoryDataset())):
        assert clone.exists() is False
        with pytest.raises(DatasetError, match="has not been saved yet"):
            clone.load()

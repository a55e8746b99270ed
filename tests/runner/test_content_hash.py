"""Content hashes of values: equal content, equal hash; any difference, at any depth, differs."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import threading
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kedro_ipy.runner._content_hash import UnhashableValueError, content_hash

leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5),
                   st.floats(allow_nan=False), st.binary(max_size=5))
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=4), children, max_size=4),
        st.frozensets(st.integers(), max_size=4),
    ),
    max_leaves=25,
)


def nest(leaf: object, depth: int) -> object:
    value = leaf
    for level in range(depth):
        value = {"level": level, "child": [value]}
    return value


@given(values)
def test_a_copy_hashes_like_the_original(value: object) -> None:
    assert content_hash(copy.deepcopy(value)) == content_hash(value)


@settings(max_examples=50)
@given(depth=st.integers(7, 40), leaf=st.integers(), other=st.integers())
def test_a_difference_deep_inside_changes_the_hash(depth: int, leaf: int, other: int) -> None:
    if leaf == other:
        other += 1
    assert content_hash(nest(leaf, depth)) != content_hash(nest(other, depth))


def test_types_are_part_of_the_content() -> None:
    assert len({content_hash(v) for v in (1, 1.0, True, "1", b"1", (1,), [1])}) == 7


def test_sets_hash_the_same_whatever_the_process_hash_seed() -> None:
    script = ("from kedro_ipy.runner._content_hash import content_hash; "
              "print(content_hash({'apple', 'pear', 'fig', ('a', 1)}))")
    digests = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
        for seed in ("1", "2")
    }
    assert digests == {content_hash({"fig", "pear", ("a", 1), "apple"}) + "\n"}


@dataclass
class Model:
    weights: list
    name: str = "m"


def test_a_model_whose_weights_changed_hashes_differently() -> None:
    numpy = pytest.importorskip("numpy")
    layers = [numpy.zeros((20, 20)) for _ in range(3)]
    model = Model(weights=layers)
    retrained = copy.deepcopy(model)
    retrained.weights[2][19, 19] = 1e-9
    assert content_hash(model) != content_hash(retrained)
    assert content_hash(model) == content_hash(copy.deepcopy(model))


def test_frames_are_hashed_by_content() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    assert content_hash(frame) == content_hash(frame.copy())
    edited = frame.copy()
    edited.loc[1, "b"] = "z"
    assert content_hash(edited) != content_hash(frame)
    assert content_hash(frame) != content_hash(frame.rename(columns={"a": "c"}))


def test_cycles_end() -> None:
    first: list = [1]
    first.append(first)
    second: list = [2]
    second.append(second)
    assert content_hash(first) != content_hash(second)


def test_what_cannot_be_hashed_says_so() -> None:
    with pytest.raises(UnhashableValueError, match="lock objects cannot be hashed by content"):
        content_hash({"lock": threading.Lock()})


def test_a_dict_hashes_the_same_in_any_insertion_order_an_ordered_dict_does_not() -> None:
    from collections import OrderedDict

    assert content_hash({"a": 1, "b": [2]}) == content_hash({"b": [2], "a": 1})
    assert content_hash(OrderedDict(a=1, b=2)) != content_hash(OrderedDict(b=2, a=1))
    assert content_hash({"a.b": 1}) != content_hash({"a": {"b": 1}})

"""``find_nodes_to_resume_from``: Kedro's resume suggestion (expected values checked against
Kedro 1.7.0's own function on the same pipelines)."""

from __future__ import annotations

import pytest

from kedro_ipy.io import DataCatalog, MemoryDataset
from kedro_ipy.pipeline import Pipeline, node
from kedro_ipy.runner import find_nodes_to_resume_from

from .conftest import Disk


def first(*args):
    return args[0]


def mixed_pipeline(with_side_branch: bool) -> tuple[Pipeline, DataCatalog]:
    """raw (disk) -A-> a_mem -B-> b_file (disk) -C-> c_mem -D-> d_out;
    optionally a_mem -E-> e_mem, and F(e_mem, c_mem) -> f_out."""
    nodes = [
        node(first, "raw", "a_mem", name="A"),
        node(first, "a_mem", "b_file", name="B"),
        node(first, "b_file", "c_mem", name="C"),
        node(first, "c_mem", "d_out", name="D"),
    ]
    if with_side_branch:
        nodes += [
            node(first, "a_mem", "e_mem", name="E"),
            node(first, ["e_mem", "c_mem"], "f_out", name="F"),
        ]
    catalog = DataCatalog({
        "raw": Disk(1), "b_file": Disk(), "a_mem": MemoryDataset(), "c_mem": MemoryDataset(),
    })
    return Pipeline(nodes), catalog


@pytest.mark.parametrize(
    ("side_branch", "done", "expected"),
    [
        # D failed: c_mem is gone, so C must run again, from the persisted b_file
        (False, ["A", "B", "C"], ["C"]),
        # F also needs e_mem, whose producer E needs a_mem: back to A
        (True, ["A", "B", "C", "E"], ["A"]),
        (True, ["A", "B"], ["A"]),
        (False, ["A"], ["A"]),
        (True, [], ["A"]),
        (False, ["A", "B", "C", "D"], []),
    ],
)
def test_matches_kedro(side_branch, done, expected):
    pipe, catalog = mixed_pipeline(side_branch)
    assert find_nodes_to_resume_from(pipe, done, catalog) == expected


def test_unregistered_datasets_count_as_in_memory():
    pipe, _ = mixed_pipeline(False)
    catalog = DataCatalog({"raw": Disk(1)})  # b_file is no longer persisted either
    assert find_nodes_to_resume_from(pipe, ["A", "B", "C"], catalog) == ["A"]


def test_parameters_never_force_a_rerun():
    pipe = Pipeline([
        node(first, "raw", "x", name="load"),
        node(first, ["x", "params:alpha"], "y", name="fit"),
    ])
    catalog = DataCatalog({"raw": Disk(1), "x": Disk()})
    catalog.add_feed_dict({"parameters": {"alpha": 1}})
    assert find_nodes_to_resume_from(pipe, ["load"], catalog) == ["fit"]


def test_several_start_nodes_are_all_listed():
    pipe = Pipeline([
        node(first, "raw", "x", name="load"),
        node(first, "x", "left", name="left"),
        node(first, "x", "right", name="right"),
        node(first, ["left", "right"], "out", name="join"),
    ])
    catalog = DataCatalog({"raw": Disk(1), "x": Disk(), "left": MemoryDataset(),
                           "right": MemoryDataset()})
    assert find_nodes_to_resume_from(pipe, ["load", "left", "right"], catalog) == [
        "left", "right"
    ]

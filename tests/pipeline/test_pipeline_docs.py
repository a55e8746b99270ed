"""The examples in the pipeline layer's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module_name",
    [
        "kedro_ipy.pipeline.node",
        "kedro_ipy.pipeline.pipeline",
        "kedro_ipy.pipeline.preview_contract",
    ],
)
def test_docstring_examples(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0

"""Fixtures: a private copy of the example project, and a clean process afterwards."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = next(
    folder / "examples" / "coffee_shop"
    for folder in Path(__file__).resolve().parents
    if (folder / "examples" / "coffee_shop").is_dir()
)


def _ignore(folder: str, names: list[str]) -> set[str]:
    """Leave outputs of earlier runs of the repository's copy behind."""
    skipped = {"sessions", "__pycache__"}
    if Path(folder).name == "data":
        skipped |= {name for name in names if name != "01_raw"}
    return skipped & set(names)


@pytest.fixture
def example_project(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of ``examples/coffee_shop``: tests never write into the repository."""
    target = tmp_path / "coffee_shop"
    shutil.copytree(EXAMPLE, target, ignore=_ignore)
    saved_path, saved_env = list(sys.path), os.environ.get("PYTHONPATH")
    yield target
    sys.path[:] = saved_path
    if saved_env is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = saved_env
    for name in [m for m in sys.modules if m.split(".")[0] in {"coffee_shop", "demo_shop"}]:
        del sys.modules[name]

"""Code fingerprints follow helpers, constants, closures, defaults, partials and classes, and
ignore comments, docstrings and layout."""

from __future__ import annotations

import functools
import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kedro_ipy.runner._code_fingerprint import CodeFingerprinter

PACKAGE = "fp_pkg"

HELPERS = """
FACTOR = 2


def scale(x):
    return x * FACTOR


class Model:
    def predict(self, x):
        return scale(x) + 1
"""

NODES = f"""
from {PACKAGE} import helpers
from {PACKAGE}.helpers import Model


def uses_helper(x):
    return helpers.scale(x)


def uses_model(x):
    return Model().predict(x)


def standalone(x):
    return x + 1


def make(alpha):
    def inner(x):
        return x * alpha
    return inner


def with_default(x, factor=3):
    return x * factor
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    root = tmp_path / PACKAGE
    root.mkdir()
    (root / "__init__.py").write_text("")
    write(root, "helpers.py", HELPERS)
    write(root, "nodes.py", NODES)
    yield root
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(textwrap.dedent(text).lstrip())


def fresh_nodes() -> ModuleType:
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    importlib.invalidate_caches()
    return importlib.import_module(f"{PACKAGE}.nodes")


def parts(func: object) -> dict[str, str]:
    fingerprint = CodeFingerprinter({PACKAGE}).fingerprint(func)
    [problem] = fingerprint.problems
    assert problem.endswith(
        ".reads_a_file.<closure handle>` cannot be fingerprinted: TextIOWrapper objects cannot "
        "be hashed by content (cannot pickle '_io.TextIOWrapper' object)")

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
import functools

FACTOR = 2
OTHER = 5


@functools.cache
def cached_square(x):
    return x * x


def scale(x):
    return x * FACTOR


class Model:
    def predict(self, x):
        return scale(x) + 1
"""

NODES = f"""
import {PACKAGE}.sub.deep
from {PACKAGE} import helpers
from {PACKAGE}.helpers import Model


def through_packages(x):
    return {PACKAGE}.sub.deep.inner(x)


def _double(x):
    return helpers.scale(x) * 2


HANDLERS = {{"double": _double}}


def dispatches(x, kind="double"):
    return HANDLERS[kind](x)


def with_function_default(x, how=_double):
    return how(x)


def uses_cached(x):
    return helpers.cached_square(x)


def predicts(model, x):
    return model.predict(x)


def via_other(x):
    return helpers.scale(x) + _other()


def _other():
    return helpers.OTHER


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
    (root / "sub").mkdir()
    write(root / "sub", "__init__.py", "")
    write(root / "sub", "deep.py", "def inner(x):\n    return x + 1\n")
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
    assert fingerprint.problems == []
    return fingerprint.parts


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def test_a_helper_edit_in_another_module_changes_its_users_only(package: Path) -> None:
    nodes = fresh_nodes()
    helper_user, other = parts(nodes.uses_helper), parts(nodes.standalone)
    write(package, "helpers.py", HELPERS.replace("return x * FACTOR", "return x * FACTOR + 1"))
    nodes = fresh_nodes()
    assert changed(helper_user, parts(nodes.uses_helper)) == {f"{PACKAGE}.helpers.scale"}
    assert parts(nodes.standalone) == other


def test_a_constant_a_helper_reads_is_followed(package: Path) -> None:
    before = parts(fresh_nodes().uses_helper)
    write(package, "helpers.py", HELPERS.replace("FACTOR = 2", "FACTOR = 3"))
    assert changed(before, parts(fresh_nodes().uses_helper)) == {f"{PACKAGE}.helpers.FACTOR"}


def test_methods_of_project_classes_are_followed(package: Path) -> None:
    before = parts(fresh_nodes().uses_model)
    write(package, "helpers.py", HELPERS.replace("return scale(x) + 1", "return scale(x) + 2"))
    assert changed(before, parts(fresh_nodes().uses_model)) == {
        f"{PACKAGE}.helpers.Model.predict"}


def test_comments_docstrings_and_layout_change_nothing(package: Path) -> None:
    nodes = fresh_nodes()
    before = {f: parts(getattr(nodes, f)) for f in ("uses_helper", "uses_model", "standalone")}
    write(package, "helpers.py", '"""Module docstring."""\n' + HELPERS.replace(
        "def scale(x):\n", 'def scale(x):\n    """Scale x."""\n    # the factor is global\n'
    ).replace("return x * FACTOR", "return (x *\n            FACTOR)"))
    write(package, "nodes.py", NODES.replace(
        "def standalone(x):\n", "def standalone(x):  # a comment\n    '''Doc.'''\n\n"))
    nodes = fresh_nodes()
    after = {f: parts(getattr(nodes, f)) for f in before}
    assert after == before


def test_closures_defaults_and_partials_count(package: Path) -> None:
    nodes = fresh_nodes()
    assert parts(nodes.make(2)) != parts(nodes.make(3))
    assert parts(functools.partial(nodes.with_default, factor=4)) != parts(
        functools.partial(nodes.with_default, factor=5))
    assert parts(nodes.with_default) == parts(nodes.with_default)


def test_a_file_edited_but_not_reimported_is_not_mistaken_for_the_new_code(
        package: Path) -> None:
    nodes = fresh_nodes()
    edited = NODES.replace("return x + 1", "return x + 2")
    write(package, "nodes.py", edited)
    stale = parts(nodes.standalone)  # the old code still runs
    assert stale != parts(fresh_nodes().standalone)


def test_something_that_cannot_be_fingerprinted_is_reported(tmp_path: Path) -> None:
    with open(tmp_path / "rows.txt", "w+") as handle:

        def reads_a_file(x: int) -> str:
            return handle.read() + str(x)

        fingerprint = CodeFingerprinter().fingerprint(reads_a_file)
    assert fingerprint.digest is None
    [problem] = fingerprint.problems
    assert problem.endswith(
        ".reads_a_file.<closure handle>` cannot be fingerprinted: TextIOWrapper objects cannot "
        "be hashed by content (cannot pickle '_io.TextIOWrapper' object)")


def test_attribute_chains_through_packages_are_followed(package: Path) -> None:
    before = parts(fresh_nodes().through_packages)
    write(package / "sub", "deep.py", "def inner(x):\n    return x + 2\n")
    assert changed(before, parts(fresh_nodes().through_packages)) == {
        f"{PACKAGE}.sub.deep.inner"}


def test_each_function_s_own_attributes_of_a_shared_module_are_followed(package: Path) -> None:
    before = parts(fresh_nodes().via_other)
    write(package, "helpers.py", HELPERS.replace("OTHER = 5", "OTHER = 6"))
    assert changed(before, parts(fresh_nodes().via_other)) == {f"{PACKAGE}.helpers.OTHER"}
    write(package, "helpers.py", HELPERS.replace("return x * FACTOR", "return x * FACTOR + 1"))
    assert changed(before, parts(fresh_nodes().via_other)) == {f"{PACKAGE}.helpers.scale"}


def test_methods_called_on_an_argument_follow_the_classes_the_module_knows(
        package: Path) -> None:
    before = parts(fresh_nodes().predicts)
    write(package, "helpers.py", HELPERS.replace("return scale(x) + 1", "return scale(x) + 2"))
    assert f"{PACKAGE}.helpers.Model.predict" in changed(before, parts(fresh_nodes().predicts))


def test_helpers_behind_functools_cache_are_followed(package: Path) -> None:
    before = parts(fresh_nodes().uses_cached)
    write(package, "helpers.py", HELPERS.replace("return x * x", "return x * x * x"))
    assert changed(before, parts(fresh_nodes().uses_cached)) == {
        f"{PACKAGE}.helpers.cached_square"}


def test_functions_in_tables_and_defaults_are_followed(package: Path) -> None:
    nodes = fresh_nodes()
    before = {f: parts(getattr(nodes, f)) for f in ("dispatches", "with_function_default")}
    write(package, "helpers.py", HELPERS.replace("return x * FACTOR", "return x * FACTOR + 1"))
    nodes = fresh_nodes()
    for name, old in before.items():
        assert f"{PACKAGE}.helpers.scale" in changed(old, parts(getattr(nodes, name))), name

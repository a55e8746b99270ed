"""Hostile config files: alias bombs, loops, deep nesting, long interpolation chains, bad
types, secrets in broken credentials, and a fuzzer.

Whatever a config file holds, the loader either loads it or raises a config error that names
the file: it never hangs, never runs out of memory, never shows a raw ``RecursionError``.
"""

from __future__ import annotations

import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kedro_ipy.config import BadConfigException, MissingConfigException, OmegaConfigLoader
from kedro_ipy.io import DataCatalog, DatasetError


def make_conf(root: Path, files: dict[str, str]) -> Path:
    conf = root / "conf"
    (conf / "base").mkdir(parents=True, exist_ok=True)
    (conf / "local").mkdir(exist_ok=True)
    for rel, text in files.items():
        (conf / rel).write_text(text, encoding="utf-8")
    return conf


def loader(conf: Path) -> OmegaConfigLoader:
    return OmegaConfigLoader(str(conf), base_env="base", default_run_env="local")


def laughs(levels: int, fan: int = 9) -> str:
    """A "billion laughs": each level an anchor listing the previous one ``fan`` times."""
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * fan) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than ``seconds``."""

    def stop(*_: Any) -> None:
        raise TimeoutError(f"config loading took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class TestAliasExpansion:
    @pytest.mark.parametrize("levels", [9, 12])
    def test_billion_laughs_is_refused_naming_the_file(self, tmp_path: Path, levels: int) -> None:
        conf = make_conf(tmp_path, {"base/parameters.yml": laughs(levels)})
        assert len(laughs(levels).encode()) < 1000
        with at_most(10), pytest.raises(BadConfigException) as info:
            loader(conf)["parameters"]
        message = str(info.value)
        assert f"Config file {(conf / 'base/parameters.yml').as_posix()} expands to more " \
               "than 1,000,000 values through YAML aliases" in message
        assert "Refused: reuse fewer nested aliases." in message

    def test_merge_key_bomb_is_refused(self, tmp_path: Path) -> None:
        lines = ["m0: &m0 {a: 1}"]
        for level in range(1, 16):
            lines.append(f"m{level}: &m{level}\n  <<: [" + ", ".join([f"*m{level - 1}"] * 4)
                         + f"]\n  b{level}: 1")
        conf = make_conf(tmp_path, {"base/parameters.yml": "\n".join(lines) + "\n"})
        with at_most(10), pytest.raises(BadConfigException, match="through YAML aliases"):
            loader(conf)["parameters"]

    def test_bomb_inside_an_oc_create_argument_is_refused(self, tmp_path: Path) -> None:
        inner = "{" + laughs(9).strip().replace("\n", ", ") + "}"
        value = "${oc.create:'" + inner + "'}"
        text = "x: '" + value.replace("'", "''") + "'\n"
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        with at_most(10), pytest.raises(BadConfigException, match=re.escape(
            f"The 'oc.create' argument {conf / 'base/parameters.yml'} at 'x' expands to more "
            "than 1,000,000 values through YAML aliases"
        )):
            loader(conf)["parameters"]

    def test_modest_reuse_of_anchors_still_loads(self, tmp_path: Path) -> None:
        text = laughs(5)  # 9**5 = 59,049 values: reuse, not a bomb
        text += "defaults: &defaults {type: pandas.CSVDataset, load_args: {sep: ','}}\n"
        text += "".join(f"d{i}: {{<<: *defaults, filepath: f{i}.csv}}\n" for i in range(50))
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        params = loader(conf)["parameters"]
        assert len(params["l4"]) == 9 and params["l4"][0][0][0][0] == ["lol"] * 9
        assert params["d49"] == {"type": "pandas.CSVDataset", "load_args": {"sep": ","},
                                 "filepath": "f49.csv"}


class TestLoopsAndDepth:
    @pytest.mark.parametrize("text, key", [
        ("x: &x [1, *x]\n", "x.1"),
        ("x: &x {a: *x}\n", "x.a"),
        ("top:\n  inner: &i\n    deeper: [*i]\n", "top.inner.deeper.0"),
    ])
    def test_self_referencing_alias_names_file_and_key(
        self, tmp_path: Path, text: str, key: str
    ) -> None:
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        with pytest.raises(BadConfigException) as info:
            loader(conf)["parameters"]
        assert str(info.value) == (
            f"Config file {(conf / 'base/parameters.yml').as_posix()} has a YAML alias inside "
            f"its own anchor at '{key}': the value would contain itself forever. Remove the "
            "self-reference ('*name' used within the value marked '&name')."
        )

    @pytest.mark.parametrize("text", [
        "x: " + "[" * 900 + "]" * 900 + "\n",
        "x:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301 + "1\n",
    ], ids=["flow", "block"])
    def test_over_deep_nesting_names_file(self, tmp_path: Path, text: str) -> None:
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        with pytest.raises(BadConfigException, match=re.escape(
            f"Config file {(conf / 'base/parameters.yml').as_posix()} nests mappings and lists "
            "more than 100 levels deep (at 'x."
        )):
            loader(conf)["parameters"]

    @pytest.mark.parametrize("hops", [70, 280, 2000])
    def test_interpolation_chain_names_file_and_key(self, tmp_path: Path, hops: int) -> None:
        text = "".join(f"k{i}: ${{k{i + 1}}}\n" for i in range(hops)) + f"k{hops}: 1\n"
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        with pytest.raises(BadConfigException) as info:
            loader(conf)["parameters"]
        assert str(info.value).startswith(
            "Interpolations are chained or nested more than 64 deep (each '${...}' leading to "
            f"another): make the chain shorter (in {conf / 'base/parameters.yml'} at 'k"
        )

    def test_short_chain_resolves(self, tmp_path: Path) -> None:
        text = "".join(f"k{i}: ${{k{i + 1}}}\n" for i in range(50)) + "k50: 7\n"
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        assert loader(conf)["parameters"]["k0"] == 7

    def test_thousands_of_nested_interpolations_name_file_and_key(self, tmp_path: Path) -> None:
        text = "a: 1\nx: " + "${" * 2000 + "a" + "}" * 2000 + "\n"
        conf = make_conf(tmp_path, {"base/parameters.yml": text})
        with pytest.raises(BadConfigException, match=r"more than 64 deep .*parameters\.yml at 'x'"):
            loader(conf)["parameters"]

    def test_self_reference_through_interpolation(self, tmp_path: Path) -> None:
        conf = make_conf(tmp_path, {"base/parameters.yml": "a: ${b}\nb: ${a}\n"})
        with pytest.raises(BadConfigException, match="Circular interpolation through"):
            loader(conf)["parameters"]


class TestCredentialErrorsQuoteNothing:
    @pytest.mark.parametrize("value", [
        "Pre${S3cr3t}post",
        "Pre${S3cr3t",
        "Pre${oc.nope:S3cr3t}post",
        "Pre${globals:S3cr3t}post",
        "Pre${runtime_params:S3cr3t}post",
        "${${${S3cr3t}}}",
    ])
    def test_no_part_of_the_value_is_shown(self, tmp_path: Path, value: str) -> None:
        conf = make_conf(tmp_path, {"local/credentials.yml": f"db:\n  password: '{value}'\n"})
        with pytest.raises(BadConfigException) as info:
            loader(conf)["credentials"]
        shown = str(info.value)
        assert "S3cr3t" not in shown and "Pre" not in shown and "post" not in shown
        assert "Cannot resolve a credential value: " in shown
        assert shown.endswith(f"(in {conf / 'local/credentials.yml'} at 'db.password')")
        assert info.value.__cause__ is None and info.value.__suppress_context__

    def test_yaml_error_in_credentials_quotes_no_line(self, tmp_path: Path) -> None:
        conf = make_conf(tmp_path, {"local/credentials.yml": "db:\n  password: 'S3cr3t\n"})
        with pytest.raises(BadConfigException) as info:
            loader(conf)["credentials"]
        assert "S3cr3t" not in str(info.value)
        assert info.value.__cause__ is None and info.value.__suppress_context__


class TestCli:
    def test_alias_bomb_and_recursion_are_one_line_naming_the_file(
        self, example_project: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from kedro_ipy.framework.cli.cli import main

        params = example_project / "conf" / "base" / "parameters.yml"
        for text, expected in [
            (laughs(9), "expands to more than 1,000,000 values"),
            ("".join(f"k{i}: ${{k{i + 1}}}\n" for i in range(300)) + "k300: 1\n",
             "chained or nested more than 64 deep"),
        ]:
            params.write_text(text, encoding="utf-8")
            with at_most(20):
                code = main(["run", "--project-path", str(example_project)])
            err = capsys.readouterr().err
            assert code != 0
            assert expected in err and "parameters.yml" in err
            assert "RecursionError" not in err and "Traceback" not in err


# -- the fuzzer ---------------------------------------------------------------------------
KEYS = ["a", "b", "c", "model", "alpha", "_x", "1", "ds", "type", "versioned"]
SCALARS = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.sampled_from(["true", "no", "'false'", "~", "1e-3", "2024-01-01", "pandas.CSVDataset",
                     "MemoryDataset", "x.csv", "s3://u:p@b/k"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


def _scalar_text(value: Any) -> str:
    import json

    if isinstance(value, str):
        return value if value and value[0] in "'~" else json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """YAML text with anchors, aliases, merges, interpolations, deep nests and noise."""
    anchors: list[str] = []
    lines: list[str] = []

    def value(depth: int) -> str:
        kind = draw(st.integers(0, 9 if depth < 3 else 3))
        if kind <= 1:
            return _scalar_text(draw(SCALARS))
        if kind == 2:
            target = ".".join(draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3)))
            resolver = draw(st.sampled_from(["", "globals:", "runtime_params:", "oc.env:",
                                             "oc.select:", "nope:", "oc.coerce:int,"]))
            nested = "${" * draw(st.integers(1, 3))
            return f"'pre{nested}{resolver}{target}{'}' * len(nested)}post'"
        if kind in (3, 8) and not anchors:
            return _scalar_text(draw(SCALARS))
        if kind == 3:
            return "*" + draw(st.sampled_from(anchors))
        anchored = kind == 8 or draw(st.integers(0, 3)) == 0
        if kind in (4, 5):
            items = [value(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            if anchored and draw(st.integers(0, 4)) == 0:  # a list that holds itself
                items.append(f"*n{len(anchors)}")
            text = "[" + ", ".join(items) + "]"
        elif kind in (6, 7):
            keys = draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True))
            pairs = [f"{k}: {value(depth + 1)}" for k in keys]
            if anchors and draw(st.booleans()):  # after the values: their anchors exist
                pairs.append("<<: *" + draw(st.sampled_from(anchors)))
            text = "{" + ", ".join(pairs) + "}"
        elif kind == 8:  # a fan of aliases: a bomb when repeated level after level
            text = "[" + ", ".join(["*" + anchors[-1]] * draw(st.integers(2, 12))) + "]"
        else:
            depth_of_nest = draw(st.integers(1, 130))
            text = "[" * depth_of_nest + "]" * depth_of_nest
        if anchored:
            name = f"n{len(anchors)}"
            text = f"&{name} {text}"
            anchors.append(name)
        return text

    for index in range(draw(st.integers(0, 8))):
        lines.append(f"{draw(st.sampled_from(KEYS))}{index}: {value(0)}")
    if draw(st.integers(0, 7)) == 0:  # nested fans of aliases, maybe a bomb
        levels, fan = draw(st.integers(2, 10)), draw(st.integers(2, 9))
        if 20_000 < fan**levels <= 1_000_000:  # loads, but slowly: keep the suite fast
            levels += 4
        lines.append(laughs(levels, fan).rstrip())
    if draw(st.integers(0, 5)) == 0:  # an interpolation chain, maybe too long
        hops = draw(st.integers(1, 300))
        lines += [f"h{i}: ${{h{i + 1}}}" for i in range(hops)] + [f"h{hops}: end"]
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 5)) == 0:  # noise: a cut, or YAML-significant characters
        cut = draw(st.integers(0, len(text)))
        noise = draw(st.text(alphabet=":{}[]&*!|>'\"%@`\t\n-#?,\\", max_size=4))
        text = text[:cut] + noise + text[cut:]
    return text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters=yaml_documents(), catalog=yaml_documents(), credentials=yaml_documents())
def test_any_config_loads_or_names_the_file(parameters: str, catalog: str, credentials: str
                                            ) -> None:
    root = Path(tempfile.mkdtemp(prefix="kedro_ipy_fuzz_"))
    try:
        conf = make_conf(root, {"base/parameters.yml": parameters, "base/catalog.yml": catalog,
                                "local/credentials.yml": credentials})
        config = loader(conf)
        for key in ("parameters", "catalog", "credentials"):
            with at_most(10):
                try:
                    value = config[key]
                except MissingConfigException:
                    continue
                except BadConfigException as exc:
                    assert str(conf) in str(exc) or conf.as_posix() in str(exc), str(exc)
                    continue
            assert isinstance(value, dict)
            if key == "catalog":  # bad types (``versioned: "no"``, ``type: 3``...) are errors
                try:
                    catalog = DataCatalog.from_config(value)
                    for name in list(catalog):
                        catalog.describe(name)
                except DatasetError as exc:
                    assert str(exc)  # a message, whatever the entry
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_cli_credential_error_names_file_and_key_but_no_part_of_the_value(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kedro_ipy.framework.cli.cli import main

    credentials = example_project / "conf" / "local" / "credentials.yml"
    credentials.write_text("supplier_api:\n  api_key: Pre${S3cr3t}post\n", encoding="utf-8")
    code = main(["run", "--project-path", str(example_project), "--traceback"])
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert code != 0
    assert "credentials.yml at 'supplier_api.api_key'" in shown
    assert "S3cr3t" not in shown and "Pre$" not in shown

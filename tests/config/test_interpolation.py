"""``${...}`` templating: globals, references, runtime params, env vars, custom resolvers."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kedro_ipy.config import BadConfigException, MissingConfigException, OmegaConfigLoader


def project_loader(conf_source: object, *args: object, **kwargs: object) -> OmegaConfigLoader:
    """A loader set up as a project's settings set it up (``base`` + ``local``)."""
    kwargs.setdefault("base_env", "base")
    kwargs.setdefault("default_run_env", "local")
    return OmegaConfigLoader(conf_source, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    (root / "base").mkdir(parents=True)
    (root / "local").mkdir()
    return root


def write(conf: Path, rel: str, text: str) -> Path:
    path = conf / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class TestGlobals:
    def test_globals_value_keeps_type_or_is_formatted_into_strings(self, conf: Path) -> None:
        write(conf, "base/globals.yml", "root: data\nfolds: 5\nnested: {a: {b: deep}}\n")
        write(
            conf,
            "base/parameters.yml",
            """\
            folds: ${globals:folds}
            label: 'fold-${globals:folds}'
            deep: ${globals:nested.a.b}
            whole: ${globals:nested}
            """,
        )
        assert project_loader(conf)["parameters"] == {
            "folds": 5,
            "label": "fold-5",
            "deep": "deep",
            "whole": {"a": {"b": "deep"}},
        }

    def test_default_is_used_when_key_is_missing(self, conf: Path) -> None:
        write(
            conf,
            "base/catalog.yml",
            """\
            a: {path: '${globals:missing, "fallback"}/a.csv'}
            b: {n: '${globals:missing, 3}', flag: '${globals:missing, true}'}
            c: {v: '${globals:missing, null}'}
            """,
        )
        assert project_loader(conf)["catalog"] == {
            "a": {"path": "fallback/a.csv"},
            "b": {"n": 3, "flag": True},
            "c": {"v": None},
        }

    def test_run_env_globals_override_base_globals(self, conf: Path) -> None:
        write(conf, "base/globals.yml", "bucket: dev\n")
        write(conf, "local/globals.yml", "bucket: mine\n")
        write(conf, "base/catalog.yml", "a: {path: '${globals:bucket}/a'}\n")
        assert project_loader(conf)["catalog"] == {"a": {"path": "mine/a"}}
        assert project_loader(conf)["globals"] == {"bucket": "mine"}

    def test_missing_key_without_default_names_file_and_key(self, conf: Path) -> None:
        path = write(conf, "base/catalog.yml", "a: {path: '${globals:root}/a'}\n")
        msg = f"Globals key 'root' not found and no default value provided (in {path} at 'a.path')"
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            project_loader(conf)["catalog"]

    def test_a_missing_run_env_is_reported_not_a_missing_globals_key(self, conf: Path) -> None:
        # The env is a typo: the error must say so, and not blame the globals the base has.
        write(conf, "base/globals.yml", "bucket: dev\n")
        write(conf, "base/catalog.yml", "a: {path: '${globals:bucket}/a'}\n")
        loader = project_loader(conf, env="lcoal")
        with pytest.raises(MissingConfigException, match=r"lcoal.*Did you mean 'local'"):
            loader["catalog"]

    def test_no_globals_file_means_empty_globals(self, conf: Path) -> None:
        assert project_loader(conf)["globals"] == {}

    def test_runtime_params_are_refused_in_globals(self, conf: Path) -> None:
        write(conf, "base/globals.yml", "x: ${runtime_params:x, 1}\n")
        msg = "The `runtime_params:` resolver is not supported for globals."
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            project_loader(conf)  # globals are read by the constructor, as in Kedro


class TestReferences:
    def test_references_within_a_key_and_environment(self, conf: Path) -> None:
        write(
            conf,
            "base/parameters.yml",
            """\
            data: {size: 3, items: [a, b]}
            model:
              size: ${data.size}
              first: ${data.items.0}
              sibling: ${.size}
            """,
        )
        assert project_loader(conf)["parameters"]["model"] == {
            "size": 3,
            "first": "a",
            "sibling": 3,
        }

    def test_catalog_template_keys_are_resolved_then_dropped(self, conf: Path) -> None:
        write(
            conf,
            "base/catalog.yml",
            """\
            _csv: {type: pandas.CSVDataset, load_args: {sep: ','}}
            cars: ${_csv}
            """,
        )
        assert project_loader(conf)["catalog"] == {
            "cars": {"type": "pandas.CSVDataset", "load_args": {"sep": ","}}
        }

    def test_escaped_interpolation_is_literal(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", r"x: '\${not.resolved}'" + "\n")
        assert project_loader(conf)["parameters"] == {"x": "${not.resolved}"}

    def test_unknown_reference_and_cycles_are_errors(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "a: ${b}\nb: ${a}\nc: ${nope}\n")
        loader = project_loader(conf)
        with pytest.raises(BadConfigException, match="Circular interpolation through 'b'"):
            loader["parameters"]
        write(conf, "base/parameters.yml", "c: ${nope}\n")
        with pytest.raises(BadConfigException, match="Interpolation key 'nope' not found"):
            project_loader(conf)["parameters"]

    def test_unknown_resolver_suggests_close_match(self, conf: Path) -> None:
        path = write(conf, "base/parameters.yml", "a: ${global:x}\n")
        msg = (
            "Unsupported interpolation type global. Available: globals, runtime_params and "
            f"OmegaConf's oc.* resolvers. Did you mean 'globals'? (in {path} at 'a')"
        )
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            project_loader(conf)["parameters"]


class TestResolvers:
    def test_custom_resolver_gets_typed_arguments(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "total: ${add:1, 2.5}\nname: ${upper:'ab, c'}\n")
        loader = project_loader(
            conf, custom_resolvers={"add": lambda a, b: a + b, "upper": str.upper}
        )
        assert loader["parameters"] == {"total": 3.5, "name": "AB, C"}

    def test_custom_resolver_cannot_replace_a_builtin(self, conf: Path) -> None:
        with pytest.raises(ValueError, match="would replace a built-in resolver"):
            project_loader(conf, custom_resolvers={"globals": dict})

    def test_env_vars_in_credentials_only(
        self, conf: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("KIPY_TEST_PASSWORD", "s3cret")
        write(
            conf,
            "local/credentials.yml",
            "db: {password: '${oc.env:KIPY_TEST_PASSWORD}', user: '${oc.env:KIPY_NOPE, anon}'}\n",
        )
        assert project_loader(conf)["credentials"] == {"db": {"password": "s3cret", "user": "anon"}}
        write(conf, "base/parameters.yml", "p: ${oc.env:KIPY_TEST_PASSWORD}\n")
        with pytest.raises(BadConfigException, match="in credentials only"):
            project_loader(conf)["parameters"]

    def test_credential_errors_do_not_echo_values(self, conf: Path) -> None:
        write(conf, "local/credentials.yml", "db: {password: 'hunter2${oops'}\n")
        with pytest.raises(BadConfigException) as info:
            project_loader(conf)["credentials"]
        assert "hunter2" not in str(info.value)
        assert "Unclosed interpolation" in str(info.value)

    @pytest.mark.parametrize("value", [
        "${oc.coerce:int, ${oc.env:DB_TOKEN}}",  # the value that failed to convert
        "${oc.select:a, b, ${oc.env:DB_TOKEN}}",  # arguments echoed in a usage error
        "${decode:${oc.env:DB_TOKEN}}",  # a custom resolver's own error (the cause)
    ])
    def test_credential_errors_do_not_echo_values_even_in_the_cause(
        self, conf: Path, monkeypatch: pytest.MonkeyPatch, value: str
    ) -> None:
        import traceback

        monkeypatch.setenv("DB_TOKEN", "tok-hunter2")

        def decode(text: str) -> str:
            raise ValueError(f"cannot decode {text}")

        write(conf, "local/credentials.yml", f"db: {{token: '{value}'}}\n")
        with pytest.raises(BadConfigException) as info:
            project_loader(conf, custom_resolvers={"decode": decode})["credentials"]
        assert "at 'db.token'" in str(info.value)
        assert "hunter2" not in "".join(traceback.format_exception(info.value))

"""OmegaConfigLoader behaviour that ported Kedro projects rely on: how YAML scalars are read,
OmegaConf's built-in resolvers, archives as config source, patterns reaching outside an
environment, and the exception types Kedro raises."""

from __future__ import annotations

import os
import re
import tarfile
import textwrap
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml

from kedro_ipy.config import BadConfigException, MissingConfigException, OmegaConfigLoader


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def loader(conf: Path, **kwargs: object) -> OmegaConfigLoader:
    kwargs.setdefault("base_env", "base")
    kwargs.setdefault("default_run_env", "local")
    return OmegaConfigLoader(conf, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    (root / "base").mkdir(parents=True)
    (root / "local").mkdir()
    return root


class TestScalars:
    def test_exponent_floats_are_numbers_and_dates_stay_strings(self, conf: Path) -> None:
        write(
            conf,
            "base/parameters.yml",
            "lr: 1e-3\nbig: 1.5E+3\nsep: 1_000.5\nday: 2024-05-01\nstamp: 2024-05-01 10:00:00\n"
            "neg: -.5\nflag: yes\n",
        )
        params = loader(conf)["parameters"]
        assert params["lr"] == 0.001 and isinstance(params["lr"], float)
        assert params["big"] == 1500.0
        assert params["sep"] == 1000.5
        assert params["day"] == "2024-05-01"
        assert params["stamp"] == "2024-05-01 10:00:00"
        assert params["neg"] == "-.5"  # not a number for OmegaConf either
        assert params["flag"] is True


class TestOmegaConfResolvers:
    def test_select_decode_create_and_dict_resolvers(self, conf: Path) -> None:
        write(
            conf,
            "base/parameters.yml",
            """\
            model: {alpha: 1, layers: [8, 16]}
            picked: ${oc.select:model.alpha, 5}
            fallback: ${oc.select:model.missing, 5}
            nothing: ${oc.select:model.missing}
            decoded: ${oc.decode:'[1, 2]'}
            created: "${oc.create:'{k: 1}'}"
            names: ${oc.dict.keys:model}
            values: ${oc.dict.values:model}
            second_layer: ${model.layers[1]}
            """,
        )
        params = loader(conf)["parameters"]
        assert params["picked"] == 1
        assert params["fallback"] == 5
        assert params["nothing"] is None
        assert params["decoded"] == [1, 2]
        assert params["created"] == {"k": 1}
        assert params["names"] == ["alpha", "layers"]
        assert params["values"] == [1, [8, 16]]
        assert params["second_layer"] == 16

    def test_keys_built_from_values_and_coercion(self, conf: Path) -> None:
        write(
            conf,
            "base/parameters.yml",
            """\
            chosen: b
            models: {a: {alpha: 1}, b: {alpha: 2}}
            picked: ${models.${chosen}.alpha}
            count: ${oc.coerce:int, '5'}
            enabled: ${oc.coerce:bool, 'yes'}
            """,
        )
        params = loader(conf)["parameters"]
        assert (params["picked"], params["count"], params["enabled"]) == (2, 5, True)

    def test_deprecated_key_resolves_with_a_warning(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "new: 3\nold: ${oc.deprecated:new}\n")
        with pytest.warns(UserWarning, match="'old' is deprecated"):
            assert loader(conf)["parameters"]["old"] == 3

    def test_env_outside_credentials_is_unsupported_unless_given_as_resolver(
        self, conf: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("KEDRO_IPY_TEST_BUCKET", "s3://b")
        write(conf, "base/catalog.yml", "a: {path: '${oc.env:KEDRO_IPY_TEST_BUCKET}/a'}\n")
        with pytest.raises(
            BadConfigException, match=re.escape("Unsupported interpolation type oc.env")
        ):
            loader(conf)["catalog"]
        resolvers = {"oc.env": lambda key, default=None: os.environ.get(key, default)}
        assert loader(conf, custom_resolvers=resolvers)["catalog"] == {"a": {"path": "s3://b/a"}}


class TestErrorTypes:
    def test_config_errors_are_value_errors(self, conf: Path) -> None:
        assert issubclass(BadConfigException, ValueError)

    def test_long_duplicate_key_lists_are_cut(self, conf: Path) -> None:
        keys = {f"dataset_number_{i}": {"type": "X"} for i in range(20)}
        write(conf, "base/catalog_a.yml", yaml.safe_dump(keys))
        write(conf, "base/catalog_b.yml", yaml.safe_dump(keys))
        with pytest.raises(ValueError, match=r"catalog_b\.yml: dataset_number_0, .*\.\.\.$"):
            loader(conf)["catalog"]

    def test_unreadable_yaml_is_a_yaml_parser_error(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: [1\n")
        with pytest.raises(yaml.parser.ParserError) as raised:
            loader(conf)["catalog"]
        assert isinstance(raised.value, BadConfigException)
        assert str(raised.value).startswith("Invalid YAML or JSON file ")

    def test_broken_globals_fail_the_constructor(self, conf: Path) -> None:
        write(conf, "base/globals.yml", "x: ${nope:1}\n")
        with pytest.raises(BadConfigException, match="Unsupported interpolation type nope"):
            loader(conf)

    def test_private_globals_keys_are_refused(self, conf: Path) -> None:
        write(conf, "base/globals.yml", "_secret: 1\n")
        write(conf, "base/parameters.yml", "x: ${globals:_secret}\n")
        msg = "Keys starting with '_' are not supported for globals."
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            loader(conf)["parameters"]


class TestSources:
    @pytest.mark.parametrize("kind", ["tar.gz", "zip"])
    def test_archived_config_folder(self, tmp_path: Path, kind: str) -> None:
        conf = tmp_path / "conf"
        write(conf, "base/catalog.yml", "a: {type: A}\n")
        write(conf, "local/catalog.yml", "b: {type: B}\n")
        archive = tmp_path / f"conf-pkg.{kind}"
        if kind == "zip":
            with zipfile.ZipFile(archive, "w") as handle:
                for path in conf.rglob("*.yml"):
                    handle.write(path, path.relative_to(tmp_path))
        else:
            with tarfile.open(archive, "w:gz") as handle:
                handle.add(conf, arcname="conf")
        assert loader(archive)["catalog"] == {"a": {"type": "A"}, "b": {"type": "B"}}

    def test_patterns_may_reach_outside_the_environment(self, tmp_path: Path) -> None:
        write(tmp_path, "base/catalog.yml", "a: {type: A}\n")
        write(tmp_path, "dev/catalog.yml", "b: {type: B}\n")
        write(tmp_path, "dev/team/catalog_team.yml", "c: {type: C}\n")
        patterns = {"catalog": ["catalog*", "../**/team/catalog*"]}
        result = OmegaConfigLoader(tmp_path, env="dev", base_env="base", config_patterns=patterns)[
            "catalog"
        ]
        assert result == {"a": {"type": "A"}, "b": {"type": "B"}, "c": {"type": "C"}}

    def test_is_hidden_looks_below_the_config_folder_only(self, tmp_path: Path) -> None:
        hidden_root = tmp_path / ".hidden" / "conf"
        config = OmegaConfigLoader(hidden_root)
        assert not config._is_hidden(str(hidden_root / "base" / "catalog.yml"))
        assert config._is_hidden(str(hidden_root / "base" / ".ipynb_checkpoints" / "c.yml"))
        assert config._is_hidden(str(hidden_root / "base" / ".catalog.yml"))

    def test_missing_run_environment_is_reported_after_base_errors(self, conf: Path) -> None:
        (conf / "local").rmdir()
        write(conf, "base/catalog.yml", "a: [\n")
        with pytest.raises(BadConfigException):
            loader(conf)["catalog"]
        write(conf, "base/catalog.yml", "a: {type: A}\n")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(MissingConfigException, match="not a valid directory"):
                loader(conf)["catalog"]

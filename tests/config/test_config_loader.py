"""OmegaConfigLoader: environments, file patterns, merging, errors and runtime parameters."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from kedro_ipy.config import (
    AbstractConfigLoader,
    BadConfigException,
    MissingConfigException,
    OmegaConfigLoader,
)


def project_loader(conf_source: object, *args: object, **kwargs: object) -> OmegaConfigLoader:
    """A loader set up as a project's settings set it up (``base`` + ``local``)."""
    kwargs.setdefault("base_env", "base")
    kwargs.setdefault("default_run_env", "local")
    return OmegaConfigLoader(conf_source, *args, **kwargs)  # type: ignore[arg-type]


def write(conf: Path, rel: str, text: str) -> Path:
    path = conf / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    root = tmp_path / "conf"
    (root / "base").mkdir(parents=True)
    (root / "local").mkdir()
    return root


class TestEnvironments:
    def test_run_env_replaces_top_level_keys_of_base(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1, beta: 2}\nseed: 3\n")
        write(conf, "local/parameters.yml", "model: {alpha: 10}\n")
        assert project_loader(conf)["parameters"] == {"model": {"alpha": 10}, "seed": 3}

    def test_soft_merge_strategy_keeps_nested_base_keys(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1, beta: 2}\n")
        write(conf, "local/parameters.yml", "model: {alpha: 10}\n")
        loader = project_loader(conf, merge_strategy={"parameters": "soft"})
        assert loader["parameters"] == {"model": {"alpha": 10, "beta": 2}}

    def test_env_argument_chooses_the_run_environment(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: MemoryDataset}\n")
        write(conf, "local/catalog.yml", "a: {type: LocalDataset}\n")
        write(conf, "prod/catalog.yml", "a: {type: ProdDataset}\n")
        assert project_loader(conf, env="prod")["catalog"] == {"a": {"type": "ProdDataset"}}
        assert project_loader(conf)["catalog"] == {"a": {"type": "LocalDataset"}}

    def test_unknown_env_names_available_ones_and_suggests(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: X}\n")
        (conf / "prod").mkdir()
        msg = (
            "Given configuration path either does not exist or is not a valid directory: "
            f"{conf / 'prd'}. Environments in {conf}: base, local, prod. Did you mean 'prod'?"
        )
        loader = project_loader(conf, env="prd")  # as in Kedro, reported on first read
        with pytest.raises(MissingConfigException, match=re.escape(msg)):
            loader["catalog"]

    def test_missing_base_env_is_an_error(self, tmp_path: Path) -> None:
        (tmp_path / "conf" / "local").mkdir(parents=True)
        msg = (
            "Given configuration path either does not exist or is not a valid directory: "
            f"{tmp_path / 'conf' / 'base'}. Environments in {tmp_path / 'conf'}: local."
        )
        with pytest.raises(MissingConfigException, match=re.escape(msg)):
            project_loader(tmp_path / "conf")["catalog"]

    def test_missing_conf_folder_says_so(self, tmp_path: Path) -> None:
        msg = (
            f"not a valid directory: {tmp_path / 'nope' / 'base'}. The config folder "
            f"{tmp_path / 'nope'} does not exist: check CONF_SOURCE in settings.py or the "
            "conf_source given."
        )
        with pytest.raises(MissingConfigException, match=re.escape(msg)):
            project_loader(tmp_path / "nope")["parameters"]

    def test_missing_default_run_env_is_an_error_when_a_key_is_read(self, tmp_path: Path) -> None:
        write(tmp_path / "conf", "base/catalog.yml", "a: {type: X}\n")
        loader = project_loader(tmp_path / "conf")
        with pytest.raises(MissingConfigException, match=re.escape(str(tmp_path / "conf/local"))):
            loader["catalog"]

    def test_without_environments_conf_source_itself_is_read(self, tmp_path: Path) -> None:
        write(tmp_path, "catalog.yml", "a: {type: X}\n")
        write(tmp_path, "globals.yml", "kind: Y\n")
        write(tmp_path, "parameters.yml", "kind: ${globals:kind}\n")
        loader = OmegaConfigLoader(tmp_path)
        assert (loader.base_env, loader.default_run_env) == ("", "")
        assert loader["catalog"] == {"a": {"type": "X"}}
        assert loader["parameters"] == {"kind": "Y"}
        # With a single environment, a key without files is empty rather than missing.
        assert loader["credentials"] == {}

    def test_run_env_equal_to_base_reads_base_once(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "x: 1\n")
        loader = project_loader(conf, default_run_env="base")
        assert loader["parameters"] == {"x": 1}


class TestPatterns:
    def test_default_patterns_find_files_folders_and_nested_files(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: A}\n")
        write(conf, "base/catalog_extra.yaml", "b: {type: B}\n")
        write(conf, "base/catalog/deep/c.yml", "c: {type: C}\n")
        write(conf, "base/pipelines/train/catalog.json", '{"d": {"type": "D"}}')
        write(conf, "base/pipelines/train/other.yml", "e: {type: E}\n")
        write(conf, "base/catalog.txt", "f: {type: F}\n")
        assert sorted(project_loader(conf)["catalog"]) == ["a", "b", "c", "d"]

    def test_hidden_files_and_folders_are_ignored(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: A}\n")
        write(conf, "base/.catalog_backup.yml", "a: {type: Hidden}\n")
        write(conf, "base/.ipynb_checkpoints/catalog-checkpoint.yml", "a: {type: Hidden}\n")
        assert project_loader(conf)["catalog"] == {"a": {"type": "A"}}

    def test_hidden_files_are_read_when_asked(self, conf: Path) -> None:
        write(conf, "base/.hidden/catalog.yml", "h: {type: H}\n")
        assert project_loader(conf, ignore_hidden=False)["catalog"] == {"h": {"type": "H"}}

    def test_custom_key_from_config_patterns(self, conf: Path) -> None:
        write(conf, "base/spark.yml", "spark.executor.memory: 2g\n")
        write(conf, "local/spark/extra.yml", "spark.driver.memory: 1g\n")
        loader = project_loader(conf, config_patterns={"spark": ["spark*", "spark*/**"]})
        assert loader["spark"] == {"spark.executor.memory": "2g", "spark.driver.memory": "1g"}
        assert list(loader.keys()) == ["catalog", "parameters", "credentials", "globals", "spark"]
        # As in Kedro: ``in`` and iteration only see keys that were set explicitly.
        assert "spark" not in loader and list(loader) == []
        loader["extra"] = {"a": 1}
        assert "extra" in loader and list(loader) == ["extra"] and len(loader) == 1

    def test_unknown_key_is_a_key_error_with_suggestion(self, conf: Path) -> None:
        msg = (
            "No config patterns were found for 'catalgo' in your config loader. Known keys: "
            "catalog, parameters, credentials, globals. Did you mean 'catalog'?"
        )
        with pytest.raises(KeyError, match=re.escape(msg)):
            project_loader(conf)["catalgo"]
        assert project_loader(conf).get("catalgo") is None

    def test_no_files_for_a_key_is_missing_config(self, conf: Path) -> None:
        msg = (
            f"No files of YAML or JSON format found in {conf / 'base'} or {conf / 'local'} "
            "matching the glob pattern(s): ['credentials*', 'credentials*/**', "
            "'**/credentials*']"
        )
        with pytest.raises(MissingConfigException, match=re.escape(msg)):
            project_loader(conf)["credentials"]

    def test_an_empty_file_contributes_nothing(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "")
        write(conf, "base/parameters_x.yml", "x: 1\n")
        assert project_loader(conf)["parameters"] == {"x": 1}


class TestErrors:
    def test_same_key_in_two_files_of_one_env_names_both(self, conf: Path) -> None:
        first = write(conf, "base/catalog.yml", "cars: {type: A}\nboats: {type: B}\n")
        second = write(conf, "base/catalog/more.yml", "cars: {type: C}\n")
        msg = f"Duplicate keys found in {first} and {second}: cars"
        with pytest.raises(BadConfigException, match=re.escape(msg)) as raised:
            project_loader(conf)["catalog"]
        assert isinstance(raised.value, ValueError)  # what Kedro raises

    def test_file_that_is_not_utf8_names_file_and_line(self, conf: Path) -> None:
        path = conf / "base" / "parameters.yml"
        path.write_bytes("currency: EUR\nlabel: café\n".encode("latin-1"))
        message = f"Config file {path.as_posix()} is not UTF-8 text: byte 0xe9 on line 2"
        with pytest.raises(BadConfigException, match=re.escape(message)):
            project_loader(conf)["parameters"]

    def test_same_key_in_base_and_run_env_is_not_a_duplicate(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "cars: {type: A}\n")
        write(conf, "local/catalog.yml", "cars: {type: B}\n")
        assert project_loader(conf)["catalog"] == {"cars": {"type": "B"}}

    def test_parameter_files_may_share_a_parent_key(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1}\n")
        write(conf, "base/parameters_model.yml", "model: {beta: 2}\n")
        assert project_loader(conf)["parameters"] == {"model": {"alpha": 1, "beta": 2}}

    def test_parameter_files_may_not_share_a_leaf(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1}\n")
        write(conf, "base/parameters_model.yml", "model: {alpha: 2}\n")
        with pytest.raises(
            BadConfigException, match=re.escape("parameters_model.yml: model.alpha")
        ):
            project_loader(conf)["parameters"]

    def test_underscore_keys_may_repeat_and_are_dropped_from_catalog(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "_csv: {type: CSV}\na: ${_csv}\n")
        write(conf, "base/catalog_b.yml", "_csv: {type: CSV}\nb: ${_csv}\n")
        assert project_loader(conf)["catalog"] == {"a": {"type": "CSV"}, "b": {"type": "CSV"}}

    def test_malformed_yaml_names_file_and_line(self, conf: Path) -> None:
        path = write(conf, "base/catalog.yml", "a:\n  type: X\n b: [\n")
        msg = (
            f"Invalid YAML or JSON file {path}, unable to read line 2, position 1. "
            "YAML says: did not find expected key (line 3, column 2)."
        )
        with pytest.raises(BadConfigException, match=re.escape(msg)) as raised:
            project_loader(conf)["catalog"]
        assert isinstance(raised.value, yaml.parser.ParserError)  # what Kedro raises

    def test_repeated_key_inside_one_file_names_file_and_line(self, conf: Path) -> None:
        path = write(conf, "base/parameters.yml", "a: 1\nb: 2\na: 3\n")
        msg = f"{path}, unable to read line 2, position 0. YAML says: found duplicate key 'a'"
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            project_loader(conf)["parameters"]

    def test_top_level_must_be_a_mapping(self, conf: Path) -> None:
        path = write(conf, "base/catalog.yml", "- a\n- b\n")
        msg = f"Config file {path} must hold a mapping at its top level, not a list."
        with pytest.raises(BadConfigException, match=re.escape(msg)):
            project_loader(conf)["catalog"]

    def test_yaml_tags_that_build_objects_are_refused(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "x: !!python/object/apply:os.getcwd []\n")
        with pytest.raises(BadConfigException, match="could not determine a constructor"):
            project_loader(conf)["parameters"]

    def test_unknown_merge_strategy_fails_at_construction(self, conf: Path) -> None:
        msg = (
            "Merging strategy sotf not supported. The accepted merging strategies are "
            "['soft', 'destructive']. It was given for 'parameters'. Did you mean 'soft'?"
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            project_loader(conf, merge_strategy={"parameters": "sotf"})


class TestRuntimeParams:
    def test_dotted_runtime_params_override_one_nested_leaf(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1, beta: 2}\nseed: 3\n")
        loader = project_loader(conf, runtime_params={"model.alpha": 0.5, "new.key": "x"})
        assert loader["parameters"] == {
            "model": {"alpha": 0.5, "beta": 2},
            "seed": 3,
            "new": {"key": "x"},
        }

    def test_nested_dict_runtime_params_merge_deeply(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1, opts: {a: 1, b: 2}}\n")
        loader = project_loader(conf, runtime_params={"model": {"opts": {"b": 20}}})
        assert loader["parameters"] == {"model": {"alpha": 1, "opts": {"a": 1, "b": 20}}}

    def test_runtime_params_do_not_drop_base_siblings_when_env_has_params(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1, beta: 2}\n")
        write(conf, "local/parameters.yml", "other: 1\n")
        loader = project_loader(conf, runtime_params={"model.beta": 20})
        assert loader["parameters"] == {"model": {"alpha": 1, "beta": 20}, "other": 1}

    def test_references_see_the_runtime_value(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "size: 3\ndouble_of: ${size}\n")
        loader = project_loader(conf, runtime_params={"size": 7})
        assert loader["parameters"] == {"size": 7, "double_of": 7}

    def test_runtime_params_resolver_with_default(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {path: 'data/${runtime_params:run, dev}.csv'}\n")
        assert project_loader(conf)["catalog"]["a"]["path"] == "data/dev.csv"
        loader = project_loader(conf, runtime_params={"run": "r1"})
        assert loader["catalog"]["a"]["path"] == "data/r1.csv"

    def test_runtime_params_do_not_touch_other_keys(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: X}\n")
        loader = project_loader(conf, runtime_params={"a": 1})
        assert loader["catalog"] == {"a": {"type": "X"}}

    def test_runtime_params_only_files_are_still_required(self, conf: Path) -> None:
        with pytest.raises(MissingConfigException):
            project_loader(conf, runtime_params={"a": 1})["parameters"]

    def test_type_from_runtime_params_refused_when_restricted(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: '${runtime_params:kind, MemoryDataset}'}\n")
        loose = project_loader(conf, runtime_params={"kind": "Evil"})
        assert loose["catalog"] == {"a": {"type": "Evil"}}
        strict = project_loader(
            conf, runtime_params={"kind": "Evil"}, restrict_runtime_params_type_selection=True
        )
        with pytest.raises(BadConfigException, match="may not come from runtime parameters"):
            strict["catalog"]
        defaulted = project_loader(conf, restrict_runtime_params_type_selection=True)
        assert defaulted["catalog"] == {"a": {"type": "MemoryDataset"}}


class TestMappingBehaviour:
    def test_results_are_copies(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "model: {alpha: 1}\n")
        loader = project_loader(conf)
        loader["parameters"]["model"]["alpha"] = 99
        assert loader["parameters"] == {"model": {"alpha": 1}}

    def test_explicit_value_wins_over_files(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "x: 1\n")
        loader = project_loader(conf)
        loader["parameters"] = {"x": 2}
        assert loader["parameters"] == {"x": 2}

    def test_explicit_globals_feed_interpolation(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {path: '${globals:root}/a'}\n")
        loader = project_loader(conf)
        loader["globals"] = {"root": "s3://bucket"}
        assert loader["catalog"] == {"a": {"path": "s3://bucket/a"}}

    def test_each_read_sees_the_files_as_they_are_now(self, conf: Path) -> None:
        write(conf, "base/parameters.yml", "x: 1\n")
        loader = project_loader(conf)
        assert loader["parameters"] == {"x": 1}
        write(conf, "base/parameters_new.yml", "y: 2\n")
        assert loader["parameters"] == {"x": 1, "y": 2}
        loader.default_run_env = "prod"
        write(conf, "prod/parameters.yml", "x: 5\n")
        assert loader["parameters"] == {"x": 5, "y": 2}

    def test_is_an_abstract_config_loader_and_repr_hides_content(self, conf: Path) -> None:
        write(conf, "base/credentials.yml", "db: {password: hunter2}\n")
        loader = project_loader(conf, env="local")
        assert isinstance(loader, AbstractConfigLoader)
        assert loader["credentials"] == {"db": {"password": "hunter2"}}
        assert "hunter2" not in repr(loader)
        assert repr(loader).startswith(f"OmegaConfigLoader(conf_source='{conf}', env='local'")

    def test_kedro_attributes(self, conf: Path) -> None:
        loader = project_loader(conf, runtime_params={"a": 1})
        assert (loader.conf_source, loader.env) == (str(conf), None)
        assert loader.runtime_params == {"a": 1}
        assert (loader.base_env, loader.default_run_env) == ("base", "local")
        assert loader.config_patterns["catalog"] == ["catalog*", "catalog*/**", "**/catalog*"]


class TestFileDiscovery:
    def test_symlink_loop_is_walked_once(self, conf: Path) -> None:
        write(conf, "base/catalog.yml", "a: {type: A}\n")
        (conf / "base" / "loop").symlink_to(conf / "base", target_is_directory=True)
        assert project_loader(conf)["catalog"] == {"a": {"type": "A"}}

    def test_glob_classes_and_single_characters(self, conf: Path) -> None:
        write(conf, "base/catalog_1.yml", "one: {type: A}\n")
        write(conf, "base/catalog_x.yml", "x: {type: A}\n")
        write(conf, "base/data/catalog_22.yml", "two: {type: A}\n")
        loader = project_loader(
            conf, config_patterns={"catalog": ["catalog_[0-9].yml", "*/catalog_??.yml"]}
        )
        assert sorted(loader["catalog"]) == ["one", "two"]

"""One error root: every exception class of kedro_ipy is a ``KedroIpyError`` and still the
Kedro-compatible type code written for Kedro catches."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kedro_ipy
from kedro_ipy import KedroIpyError


def _all_exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a module of the package (warnings aside)."""
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(kedro_ipy.__path__, "kedro_ipy."):
        module = importlib.import_module(module_info.name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and not issubclass(obj, Warning)
                and obj.__module__ == module.__name__
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


ALL_ERRORS = _all_exception_classes()

#: The base each public error has in Kedro (or, for kedro_ipy's own, in its documentation).
KEDRO_BASES: dict[str, tuple[type[BaseException], ...]] = {
    "kedro_ipy.config.BadConfigException": (ValueError,),
    "kedro_ipy.config.MissingConfigException": (Exception,),
    "kedro_ipy.io.DatasetError": (Exception,),
    "kedro_ipy.io.DatasetNotFoundError": (Exception,),
    "kedro_ipy.io.DatasetAlreadyExistsError": (Exception,),
    "kedro_ipy.io.VersionNotFoundError": (Exception,),
    "kedro_ipy.io.VersionAlreadyExistsError": (Exception,),
    "kedro_ipy.io.catalog_config_resolver.CredentialsNotFoundError": (KeyError,),
    "kedro_ipy.pipeline.PipelineError": (Exception,),
    "kedro_ipy.pipeline.CircularDependencyError": (Exception,),
    "kedro_ipy.pipeline.OutputNotUniqueError": (Exception,),
    "kedro_ipy.pipeline.ConfirmNotUniqueError": (Exception,),
    "kedro_ipy.pipeline.UnknownNameError": (ValueError,),
    "kedro_ipy.runner.RunnerError": (Exception,),
    "kedro_ipy.runner.MissingInputsError": (ValueError,),
    "kedro_ipy.runner.UnpicklableError": (ValueError, AttributeError),
    "kedro_ipy.runner.task.TaskError": (Exception,),
    "kedro_ipy.framework.hooks.manager.HookRegistrationError": (TypeError,),
    "kedro_ipy.framework.context.KedroContextError": (Exception,),
    "kedro_ipy.framework.session.KedroSessionError": (Exception,),
    "kedro_ipy.framework.session.PipelineSelectionError": (ValueError,),
    "kedro_ipy.framework.session.RunRequestError": (ValueError,),
    "kedro_ipy.framework.project.SettingsError": (ValueError,),
    "kedro_ipy.framework.startup.ProjectMetadataError": (RuntimeError,),
    "kedro_ipy.framework.startup.ProjectNotFoundError": (RuntimeError,),
    "kedro_ipy.framework.startup.SourceDirOutsideProjectError": (RuntimeError, ValueError),
    "kedro_ipy.framework.startup.SourceDirNotFoundError": (RuntimeError, NotADirectoryError),
    "kedro_ipy.framework.project._logging.LoggingConfigError": (ValueError,),
    "kedro_ipy.framework.cli.port.PortError": (ValueError,),
}


def _resolve(dotted: str) -> type[BaseException]:
    module_name, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), name)


def test_the_package_defines_its_error_classes_where_expected():
    # Guards the walk below: it must see the errors of every layer, not an empty list.
    modules = {name.rsplit(".", 1)[0] for name in ALL_ERRORS}
    assert len(ALL_ERRORS) >= 36
    assert {"kedro_ipy.io.core", "kedro_ipy.pipeline.errors", "kedro_ipy.runner.runner",
            "kedro_ipy.config.abstract_config", "kedro_ipy.ipython.magics"} <= modules


@pytest.mark.parametrize("name", sorted(ALL_ERRORS))
def test_every_exception_class_is_a_kedro_ipy_error(name):
    assert issubclass(ALL_ERRORS[name], KedroIpyError), (
        f"{name} must subclass kedro_ipy.errors.KedroIpyError (keeping its Kedro base)"
    )


@pytest.mark.parametrize("name", sorted(KEDRO_BASES))
def test_public_errors_keep_their_kedro_base(name):
    cls = _resolve(name)
    for base in KEDRO_BASES[name]:
        assert issubclass(cls, base), f"{name} lost its base {base.__name__}"


def test_code_written_for_kedro_still_catches_by_the_old_base():
    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline, node

    with pytest.raises(ValueError) as info:  # as in Kedro: UnknownNameError is a ValueError
        Pipeline([node(len, "a", "b", name="n")]).only_nodes("m")
    assert isinstance(info.value, KedroIpyError)

    with pytest.raises(KedroIpyError) as caught:
        DataCatalog().load("nothing")
    assert type(caught.value).__name__ == "DatasetNotFoundError"


def test_the_config_parser_error_built_at_run_time_is_under_the_root(tmp_path):
    from kedro_ipy.config import BadConfigException, OmegaConfigLoader

    (tmp_path / "base").mkdir()
    (tmp_path / "local").mkdir()
    (tmp_path / "base" / "catalog.yml").write_text("a: [unclosed\n")
    with pytest.raises(BadConfigException) as info:
        OmegaConfigLoader(str(tmp_path))["catalog"]
    assert isinstance(info.value, KedroIpyError)


def test_a_node_functions_own_error_is_not_wrapped():
    from kedro_ipy.io import DataCatalog, MemoryDataset
    from kedro_ipy.pipeline import Pipeline, node
    from kedro_ipy.runner import SequentialRunner

    def boom(x):
        raise ZeroDivisionError("user bug")

    catalog = DataCatalog({"a": MemoryDataset(1)})
    with pytest.raises(ZeroDivisionError) as info:
        SequentialRunner().run(Pipeline([node(boom, "a", "b", name="boom")]), catalog)
    assert not isinstance(info.value, KedroIpyError)


def test_the_root_is_importable_from_the_package_without_importing_layers():
    import subprocess
    import sys

    code = (
        "import sys, kedro_ipy; from kedro_ipy import KedroIpyError; "
        "print(sorted(m for m in sys.modules if m.startswith('kedro_ipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['kedro_ipy', 'kedro_ipy.errors']"

"""The hook specifications carry Kedro 1.7.0's hook names and argument names, exactly."""

from __future__ import annotations

import inspect

from kedro_ipy.framework.hooks import _create_hook_manager, hook_impl, specs
from kedro_ipy.framework.hooks.markers import HOOK_NAMESPACE

# Read from Kedro 1.7.0 with inspect.signature (kedro.framework.hooks.specs).
KEDRO_SPECS = {
    "DataCatalogSpecs.after_catalog_created": [
        "catalog", "conf_catalog", "conf_creds", "parameters", "save_version", "load_versions",
    ],
    "DatasetSpecs.after_dataset_loaded": ["dataset_name", "data", "node"],
    "DatasetSpecs.after_dataset_saved": ["dataset_name", "data", "node"],
    "DatasetSpecs.before_dataset_loaded": ["dataset_name", "node"],
    "DatasetSpecs.before_dataset_saved": ["dataset_name", "data", "node"],
    "KedroContextSpecs.after_context_created": ["context"],
    "NodeSpecs.after_node_run": ["node", "catalog", "inputs", "outputs", "is_async", "run_id"],
    "NodeSpecs.before_node_run": ["node", "catalog", "inputs", "is_async", "run_id"],
    "NodeSpecs.on_node_error": ["error", "node", "catalog", "inputs", "is_async", "run_id"],
    "PipelineSpecs.after_pipeline_run": ["run_params", "run_result", "pipeline", "catalog"],
    "PipelineSpecs.before_pipeline_run": ["run_params", "pipeline", "catalog"],
    "PipelineSpecs.on_pipeline_error": ["error", "run_params", "pipeline", "catalog"],
}


def test_spec_classes_match_kedro():
    found = {}
    for class_name in specs.__all__:
        for name, func in inspect.getmembers(getattr(specs, class_name), inspect.isfunction):
            found[f"{class_name}.{name}"] = list(inspect.signature(func).parameters)[1:]
    assert found == KEDRO_SPECS


def test_manager_knows_every_hook():
    manager = _create_hook_manager()
    assert manager.project_name == HOOK_NAMESPACE == "kedro_ipy"
    names = {key.split(".")[1] for key in KEDRO_SPECS}
    assert {name for name in names if getattr(manager.hook, name).spec is not None} == names


def test_implementation_may_take_any_subset_of_arguments():
    calls = []

    class Partial:
        @hook_impl
        def after_node_run(self, outputs, node):
            calls.append((node, outputs))

    manager = _create_hook_manager()
    manager.register(Partial())
    manager.hook.after_node_run(node="n", catalog=None, inputs={}, outputs={"x": 1},
                                is_async=False, run_id=None)
    assert calls == [("n", {"x": 1})]


def test_before_node_run_results_are_collected():
    class A:
        @hook_impl
        def before_node_run(self):
            return {"x": 1}

    class B:
        @hook_impl
        def before_node_run(self):
            return None

    manager = _create_hook_manager()
    manager.register(A())
    manager.register(B())
    assert manager.hook.before_node_run(node=None, catalog=None, inputs={}, is_async=False,
                                        run_id=None) == [{"x": 1}]

"""Hook specifications, one class per lifecycle, with Kedro 1.x's hook and argument names.

The names are the compatibility surface: a Kedro project's hooks class keeps working after its
imports are renamed, because pluggy matches an implementation to its specification by method
name and checks that every argument it asks for is one the specification offers. An
implementation may ask for any subset of the arguments, in any order.

Who calls what:

- the session calls the context, catalog and pipeline hooks;
- the runners call the node hooks and, around every load and save they do for a node, the
  dataset hooks (the catalog itself calls no hooks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kedro_ipy.framework.hooks.markers import hook_spec

if TYPE_CHECKING:
    from kedro_ipy.framework.context import KedroContext
    from kedro_ipy.io import DataCatalog
    from kedro_ipy.pipeline import Pipeline
    from kedro_ipy.pipeline.node import Node

__all__ = [
    "DataCatalogSpecs",
    "DatasetSpecs",
    "KedroContextSpecs",
    "NodeSpecs",
    "PipelineSpecs",
]


class DataCatalogSpecs:
    """Hooks about the data catalog the context builds."""

    @hook_spec
    def after_catalog_created(
        self,
        catalog: DataCatalog,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str,
        load_versions: dict[str, str],
    ) -> None:
        """Called once the catalog exists, so a plugin can add or wrap datasets.

        Args:
            catalog: The catalog just built.
            conf_catalog: The catalog configuration it was built from.
            conf_creds: The credentials configuration (never log it).
            parameters: The project's parameters.
            save_version: The version string used for versioned saves.
            load_versions: Dataset name -> version to load.
        """


class NodeSpecs:
    """Hooks around each node a runner executes."""

    @hook_spec
    def before_node_run(
        self,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> dict[str, Any] | None:
        """Called with a node's loaded inputs, just before its function runs.

        A plugin can substitute inputs (to inject test data, say) by returning a dictionary of
        dataset name -> value; the node then runs with those values. Returning ``None`` changes
        nothing. The ``inputs`` given here is a copy: mutating it has no effect.

        Args:
            node: The node about to run.
            catalog: The catalog of the run.
            inputs: Dataset name -> loaded value.
            is_async: Whether inputs were loaded asynchronously.
            run_id: The run's id.

        Returns:
            ``None``, or dataset name -> value replacing those inputs.
        """

    @hook_spec
    def after_node_run(
        self,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        outputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called after a node's function returned, before its outputs are saved.

        Args:
            node: The node that ran.
            catalog: The catalog of the run.
            inputs: Dataset name -> value the node ran with.
            outputs: Dataset name -> value the node returned.
            is_async: Whether inputs were loaded asynchronously.
            run_id: The run's id.
        """

    @hook_spec
    def on_node_error(
        self,
        error: Exception,
        node: Node,
        catalog: DataCatalog,
        inputs: dict[str, Any],
        is_async: bool,
        run_id: str,
    ) -> None:
        """Called when a node's function raised; the exception is re-raised afterwards.

        Args:
            error: The exception the node raised.
            node: The node that failed.
            catalog: The catalog of the run.
            inputs: Dataset name -> value the node ran with.
            is_async: Whether inputs were loaded asynchronously.
            run_id: The run's id.
        """


class PipelineSpecs:
    """Hooks around a whole pipeline run (called by the session)."""

    @hook_spec
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        """Called before the runner starts.

        Args:
            run_params: The run's parameters (run id, pipeline name, filters, runner, ...).
            pipeline: The (filtered) pipeline about to run.
            catalog: The catalog of the run.
        """

    @hook_spec
    def after_pipeline_run(
        self,
        run_params: dict[str, Any],
        run_result: dict[str, Any],
        pipeline: Pipeline,
        catalog: DataCatalog,
    ) -> None:
        """Called after every node finished.

        Args:
            run_params: The run's parameters.
            run_result: What the run returned (the free outputs).
            pipeline: The pipeline that ran.
            catalog: The catalog of the run.
        """

    @hook_spec
    def on_pipeline_error(
        self,
        error: Exception,
        run_params: dict[str, Any],
        pipeline: Pipeline,
        catalog: DataCatalog,
    ) -> None:
        """Called when the run failed; the exception is re-raised afterwards.

        Args:
            error: The exception that stopped the run.
            run_params: The run's parameters.
            pipeline: The pipeline that was running.
            catalog: The catalog of the run.
        """


class DatasetSpecs:
    """Hooks around every load and save a runner does for a node."""

    @hook_spec
    def before_dataset_loaded(self, dataset_name: str, node: Node) -> None:
        """Called before a node's input is loaded.

        Args:
            dataset_name: The input's name.
            node: The node that needs it.
        """

    @hook_spec
    def after_dataset_loaded(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called after a node's input was loaded.

        Args:
            dataset_name: The input's name.
            data: The loaded value.
            node: The node that needs it.
        """

    @hook_spec
    def before_dataset_saved(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called before a node's output is saved.

        Args:
            dataset_name: The output's name.
            data: The value about to be saved.
            node: The node that produced it.
        """

    @hook_spec
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Node) -> None:
        """Called after a node's output was saved.

        Args:
            dataset_name: The output's name.
            data: The saved value.
            node: The node that produced it.
        """


class KedroContextSpecs:
    """Hooks about the project context."""

    @hook_spec
    def after_context_created(self, context: KedroContext) -> None:
        """Called once the session has created the context.

        Args:
            context: The new context (its catalog is built lazily).
        """

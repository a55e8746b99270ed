"""The CLI hook specifications, with Kedro's hook and argument names.

A plugin implements any of them, asking for any subset of the arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kedro_ipy.framework.cli.hooks.markers import cli_hook_spec

if TYPE_CHECKING:
    from kedro_ipy.framework.startup import ProjectMetadata

__all__ = ["CLICommandSpecs"]


class CLICommandSpecs:
    """Hooks around each ``kedro-ipy`` command."""

    @cli_hook_spec
    def before_command_run(
        self, project_metadata: ProjectMetadata | None, command_args: list[str]
    ) -> None:
        """Called after the command line is read, before the command does anything.

        Args:
            project_metadata: The metadata of the project the command works in (found from
                ``--project-path`` or the current folder), or ``None`` outside a project.
            command_args: The arguments as typed, the command's name first (``["run",
                "--pipeline", "ds"]``).
        """

    @cli_hook_spec
    def after_command_run(
        self, project_metadata: ProjectMetadata | None, command_args: list[str], exit_code: int
    ) -> None:
        """Called when the command has finished, whether it succeeded or not.

        Args:
            project_metadata: As for ``before_command_run``.
            command_args: As for ``before_command_run``.
            exit_code: The command's exit code: 0 success, 1 a failed run, 2 bad input,
                130 interrupted.
        """

"""The CLI hooks' pluggy markers, apart from the run hooks' so that a command-line plugin
(telemetry, say) is never asked about nodes and datasets, nor a run plugin about commands."""

from __future__ import annotations

from typing import Final

import pluggy

__all__ = ["CLI_HOOK_NAMESPACE", "cli_hook_impl", "cli_hook_spec"]

#: The pluggy project name of the CLI hooks (Kedro's is ``"kedro_cli"``).
CLI_HOOK_NAMESPACE: Final = "kedro_ipy_cli"

#: Marks a method of a spec class as a CLI hook specification.
cli_hook_spec: Final = pluggy.HookspecMarker(CLI_HOOK_NAMESPACE)

#: Marks a method of a command-line plugin as a CLI hook implementation.
cli_hook_impl: Final = pluggy.HookimplMarker(CLI_HOOK_NAMESPACE)

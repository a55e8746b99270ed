"""The two pluggy markers: one declares the hook specifications, one marks implementations.

Both are bound to the project name ``"kedro_ipy"``, so a plugin written for kedro_ipy decorates
its methods with ``@hook_impl`` exactly as a Kedro plugin does with Kedro's marker.
"""

from __future__ import annotations

from typing import Final

import pluggy

__all__ = ["HOOK_NAMESPACE", "hook_impl", "hook_spec"]

#: The pluggy project name shared by the specs, the markers and the manager.
HOOK_NAMESPACE: Final = "kedro_ipy"

#: Marks a method of a spec class as a hook specification.
hook_spec: Final = pluggy.HookspecMarker(HOOK_NAMESPACE)

#: Marks a method of a plugin (a project's hooks class) as a hook implementation.
hook_impl: Final = pluggy.HookimplMarker(HOOK_NAMESPACE)

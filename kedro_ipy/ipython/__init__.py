"""The IPython extension: ``%load_ext kedro_ipy`` registers the session magics.

Loading registers a ``SessionMagics`` instance and a completer for the magic lines; nothing
heavy (the framework, widgets, pandas) is imported until a magic runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__all__ = ["load_ipython_extension", "unload_ipython_extension"]

# The magics instance per shell, so unloading finds what loading registered.
_LOADED: dict[int, Any] = {}


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register the session magics and their tab completion on ``ipython``.

    Loading twice is harmless: the second call does nothing.
    """
    if id(ipython) in _LOADED:
        return
    from kedro_ipy.ipython.magics import SessionMagics

    magics = SessionMagics(ipython)
    ipython.register_magics(magics)

    def kedro_ipy_matcher(context: Any) -> dict:
        # Completion code is imported on the first Tab, not at load time.
        from kedro_ipy.ipython.completion import magics_names, match

        return match(context, magics_names(magics))

    kedro_ipy_matcher.matcher_api_version = 2  # type: ignore[attr-defined]
    magics.matcher = kedro_ipy_matcher
    ipython.Completer.custom_matchers.append(kedro_ipy_matcher)
    _LOADED[id(ipython)] = magics


def unload_ipython_extension(ipython: InteractiveShell) -> None:
    """Remove the magics and the completer, closing the session the extension created.

    The namespace variables are left alone. ``%reload_ext kedro_ipy`` therefore starts
    without a session: run ``%session_create`` again (a line printed says so, since the
    ``session`` variable still looks usable).
    """
    magics = _LOADED.pop(id(ipython), None)
    if magics is None:
        return
    session = magics.close_session()
    if session is not None:
        print(f"kedro_ipy unloaded: session {session.session_id} closed "
              "(%session_create opens a new one).")
    matchers = ipython.Completer.custom_matchers
    if magics.matcher in matchers:
        matchers.remove(magics.matcher)
    registry = ipython.magics_manager.magics["line"]
    for name in magics.magics["line"]:
        if getattr(registry.get(name), "__self__", None) is magics:
            del registry[name]
    ipython.magics_manager.registry.pop(type(magics).__name__, None)

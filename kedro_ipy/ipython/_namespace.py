"""What the magics put into the user's namespace, and under which names.

Kept apart from the magics so that the panel publishes exactly the same variables.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "SESSION_VARIABLES",
    "dataset_variable_name",
    "push_run_outputs",
    "push_session_variables",
    "session_variables",
]

#: The variables ``%session_create`` sets, in the order the summary lists them.
SESSION_VARIABLES: tuple[str, ...] = ("session", "context", "catalog", "params", "pipelines")

_NOT_IDENTIFIER = re.compile(r"\W")


def _project_pipelines() -> Any:
    from kedro_ipy.framework.project import pipelines

    return pipelines


def session_variables(session: Any, context: Any = None, catalog: Any = None) -> dict[str, Any]:
    """The session's variables: ``session``, ``context``, ``catalog``, ``params``, ``pipelines``.

    ``context`` is loaded from the session unless given; ``catalog`` is built from it unless
    given (after a run: the run's own catalog, so a run builds one catalog, not two), and
    ``params`` are the ones that catalog was fed. ``pipelines`` is the project's registry
    (name -> Pipeline), the same object ``kedro_ipy.framework.project.pipelines``.
    """
    if context is None:
        context = session.load_context()
    if catalog is None:
        catalog = context.catalog
    return {
        "session": session,
        "context": context,
        "catalog": catalog,
        "params": _parameters(catalog, context),
        "pipelines": _project_pipelines(),
    }


def _parameters(catalog: Any, context: Any) -> Any:
    """The parameters the catalog holds (read with it), else the context's."""
    try:
        if "parameters" in catalog:
            return catalog.load("parameters")
    except Exception:  # a catalog without fed parameters: ask the context
        pass
    return context.params


def push_session_variables(shell: Any, session: Any, context: Any = None,
                           catalog: Any = None) -> list[str]:
    """Put the session's variables into the shell's namespace; returns their names.

    They are pushed as ordinary user variables (``%who`` lists them), so a user who
    overwrites ``catalog`` is not surprised that the next ``%session_run`` restores it.
    """
    variables = session_variables(session, context, catalog)
    shell.push(variables)
    return list(variables)


def push_run_outputs(shell: Any, outputs: Mapping[str, Any], name: str = "outputs") -> str:
    """Put a run's returned dict into the namespace under ``name``; returns ``name``."""
    shell.push({name: outputs})
    return name


def dataset_variable_name(dataset: str) -> str:
    """The variable ``%load_node`` uses for a dataset.

    Every character that cannot appear in a Python name becomes ``_``
    (``params:model.alpha`` -> ``params_model_alpha``, ``companies@pandas`` ->
    ``companies_pandas``); a leading digit or a keyword gets a leading/trailing ``_``.
    """
    name = _NOT_IDENTIFIER.sub("_", dataset)
    if not name or name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name):
        name += "_"
    return name


def dataset_variable_names(datasets: Iterable[str]) -> dict[str, str]:
    """Dataset -> variable for several datasets, made unique when two map to one name."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for dataset in datasets:
        base = candidate = dataset_variable_name(dataset)
        counter = 2
        while candidate in used:
            candidate = f"{base}_{counter}"
            counter += 1
        used.add(candidate)
        names[dataset] = candidate
    return names

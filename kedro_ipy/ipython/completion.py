"""Tab completion inside ``%session_run`` (and ``%session_explain``), ``%session_cache``,
``%load_node`` and ``%session_create`` lines.

``complete_line`` is plain Python: given the text before the cursor and the project's names,
it returns the fragment being completed and the candidates. ``make_matcher`` wraps it in an
IPython matcher (the v2 matcher API, ``IPCompleter.custom_matchers``), which also works in
JupyterLab and the terminal. The fragment is computed here rather than taken from IPython's
token splitter, which cuts at ``:`` and ``,`` (dataset names such as ``params:model.alpha``
contain them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

__all__ = ["NameSource", "SessionNames", "complete_line", "magics_names", "match"]

_MAGIC_RE = re.compile(
    r"^\s*%?(session_run|session_explain|session_cache|load_node|session_create)\s")
#: Magics that take ``%session_run``'s options.
_RUN_LIKE = ("session_run", "session_explain")

#: Which kind of name each option takes.
_RUN_VALUES: dict[str, str | None] = {
    "--tags": "tags",
    "--nodes": "nodes",
    "--from-nodes": "nodes",
    "--to-nodes": "nodes",
    "--from-inputs": "datasets",
    "--to-outputs": "datasets",
    "--namespaces": "namespaces",
    "--load-versions": "catalog",
    "--params": "params",
    "--runner": "runners",
    "--as": None,
}
_CREATE_VALUES: dict[str, str | None] = {
    "--env": "envs", "--params": "params", "--package-name": None,
}


class NameSource(Protocol):
    """The names completion offers; ``pipeline`` is the one named on the line, if any."""

    def pipeline_names(self) -> list[str]: ...
    def node_names(self, pipeline: str | None) -> list[str]: ...
    def tags(self, pipeline: str | None) -> list[str]: ...
    def datasets(self, pipeline: str | None) -> list[str]: ...
    def namespaces(self, pipeline: str | None) -> list[str]: ...
    def catalog_datasets(self) -> list[str]: ...
    def versions(self, dataset: str) -> list[str]: ...
    def envs(self) -> list[str]: ...
    def param_keys(self) -> list[str]: ...


@dataclass
class SessionNames:
    """A ``NameSource`` over a pipelines mapping, a catalog, parameters and a project folder.

    Each argument is a callable so that completion always sees the current session; any
    failure inside them yields no candidates rather than an error in the user's editor.
    """

    get_pipelines: Callable[[], Any]
    get_catalog: Callable[[], Any]
    get_params: Callable[[], Any] = dict
    get_project_path: Callable[[], Path | None] = lambda: None

    def _pipeline(self, name: str | None) -> Any:
        pipelines = self.get_pipelines()
        name = name or "__default__"
        try:
            return pipelines[name]
        except Exception:  # unknown name: offer nothing rather than raise in the completer
            return None

    def pipeline_names(self) -> list[str]:
        return sorted(self.get_pipelines())

    def node_names(self, pipeline: str | None) -> list[str]:
        pipe = self._pipeline(pipeline)
        return [node.name for node in pipe.nodes] if pipe is not None else []

    def tags(self, pipeline: str | None) -> list[str]:
        pipe = self._pipeline(pipeline)
        return sorted({tag for node in pipe.nodes for tag in node.tags}) if pipe else []

    def datasets(self, pipeline: str | None) -> list[str]:
        pipe = self._pipeline(pipeline)
        return sorted(pipe.datasets()) if pipe is not None else []

    def namespaces(self, pipeline: str | None) -> list[str]:
        pipe = self._pipeline(pipeline)
        return sorted({node.namespace.split(".")[0] for node in pipe.nodes
                       if node.namespace}) if pipe is not None else []

    def catalog_datasets(self) -> list[str]:
        names = list(self.get_catalog().keys())
        return sorted(name for name in names
                      if name != "parameters" and not name.startswith("params:"))

    def versions(self, dataset: str) -> list[str]:
        """Saved versions of a versioned dataset, newest first (none for other datasets)."""
        try:
            return list(self.get_catalog()[dataset].list_versions(full_path=False))
        except Exception:  # not versioned, or nothing saved yet
            return []

    def envs(self) -> list[str]:
        return _project_envs(self.get_project_path())

    def param_keys(self) -> list[str]:
        keys: list[str] = []

        def walk(value: Any, prefix: str) -> None:
            if isinstance(value, dict):
                for key, child in value.items():
                    keys.append(prefix + str(key))
                    walk(child, f"{prefix}{key}.")

        walk(self.get_params() or {}, "")
        return keys


def _project_envs(root: str | Path | None) -> list[str]:
    """The run environments of a project: the folders of its ``conf`` other than base."""
    conf = Path(root).expanduser() / "conf" if root else None
    if conf is None or not conf.is_dir():
        return []
    return sorted(p.name for p in conf.iterdir() if p.is_dir() and p.name != "base")


def _matching(fragment: str, candidates: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    skip = set(exclude)
    return [c for c in dict.fromkeys(candidates) if c.startswith(fragment) and c not in skip]


def complete_line(text: str, names: NameSource) -> tuple[str, list[str]] | None:
    """Complete the magic line ``text`` (everything before the cursor).

    Returns:
        ``(fragment, candidates)`` where ``fragment`` is the end of ``text`` that each
        candidate replaces, or ``None`` when ``text`` is not one of our magic lines.
    """
    from kedro_ipy.ipython._arguments import option_names

    found = _MAGIC_RE.match(text)
    if found is None:
        return None
    magic = found.group(1)
    rest = text[found.end():]
    words = rest.split()
    current = "" if not rest or rest[-1].isspace() else words.pop()
    if magic == "session_cache":
        return current, [] if words else _matching(current, ["clear", "info"])
    values: dict[str, str | None] = _RUN_VALUES if magic in _RUN_LIKE else (
        _CREATE_VALUES if magic == "session_create" else {"--no-source": None})

    option, value = None, None
    if current.startswith("--") and "=" in current:
        option, value = current.split("=", 1)
    elif words and words[-1] in values and not current.startswith("-"):
        option, value = words[-1], current
    if option is not None and value is not None:
        return _complete_value(magic, option, value, values, words, names)
    if current.startswith("-"):
        return current, _matching(current, option_names(magic))
    # A positional: the pipeline, the node, or (for session_create) a path.
    positionals = _positionals(words, values)
    if positionals:
        return current, []
    if magic in _RUN_LIKE:
        return current, _matching(current, names.pipeline_names())
    if magic == "load_node":
        return current, _matching(current, _all_node_names(names))
    return None  # session_create's path: leave it to IPython's file completion


def _positionals(words: list[str], values: dict[str, str | None]) -> list[str]:
    found, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in values  # "--tags=a" is not in values, so it takes no next word
        else:
            found.append(word)
    return found


def _all_node_names(names: NameSource) -> list[str]:
    result: dict[str, None] = {}
    for pipeline in names.pipeline_names():
        result.update(dict.fromkeys(names.node_names(pipeline)))
    return sorted(result)


def _complete_value(magic: str, option: str, value: str, values: dict[str, str | None],
                    words: list[str], names: NameSource) -> tuple[str, list[str]]:
    from kedro_ipy.framework.session._options import RUNNER_ALIASES

    kind = values.get(option)
    *chosen, fragment = value.split(",")
    if kind is None:
        return fragment, []
    positionals = _positionals(words, values)
    pipeline = positionals[0] if positionals and magic in _RUN_LIKE else None
    if kind == "runners":
        return value, _matching(value, RUNNER_ALIASES)
    if kind == "envs":  # of the project named on the line, else of the session's
        envs = _project_envs(positionals[0]) if positionals else names.envs()
        return value, _matching(value, envs)
    if kind == "params":
        key = fragment.split("=", 1)[0]
        if "=" in fragment:
            return fragment, []
        return key, [f"{k}=" for k in names.param_keys() if k.startswith(key)]
    if kind == "catalog":
        if ":" in fragment:
            dataset, version = fragment.split(":", 1)
            return version, _matching(version, names.versions(dataset))
        done = [item.split(":", 1)[0] for item in chosen]
        return fragment, [f"{ds}:" for ds in _matching(fragment, names.catalog_datasets(), done)]
    source = {"tags": names.tags, "nodes": names.node_names, "datasets": names.datasets,
              "namespaces": names.namespaces}[kind]
    return fragment, _matching(fragment, source(pipeline), chosen)


class _NoNames:
    """The names offered when no session is open: none (options still complete)."""

    def pipeline_names(self) -> list[str]:
        return []

    def node_names(self, pipeline: str | None) -> list[str]:
        return []

    tags = datasets = namespaces = node_names

    def catalog_datasets(self) -> list[str]:
        return []

    param_keys = catalog_datasets

    def envs(self) -> list[str]:
        """The environments of the project ``%session_create`` would find from here, so
        ``--env`` completes before the first session is open."""
        from kedro_ipy.framework.startup import find_project_root

        return _project_envs(find_project_root(Path.cwd()))

    def versions(self, dataset: str) -> list[str]:
        return []


def magics_names(magics: Any) -> NameSource:
    """The names of the session held by a ``SessionMagics`` (none when it has no session)."""
    if magics.session is None:
        return _NoNames()
    return SessionNames(
        get_pipelines=magics._pipelines,
        get_catalog=lambda: magics.context.catalog,
        get_params=lambda: magics.context.params,
        get_project_path=magics._project_path,
    )


def match(context: Any, names: NameSource) -> dict:
    """The v2 matcher result for IPython's ``CompletionContext``.

    Our magic lines suppress IPython's other matchers when there is something to offer;
    other lines get an empty result, so they are completed as usual.
    """
    from IPython.core.completer import SimpleCompletion

    try:
        result = complete_line(context.text_until_cursor, names)
    except Exception:  # never break the user's Tab key because of a broken project
        result = None
    if result is None:
        return {"completions": [], "suppress": False}
    fragment, candidates = result
    return {
        "completions": [SimpleCompletion(c, type="kedro_ipy") for c in candidates],
        "matched_fragment": fragment,
        "suppress": True,
        "ordered": True,
    }

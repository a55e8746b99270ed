"""The panel's Parameters view: edit the resolved parameters as YAML, run with the changes.

Why YAML text rather than a widget per value: parameters are nested, typed (numbers, lists,
dates) and sometimes long; YAML is how the project wrote them, so the user edits what they
already know, and one parse gives exact types. Every keystroke is validated; the changed
values are listed with their old and new value, and become the run's per-run params (nothing
on disk changes). "Save to conf/local" is the only thing that writes a file.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as w

__all__ = ["ParamEdits", "ParametersEditor", "diff_params", "flatten", "save_to_conf"]

_MISSING = object()


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"model": {"alpha": 1}}`` -> ``{"model.alpha": 1}``; non-dict values are leaves.

    The dotted keys are how ``--params`` names a value, and how the panel lists changes."""
    if isinstance(value, Mapping) and value:
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(flatten(inner, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: value} if prefix else {}


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`flatten` for the changed leaves only."""
    nested: dict[str, Any] = {}
    for dotted, value in flat.items():
        *parents, leaf = dotted.split(".")
        where = nested
        for key in parents:
            where = where.setdefault(key, {})
        where[leaf] = value
    return nested


@dataclass(frozen=True)
class ParamEdits:
    """What an edit of the parameters changes.

    Attributes:
        changes: dotted key -> (old value, new value); a new key has ``None`` as old value.
        overrides: the nested per-run params that apply the changes (only changed leaves).
        error: why the text cannot be used (invalid YAML, not a mapping, a removed key), or
            ``None``.
    """

    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def diff_params(original: Mapping[str, Any], text: str) -> ParamEdits:
    """Compare the YAML ``text`` the user edited with the ``original`` parameters."""
    import yaml

    try:
        edited = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return ParamEdits(error=f"Not valid YAML{where}: {problem}.")
    if not isinstance(edited, Mapping):
        return ParamEdits(error=f"The parameters must be a mapping of names to values, "
                                f"not a {type(edited).__name__}.")
    before, after = flatten(original), flatten(edited)
    removed = [key for key in before if key not in after
               and not any(k.startswith(f"{key}.") for k in after)]
    if removed:
        return ParamEdits(error=f"Parameters cannot be removed for one run: "
                                f"{', '.join(sorted(removed))}. Set a value instead.")
    changes = {
        key: (None if before.get(key, _MISSING) is _MISSING else before[key], value)
        for key, value in after.items()
        if before.get(key, _MISSING) is _MISSING or before[key] != value
        or type(before[key]) is not type(value)
    }
    return ParamEdits(changes=changes, overrides=_nest({k: v for k, (_, v) in changes.items()}))


def _parameter_files(conf_env: Path) -> list[Path]:
    return sorted(p for p in conf_env.glob("parameters*") if p.suffix in (".yml", ".yaml"))


def save_to_conf(conf_env: Path, overrides: Mapping[str, Any]) -> list[Path]:
    """Write ``overrides`` into the parameter files of ``conf_env`` (e.g. ``conf/local``).

    A top-level key already defined in one of that folder's parameter files is updated there
    (an environment may not define a key in two files); the others go to ``parameters.yml``.
    Each file is replaced atomically, so a failure leaves it as it was.

    Returns:
        The files written.
    """
    import yaml

    conf_env.mkdir(parents=True, exist_ok=True)
    contents: dict[Path, dict[str, Any]] = {}
    owner: dict[str, Path] = {}
    for path in _parameter_files(conf_env):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict):
            contents[path] = loaded
            owner.update(dict.fromkeys(loaded, path))
    default = conf_env / "parameters.yml"
    touched: dict[Path, None] = {}
    for key, value in overrides.items():
        path = owner.get(key, default)
        target = contents.setdefault(path, {})
        target[key] = _merged(target.get(key), value)
        touched[path] = None
    for path in touched:
        text = yaml.safe_dump(contents[path], sort_keys=False, allow_unicode=True)
        fd, tmp = tempfile.mkstemp(dir=conf_env, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return list(touched)


def _merged(current: Any, change: Any) -> Any:
    if isinstance(current, dict) and isinstance(change, Mapping):
        merged = dict(current)
        for key, value in change.items():
            merged[key] = _merged(current.get(key), value)
        return merged
    return change


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ParametersEditor:
    """The Parameters tab: YAML editor, the list of changes, Reset and "Save to conf/local".

    Args:
        load: returns the resolved parameters (called again on Reset and after a save).
        conf_env: returns the folder "Save to conf/local" writes to.
        on_change: called with the new :class:`ParamEdits` after each edit, so the panel can
            update its ``%session_run ... --params`` line and the next run's params.
    """

    def __init__(
        self,
        load: Callable[[], Mapping[str, Any]],
        conf_env: Callable[[], Path],
        on_change: Callable[[ParamEdits], None],
    ) -> None:
        self._load = load
        self._conf_env = conf_env
        self._on_change = on_change
        self.original: dict[str, Any] = {}
        self.edits = ParamEdits()
        self.text = w.Textarea(layout=w.Layout(width="100%", height="260px"))
        self.text.add_class("kip-params-text")
        self.changes = w.HTML()
        self.changes.add_class("kip-params-changes")
        self.reset_button = w.Button(description="Reset", icon="undo",
                                     tooltip="back to the configured parameters")
        self.save_button = w.Button(description="Save to conf/local", icon="save",
                                    tooltip="write the changed values to conf/local")
        self.reset_button.add_class("kip-params-reset")
        self.save_button.add_class("kip-params-save")
        self.saved = w.HTML()
        self.box = w.VBox([
            w.HTML("<i>Edit the parameters for the next runs; the changes are per-run params "
                   "and nothing on disk changes unless you press Save to conf/local.</i>"),
            self.text, self.changes, w.HBox([self.reset_button, self.save_button, self.saved]),
        ])
        self.text.observe(lambda _c: self._edited(), names="value")
        self.reset_button.on_click(lambda _b: self.reset())
        self.save_button.on_click(lambda _b: self.save())
        self.reset()

    def reset(self) -> None:
        """Show the configured parameters again; the next run uses them unchanged."""
        import yaml

        try:
            self.original = dict(self._load())
            text = yaml.safe_dump(self.original, sort_keys=False, allow_unicode=True)
        except Exception as exc:  # broken config, or values YAML cannot show
            self.original = {}
            self.text.disabled = True
            self.text.value = ""
            self.changes.value = (f'<span class="kip-params-error">parameters unavailable: '
                                  f"{html.escape(f'{type(exc).__name__}: {exc}')}</span>")
            return
        self.text.disabled = False
        self.text.value = "" if text.strip() == "{}" else text
        self._edited()

    def apply(self, overrides: Mapping[str, Any]) -> None:
        """Show the configured parameters with ``overrides`` applied (a run refilled from
        History brings its per-run params back)."""
        import yaml

        if dict(overrides) == self.edits.overrides or self.text.disabled:
            return
        merged = _merged(self.original, overrides)
        self.text.value = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True)

    def save(self) -> list[Path]:
        """Write the changed values to conf/local and make them the configured ones."""
        if self.edits.error or not self.edits.changes:
            self.saved.value = "<i>nothing to save</i>"
            return []
        written = save_to_conf(self._conf_env(), self.edits.overrides)
        self.reset()
        self.saved.value = "saved to " + ", ".join(html.escape(p.name) for p in written)
        return written

    def _edited(self) -> None:
        self.edits = diff_params(self.original, self.text.value)
        self.saved.value = ""
        if self.edits.error:
            self.changes.value = (f'<span class="kip-params-error" role="alert">'
                                  f"{html.escape(self.edits.error)}</span>")
        elif not self.edits.changes:
            self.changes.value = "<i>no changes: the run uses the configured parameters</i>"
        else:
            rows = "".join(
                f'<li data-key="{html.escape(key)}"><code>{html.escape(key)}</code>: '
                f"{html.escape(_short(old))} → <b>{html.escape(_short(new))}</b></li>"
                for key, (old, new) in self.edits.changes.items()
            )
            self.changes.value = f'<ul class="kip-params-changed">{rows}</ul>'
        self._on_change(self.edits)

"""Registering hooks from ``settings.HOOKS`` and from installed plugins' entry points."""

from __future__ import annotations

import importlib.metadata
import logging
import re
from types import SimpleNamespace
from typing import Any

import pluggy
import pytest

from kedro_ipy.framework.hooks import (
    _create_hook_manager,
    _register_hooks,
    _register_hooks_entry_points,
    hook_impl,
)
from kedro_ipy.framework.hooks.manager import HookRegistrationError, _NullPluginManager


class ProjectHooks:
    def __init__(self) -> None:
        self.contexts: list[Any] = []

    @hook_impl
    def after_context_created(self, context):
        self.contexts.append(context)


class TestRegisterHooks:
    def test_instances_are_registered_once(self):
        manager = _create_hook_manager()
        hooks = ProjectHooks()

        _register_hooks(manager, [hooks])
        _register_hooks(manager, [hooks])  # a second session in the same notebook
        manager.hook.after_context_created(context="ctx")

        assert hooks.contexts == ["ctx"]

    def test_a_class_is_refused_with_the_fix(self):
        with pytest.raises(HookRegistrationError, match=re.escape(
            "KedroSession expects hooks to be registered as instances. settings.HOOKS "
            "contains the class "
            "'ProjectHooks'. Write HOOKS = (ProjectHooks(),) with the parentheses."
        )):
            _register_hooks(_create_hook_manager(), [ProjectHooks])

    def test_unknown_argument_is_refused_by_pluggy(self):
        class Wrong:
            @hook_impl
            def after_node_run(self, node, result):
                pass

        with pytest.raises(pluggy.PluginValidationError, match="result"):
            _register_hooks(_create_hook_manager(), [Wrong()])

    def test_misspelt_hook_name_warns_with_suggestion(self):
        class Typo:
            @hook_impl
            def before_node_runn(self, node):
                pass

        with pytest.warns(UserWarning, match=re.escape(
            "Hook implementation 'before_node_runn' of 'TestRegisterHooks."
            "test_misspelt_hook_name_warns_with_suggestion.<locals>.Typo' matches no hook "
            "specification, so it will never be called. Did you mean one of these: "
            "'before_node_run', 'before_pipeline_run', 'after_node_run'?"
        )):
            _register_hooks(_create_hook_manager(), [Typo()])


class PluginHooks:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hook_impl
    def before_node_run(self, node):
        self.seen.append(node)


def fake_entry_point(name: str, dist_name: str, plugin: Any) -> SimpleNamespace:
    def load() -> Any:
        if isinstance(plugin, Exception):
            raise plugin
        return plugin

    return SimpleNamespace(
        name=name, load=load, dist=SimpleNamespace(metadata={"Name": dist_name}, version="1.2")
    )


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch):
    """Pretend these entry points are installed in the ``kedro_ipy.hooks`` group."""
    points: list[SimpleNamespace] = []

    def entry_points(*, group: str) -> list[SimpleNamespace]:
        return points if group == "kedro_ipy.hooks" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return points


class TestEntryPoints:
    def test_plugins_are_registered(self, installed, caplog):
        plugin = PluginHooks()
        installed.append(fake_entry_point("telemetry", "kedro-ipy-telemetry", plugin))
        manager = _create_hook_manager()

        with caplog.at_level(logging.DEBUG, logger="kedro_ipy.framework.hooks.manager"):
            _register_hooks_entry_points(manager, [])
        manager.hook.before_node_run(node="n", catalog=None, inputs={}, is_async=False,
                                     run_id=None)

        assert plugin.seen == ["n"]
        assert manager.get_plugin("telemetry") is plugin
        assert "Registered hooks of 1 installed plugin(s): kedro-ipy-telemetry-1.2" in (
            caplog.text
        )

    def test_registering_again_is_harmless(self, installed):
        plugin = PluginHooks()
        installed.append(fake_entry_point("telemetry", "kedro-ipy-telemetry", plugin))
        manager = _create_hook_manager()

        _register_hooks_entry_points(manager, [])
        _register_hooks_entry_points(manager, [])

        assert manager.get_plugins() == {plugin}

    @pytest.mark.parametrize("disabled", ["kedro-ipy-telemetry", "Kedro_IPY.telemetry",
                                          "telemetry"])
    def test_disabled_plugin_is_not_even_loaded(self, installed, disabled):
        kept = PluginHooks()
        installed.append(fake_entry_point("telemetry", "kedro-ipy-telemetry",
                                          RuntimeError("must not be imported")))
        installed.append(fake_entry_point("viz", "kedro-ipy-viz", kept))
        manager = _create_hook_manager()

        _register_hooks_entry_points(manager, [disabled])

        assert manager.get_plugins() == {kept}

    def test_disabling_unregisters_an_already_registered_plugin(self, installed):
        plugin = PluginHooks()
        installed.append(fake_entry_point("telemetry", "kedro-ipy-telemetry", plugin))
        manager = _create_hook_manager()
        _register_hooks_entry_points(manager, [])

        _register_hooks_entry_points(manager, ["kedro-ipy-telemetry"])

        assert manager.get_plugins() == set()

    def test_unknown_disabled_name_is_reported_with_suggestion(self, installed, caplog):
        installed.append(fake_entry_point("telemetry", "kedro-ipy-telemetry", PluginHooks()))

        with caplog.at_level(logging.WARNING):
            _register_hooks_entry_points(_create_hook_manager(), ["kedro-ipy-telemetri"])

        assert caplog.records[-1].getMessage() == (
            "DISABLE_HOOKS_FOR_PLUGINS names 'kedro-ipy-telemetri', but no installed plugin "
            "offers hooks under that name. Did you mean 'kedro-ipy-telemetry'?"
        )


def test_null_manager_ignores_every_hook():
    null = _NullPluginManager()
    assert null.hook.before_node_run(node=None, inputs={}) is None
    assert null.hook.anything_at_all() is None


def test_null_manager_accepts_a_plugin_manager_s_constructor_arguments():
    null = _NullPluginManager("my_project", extra=True)
    assert null.hook.after_dataset_saved(dataset_name="x", data=1, node=None) is None


def test_a_class_is_refused_with_kedro_s_sentence_first():
    with pytest.raises(TypeError) as info:
        _register_hooks(_create_hook_manager(), [ProjectHooks])
    assert str(info.value).startswith(
        "KedroSession expects hooks to be registered as instances. "
    )

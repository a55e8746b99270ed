"""The magics tell a user error (any ``KedroIpyError``) from a bug by type, not by module:
the first is one line without traceback, the second keeps its traceback."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from kedro_ipy.framework.project import SettingsError


class ProjectSettingsProblem(SettingsError):
    """A project's own refinement of a framework error (defined outside kedro_ipy)."""


def _fail_with(exc: BaseException):
    def create(*args, **kwargs):
        raise exc

    return create


def test_a_kedro_ipy_error_from_any_module_is_one_line(ip, fake_project, monkeypatch, capsys):
    monkeypatch.setattr(fake_project.sessions, "create",
                        _fail_with(ProjectSettingsProblem("HOOKS must be a tuple, got a list.")))
    result = ip.run_cell("%session_create")
    assert isinstance(result.error_in_exec, UsageError)
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert "ProjectSettingsProblem: HOOKS must be a tuple, got a list." in text
    assert "Traceback" not in text


def test_a_bug_keeps_its_traceback(ip, fake_project, monkeypatch, capsys):
    monkeypatch.setattr(fake_project.sessions, "create", _fail_with(ValueError("a bug")))
    result = ip.run_cell("%session_create")
    assert type(result.error_in_exec) is ValueError
    shown = capsys.readouterr()
    assert "Traceback" in shown.out + shown.err


def test_usage_error_is_raised_for_the_magic_call(ip, fake_project, monkeypatch):
    monkeypatch.setattr(fake_project.sessions, "create",
                        _fail_with(ProjectSettingsProblem("bad settings")))
    with pytest.raises(UsageError, match=r"^ProjectSettingsProblem: bad settings$"):
        ip.run_line_magic("session_create", "")

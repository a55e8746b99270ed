"""``%session_panel`` and ``%session_create --panel``: the magic side of the widget panel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from IPython.core.error import UsageError


@pytest.fixture
def project(example_project: Path) -> Path:
    return example_project


@pytest.fixture
def displayed(monkeypatch: pytest.MonkeyPatch) -> list:
    import IPython.display

    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    return shown


def test_create_with_panel_displays_the_panel_widget(ip, project, displayed):
    pytest.importorskip("ipywidgets")
    from kedro_ipy.ipython.panel import SessionPanel

    ip.run_line_magic("session_create", f"{project} --panel")
    magics = ip.find_line_magic("session_panel").__self__
    assert isinstance(magics.panel, SessionPanel)
    assert displayed == [magics.panel.widget]
    ip.run_line_magic("session_panel", "")
    assert displayed[-1] is magics.panel.widget and len(displayed) == 2


def test_missing_panel_package_is_a_clear_error(ip, project, monkeypatch):
    ip.run_line_magic("session_create", str(project))
    monkeypatch.setitem(sys.modules, "kedro_ipy.ipython.panel", None)
    with pytest.raises(UsageError, match=r"^The widget panel is not available in this "
                                         r"installation \(kedro_ipy.ipython.panel cannot be"):
        ip.run_line_magic("session_panel", "")

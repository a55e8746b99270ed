"""Paths: session ids, project names and pyproject.toml files that try to leave their folder
or are not what they claim, each refused with an error that names it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kedro_ipy.framework.session import KedroSession
from kedro_ipy.framework.session.store import FileSessionStore

BAD_SESSION_IDS = [
    "../../../x/planted", "../planted", "a/b", "a\\b", "/tmp/planted", "C:planted", "..", ".",
    "", "   ", "id\0x", "line\nbreak", " padded ",
]


@pytest.mark.parametrize("session_id", BAD_SESSION_IDS)
def test_session_ids_that_could_leave_the_sessions_folder_are_refused(
    example_project: Path, session_id: str
) -> None:
    planted = example_project.parent / "x" / "planted.json"
    planted.parent.mkdir()
    planted.write_text('{"runs": []}')
    with pytest.raises(ValueError, match=re.escape(f"Invalid session id {session_id!r}: ")):
        KedroSession(session_id=session_id, project_path=example_project, save_on_close=True)
    with pytest.raises(ValueError, match="Invalid session id"):
        FileSessionStore(path=str(example_project / "sessions"), session_id=session_id)
    assert planted.read_text() == '{"runs": []}'
    assert not (example_project / "sessions").exists()


def test_a_planted_id_message_says_what_an_id_is(example_project: Path) -> None:
    with pytest.raises(ValueError) as raised:
        KedroSession(session_id="../../../x/planted", project_path=example_project)
    assert str(raised.value) == (
        "Invalid session id '../../../x/planted': it holds '/'. A session id names a file "
        "inside the project's sessions folder, so it cannot hold path separators, ':', "
        "control characters or be '.' or '..'; use an id such as '2026-11-24T10.47.32.420Z' "
        "(KedroSession.create() makes one)."
    )


@pytest.mark.parametrize("session_id", ["2026-11-24T10.47.32.420Z", "my session", "a..b"])
def test_ordinary_ids_still_reopen(example_project: Path, session_id: str) -> None:
    with KedroSession(session_id=session_id, project_path=example_project,
                      save_on_close=True) as session:
        session.run("data_processing")
    reopened = KedroSession(session_id=session_id, project_path=example_project)
    assert reopened.store["runs"][0]["status"] == "success"
    assert (example_project / "sessions" / f"{session_id}.json").is_file()


@pytest.mark.parametrize(("name", "hint"), [
    ("../../x", " To create project 'x' in ../.., run: kedro-ipy new x --directory ../.."),
    ("sub/proj", " To create project 'proj' in sub, run: kedro-ipy new proj --directory sub"),
    ("/abs/proj", " To create project 'proj' in /abs, run: kedro-ipy new proj --directory /abs"),
    ("..", ""), (".hidden", ""), ("a\\b", " To create project 'b' in a, run: kedro-ipy new b "
                                          "--directory a"),
])
def test_new_refuses_a_path_as_project_name(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            name: str, hint: str) -> None:
    from kedro_ipy.framework.cli import main

    before = sorted(tmp_path.parent.rglob("*"))
    assert main(["new", name, "--directory", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"kedro-ipy: error: '{name}' is not a project name: it is a path, or starts with '.'. "
        "A project name is a name (letters, digits, spaces, '-' or '_'); where the folder "
        f"goes is set with --directory.{hint}\n"
    )
    assert sorted(tmp_path.parent.rglob("*")) == before  # nothing made anywhere


@pytest.mark.parametrize(("pyproject", "problem"), [
    ("tool = 1\n", "'tool' must be a table ([tool.kedro] and [tool.kedro_ipy] live in it), "
                   "got int 1."),
    ("[tool]\nkedro = 'x'\n", "'tool.kedro' must be a table (a [tool.kedro] section with "
                             "package_name = ...), got str 'x'."),
    ("[tool.kedro\npackage_name = 'x'\n", None),
    ("[tool.kedro]\npackage_name = \xff\n", None),
])
def test_a_broken_pyproject_raises_its_real_cause_through_create(
    tmp_path: Path, pyproject: str, problem: str | None
) -> None:
    from kedro_ipy.framework.startup import ProjectMetadataError

    (tmp_path / "pyproject.toml").write_bytes(pyproject.encode("latin-1"))
    with pytest.raises(ProjectMetadataError) as raised:
        KedroSession.create(project_path=tmp_path)
    message = str(raised.value)
    assert message.startswith(
        f"Failed to parse 'pyproject.toml' file. {tmp_path / 'pyproject.toml'}: ")
    if problem is not None:
        assert message.endswith(problem)


def test_a_pyproject_with_a_wrong_key_is_not_an_empty_pipeline_registry(
    example_project: Path
) -> None:
    from kedro_ipy.framework.startup import ProjectMetadataError

    pyproject = example_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("package_name", "package_nam"))
    with pytest.raises(ProjectMetadataError, match=re.escape(
        f"Missing required keys ['package_name'] from 'pyproject.toml'. kedro_ipy needs at "
        f"least package_name, the project's Python package, in the [tool.kedro] section of "
        f"{pyproject}. Unknown: 'package_nam'."
    )):
        KedroSession.create(project_path=example_project)
    assert "coffee_shop" not in sys.modules

"""Session stores: in memory, on disk, reopening, corrupt files."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from kedro_ipy.framework.session import KedroSession
from kedro_ipy.framework.session.store import (
    BaseSessionStore,
    FileSessionStore,
    SessionStoreError,
)


class TestBaseSessionStore:
    def test_is_a_dict_with_kedro_constructor(self, tmp_path: Path) -> None:
        store = BaseSessionStore(path=str(tmp_path), session_id="s1")
        store["answer"] = 42
        assert dict(store) == {"answer": 42}
        store.save()
        assert list(tmp_path.iterdir()) == []
        assert BaseSessionStore(str(tmp_path), "s1") == {}

    def test_logs_what_it_does_not_do_in_kedro_words(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger="kedro_ipy.framework.session.store")
        BaseSessionStore(str(tmp_path), "s1").save()
        assert [r.getMessage() for r in caplog.records] == [
            "'read()' not implemented for 'BaseSessionStore'. Assuming empty store.",
            "'save()' not implemented for 'BaseSessionStore'. Skipping the step.",
        ]


class _Settings:
    """Stands in for the project settings, with the store arguments a test needs."""

    def __init__(self, real: object, **overrides: object) -> None:
        self._real, self._overrides = real, overrides

    def __getattr__(self, name: str) -> object:
        if name in self._overrides:
            return self._overrides[name]
        return getattr(self._real, name)


class TestStoreSettings:
    def test_unknown_store_argument(self, example_project: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
        from kedro_ipy.framework import project

        KedroSession.create(project_path=example_project).close()  # bootstraps the project
        monkeypatch.setattr(project, "settings", _Settings(
            project.settings, SESSION_STORE_CLASS=BaseSessionStore,
            SESSION_STORE_ARGS={"colour": "blue"}))
        with pytest.raises(ValueError, match=(
            r"Store config must only contain arguments valid for the constructor of "
            r"'kedro_ipy\.framework\.session\.store\.BaseSessionStore'\. "
            r"SESSION_STORE_ARGS has: colour, path\.")):
            KedroSession.create(project_path=example_project)

    def test_store_that_fails_to_start(self, example_project: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        from kedro_ipy.framework import project

        class Broken(BaseSessionStore):
            def read(self) -> dict:
                raise RuntimeError("disk on fire")

        KedroSession.create(project_path=example_project).close()
        monkeypatch.setattr(project, "settings", _Settings(
            project.settings, SESSION_STORE_CLASS=Broken, SESSION_STORE_ARGS={}))
        with pytest.raises(ValueError, match=r"disk on fire\.\nFailed to instantiate session "
                                             r"store of type '.*Broken'\."):
            KedroSession.create(project_path=example_project)


class TestFileSessionStore:
    def test_round_trip(self, tmp_path: Path) -> None:
        store = FileSessionStore(path=str(tmp_path / "sessions"), session_id="s1")
        store.update({"runs": [{"run_id": "r1", "tags": None}], "path": tmp_path})
        store.save()
        assert store.location == tmp_path / "sessions" / "s1.json"
        again = FileSessionStore(path=str(tmp_path / "sessions"), session_id="s1")
        assert again["runs"] == [{"run_id": "r1", "tags": None}]
        assert again["path"] == str(tmp_path)  # paths are written as text
        assert [p.name for p in (tmp_path / "sessions").iterdir()] == ["s1.json"]

    @pytest.mark.parametrize(("content", "problem"), [
        (b'{"runs": [', "is not valid JSON (Expecting value: line 1 column 11 (char 10))"),
        (b"[1, 2]", "holds a JSON list, not an object"),
        (b'{"runs": "\xff\xfe"}', "is not UTF-8 text (byte 0xff at position 10)"),
        (b"", "is not valid JSON (Expecting value: line 1 column 1 (char 0))"),
    ], ids=["truncated", "not-an-object", "not-utf8", "empty"])
    def test_unreadable_file_stops_the_reopening_naming_session_and_file(
        self, tmp_path: Path, content: bytes, problem: str
    ) -> None:
        (tmp_path / "s1.json").write_bytes(content)
        with pytest.raises(SessionStoreError) as raised:
            FileSessionStore(path=str(tmp_path), session_id="s1")
        assert str(raised.value) == (
            f"Cannot reopen session 's1': its store file {tmp_path / 's1.json'} {problem}. "
            "Move the file away (or delete it) to reopen the session with an empty store, "
            "restore it from a backup, or start a new session with KedroSession.create()."
        )
        assert (tmp_path / "s1.json").read_bytes() == content  # left as it was

    def test_unwritable_folder_is_a_clear_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "sessions"
        blocker.write_text("a file where the folder should be")
        store = FileSessionStore(str(blocker), "s1")
        with pytest.raises(SessionStoreError, match=r"Cannot save session store to .*s1\.json"):
            store.save()


class TestPersistentSessions:
    """The example project uses FileSessionStore (its settings.SESSION_STORE_CLASS)."""

    def test_save_on_close_and_reopen(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project) as session:
            session.run("data_processing")
        saved = example_project / "sessions" / f"{session.session_id}.json"
        data = json.loads(saved.read_text())
        assert data["runs"][0]["pipeline_name"] == "data_processing"
        assert not list(saved.parent.glob("*.tmp"))

        reopened = KedroSession(session_id=session.session_id, project_path=example_project,
                                save_on_close=True)
        assert reopened.store["runs"] == session.store["runs"]
        reopened.run("forecasting")
        reopened.close()
        data = json.loads(saved.read_text())
        assert [r["pipeline_name"] for r in data["runs"]] == ["data_processing", "forecasting"]
        assert data["env"] is None and data["package_name"] == "coffee_shop"

    def test_not_saved_without_save_on_close(self, example_project: Path) -> None:
        with KedroSession.create(project_path=example_project, save_on_close=False) as session:
            session.run("data_processing")
        assert not (example_project / "sessions").exists()

    def test_failed_run_is_saved_too(self, example_project: Path) -> None:
        session = KedroSession.create(project_path=example_project,
                                      extra_params={"model.alpha": -1})
        with pytest.raises(ValueError):
            session.run()
        # saved after each run, before close: a crashed kernel keeps its history
        saved = json.loads((example_project / "sessions" /
                            f"{session.session_id}.json").read_text())
        assert saved["runs"][-1]["status"] == "failed"
        assert saved["runs"][-1]["resume_from_nodes"] == ["fit_model"]
        session.close()

    def test_corrupt_session_file_does_not_stop_a_new_session(
        self, example_project: Path
    ) -> None:
        sessions = example_project / "sessions"
        sessions.mkdir()
        (sessions / "2020-01-01T00.00.00.000Z.json").write_bytes(b"\xffnot json")
        with pytest.raises(SessionStoreError, match=re.escape(
            "Cannot reopen session '2020-01-01T00.00.00.000Z': its store file "
            f"{sessions / '2020-01-01T00.00.00.000Z.json'} is not UTF-8 text"
        )):
            KedroSession(session_id="2020-01-01T00.00.00.000Z", project_path=example_project)
        with KedroSession.create(project_path=example_project) as session:
            session.run("data_processing")
        assert session.store["runs"][0]["status"] == "success"

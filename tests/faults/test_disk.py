"""A full disk and read-only folders under the session store.

Real file systems where the machine allows it: the scenario runs in a private mount namespace
(``unshare``) where ``sessions/`` is a 64 KiB tmpfs or a read-only bind mount. The same faults
are also injected in-process (a write that fails half-way with ENOSPC or EROFS), which runs
everywhere.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kedro_ipy.framework.session.store import FileSessionStore, SessionStoreError

from ._project import SCENARIO, finish, make_project, start


def _namespaces_work() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-Urm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces_work(), reason="needs unprivileged mount namespaces (unshare -Urm)"
)


def _in_namespace(project: Path, mount: str, scenario: str, *args: str) -> tuple[int, str, str]:
    """Run a scenario in a private mount namespace, after the shell command ``mount``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = f'{mount} && exec "$0" "$@"'
    process = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", command, sys.executable, str(SCENARIO), scenario,
         *args], cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )
    return process.returncode, process.stdout, process.stderr


@needs_namespaces
def test_full_disk_under_the_store(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "sessions").mkdir()
    code, out, err = _in_namespace(
        project, "mount -t tmpfs -o size=64k tmpfs sessions", "store-on-small-disk"
    )
    assert code == 0, err
    assert "outputs={}" in out
    assert "unchanged=True" in out  # the record saved before the disk filled is whole
    assert "leftovers=['" in out and ".tmp" not in out.split("leftovers=")[1].splitlines()[0]
    assert "saved_runs=3" in out  # once there is room again, nothing was lost
    assert "No space left on device" in err


@needs_namespaces
def test_read_only_store_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    code, out, err = finish(start(project, "run", "race", "first"))
    assert code == 0, err
    existing = out.split("session_id=")[1].strip()
    code, out, err = _in_namespace(
        project, "mount --bind sessions sessions && mount -o remount,bind,ro sessions",
        "read-only-sessions", existing,
    )
    assert code == 0, err
    assert "reopened_runs=1" in out
    new_session = out.split("new_session=")[1].strip()
    assert f"log=Could not save session {new_session}: Cannot save session store to " in err
    assert "Read-only file system" in err
    assert sorted(p.stem for p in (project / "sessions").glob("*.json")) == [existing]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_store_write_failing_half_way_leaves_the_saved_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    store = FileSessionStore(path=str(tmp_path), session_id="s1")
    store["runs"] = [{"run_id": "r1"}]
    store.save()
    saved = (tmp_path / "s1.json").read_text()

    real_write_text = Path.write_text

    def fail_half_way(self: Path, data: str, *args: object, **kwargs: object) -> int:
        real_write_text(self, data[: len(data) // 2], *args, **kwargs)  # type: ignore[arg-type]
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Path, "write_text", fail_half_way)
    store["runs"].append({"run_id": "r2", "filler": "x" * 10_000})
    with pytest.raises(SessionStoreError, match=(
        rf"Cannot save session store to {tmp_path / 's1.json'}: \[Errno {code}\] "
    )):
        store.save()
    monkeypatch.undo()
    assert (tmp_path / "s1.json").read_text() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s1.json"]  # no temp file left
    store.save()  # room again: the whole store, both runs
    assert len(json.loads((tmp_path / "s1.json").read_text())["runs"]) == 2


def test_a_session_whose_store_cannot_be_saved_still_runs(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from kedro_ipy.framework.session import KedroSession

    def full(self: FileSessionStore) -> None:
        raise SessionStoreError(f"Cannot save session store to {self.location}: "
                                f"[Errno {errno.ENOSPC}] No space left on device")

    monkeypatch.setattr(FileSessionStore, "save", full)
    with caplog.at_level(logging.WARNING), KedroSession.create(
        project_path=example_project
    ) as session:
        session.run("data_processing")
        assert session.store["runs"][0]["status"] == "success"
    assert f"Could not save session {session.session_id}: Cannot save session store" in (
        caplog.text)
    assert "No space left on device" in caplog.text
    with KedroSession.create(project_path=example_project) as again:  # still usable
        again.run("data_processing")

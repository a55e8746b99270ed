"""The git description in the store: read from files, dirty computed in the background."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kedro_ipy.framework.session import KedroSession
from kedro_ipy.framework.session._git import find_git_dir, read_head

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout.strip()


@pytest.fixture
def repo(example_project: Path) -> Path:
    git(example_project, "init", "-q", "-b", "main")
    (example_project / ".gitignore").write_text("sessions/\ndata/0[2-9]*/\n")
    git(example_project, "add", "-A")
    git(example_project, "commit", "-q", "-m", "initial")
    return example_project


def _wait(session: KedroSession) -> None:
    assert session._git_thread is not None
    session._git_thread.join(30)


def test_no_repository_no_thread(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The copy lives under pytest's tmp folder; make sure no repository is found above it.
    if find_git_dir(example_project) is not None:
        pytest.skip("the temporary folder is inside a git repository")

    def no_subprocess(*args: object, **kwargs: object) -> None:
        raise AssertionError("create() must not start a subprocess outside a repository")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    with KedroSession.create(project_path=example_project) as session:
        assert "git" not in session.store
        assert session._git_thread is None


def test_clean_repository(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    with KedroSession.create(project_path=repo) as session:
        git_info = session.store["git"]
        assert git_info["commit_sha"] == sha[:7]
        assert git_info["commit_sha_full"] == sha
        assert git_info["branch"] == "main"
        _wait(session)
        assert session.store["git"]["dirty"] is False


def test_dirty_repository(repo: Path) -> None:
    params = repo / "conf/base/parameters.yml"
    params.write_text(params.read_text() + "\nextra: 1\n")
    with KedroSession.create(project_path=repo) as session:
        _wait(session)
        assert session.store["git"]["dirty"] is True


def test_dirty_flag_is_saved(repo: Path) -> None:
    import json

    with KedroSession.create(project_path=repo) as session:
        pass
    saved = json.loads((repo / "sessions" / f"{session.session_id}.json").read_text())
    assert saved["git"]["dirty"] is False


def test_packed_refs_and_detached_head(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git/refs/heads/main").exists()
    assert read_head(repo / ".git")["commit_sha_full"] == sha
    git(repo, "checkout", "-q", "--detach")
    assert read_head(repo / ".git") == {"commit_sha": sha[:7], "commit_sha_full": sha,
                                        "branch": None}


def test_found_from_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_git_dir(nested) == tmp_path / ".git"
    assert read_head(tmp_path / ".git")["commit_sha"] is None  # no commit yet

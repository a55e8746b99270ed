"""What the session records about the project's git checkout, without slowing its start.

The commit comes from reading ``.git`` files directly (``HEAD``, loose refs, ``packed-refs``):
no subprocess. Whether the tree is dirty needs ``git status``, which can take a while on a big
repository, so it runs in a background thread and fills the answer in when it arrives. When the
project is not inside a git repository nothing is started at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_SHORT_SHA = 7


def find_git_dir(start: Path) -> Path | None:
    """The git directory of the repository containing ``start``, or ``None``.

    Handles worktrees and submodules, where ``.git`` is a file saying ``gitdir: <path>``.
    """
    for folder in (start, *start.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                target = Path(text[len("gitdir:"):].strip())
                return target if target.is_absolute() else (folder / target).resolve()
            return None
    return None


def _common_dir(git_dir: Path) -> Path:
    """Refs of a worktree live in the main repository, named by the ``commondir`` file."""
    commondir = git_dir / "commondir"
    if commondir.is_file():
        target = Path(commondir.read_text(encoding="utf-8").strip())
        return target if target.is_absolute() else (git_dir / target).resolve()
    return git_dir


def _resolve_ref(git_dir: Path, ref: str) -> str | None:
    for base in (git_dir, _common_dir(git_dir)):
        loose = base / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip() or None
    packed = _common_dir(git_dir) / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            if line and line[0] not in "#^":
                sha, _, name = line.partition(" ")
                if name.strip() == ref:
                    return sha
    return None


def read_head(git_dir: Path) -> dict[str, Any]:
    """``{"commit_sha", "commit_sha_full", "branch"}`` read from the files under ``git_dir``.

    ``commit_sha`` is ``None`` in a fresh repository without commits; ``branch`` is ``None``
    on a detached HEAD.
    """
    head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    if head.startswith("ref:"):
        ref = head[4:].strip()
        branch = ref.removeprefix("refs/heads/")
        sha = _resolve_ref(git_dir, ref)
    else:
        branch, sha = None, head
    return {
        "commit_sha": sha[:_SHORT_SHA] if sha else None,
        "commit_sha_full": sha,
        "branch": branch,
    }


def describe_git(project_path: Path, on_dirty: Callable[[bool | None], None]
                 ) -> tuple[dict[str, Any] | None, threading.Thread | None]:
    """The project's git description and the thread computing ``dirty``, if any.

    Returns ``(None, None)`` outside a repository. ``dirty`` starts as ``None`` ("not known
    yet"); ``on_dirty`` is called from the background thread with the answer, or with ``None``
    when git is not installed or fails.
    """
    git_dir = find_git_dir(project_path)
    if git_dir is None:
        return None, None
    try:
        info = read_head(git_dir)
    except OSError as exc:
        logger.debug("Cannot read git HEAD in %s: %s", git_dir, exc)
        return None, None
    info["dirty"] = None
    thread = threading.Thread(
        target=_compute_dirty, args=(project_path, on_dirty), name="kedro_ipy-git-status",
        daemon=True,
    )
    thread.start()
    return info, thread


def _compute_dirty(project_path: Path, on_dirty: Callable[[bool | None], None]) -> None:
    import subprocess

    try:
        result = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=project_path, capture_output=True, text=True, timeout=30, check=True,
        )
        dirty: bool | None = bool(result.stdout.strip())
    except (OSError, subprocess.SubprocessError) as exc:
        logger.debug("git status failed in %s: %s", project_path, exc)
        dirty = None
    on_dirty(dirty)

"""Concurrency: several real processes making session and run ids, or whole sessions with a
versioned dataset, at the same wall-clock moment."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ._project import finish, make_project, start

PROCESSES = 6


def test_ids_made_at_the_same_moment_in_several_processes_are_unique(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    moment = str(time.time() + 1.5)  # all start together, after their imports
    processes = [start(project, "ids", "200", moment) for _ in range(PROCESSES)]
    ids: list[str] = []
    for process in processes:
        code, out, err = finish(process)
        assert code == 0, err
        made = out.split("ids=")[1].strip().split(",")
        assert made == sorted(made)  # each process's ids still sort in time order
        ids += made
    assert len(ids) == PROCESSES * 200
    assert len(set(ids)) == len(ids)
    assert all(len(i) == len("2026-11-24T10.47.32.420Z") and i.endswith("Z") for i in ids)


def test_sessions_started_together_each_keep_their_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    moment = str(time.time() + 2.5)
    processes = [start(project, "create-at", moment, f"m{i}") for i in range(PROCESSES)]
    session_ids = []
    for process in processes:
        code, out, err = finish(process)
        assert code == 0, err  # no VersionAlreadyExistsError
        session_ids.append(out.split("session_id=")[1].strip())
    assert len(set(session_ids)) == PROCESSES
    stores = [json.loads((project / "sessions" / f"{sid}.json").read_text())
              for sid in session_ids]
    assert all(store["runs"][0]["status"] == "success" for store in stores)
    versions = sorted(p.name for p in (project / "data/model.pkl").iterdir())
    assert len(versions) == PROCESSES  # one version per run, none lost

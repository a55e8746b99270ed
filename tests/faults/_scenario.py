"""Fault-injection scenarios, each run in a child process by the tests in this folder.

Usage: ``python _scenario.py SCENARIO [ARGS...]`` in the project folder (see ``_project.py``).
What a scenario observed is printed as ``key=value`` lines for the test to read.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path

from kedro_ipy.framework.session import KedroSession


def _session(**params: object) -> KedroSession:
    return KedroSession.create(project_path=Path.cwd(), extra_params=params)


def _slow_value() -> object:
    with open("data/slow_value.pkl", "rb") as handle:
        return pickle.load(handle)


def interrupt_then_rerun(runner: str, delay: str) -> None:
    """Run ``race`` with ``runner`` until the test's SIGINT; then, in the same process (as in
    a notebook kernel), run again with another marker and wait past the first run's delay."""
    from kedro_ipy.runner import stop_report

    first = _session(marker="old", delay=float(delay))
    try:
        first.run("race", runner=runner)
    except KeyboardInterrupt as exc:
        report = stop_report(exc)
        print(f"interrupted=1 reason={report and report.reason} "
              f"abandoned={','.join(report.abandoned) if report else ''}", flush=True)
    else:
        print("interrupted=0", flush=True)
    record = first.store["runs"][-1]
    print(f"record_status={record['status']} "
          f"record_abandoned={','.join(record['nodes_abandoned'])}", flush=True)
    first.close()
    with _session(marker="new", delay=0) as second:
        second.run("race", runner=runner)
    print(f"after_rerun={_slow_value()}", flush=True)
    time.sleep(float(delay) + 1.0)  # the first run's slow node would have saved by now
    print(f"final={_slow_value()}", flush=True)


def run(pipeline: str, marker: str, *options: str) -> None:
    """One run in a new session; ``size_mb=N`` and ``delay=S`` set those parameters."""
    params: dict[str, object] = {"marker": marker}
    for option in options:
        key, _, value = option.partition("=")
        params[key] = float(value) if key == "delay" else int(value)
    with _session(**params) as session:
        session.run(pipeline)
        print(f"session_id={session.session_id}", flush=True)


def seed() -> None:
    """Give every dataset a first value, in one session."""
    with _session(marker="first", delay=0) as session:
        for pipeline in ("race", "big", "versioned"):
            session.run(pipeline)


def read_back() -> None:
    """Open every saved session and load every dataset: what a user does after a crash."""
    sessions = sorted(Path("sessions").glob("*.json"))
    for path in sessions:
        json.loads(path.read_text(encoding="utf-8"))
        KedroSession(session_id=path.stem, project_path=Path.cwd()).close()
    with _session(marker="after") as session:
        catalog = session.load_context().catalog
        loaded = {name: catalog.exists(name) and catalog.load(name)
                  for name in ("slow_value", "quick_value", "big", "model")}
        session.run("race")
    print(f"sessions={len(sessions)}", flush=True)
    print("loaded=" + json.dumps({k: (v["marker"] if isinstance(v, dict) else v)
                                  for k, v in loaded.items()}), flush=True)


def _wait_until(moment: float) -> None:
    """Sleep until just before ``moment``, then spin: every process starts within ~1 ms."""
    while moment - time.time() > 0.01:
        time.sleep(min(0.05, moment - time.time() - 0.01))
    while time.time() < moment:
        pass


def ids(count: str, start_at: str) -> None:
    """Wait until ``start_at`` (a shared wall-clock moment), then make ``count`` ids."""
    from kedro_ipy.framework.session._ids import generate_timestamp

    _wait_until(float(start_at))
    print("ids=" + ",".join(generate_timestamp() for _ in range(int(count))), flush=True)


def create_at(start_at: str, marker: str) -> None:
    """At ``start_at``, create a session and run ``versioned`` (a versioned dataset)."""
    bootstrap = KedroSession.create(project_path=Path.cwd(), save_on_close=False)
    bootstrap.load_context()  # imports done before the shared moment
    bootstrap.close()
    _wait_until(float(start_at))
    with _session(marker=marker) as session:
        session.run("versioned")
        print(f"session_id={session.session_id}", flush=True)


def store_on_small_disk() -> None:
    """``sessions/`` is a 64 KiB file system (mounted by the test): a store that outgrows it
    fails to save, naming the session and the cause; the file saved before stays whole."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="log=%(message)s")
    store_file = Path("sessions")
    with _session(marker="disk", delay=0) as session:
        session.run("race")
        location = store_file / f"{session.session_id}.json"
        before = location.read_text(encoding="utf-8")
        session._store["filler"] = "x" * 200_000
        outputs = session.run("race")  # the run itself succeeds; only the record is not saved
        print(f"outputs={outputs}", flush=True)
        print(f"unchanged={location.read_text(encoding='utf-8') == before}", flush=True)
        print(f"leftovers={sorted(p.name for p in store_file.iterdir())}", flush=True)
        del session._store["filler"]
        session.run("race")
    runs = json.loads(location.read_text(encoding="utf-8"))["runs"]
    print(f"saved_runs={len(runs)}", flush=True)


def read_only_sessions(existing: str) -> None:
    """``sessions/`` is read-only (mounted by the test): an existing session reopens, a new
    one runs, and saving its record fails with a message naming the session and the cause."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="log=%(message)s")
    old = KedroSession(session_id=existing, project_path=Path.cwd())
    print(f"reopened_runs={len(old.store['runs'])}", flush=True)
    old.close()
    with _session(marker="ro", delay=0) as session:
        session.run("race")
        print(f"new_session={session.session_id}", flush=True)


def store_saves() -> None:
    """Save a large session store over and over (the test kills this process mid-way)."""
    session = _session(marker="store")
    session.store["filler"] = ["x" * 100] * 20_000
    Path("data/store-loop-started").write_text("1")
    while True:
        session.store["counter"] = session.store.get("counter", 0) + 1
        session._save_store()


if __name__ == "__main__":
    import signal

    # Ctrl-C raises KeyboardInterrupt even if the parent started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    name, *arguments = sys.argv[1:]
    globals()[name.replace("-", "_")](*arguments)

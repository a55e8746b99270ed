"""``only_changed`` runs on a real project whose files the tests edit between runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kedro_ipy.framework.project import pipelines
from kedro_ipy.framework.session import KedroSession, RunRequest
from tests.framework.session.incremental_project import (
    edit,
    forget_project_modules,
    write_project,
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # Edits within one second keep a file's size and mtime: no stale .pyc may be imported.
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    saved_path = list(sys.path)
    root = write_project(tmp_path / "incr_shop")
    yield root
    sys.path[:] = saved_path
    forget_project_modules()


@pytest.fixture
def session(project: Path) -> Iterator[KedroSession]:
    with KedroSession.create(project_path=project, save_on_close=False) as session:
        yield session


def run_changed(session: KedroSession, params: dict | None = None) -> tuple[dict, dict[str, str]]:
    outputs = session.run(RunRequest(only_changed=True, params=params or {}))
    result = session.last_result
    assert result is not None
    return outputs, {d.node: str(d) for d in result.decisions}


def reload_code() -> None:
    """What %session_run does when project files changed: drop the package's modules (its
    settings excepted) so the pipelines are built from the edited files."""
    for name in [m for m in sys.modules if m.split(".")[0] == "incr_shop"]:
        if name != "incr_shop.settings":
            del sys.modules[name]
    pipelines.reset()


def ran(decisions: dict[str, str]) -> set[str]:
    return {node for node, text in decisions.items() if text.startswith("ran:")}


class TestDecisions:
    def test_first_run_runs_everything_and_second_run_skips_everything(self, session):
        first, decisions = run_changed(session)
        assert first == {"total": 12, "row_count": 3}
        assert set(decisions.values()) == {"ran: no previous run"}
        first_id = session.last_result.run_id

        second, decisions = run_changed(session)
        assert second == first
        assert decisions == dict.fromkeys(decisions, f"skipped: unchanged since run {first_id}")
        assert session.last_result.nodes_done == []
        record = session.store["runs"][-1]
        assert record["incremental"]["skipped"] == 4
        assert record["incremental"]["nodes"][0] == {
            "node": "load", "action": "skipped",
            "reason": f"unchanged since run {first_id}"}

    def test_editing_a_helper_reruns_exactly_its_user_and_downstream(self, project, session):
        run_changed(session)
        edit(project, "src/incr_shop/helpers.py", """
            def scale(value, alpha):
                return value * alpha + 1
            """)
        reload_code()
        outputs, decisions = run_changed(session)
        assert ran(decisions) == {"scale", "total"}
        assert decisions["scale"] == "ran: code of helper `scale()` changed"
        assert decisions["total"] == "ran: input scaled_rows changed upstream"
        assert outputs == {"total": 15, "row_count": 3}

    def test_docstring_comment_and_layout_edits_rerun_nothing(self, project, session):
        run_changed(session)
        edit(project, "src/incr_shop/helpers.py", '''
            """Helpers, now documented."""


            def scale(value, alpha):
                """Multiply; the docstring is new."""
                # and so is this comment
                return (value *
                        alpha)
            ''')
        reload_code()
        outputs, decisions = run_changed(session)
        assert ran(decisions) == set()
        assert outputs == {"total": 12, "row_count": 3}

    def test_parameter_change_is_explained_with_both_values(self, session):
        run_changed(session)
        outputs, decisions = run_changed(session, params={"model": {"alpha": 0.5}})
        assert decisions["scale"] == "ran: parameter model.alpha 2 → 0.5"
        assert ran(decisions) == {"scale", "total"}
        assert outputs == {"total": 3.0, "row_count": 3}

    def test_raw_input_edited_between_runs_reruns_its_consumers(self, project, session):
        run_changed(session)
        (project / "data/raw.txt").write_text("1 2 4\n")  # same size, same second
        outputs, decisions = run_changed(session)
        assert decisions["load"] == "ran: input raw_rows changed"
        assert ran(decisions) == {"load", "scale", "total", "count"}
        assert outputs == {"total": 14, "row_count": 3}

    def test_persisted_output_edited_reruns_its_producer(self, project, session):
        run_changed(session)
        run_id = session.last_result.run_id
        (project / "data/scaled.json").write_text("[100]")
        outputs, decisions = run_changed(session)
        assert decisions["scale"] == f"ran: output scaled_rows changed since run {run_id}"
        assert outputs == {"total": 12, "row_count": 3}
        assert json.loads((project / "data/scaled.json").read_text()) == [2, 4, 6]

    def test_a_node_that_mutates_its_input_runs_again_next_time(self, project, session):
        edit(project, "src/incr_shop/nodes.py", """
            from incr_shop import helpers


            def load_rows(text):
                return [int(x) for x in text.split()]


            def scaled(rows, model):
                return [helpers.scale(r, model["alpha"]) for r in rows]


            def total(rows):
                return sum(rows)


            def count(rows):
                rows.append(0)  # changes its input in place
                return len(rows) - 1
            """)
        _, decisions = run_changed(session)
        run_id = session.last_result.run_id
        _, decisions = run_changed(session)
        assert decisions["count"] == (
            f"ran: it changed its input rows during run {run_id}, so that run's result is "
            "not reused")
        assert ran(decisions) == {"count"}

    def test_a_deep_parameter_difference_is_never_served_from_the_cache(self, session):
        def nested(leaf: float) -> dict:
            value: object = {"alpha": leaf}
            for level in range(8):
                value = {f"level{level}": [value]}
            return {"alpha": 2, "deep": value}

        run_changed(session, params={"model": nested(1.0)})
        _, decisions = run_changed(session, params={"model": nested(1.0000001)})
        assert decisions["scale"] == (
            "ran: parameter model.deep.level7 changed (the difference is deep inside)")
        _, decisions = run_changed(session, params={"model": nested(1.0000001)})
        assert ran(decisions) == set()

    def test_clearing_the_cache_runs_everything_again(self, session):
        run_changed(session)
        assert session.clear_cache() >= 1
        _, decisions = run_changed(session)
        assert set(decisions.values()) == {"ran: no previous run"}

    def test_a_full_run_in_between_does_not_disturb_the_next_changed_run(self, session):
        first, _ = run_changed(session)
        assert session.run() == first
        outputs, decisions = run_changed(session)
        assert outputs == first
        assert ran(decisions) == set()

    def test_request_str_and_parse_keep_changed(self):
        request = RunRequest.parse("--changed --tags a")
        assert request.only_changed is True
        assert str(request) == "%session_run --tags a --changed"
        assert RunRequest.from_record(request.to_record()) == request

    def test_plan_of_a_changed_request_says_how_many_would_run(self, session):
        run_changed(session)
        plan = session.plan(RunRequest(only_changed=True, params={"model": {"alpha": 3}}))
        assert plan.summary() == "will run 2 of 4 nodes (2 of the 4 selected unchanged)"
        assert [d.ahead() for d in plan.decisions if d.runs] == [
            "would run: parameter model.alpha 2 → 3",
            "would run: input scaled_rows changed upstream"]

    def test_explain_changes_tells_without_running(self, project, session):
        run_changed(session)
        runs = len(session.store["runs"])
        edit(project, "src/incr_shop/helpers.py", """
            def scale(value, alpha):
                return value - alpha
            """)
        reload_code()
        text = session.explain_changes()
        assert "scale  would run: code of helper `scale()` changed" in text
        assert len(session.store["runs"]) == runs


class TestOutputCache:
    def test_cache_survives_a_new_process(self, project):
        script = (
            "from kedro_ipy.framework.session import KedroSession\n"
            f"with KedroSession.create(project_path={str(project)!r}) as s:\n"
            "    print(s.run(only_changed=True))\n"
        )
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        with KedroSession.create(project_path=project, save_on_close=False) as session:
            outputs, decisions = run_changed(session)
        assert ran(decisions) == set()
        assert outputs == {"total": 12, "row_count": 3}  # row_count came from the disk cache

    @pytest.mark.skipif(not hasattr(os, "getuid"), reason="file owners are checked on POSIX")
    def test_a_cached_file_others_could_have_written_is_not_unpickled(self, project):
        with KedroSession.create(project_path=project, save_on_close=False) as session:
            run_changed(session)
        objects = project / ".kedro_ipy" / "cache" / "objects"
        files = list(objects.glob("*.pkl"))
        assert files and all(path.stat().st_mode & 0o777 == 0o600 for path in files)
        assert objects.stat().st_mode & 0o777 == 0o700
        for path in files:
            path.chmod(0o666)
        with KedroSession.create(project_path=project, save_on_close=False) as session:
            outputs, decisions = run_changed(session)
        assert decisions["count"] == "ran: output row_count is needed but not in the cache"
        assert decisions["load"] == "ran: output rows is needed but not in the cache"
        assert outputs == {"total": 12, "row_count": 3}


class TestVersionedOutputs:
    @pytest.fixture
    def project(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
        monkeypatch.setattr(sys, "dont_write_bytecode", True)
        saved_path = list(sys.path)
        root = write_project(tmp_path / "incr_shop", {"conf/base/catalog.yml": """
            raw_rows:
              type: text.TextDataset
              filepath: data/raw.txt

            scaled_rows:
              type: json.JSONDataset
              filepath: data/scaled.json
              versioned: true
            """})
        yield root
        sys.path[:] = saved_path
        forget_project_modules()

    def test_a_skipped_node_s_recorded_version_is_loaded_not_the_newest(
            self, project, session):
        run_changed(session)
        # Something else saves a newer version (another run, a notebook cell).
        session.load_context().catalog.save("scaled_rows", [100])
        edit(project, "src/incr_shop/nodes.py",
             (project / "src/incr_shop/nodes.py").read_text().replace(
                 "return sum(rows)", "return sum(rows) * 1"))
        reload_code()
        outputs, decisions = run_changed(session)
        assert ran(decisions) == {"total"}
        assert outputs == {"total": 12, "row_count": 3}  # from [2, 4, 6], the recorded version


@pytest.mark.parametrize("runner", ["Thread", "Parallel"])
def test_other_runners_record_and_reuse_the_same_way(project, runner):
    with KedroSession.create(project_path=project, save_on_close=False) as session:
        first = session.run(RunRequest(only_changed=True, runner=runner))
        edit(project, "src/incr_shop/helpers.py", """
            def scale(value, alpha):
                return value * alpha * 10
            """)
        reload_code()
        outputs = session.run(RunRequest(only_changed=True, runner=runner))
        assert set(session.last_result.nodes_done) == {"scale", "total"}
    assert first == {"total": 12, "row_count": 3}
    assert outputs == {"total": 120, "row_count": 3}


def test_after_a_failure_the_fixed_node_runs_and_finished_work_is_reused(project, session):
    nodes_py = project / "src/incr_shop/nodes.py"
    working = nodes_py.read_text()
    nodes_py.write_text(working.replace("return sum(rows)", "raise ValueError('broken')"))
    reload_code()
    with pytest.raises(ValueError, match="broken"):
        run_changed(session)
    assert session.last_result.failed_node == "total"
    nodes_py.write_text(working)
    reload_code()
    outputs, decisions = run_changed(session)
    assert ran(decisions) == {"total"}
    assert decisions["total"] == "ran: no previous run"
    assert outputs == {"total": 12, "row_count": 3}


def test_code_that_cannot_be_fingerprinted_always_runs_and_says_why(project, session):
    edit(project, "src/incr_shop/nodes.py",
         (project / "src/incr_shop/nodes.py").read_text().replace(
             "from incr_shop import helpers\n",
             "from incr_shop import helpers\n\nSOURCE = open(__file__)\n").replace(
             "    return len(rows)", "    SOURCE.seek(0)\n    return len(rows)"))
    reload_code()
    run_changed(session)
    _, decisions = run_changed(session)
    assert ran(decisions) == {"count"}
    assert decisions["count"].startswith(
        "ran: cannot fingerprint: `incr_shop.nodes.SOURCE` cannot be fingerprinted: "
        "TextIOWrapper objects cannot be hashed by content")
    sys.modules["incr_shop.nodes"].SOURCE.close()


def test_another_kedro_ipy_version_runs_everything_again(project, monkeypatch):
    import kedro_ipy

    with KedroSession.create(project_path=project, save_on_close=False) as session:
        run_changed(session)
    old = kedro_ipy.__version__
    monkeypatch.setattr(kedro_ipy, "__version__", "99.0")
    with KedroSession.create(project_path=project, save_on_close=False) as session:
        _, decisions = run_changed(session)
    assert set(decisions.values()) == {f"ran: kedro_ipy version {old} → 99.0"}


def test_a_damaged_history_makes_nodes_run_never_skip(project, session):
    run_changed(session)
    history = project / ".kedro_ipy/cache/nodes.json"
    content = json.loads(history.read_text())
    content["nodes"]["scale"]["outputs"] = "garbage"
    history.write_text(json.dumps(content))
    with KedroSession.create(project_path=project, save_on_close=False) as fresh:
        _, decisions = run_changed(fresh)
        assert decisions["scale"].startswith("ran: the record of its last run cannot be read")
        assert ran(decisions) == {"scale"}
    history.write_text("{not json")
    with KedroSession.create(project_path=project, save_on_close=False) as fresh:
        outputs, decisions = run_changed(fresh)
    assert set(decisions.values()) == {"ran: no previous run"}
    assert outputs == {"total": 12, "row_count": 3}


def test_a_raw_input_edited_while_the_run_goes_on_runs_again_next_time(project, session):
    from kedro_ipy.framework.hooks import hook_impl

    class EditsTheFileMidRun:
        @hook_impl
        def before_dataset_loaded(self, dataset_name):
            if dataset_name == "raw_rows":  # after the decision, before the node reads it
                (project / "data/raw.txt").write_text("5 5 5\n")

    writer = EditsTheFileMidRun()
    session._hook_manager.register(writer)
    try:
        first, _ = run_changed(session)
    finally:
        session._hook_manager.unregister(writer)
    assert first == {"total": 30, "row_count": 3}  # the node read the new content
    outputs, decisions = run_changed(session)  # the file has not changed since that read
    assert decisions["load"] == "ran: input raw_rows changed"
    assert outputs == {"total": 30, "row_count": 3}


def test_a_filtered_run_says_why_an_input_counts_as_changed(session):
    run_changed(session)
    session.run(RunRequest(only_changed=True, from_nodes=("total",)))
    decisions = {d.node: str(d) for d in session.last_result.decisions}
    assert decisions == {"total": (
        "ran: input scaled_rows is read from its dataset this time (the node that produced "
        "it last time is not part of this run)")}


def test_parameters_that_only_look_alike_are_not_the_same(project, session):
    parameters = project / "conf/base/parameters.yml"
    parameters.write_text("model:\n  alpha: 2\n  x:\n    y: 1\n")
    run_changed(session)
    parameters.write_text('model:\n  alpha: 2\n  "x.y": 1\n')
    _, decisions = run_changed(session)
    assert decisions["scale"] == "ran: parameter model changed"
    parameters.write_text('model:\n  "x.y": 1\n  alpha: 2\n')  # the same, reordered
    _, decisions = run_changed(session)
    assert ran(decisions) == set()

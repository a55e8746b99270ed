"""The README's main job: run the example project's pipelines in one session and show the results.

    make run        (or: .venv/bin/python scripts/main_job.py)

It opens one ``KedroSession`` on ``examples/coffee_shop``, runs its three pipelines one after
the other (one session, many runs, as in a notebook), prints the outputs each run returns, the
session's run history and where everything was written.
"""

from __future__ import annotations

import logging
import pprint
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "examples" / "coffee_shop"
PIPELINES = ("data_processing", "forecasting", "reporting")


def _base(project: Path) -> Path:
    """Paths are shown relative to the repository when the project is the repository's copy."""
    return ROOT if project.is_relative_to(ROOT) else project.parent


def _latest(path: Path) -> Path | None:
    """The newest version of a versioned dataset saved at ``path`` (a folder of versions)."""
    versions = sorted(path.iterdir()) if path.is_dir() else []
    return versions[-1] / path.name if versions else None


def main(project: Path = PROJECT) -> int:
    """Run the example at ``project`` (default: the repository's copy; tests pass their own)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from kedro_ipy.framework.session import KedroSession

    print(f"Project: {project.relative_to(_base(project))}")
    with KedroSession.create(project_path=project) as session:
        print(f"Session {session.session_id}\n")
        for name in PIPELINES:
            outputs = session.run(pipeline_name=name)
            record = session.store["runs"][-1]
            print(f"== {name}: {len(record['nodes_done'])}/{record['nodes_total']} nodes, "
                  f"{record['duration_s']:.3f} s, {record['status']}")
            for output, value in outputs.items():
                text = pprint.pformat(value, width=80, compact=True, sort_dicts=False)
                print(f"   {output} = " + text.replace("\n", "\n" + " " * (6 + len(output))))
        history = session.store["runs"]
        store_file = getattr(session._store, "location", None)

    print("\nRun history of this session (session.store['runs']):")
    for record in history:
        print(f"   {record['run_id']}  {record['pipeline_name']:16} {record['status']:8}"
              f" {record['duration_s']:.3f} s")

    report = _latest(project / "data" / "08_reporting" / "sales_report.md")
    model = _latest(project / "data" / "06_models" / "sales_model.pkl")
    print("\nWhere to look:")
    print(f"   report (versioned):  {report.relative_to(_base(project)) if report else '-'}")
    print(f"   model (versioned):   {model.relative_to(_base(project)) if model else '-'}")
    daily = project / "data" / "03_primary" / "daily_sales.json"
    print(f"   daily sales:         {daily.relative_to(_base(project))}")
    if store_file is not None:
        print(f"   session record:      {Path(store_file).relative_to(_base(project))}")
    print("   notebook:            %load_ext kedro_ipy, then %session_create in "
          f"{project.relative_to(_base(project))}")
    if report is not None:
        print("\n" + report.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else PROJECT))

"""The README's main job: run the quickstart notebook end to end and say where to look.

    make run        (or: .venv/bin/python scripts/main_job.py)

It executes ``notebooks/quickstart.ipynb`` in a fresh IPython kernel, exactly as a user pressing
"Run all" would: the extension is loaded, a session is opened on ``examples/coffee_shop``, the
pipelines run several times on that one session. Each cell and what it printed is shown here,
the executed notebook is saved under ``build/``, and the files the runs wrote are listed.
A cell that fails (other than the ones that show an error on purpose) fails the job.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "quickstart.ipynb"
PROJECT = ROOT / "examples" / "coffee_shop"
OUTPUT = ROOT / "build" / "quickstart.ipynb"


def _text_of(output: dict) -> str:
    """What a person would read in a cell's output, as plain text."""
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return f"{output.get('ename')}: {output.get('evalue')}\n"
    return output.get("data", {}).get("text/plain", "") + "\n"


def _newest(folder: Path) -> Path | None:
    """The newest version saved under a versioned dataset's folder."""
    versions = sorted(folder.iterdir()) if folder.is_dir() else []
    return versions[-1] / folder.name if versions else None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(notebook: Path = NOTEBOOK, project: Path = PROJECT, output: Path = OUTPUT) -> int:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    started = time.perf_counter()
    print(f"Running {_shown(notebook)} in a fresh kernel ...\n", flush=True)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    elapsed = time.perf_counter() - started

    failures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        print(f"In [{cell.execution_count}]: {cell.source}")
        for out in cell.outputs:
            expected_error = out.get("ename") == "UsageError"  # bad input shown on purpose
            failures += out.get("output_type") == "error" and not expected_error
            print("    " + _text_of(out).rstrip("\n").replace("\n", "\n    "))
        print()

    output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, output)
    sessions = sorted((project / "sessions").glob("*.json"))
    report = _newest(project / "data" / "08_reporting" / "sales_report.md")
    model = _newest(project / "data" / "06_models" / "sales_model.pkl")
    print(f"Notebook ran in {elapsed:.1f} s with {failures} failing cell(s).\n")
    print("Where to look:")
    print(f"   executed notebook:   {_shown(output)}")
    print(f"   example project:     {_shown(project)}  (conf/, src/, data/)")
    if report is not None:
        print(f"   report (versioned):  {_shown(report)}")
    if model is not None:
        print(f"   model (versioned):   {_shown(model)}")
    if sessions:
        print(f"   session record:      {_shown(sessions[-1])}")
    print("   to click instead:    make lab, then open quickstart.ipynb or panel.ipynb")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

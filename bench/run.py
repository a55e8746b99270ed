"""Run every ``bench/bench_*.py`` on kedro_ipy and on Kedro 1.7.0, and print a table.

    python bench/run.py --kedro-python .venv-kedro/bin/python [--only pipeline] [--quick]

Each figure is measured in its own process per framework, side by side in one run, and the
table shows kedro_ipy's value, Kedro's, the ratio kedro_ipy / Kedro and, where the issue set
one, the target ratio and whether it is met. Figures of features Kedro does not have (incremental
runs) carry an absolute ``limit`` instead, checked the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def run_module(python: str, module: Path, framework: str, quick: bool) -> list[dict]:
    cmd = [python, str(module), "--framework", framework] + (["--quick"] if quick else [])
    env = dict(os.environ, DO_NOT_TRACK="1", KEDRO_DISABLE_TELEMETRY="true",
               PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        print(f"!! {module.name} failed on {framework}:\n{proc.stderr[-3000:]}", file=sys.stderr)
    rows = []
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            rows.append(json.loads(line))
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value < 0.001:
            return f"{value * 1e6:.1f} µs"
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.3f} s"
    return f"{value:.3g} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kedro-python", default=str(ROOT / ".venv-kedro" / "bin" / "python"))
    parser.add_argument("--only", default="", help="run only modules whose name contains this")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    modules = sorted(p for p in BENCH_DIR.glob("bench_*.py") if args.only in p.name)
    failures = 0
    header = f"{'figure':58} {'kedro_ipy':>12} {'kedro 1.7':>12} {'ratio':>8} {'target':>8}"
    for module in modules:
        ours = run_module(sys.executable, module, "kedro_ipy", args.quick)
        theirs = {r["figure"]: r for r in run_module(args.kedro_python, module, "kedro",
                                                     args.quick)}
        print(f"\n## {module.stem}\n{header}")
        for row in ours:
            other = theirs.get(row["figure"])
            ratio = row["value"] / other["value"] if other and other["value"] else None
            target = row.get("target")
            verdict = ""
            if target is not None and ratio is not None:
                ok = ratio <= target
                failures += not ok
                verdict = "ok" if ok else "MISSED"
            limit = row.get("limit")
            if limit is not None:  # an absolute limit (a feature Kedro does not have)
                ok = row["value"] <= limit
                failures += not ok
                verdict = f"{'ok' if ok else 'MISSED'} (limit {fmt(limit, row['unit'])})"
            print(f"{row['figure']:58} {fmt(row['value'], row['unit']):>12} "
                  f"{fmt(other['value'] if other else None, row['unit']):>12} "
                  f"{(f'{ratio:.3f}' if ratio is not None else '-'):>8} "
                  f"{(f'{target:.3f}' if target is not None else '-'):>8} {verdict}")
    print(f"\n{failures} target(s) missed." if failures else "\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Config loading and project bootstrap, kedro_ipy vs Kedro 1.7.0.

Figures:
- a fresh ``OmegaConfigLoader`` reading catalog, parameters and credentials of a generated
  ``conf/`` (200 datasets over 8 files with ``${globals:...}`` templating, nested parameters,
  a run environment overriding some keys) — what every ``load_context()`` pays (target 1/4);
- the same when every file changed since it was last read (kedro_ipy reuses parsed files
  otherwise; target 1/4);
- the same with 10 runtime parameters given as dotted names, for information;
- ``bootstrap_project`` on a small generated project, in-process, for information.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, framework_module, parse_args
from _project import PACKAGE, write_project


def write_conf(root: Path, datasets: int) -> Path:
    conf = root / "conf"
    (conf / "base" / "catalog").mkdir(parents=True)
    (conf / "local").mkdir()
    (conf / "base" / "globals.yml").write_text("bucket: data\nfmt: csv\n")
    per_file = datasets // 8
    for f in range(8):
        lines = []
        for i in range(per_file):
            name = f"ds_{f}_{i}"
            lines.append(
                f"{name}:\n  type: pandas.CSVDataset\n"
                f"  filepath: ${{globals:bucket}}/{f}/{name}.${{globals:fmt}}\n"
                f"  load_args: {{sep: ','}}\n"
            )
        target = conf / "base" / ("catalog.yml" if f == 0 else f"catalog/part_{f}.yml")
        target.write_text("".join(lines))
    (conf / "local" / "catalog.yml").write_text(
        "ds_0_0:\n  type: pandas.CSVDataset\n  filepath: local/ds.csv\n"
    )
    params = ["model:"]
    for i in range(50):
        params.append(f"  p{i}: {{alpha: {i}, beta: [1, 2, 3], name: m{i}}}")
    (conf / "base" / "parameters.yml").write_text("\n".join(params) + "\nseed: 42\n")
    (conf / "local" / "credentials.yml").write_text("db: {user: me, password: secret}\n")
    return conf


def main() -> None:
    args = parse_args()
    framework = args.framework
    repeat = 3 if args.quick else 7
    config = framework_module(framework, "config")
    loader_cls = config.OmegaConfigLoader
    kwargs = {"base_env": "base", "default_run_env": "local"}

    with tempfile.TemporaryDirectory(prefix="bench_config_") as tmp:
        conf = write_conf(Path(tmp), datasets=80 if args.quick else 200)

        def load(runtime_params: dict | None = None) -> None:
            loader = loader_cls(str(conf), runtime_params=runtime_params, **kwargs)
            loader["catalog"]
            loader["parameters"]
            loader["credentials"]

        load()
        emit("fresh loader: catalog + parameters + credentials (200 datasets)",
             best_of(load, repeat=repeat), target=0.25, group="config")
        files = [p for p in conf.rglob("*.yml")]

        def touch() -> None:
            # New modification times: nothing parsed earlier in this process can be reused.
            for path in files:
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

        emit("same, every file edited since the last read (no parse reuse)",
             best_of(load, repeat=repeat, setup=touch), target=0.25, group="config")
        runtime = {f"model.p{i}.alpha": i * 10 for i in range(10)}
        emit("same, with 10 dotted runtime params",
             best_of(lambda: load(runtime), repeat=repeat), group="config")

        startup = framework_module(framework, "framework.startup")
        project_path = write_project(Path(tmp) / "project", framework, nodes=10)

        def bootstrap() -> None:
            startup.bootstrap_project(project_path)

        bootstrap()
        emit("bootstrap_project (warm, in-process)", best_of(bootstrap, repeat=repeat),
             group="config")
        sys.modules.pop(PACKAGE, None)


if __name__ == "__main__":
    main()

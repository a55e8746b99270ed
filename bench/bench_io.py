"""The data layer: building a DataCatalog from config, and load/save through it.

Kedro 1.7.0 without kedro-datasets ships only ``MemoryDataset`` and ``CachedDataset``, so the
config uses those (type strings spelled the way each framework's users write them: the short
``MemoryDataset`` and the full ``<framework>.io.MemoryDataset``, plus ``CachedDataset``
wrapping a ``MemoryDataset``). Each figure is the best of several repeats.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_of, emit, framework_module, parse_args


def catalog_config(framework: str, size: int) -> dict[str, dict]:
    config: dict[str, dict] = {}
    for i in range(size):
        kind = i % 4
        if kind == 0:
            entry = {"type": "MemoryDataset"}
        elif kind == 1:
            entry = {"type": f"{framework}.io.MemoryDataset", "data": i}
        elif kind == 2:
            entry = {"type": "MemoryDataset", "copy_mode": "assign", "metadata": {"i": i}}
        else:
            entry = {"type": "CachedDataset", "dataset": {"type": "MemoryDataset"}}
        config[f"dataset_{i}"] = entry
    return config


def main() -> None:
    args = parse_args()
    io = framework_module(args.framework, "io")
    size = 200 if args.quick else 1000
    calls = 1000 if args.quick else 10_000
    repeat = 3 if args.quick else 7

    config = catalog_config(args.framework, size)
    # Touch every dataset so a lazy catalog pays for building them too, as a run would.
    names = list(config)

    def build() -> None:
        catalog = io.DataCatalog.from_config(config)
        for name in names:
            catalog[name]

    build()  # warm-up: imports and type resolution caches, on both sides
    emit(f"from_config {size} entries + first access", best_of(build, repeat), target=0.5,
         group="io")

    def build_only() -> None:
        io.DataCatalog.from_config(config)

    emit(f"from_config {size} entries", best_of(build_only, repeat), target=0.5, group="io")

    catalog = io.DataCatalog.from_config({"a": {"type": "MemoryDataset"}})
    payload = {"rows": [1, 2, 3], "name": "x"}

    def load_save() -> None:
        save, load = catalog.save, catalog.load
        for _ in range(calls // 2):
            save("a", payload)
            load("a")

    load_save()
    emit(f"{calls} MemoryDataset load/save via catalog", best_of(load_save, repeat),
         target=0.5, group="io")

    assign = io.DataCatalog.from_config({"a": {"type": "MemoryDataset", "copy_mode": "assign"}})

    def load_save_assign() -> None:
        save, load = assign.save, assign.load
        for _ in range(calls // 2):
            save("a", payload)
            load("a")

    load_save_assign()
    emit(f"{calls} load/save via catalog (copy_mode=assign)", best_of(load_save_assign, repeat),
         target=0.5, group="io")


if __name__ == "__main__":
    main()

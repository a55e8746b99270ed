"""Turn a catalog entry's ``type:`` string into a dataset class, and an entry into a dataset.

Users write types the way Kedro's documentation does: ``pandas.CSVDataset``,
``kedro_datasets.pandas.CSVDataset``, ``MemoryDataset``, ``kedro.io.MemoryDataset`` or a full
dotted path to their own class. The first four forms map onto our own classes, so a Kedro
catalog works unchanged. Resolved classes are cached: a 1,000-entry catalog resolves each type
once.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError, Version
from kedro_ipy.utils import did_you_mean

__all__ = ["KNOWN_TYPES", "build_dataset", "check_entry", "resolve_type"]

#: Short names users write, mapped to where our implementation lives.
KNOWN_TYPES: dict[str, str] = {
    "MemoryDataset": "kedro_ipy.io.memory_dataset.MemoryDataset",
    "CachedDataset": "kedro_ipy.io.cached_dataset.CachedDataset",
    "LambdaDataset": "kedro_ipy.io.lambda_dataset.LambdaDataset",
    "pickle.PickleDataset": "kedro_ipy.io.datasets.pickle.PickleDataset",
    "json.JSONDataset": "kedro_ipy.io.datasets.json.JSONDataset",
    "yaml.YAMLDataset": "kedro_ipy.io.datasets.yaml.YAMLDataset",
    "text.TextDataset": "kedro_ipy.io.datasets.text.TextDataset",
    "pandas.CSVDataset": "kedro_ipy.io.datasets.pandas.CSVDataset",
    "pandas.ParquetDataset": "kedro_ipy.io.datasets.pandas.ParquetDataset",
    "partitions.PartitionedDataset": "kedro_ipy.io.datasets.partitions.PartitionedDataset",
}

# Prefixes under which Kedro (and kedro-datasets) users name the same classes.
_ALIAS_PREFIXES = ("kedro_datasets.", "kedro.io.", "kedro_ipy.io.datasets.", "kedro_ipy.io.")

_CACHE: dict[str, type] = {}


def _known_target(type_name: str) -> str | None:
    target = KNOWN_TYPES.get(type_name)
    if target is not None:
        return target
    for prefix in _ALIAS_PREFIXES:
        if type_name.startswith(prefix):
            target = KNOWN_TYPES.get(type_name[len(prefix) :])
            if target is not None:
                return target
    return None


def _import_class(path: str) -> Any:
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        return None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only "this module does not exist" means "try the next candidate"; a module that
        # exists but fails to import (say, pandas missing inside it) must say so.
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, attr, None)


def _is_dataset_class(obj: Any) -> bool:
    if not inspect.isclass(obj):
        return False
    if issubclass(obj, AbstractDataset):
        return True
    # A class written against Kedro itself (or any duck-typed dataset) is accepted too.
    return callable(getattr(obj, "load", None)) and callable(getattr(obj, "save", None))


def resolve_type(type_name: Any, entry: str = "?") -> type:
    """The dataset class a ``type:`` value names.

    Args:
        type_name: A short name (``pickle.PickleDataset``), a Kedro path, a dotted path, or a
            class.
        entry: The catalog entry, for the error message.

    Raises:
        DatasetError: nothing of that name exists, or it is not a dataset class; the message
            lists the closest known names.
    """
    if inspect.isclass(type_name):
        if _is_dataset_class(type_name):
            return type_name
        raise DatasetError(
            f"Catalog entry '{entry}': type {type_name.__qualname__} is not a dataset class "
            "(it needs load() and save())."
        )
    if not isinstance(type_name, str) or not type_name:
        raise DatasetError(
            f"Catalog entry '{entry}': 'type' must be a dataset class name such as "
            f"'pickle.PickleDataset', not {type_name!r}."
        )
    cached = _CACHE.get(type_name)
    if cached is not None:
        return cached
    target = _known_target(type_name)
    candidates = [target] if target else []
    candidates += [
        f"kedro_ipy.io.{type_name}",
        f"kedro_ipy.io.datasets.{type_name}",
        type_name,
    ]
    for candidate in candidates:
        try:
            obj = _import_class(candidate)
        except ImportError as exc:
            raise DatasetError(
                f"Catalog entry '{entry}': type '{type_name}' could not be imported: {exc}"
            ) from exc
        if obj is None:
            continue
        if not _is_dataset_class(obj):
            raise DatasetError(
                f"Catalog entry '{entry}': type '{type_name}' is not a dataset class "
                "(it needs load() and save())."
            )
        _CACHE[type_name] = obj
        return obj
    short = type_name
    for prefix in _ALIAS_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    same_but_case = [known for known in KNOWN_TYPES if known.lower() == short.lower()]
    hint = f" Did you mean '{same_but_case[0]}'?" if same_but_case else did_you_mean(
        short, KNOWN_TYPES
    )
    raise DatasetError(
        f"Catalog entry '{entry}': unknown dataset type '{type_name}'. "
        f"Built-in types: {', '.join(sorted(KNOWN_TYPES))}; any other class can be given by "
        f"its full dotted path.{hint}"
    )


_ACCEPTS: dict[tuple[type, str], bool] = {}


def _accepts(cls: type, argument: str) -> bool:
    key = (cls, argument)
    if key not in _ACCEPTS:
        _ACCEPTS[key] = _signature_accepts(cls, argument)
    return _ACCEPTS[key]


def _signature_accepts(cls: type, argument: str) -> bool:
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return True
    return argument in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def build_dataset(
    name: str,
    config: Any,
    load_version: str | None = None,
    save_version: str | None = None,
) -> AbstractDataset:
    """Instantiate one catalog entry; errors name the entry (credentials already injected).

    Raises:
        DatasetError: the entry is not a mapping, has no ``type``, names an unknown type, asks
            for versioning of a class without it, or its arguments are rejected.
    """
    kwargs, cls, versioned = check_entry(name, config)
    if versioned:
        kwargs["version"] = Version(load_version, save_version)
    try:
        return cls(**kwargs)
    except DatasetError as exc:
        raise DatasetError(f"Catalog entry '{name}': {exc}") from exc
    except Exception as exc:
        raise DatasetError(
            f"Catalog entry '{name}' could not be created as {cls.__qualname__}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def check_entry(name: str, config: Any) -> tuple[dict[str, Any], type, bool]:
    """Validate an entry without building it: ``(constructor kwargs, class, versioned)``.

    Raises:
        DatasetError: not a mapping, no ``type``, unknown type, or versioning unsupported.
    """
    if not isinstance(config, dict):
        raise DatasetError(
            f"Catalog entry '{name}' is not a valid dataset configuration: expected a mapping "
            f"with a 'type' key, got {type(config).__name__}. (Keys starting with '_' are "
            "ignored, for YAML anchors.)"
        )
    if "type" not in config:
        raise DatasetError(
            f"Catalog entry '{name}' has no 'type' key; give one, e.g. "
            "'type: pickle.PickleDataset'."
        )
    kwargs = dict(config)
    cls = resolve_type(kwargs.pop("type"), name)
    versioned = bool(kwargs.pop("versioned", False))
    if versioned and not _accepts(cls, "version"):
        raise DatasetError(
            f"Catalog entry '{name}': type '{cls.__qualname__}' does not support "
            "versioning; remove 'versioned: true'."
        )
    return kwargs, cls, versioned

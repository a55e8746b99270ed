"""Turn a catalog entry's ``type:`` string into a dataset class, and an entry into a dataset.

Users write types the way Kedro's documentation does: ``pandas.CSVDataset``,
``kedro_datasets.pandas.CSVDataset``, ``MemoryDataset``, ``kedro.io.MemoryDataset`` or a full
dotted path to their own class. Short names map onto our own classes, so a Kedro catalog works
unchanged. A ``kedro_datasets.<short name>`` type is ours too, unless kedro-datasets is
installed: then its own class is used, as the project asked for it by that name. The
``KEDRO_IPY_DATASETS`` environment variable chooses instead (``kedro_ipy`` or
``kedro_datasets``; ``auto`` is the default just described), and a full module path such as
``kedro_datasets.pandas.csv_dataset.CSVDataset`` always means that very class. Resolved classes
are cached: a 1,000-entry catalog resolves each type once.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import os
import sys
from typing import Any

from kedro_ipy.io.core import AbstractDataset, DatasetError, Version, versioned_flag
from kedro_ipy.utils import did_you_mean

__all__ = [
    "DATASETS_SOURCE_ENV",
    "KNOWN_TYPES",
    "build_dataset",
    "check_entry",
    "check_shape",
    "kedro_datasets_source",
    "parse_error",
    "resolve_type",
]

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
    "pandas.JSONDataset": "kedro_ipy.io.datasets.pandas.JSONDataset",
    "pandas.FeatherDataset": "kedro_ipy.io.datasets.pandas.FeatherDataset",
    "pandas.ExcelDataset": "kedro_ipy.io.datasets.pandas.ExcelDataset",
    "pandas.GenericDataset": "kedro_ipy.io.datasets.pandas.GenericDataset",
    "pandas.SQLTableDataset": "kedro_ipy.io.datasets.pandas.SQLTableDataset",
    "pandas.SQLQueryDataset": "kedro_ipy.io.datasets.pandas.SQLQueryDataset",
    "partitions.PartitionedDataset": "kedro_ipy.io.datasets.partitions.PartitionedDataset",
    "partitions.IncrementalDataset": "kedro_ipy.io.datasets.incremental.IncrementalDataset",
    "matplotlib.MatplotlibDataset": "kedro_ipy.io.datasets.matplotlib.MatplotlibDataset",
    "matplotlib.MatplotlibWriter": "kedro_ipy.io.datasets.matplotlib.MatplotlibWriter",
    "plotly.PlotlyDataset": "kedro_ipy.io.datasets.plotly.PlotlyDataset",
    "plotly.JSONDataset": "kedro_ipy.io.datasets.plotly.JSONDataset",
    "plotly.HTMLDataset": "kedro_ipy.io.datasets.plotly.HTMLDataset",
    "pillow.ImageDataset": "kedro_ipy.io.datasets.pillow.ImageDataset",
    "numpy.NumpyDataset": "kedro_ipy.io.datasets.numpy.NumpyDataset",
}

# Prefixes under which Kedro (and kedro-datasets) users name the same classes.
_ALIAS_PREFIXES = ("kedro_datasets.", "kedro.io.", "kedro_ipy.io.datasets.", "kedro_ipy.io.")

_CACHE: dict[str, type] = {}
_MODULES: dict[str, Any] = {}  # the module each cached class came from

#: Environment variable choosing whose class a ``kedro_datasets.<short name>`` type means.
DATASETS_SOURCE_ENV = "KEDRO_IPY_DATASETS"
_SOURCES = ("auto", "kedro_ipy", "kedro_datasets")
_KEDRO_DATASETS = "kedro_datasets."
_importable: dict[str, bool] = {}


def _kedro_datasets_importable() -> bool:
    """Whether kedro-datasets is installed (looked up once; tests reset ``_importable``)."""
    found = _importable.get("kedro_datasets")
    if found is None:
        try:
            found = importlib.util.find_spec("kedro_datasets") is not None
        except (ImportError, ValueError):
            found = False
        _importable["kedro_datasets"] = found
    return found


def kedro_datasets_source() -> str:
    """Whose class ``kedro_datasets.<short name>`` means now: ``kedro_ipy`` or
    ``kedro_datasets``, from ``KEDRO_IPY_DATASETS`` (``auto``: kedro-datasets' when it is
    installed).

    Raises:
        DatasetError: the variable has another value, or asks for kedro-datasets where it is
            not installed.
    """
    raw = os.environ.get(DATASETS_SOURCE_ENV, "")
    value = raw.strip().lower().replace("-", "_") or "auto"
    if value not in _SOURCES:
        raise DatasetError(
            f"{DATASETS_SOURCE_ENV}={raw!r} is not a valid choice: use one of "
            f"{', '.join(_SOURCES)}.{did_you_mean(value, _SOURCES)}"
        )
    if value == "auto":
        return "kedro_datasets" if _kedro_datasets_importable() else "kedro_ipy"
    if value == "kedro_datasets" and not _kedro_datasets_importable():
        raise DatasetError(
            f"{DATASETS_SOURCE_ENV}=kedro_datasets, but kedro-datasets is not installed: "
            f"install it (pip install kedro-datasets) or unset {DATASETS_SOURCE_ENV} to use "
            "kedro_ipy's own datasets."
        )
    return value


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
    # A class written against Kedro's own AbstractDataset (Kedro installed alongside) works
    # too: it has load() and save() and the same contract.
    return any(base.__name__ == "AbstractDataset" for base in obj.__mro__[1:]) and (
        callable(getattr(obj, "load", None)) and callable(getattr(obj, "save", None))
    )


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _not_a_dataset(cls: type) -> DatasetError:
    return DatasetError(
        f"Dataset type '{_class_path(cls)}' is invalid: all dataset types must extend "
        "'AbstractDataset'."
    )


def resolve_type(type_name: Any, entry: str = "?") -> type:
    """The dataset class a ``type:`` value names.

    Args:
        type_name: A short name (``pickle.PickleDataset``), a Kedro path, a dotted path, or a
            class.
        entry: The catalog entry (kept for callers' messages).

    Raises:
        DatasetError: nothing of that name exists, it cannot be imported, or it is not a
            dataset class. Kedro's sentence comes first; the closest known names follow.
    """
    if inspect.isclass(type_name):
        if _is_dataset_class(type_name):
            return type_name
        raise _not_a_dataset(type_name)
    if not isinstance(type_name, str) or not type_name:
        raise DatasetError(
            f"'type' must be a dataset class or its import path, such as "
            f"'pickle.PickleDataset', not {type_name!r}."
        )
    prefixed = type_name.startswith(_KEDRO_DATASETS)
    source = kedro_datasets_source() if prefixed else "kedro_ipy"
    key = f"{source}:{type_name}" if prefixed else type_name
    cached = _CACHE.get(key)
    # Valid while its module is the one imported: project code reloaded (``%session_create``
    # drops the package's modules) must give the edited class, not the old one.
    if cached is not None and sys.modules.get(cached.__module__) is _MODULES.get(key):
        return cached
    if type_name.strip(".") != type_name:
        raise DatasetError(
            "'type' class path does not support relative paths or paths ending with a dot."
        )
    target = _known_target(type_name)
    if prefixed and source == "kedro_datasets":
        candidates = [type_name]  # the project named kedro-datasets' class: use it
    else:
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
                f"{exc}. Please install the missing dependencies for {type_name}."
            ) from exc
        if obj is None or inspect.ismodule(obj):  # ``pickle``: a module, not a class
            continue
        if not inspect.isclass(obj):
            raise DatasetError(
                f"Dataset type '{type_name}' is a {type(obj).__name__}, not a class: give a "
                "dataset class, such as 'pickle.PickleDataset'."
            )
        if not _is_dataset_class(obj):
            raise _not_a_dataset(obj)
        _CACHE[key] = obj
        _MODULES[key] = sys.modules.get(obj.__module__)
        return obj
    short = type_name
    for prefix in _ALIAS_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    lowered = short.lower()
    same_but_case = [known for known in KNOWN_TYPES if known.lower() == lowered] or [
        # ``PickleDataset`` or ``pickle`` alone: the class or its module without the other.
        known for known in sorted(KNOWN_TYPES)
        if lowered in (known.lower().rpartition(".")[2], known.lower().partition(".")[0])
    ]
    if len(same_but_case) == 1:
        hint = f" Did you mean '{same_but_case[0]}'?"
    elif same_but_case:
        hint = " Did you mean one of these: " + ", ".join(f"'{k}'" for k in same_but_case) + "?"
    else:
        hint = did_you_mean(short, KNOWN_TYPES)
    if prefixed and not _kedro_datasets_importable():
        hint = _missing_kedro_datasets_hint(short, hint)
    raise DatasetError(
        f"Class '{type_name}' not found, is this a typo?{hint} "
        f"Built-in types: {', '.join(sorted(KNOWN_TYPES))}; any other class can be given by "
        "its full dotted path."
    )


def _missing_kedro_datasets_hint(short: str, hint: str) -> str:
    """What to say about ``kedro_datasets.<short>`` when kedro-datasets is not installed."""
    parts = short.split(".")
    same_class = f"{parts[0]}.{parts[-1]}"
    if len(parts) > 2 and same_class in KNOWN_TYPES:
        # A full module path (``pandas.csv_dataset.CSVDataset``) of a class we also have.
        return (
            f" kedro-datasets is not installed; kedro_ipy's own '{same_class}' can stand in: "
            f"write 'type: {same_class}'."
        )
    if hint and any(known.startswith(parts[0] + ".") for known in KNOWN_TYPES):
        return hint  # a typo in a family we have
    return (
        f" kedro_ipy has no built-in '{short}', and kedro-datasets, which would provide it, "
        "is not installed (pip install kedro-datasets)."
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


def parse_error(name: str, exc: BaseException | str) -> DatasetError:
    """The error for an entry whose config cannot be turned into a class and arguments."""
    return DatasetError(f"An exception occurred when parsing config for dataset '{name}':\n{exc}")


def build_dataset(
    name: str,
    config: Any,
    load_version: str | None = None,
    save_version: str | None = None,
) -> AbstractDataset:
    """Instantiate one catalog entry; errors name the entry (credentials already injected).

    Raises:
        DatasetError: the entry is not a mapping, has no ``type``, names an unknown type, or
            its arguments are rejected by the class (Kedro's messages, then our hints).
    """
    check_shape(name, config)
    try:
        kwargs, cls, versioned = _split(config)
    except DatasetError as exc:
        raise parse_error(name, exc) from exc
    if versioned:
        kwargs["version"] = Version(load_version, save_version)
    try:
        return cls(**kwargs)
    except TypeError as exc:
        if inspect.isabstract(cls):
            raise DatasetError(
                f"\n{exc}.\nDataset '{name}' cannot be instantiated. Please implement the "
                f"missing abstract methods in '{_class_path(cls)}'."
            ) from exc
        hint = ""
        if versioned and not _accepts(cls, "version"):
            hint = (
                f" Type '{cls.__qualname__}' does not support versioning; remove "
                "'versioned: true'."
            )
        raise DatasetError(
            f"\n{exc}.\nDataset '{name}' must only contain arguments valid for the "
            f"constructor of '{_class_path(cls)}'.{hint}"
        ) from exc
    except Exception as exc:
        raise DatasetError(
            f"\n{exc}.\nFailed to instantiate dataset '{name}' of type '{_class_path(cls)}'."
        ) from exc


def check_shape(name: str, config: Any) -> None:
    """What Kedro checks when the catalog is built: a mapping with a ``type`` key.

    The type itself is resolved only when the dataset is first used, as in Kedro, so an entry
    whose library is not installed does not stop the rest of the catalog from working.

    Raises:
        DatasetError: ``config`` is not a mapping, or has no ``type``.
    """
    if not isinstance(config, dict):
        raise DatasetError(
            f"Catalog entry '{name}' is not a valid dataset configuration. \nHint: If this "
            "catalog entry is intended for variable interpolation, make sure that the key is "
            "preceded by an underscore."
        )
    if "type" not in config:
        raise parse_error(
            name,
            "'type' is missing from dataset catalog configuration.\nHint: If this catalog "
            "entry is intended for variable interpolation, make sure that the top level key is "
            "preceded by an underscore.",
        )
    if "versioned" in config:
        versioned_flag(name, config["versioned"])


def _split(config: dict[str, Any]) -> tuple[dict[str, Any], type, bool]:
    kwargs = dict(config)
    cls = resolve_type(kwargs.pop("type"))
    if "validator" in kwargs:
        logging.getLogger("kedro_ipy.io.core").warning(
            "'validator' attribute removed from dataset configuration: dataset validators "
            "(Kedro 1.7) are not supported by kedro_ipy, so the data is not validated."
        )
        del kwargs["validator"]
    if "version" in kwargs:
        logging.getLogger("kedro_ipy.io.core").warning(
            "'version' attribute removed from dataset configuration since it is a reserved "
            "word and cannot be directly specified; use 'versioned: true' and load_versions."
        )
        del kwargs["version"]
    versioned = bool(kwargs.pop("versioned", False)) or bool(getattr(cls, "versioned", False))
    return kwargs, cls, versioned


def check_entry(name: str, config: Any) -> tuple[dict[str, Any], type, bool]:
    """Validate an entry without building it: ``(constructor kwargs, class, versioned)``.

    Raises:
        DatasetError: not a mapping, no ``type``, or an unknown type.
    """
    check_shape(name, config)
    try:
        return _split(config)
    except DatasetError as exc:
        raise parse_error(name, exc) from exc

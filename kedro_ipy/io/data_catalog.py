"""``DataCatalog``: the named datasets of a project, and the one door nodes' data goes through.

Runners call ``load``/``save`` once per node input/output, so those two stay a dictionary
lookup plus the dataset call. Everything else (factories, parameters, error messages) happens
off that path: a dataset created from a factory pattern is registered on first use, and
``params:<key>`` entries are made from the fed ``parameters`` only when asked for.
"""

from __future__ import annotations

import builtins  # annotations in DataCatalog, whose own `list` method shadows the builtin
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

from kedro_ipy.io._types import build_dataset, check_shape, resolve_type
from kedro_ipy.io.cached_dataset import CachedDataset
from kedro_ipy.io.catalog_config_resolver import DEFAULT_RUNTIME_PATTERN, CatalogConfigResolver
from kedro_ipy.io.core import (
    AbstractDataset,
    AbstractVersionedDataset,
    DatasetAlreadyExistsError,
    DatasetError,
    DatasetNotFoundError,
    Version,
    VersionAlreadyExistsError,
    generate_timestamp,
)
from kedro_ipy.io.memory_dataset import MemoryDataset, _is_memory_dataset
from kedro_ipy.redaction import collect_secrets, redact, redact_value, secrets_in_catalog_config
from kedro_ipy.redaction import register as register_secrets
from kedro_ipy.utils import did_you_mean

__all__ = ["DataCatalog"]

logger = logging.getLogger(__name__)

PARAMETERS = "parameters"
PARAMS_PREFIX = "params:"


def _flatten_params(params: dict[str, Any], prefix: str = "") -> Iterator[str]:
    for key, value in params.items():
        name = f"{prefix}{key}"
        yield name
        if isinstance(value, dict):
            yield from _flatten_params(value, f"{name}.")


_MISSING = object()
_BUILD_LOCK = threading.Lock()


def _lookup_param(params: Any, key: str) -> Any:
    """``params["a"]["b"]`` for ``"a.b"``; a literal top-level ``"a.b"`` key also works."""
    if not isinstance(params, dict):
        return _MISSING
    if key in params:
        return params[key]
    start = 0
    while True:
        dot = key.find(".", start)
        if dot < 0:
            return _MISSING
        head = key[:dot]
        if head in params:
            found = _lookup_param(params[head], key[dot + 1 :])
            if found is not _MISSING:
                return found
        start = dot + 1


class _LazyDataset:
    """A checked catalog entry, built into its dataset on first use.

    Building 1,000 datasets nobody touches would dominate start-up; checking the entry
    (mapping, type, credentials, versioning) up front keeps config errors early. The built
    dataset is kept here, so catalogs sharing the placeholder (``shallow_copy``) share it too.
    """

    __slots__ = ("config", "dataset", "load_version", "name", "save_version", "versioned")

    def __init__(self, name: str, config: dict[str, Any], versioned: bool,
                 load_version: str | None, save_version: str | None) -> None:
        self.name = name
        self.config = config
        self.versioned = versioned
        self.load_version = load_version
        self.save_version = save_version
        self.dataset: AbstractDataset | None = None

    def __repr__(self) -> str:
        """The class the entry will build, ``module.Class``, without building it."""
        try:
            cls = resolve_type(self.config.get("type"))
        except DatasetError as exc:
            raise DatasetError(f"Catalog entry '{self.name}': {exc}") from exc
        return f"{cls.__module__}.{cls.__qualname__}"

    def materialise(self) -> AbstractDataset:
        dataset = self.dataset
        if dataset is None:
            # Threads of a ThreadRunner may ask at once: exactly one object must win, or a
            # save could land in a copy nobody loads from.
            with _BUILD_LOCK:
                if self.dataset is None:
                    self.dataset = build_dataset(
                        self.name, self.config, self.load_version, self.save_version
                    )
                dataset = self.dataset
        return dataset


class DataCatalog:
    """Maps dataset names to datasets; loads and saves by name.

    Args:
        datasets: Name -> dataset.
        config_resolver: Dataset factory patterns (``from_config`` builds one).
        load_versions: Name -> version to load, for versioned datasets made from patterns.
        save_version: The version every versioned dataset made from patterns saves under.
        validation_enabled: Accepted for Kedro 1.7 compatibility; dataset validators are not
            supported, so it changes nothing.
        raw_data: Name -> data, each wrapped in a ``MemoryDataset`` (keyword only; Kedro
            0.19's ``KedroDataCatalog`` had it).

    Example:
        >>> catalog = DataCatalog.from_config({"raw": {"type": "MemoryDataset", "data": 1}})
        >>> catalog.add_feed_dict({"parameters": {"model": {"alpha": 0.1}}})
        >>> catalog.load("params:model.alpha")
        0.1
    """

    #: What ``get(..., fallback_to_runtime_pattern=True)`` creates for unknown names.
    default_runtime_patterns: ClassVar[dict[str, dict[str, Any]]] = DEFAULT_RUNTIME_PATTERN

    def __init__(
        self,
        datasets: dict[str, AbstractDataset] | None = None,
        config_resolver: CatalogConfigResolver | None = None,
        load_versions: dict[str, str] | None = None,
        save_version: str | None = None,
        validation_enabled: bool = True,
        *,
        raw_data: dict[str, Any] | None = None,
    ) -> None:
        self._datasets: dict[str, AbstractDataset] = {}
        self._resolver = config_resolver or CatalogConfigResolver(
            default_runtime_patterns=self.default_runtime_patterns
        )
        # Kept for signature compatibility: Kedro 1.7's dataset validators are not supported.
        self._validation_enabled = validation_enabled
        self._load_versions = dict(load_versions or {})
        self._save_version = save_version
        self._params: Any = _MISSING
        self._lazy_params: set[str] = set()
        self._secrets = self._resolver.secrets
        for name, dataset in (datasets or {}).items():
            self.add(name, dataset)
        for name, data in (raw_data or {}).items():
            self[name] = data

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_config(
        cls,
        catalog: dict[str, Any] | None,
        credentials: dict[str, Any] | None = None,
        load_versions: dict[str, str] | None = None,
        save_version: str | None = None,
        validation_enabled: bool = True,
    ) -> DataCatalog:
        """Build a catalog from ``catalog.yml``-shaped config.

        Args:
            catalog: Entry name -> ``{type: ..., <constructor arguments>}``; names with
                ``{placeholders}`` are dataset factory patterns.
            credentials: Credential sets, referred to by name from ``credentials:`` keys.
            load_versions: Name -> version to load (versioned datasets only).
            save_version: Version for every save in this run; a fresh timestamp if omitted.
            validation_enabled: Accepted for Kedro 1.7 compatibility (no validators here).

        Raises:
            DatasetError: a malformed entry, unknown type, missing credential or bad load
                version; the message names the entry and never shows credential values.
        """
        if catalog is not None and not isinstance(catalog, dict):
            raise DatasetError(
                f"The catalog config must be a mapping of entry names to entries, "
                f"not {type(catalog).__name__}."
            )
        secrets = collect_secrets(credentials) | secrets_in_catalog_config(catalog)
        register_secrets(secrets)
        save_version = save_version or generate_timestamp()
        load_versions = dict(load_versions or {})
        try:
            resolver = CatalogConfigResolver(
                catalog, credentials, default_runtime_patterns=cls.default_runtime_patterns
            )
            datasets: dict[str, Any] = {}
            for name, entry in resolver.config.items():
                check_shape(name, entry)
                versioned = bool(entry.get("versioned", False))
                datasets[name] = _LazyDataset(
                    name, entry, versioned, load_versions.get(name), save_version
                )
        except DatasetError as exc:
            if _leaks(exc, secrets):
                raise _scrubbed(exc, secrets) from None
            raise
        self = cls(
            config_resolver=resolver, load_versions=load_versions, save_version=save_version,
            validation_enabled=validation_enabled,
        )
        self._datasets.update(datasets)
        self._check_load_versions(load_versions)
        return self

    def _check_load_versions(self, load_versions: dict[str, str]) -> None:
        missing = sorted(
            name for name in load_versions
            if name not in self._datasets and self._resolver._match(name) is None
        )
        if missing:
            hints = "".join(did_you_mean(name, self._datasets) for name in missing)
            raise DatasetNotFoundError(
                f"'load_versions' keys [{', '.join(missing)}] are not found in the catalog."
                f"{hints}"
            )
        for name, version in load_versions.items():
            dataset = self._datasets.get(name)
            if dataset is not None and not _is_versioned(dataset):
                # Kedro ignores such a pin silently; say so, since it is almost always a typo.
                logger.warning(
                    "load_versions pins version '%s' of dataset '%s', which is not versioned; "
                    "the pin is ignored.", version, name,
                )

    # -- lookup ---------------------------------------------------------------------------
    def _materialise(self, name: str) -> AbstractDataset | None:
        """Create ``name`` from the parameters or a factory pattern, or ``None``."""
        if name.startswith(PARAMS_PREFIX) and self._params is not _MISSING:
            value = _lookup_param(self._params, name[len(PARAMS_PREFIX) :])
            if value is not _MISSING:
                self._lazy_params.add(name)
                return self._datasets.setdefault(name, MemoryDataset(data=value))
        config = self._resolver.match_config(name)
        if config is None:
            return None
        try:
            dataset = build_dataset(
                name, config, self._load_versions.get(name), self._save_version
            )
        except DatasetError as exc:
            pattern = self._resolver.match_dataset_pattern(
                name
            ) or self._resolver.match_user_catch_all_pattern(name)
            raise DatasetError(
                self._redact(f"Dataset '{name}' (from pattern '{pattern}'): {exc}")
            ) from self._cause(exc)
        return self._datasets.setdefault(name, dataset)

    def _get_dataset(self, name: str) -> AbstractDataset:
        dataset = self._datasets.get(name)
        if dataset is None:
            dataset = self._materialise(name)
            if dataset is None:
                raise DatasetNotFoundError(self._not_found_message(name))
        elif type(dataset) is _LazyDataset:
            try:
                built = dataset.materialise()
            except DatasetError as exc:
                if _leaks(exc, self._secrets):
                    raise _scrubbed(exc, self._secrets) from None
                raise
            if self._datasets.get(name) is dataset:
                self._datasets[name] = built
            return built
        return dataset

    def _peek(self, name: str) -> AbstractDataset | None:
        """The dataset ``name`` if it is known or can be made, else ``None``."""
        if name in self._datasets or self._materialise(name) is not None:
            return self._get_dataset(name)
        return None

    def _not_found_message(self, name: str) -> str:
        # Kedro's sentence exactly (no full stop), then our hint when there is one.
        message = f"Dataset '{name}' not found in the catalog"
        if name.startswith(PARAMS_PREFIX) and self._params is _MISSING:
            return message + ". No parameters have been added (add_feed_dict({'parameters': ...}))."
        hint = did_you_mean(name, self.keys())
        return f"{message}.{hint}" if hint else message

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name in self._datasets:
            return True
        if (
            name.startswith(PARAMS_PREFIX)
            and self._params is not _MISSING
            and _lookup_param(self._params, name[len(PARAMS_PREFIX) :]) is not _MISSING
        ):
            return True
        return self._resolver._match(name) is not None

    def __getitem__(self, name: str) -> AbstractDataset:
        return self._get_dataset(name)

    def get(
        self,
        key: str,
        fallback_to_runtime_pattern: bool = False,
        version: Version | None = None,
    ) -> AbstractDataset | None:
        """The dataset called ``key``, or ``None`` (or a new ``MemoryDataset`` on fallback).

        Args:
            key: Dataset key.
            fallback_to_runtime_pattern: Register and return a ``MemoryDataset`` for unknown
                names, as runners do for intermediate data.
            version: Return a copy of a versioned dataset pinned to this version.
        """
        dataset = self._peek(key)
        if dataset is None:
            if not fallback_to_runtime_pattern:
                return None
            dataset = self._datasets.setdefault(key, self._runtime_dataset(key))
        if version is not None and isinstance(dataset, AbstractVersionedDataset):
            # As in Kedro: a copy pinned to ``version``; other datasets come back as they are.
            import copy

            dataset = copy.copy(dataset)
            dataset._version = version
        return dataset

    def _runtime_dataset(self, name: str) -> AbstractDataset:
        """The dataset for data nothing describes: the runtime pattern's (a MemoryDataset)."""
        if self._resolver.default_runtime_patterns is DEFAULT_RUNTIME_PATTERN:
            return MemoryDataset()
        return build_dataset(name, self._resolver.resolve_pattern(name))

    def _at_version(self, name: str, dataset: AbstractDataset, version: str) -> AbstractDataset:
        if not isinstance(dataset, AbstractVersionedDataset):
            return dataset  # as in Kedro: a version means nothing to such a dataset
        current = dataset._version
        if current is None:  # versioned=False
            raise DatasetError(
                f"Dataset '{name}' is not versioned, so version '{version}' cannot be loaded."
            )
        import copy

        pinned = copy.copy(dataset)
        pinned._version = Version(version, current.save)
        return pinned

    # -- the hot path ---------------------------------------------------------------------
    def load(self, ds_name: str, version: str | None = None) -> Any:
        """Load the data of dataset ``ds_name`` (optionally a given version).

        Raises:
            DatasetNotFoundError: no such dataset (the message suggests close names).
            DatasetError: loading failed; the message names the dataset.
        """
        dataset = self._datasets.get(ds_name)
        if dataset is None or type(dataset) is _LazyDataset:
            dataset = self._get_dataset(ds_name)
        if version is not None:
            dataset = self._at_version(ds_name, dataset, version)
        logger.info("Loading data from %s (%s)...", ds_name, type(dataset).__name__)
        try:
            return dataset.load()
        except DatasetError as exc:
            raise self._named(exc, ds_name) from self._cause(exc)

    def save(self, ds_name: str, data: Any) -> None:
        """Save ``data`` to dataset ``ds_name``.

        Raises:
            DatasetNotFoundError: no such dataset (the message suggests close names).
            DatasetError: saving failed; the message names the dataset.
        """
        dataset = self._datasets.get(ds_name)
        if dataset is None or type(dataset) is _LazyDataset:
            dataset = self._get_dataset(ds_name)
        logger.info("Saving data to %s (%s)...", ds_name, type(dataset).__name__)
        try:
            dataset.save(data)
        except DatasetError as exc:
            raise self._named(exc, ds_name) from self._cause(exc)
        if ds_name == PARAMETERS:  # new parameters: ``params:<key>`` must answer from them
            self._register(PARAMETERS, dataset)

    def _named(self, exc: DatasetError, name: str) -> DatasetError:
        message = self._redact(f"{name}: {exc}")
        try:
            error = type(exc)(message)
        except Exception:  # a foreign subclass with its own constructor
            error = DatasetError(message)
        return error

    def _cause(self, exc: DatasetError) -> DatasetError | None:
        # A cause whose text holds a credential would print it in the traceback: cut it.
        return None if _leaks(exc, self._secrets) else exc

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)

    # -- the rest of the dataset API ------------------------------------------------------
    def exists(self, ds_name: str) -> bool:
        """Whether ``ds_name`` has data to load; ``False`` for names the catalog does not know."""
        dataset = self._peek(ds_name)
        if dataset is None:
            return False
        try:
            return bool(dataset.exists())
        except DatasetError as exc:
            raise self._named(exc, ds_name) from self._cause(exc)

    def release(self, ds_name: str) -> None:
        """Let dataset ``ds_name`` drop data it holds in memory."""
        dataset = self._get_dataset(ds_name)
        try:
            dataset.release()
        except DatasetError as exc:
            raise self._named(exc, ds_name) from self._cause(exc)

    def confirm(self, ds_name: str) -> None:
        """Call the dataset's ``confirm()`` (e.g. to mark incremental data as processed).

        Raises:
            DatasetError: the dataset has no ``confirm`` method.
        """
        dataset = self._get_dataset(ds_name)
        confirm = getattr(dataset, "confirm", None)
        logger.info("Confirming dataset '%s'", ds_name)
        if not callable(confirm):
            raise DatasetError(
                f"Dataset '{ds_name}' does not have 'confirm' method (it is a "
                f"{type(dataset).__name__}; incremental datasets have one)."
            )
        confirm()

    def add(self, name: str, dataset: AbstractDataset, replace: bool = False) -> None:
        """Register ``dataset`` as ``name``.

        Raises:
            DatasetAlreadyExistsError: ``name`` is registered and ``replace`` is false.
        """
        if name in self._datasets and not replace:
            raise DatasetAlreadyExistsError(
                f"Dataset '{name}' has already been registered; pass replace=True to replace it."
            )
        self._register(name, dataset)

    def _register(self, name: str, dataset: AbstractDataset) -> None:
        if isinstance(dataset, (AbstractVersionedDataset, CachedDataset)):
            self._adopt_versions(name, dataset)
        if name in self._datasets:
            logger.debug("Replacing dataset '%s'", name)
        self._datasets[name] = dataset
        if name == PARAMETERS:
            self._params = getattr(dataset, "_data", _MISSING)
            for stale in self._lazy_params:
                self._datasets.pop(stale, None)
            self._lazy_params.clear()
        elif name in self._lazy_params:
            self._lazy_params.discard(name)

    def _adopt_versions(self, name: str, dataset: AbstractDataset) -> None:
        """Take a versioned dataset's pinned versions into the catalog, as Kedro does.

        Its load version is remembered for ``name``; its save version becomes the catalog's
        if the catalog has none yet, and must equal it otherwise: one run saves every
        versioned dataset under one version.

        Raises:
            VersionAlreadyExistsError: the dataset's save version differs from the catalog's.
        """
        inner = dataset._dataset if isinstance(dataset, CachedDataset) else dataset
        version = getattr(inner, "_version", None)
        if not isinstance(inner, AbstractVersionedDataset) or not version:
            return
        if version.load:
            self._load_versions[name] = version.load
        if version.save:
            current = self._save_version or version.save
            if current != version.save:
                raise VersionAlreadyExistsError(
                    f"Cannot add a dataset `{name}` with `{version.save}` save version. "
                    f"Save version set for the catalog is `{current}`. All datasets in the "
                    "catalog must have the same save version."
                )
            self._save_version = current

    def add_feed_dict(self, feed_dict: dict[str, Any], replace: bool = False) -> None:
        """Add many entries: datasets as they are, any other value inside a ``MemoryDataset``.

        Feeding ``{"parameters": params}`` also makes ``params:<key>`` and nested
        ``params:<key>.<sub>`` answer from ``params``.
        """
        for name, value in feed_dict.items():
            dataset = value if isinstance(value, AbstractDataset) else MemoryDataset(data=value)
            self.add(name, dataset, replace=replace)

    def __setitem__(self, name: str, value: Any) -> None:
        dataset = value if isinstance(value, AbstractDataset) else MemoryDataset(data=value)
        self._register(name, dataset)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def keys(self) -> list[str]:
        """Registered dataset names, then the ``params:`` names of the fed parameters."""
        names = [n for n in self._datasets if n not in self._lazy_params]
        if isinstance(self._params, dict):
            present = set(names)
            names += [
                n
                for n in (PARAMS_PREFIX + key for key in _flatten_params(self._params))
                if n not in present
            ]
        return names

    def values(self) -> list[AbstractDataset]:
        """The datasets of ``keys()``."""
        return [self._get_dataset(name) for name in self.keys()]

    def items(self) -> list[tuple[str, AbstractDataset]]:
        """``(name, dataset)`` pairs for ``keys()``."""
        return [(name, self._get_dataset(name)) for name in self.keys()]

    def list(self, regex_search: str | None = None) -> list[str]:
        """Dataset names, optionally only those where ``re.search(regex_search, name)`` hits.

        Raises:
            SyntaxError: ``regex_search`` is not a valid regular expression (as in Kedro).
        """
        names = self.keys()
        if not regex_search:
            return names
        try:
            pattern = re.compile(regex_search, flags=re.IGNORECASE)
        except re.error as exc:
            raise SyntaxError(
                f"Invalid regular expression provided: '{regex_search}' ({exc})."
            ) from exc
        return [name for name in names if pattern.search(name)]

    def filter(
        self,
        name_regex: re.Pattern[str] | str | None = None,
        type_regex: re.Pattern[str] | str | None = None,
        by_type: type | builtins.list[type] | None = None,
    ) -> builtins.list[str]:
        """Names whose name and dataset type match every filter given (Kedro 1.x API).

        Args:
            name_regex: ``re.search``-ed against each name (case matters, as in Kedro).
            type_regex: ``re.search``-ed against each dataset's ``module.Class`` path.
            by_type: A class or a list of classes; the dataset's class must be one of them
                exactly (subclasses do not count, as in Kedro).

        Nothing is built to answer: entries not used yet are judged by their ``type``.
        """
        names = self.keys()
        if name_regex:
            names = [name for name in names if re.search(name_regex, name)]
        wanted = {
            f"{cls.__module__}.{cls.__qualname__}"
            for cls in (by_type if isinstance(by_type, list) else [by_type] if by_type else [])
        }
        if wanted or type_regex:
            kept = []
            for name in names:
                path = self.get_type(name) or ""
                if (not type_regex or re.search(type_regex, path)) and (
                    not wanted or path in wanted
                ):
                    kept.append(name)
            names = kept
        return names

    def get_type(self, ds_name: str) -> str | None:
        """``module.Class`` of dataset ``ds_name`` (``None`` if unknown), without building it.

        Raises:
            DatasetError: the entry's ``type`` names no dataset class.
        """
        dataset = self._datasets.get(ds_name)
        if dataset is None:
            if ds_name not in self:
                return None
            if ds_name.startswith(PARAMS_PREFIX) and self._params is not _MISSING:
                return f"{MemoryDataset.__module__}.{MemoryDataset.__qualname__}"
            found = self._resolver._match(ds_name)
            if found is None:  # pragma: no cover - ``in`` said a pattern matches
                return None
            cls = resolve_type(found[0].config.get("type"))
        elif type(dataset) is _LazyDataset:
            built = dataset.dataset
            cls = type(built) if built is not None else resolve_type(dataset.config.get("type"))
        else:
            cls = type(dataset)
        return f"{cls.__module__}.{cls.__qualname__}"

    def describe(self, name: str | None = None) -> dict[str, Any]:
        """What a dataset is (type and arguments, never credentials); all of them without name."""
        if name is not None:
            dataset = self._get_dataset(name)
            one: dict[str, Any] = {"type": self.get_type(name), **dataset.describe()}
            return redact_value(one, self._secrets)
        described: dict[str, Any] = {}
        for entry in list(self._datasets):
            try:
                described[entry] = self.describe(entry)
            except DatasetError as exc:
                described[entry] = {"error": str(exc)}
        return described

    def shallow_copy(self) -> DataCatalog:
        """A new catalog sharing the dataset objects, with its own name -> dataset map.

        Runners copy the session's catalog before adding their intermediate
        ``MemoryDataset`` entries, so a run never changes the session's catalog.
        """
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._datasets = dict(self._datasets)
        new._lazy_params = set(self._lazy_params)
        new._load_versions = dict(self._load_versions)
        return new

    def to_config(
        self,
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, str | None],
               str | None]:
        """The catalog as ``from_config`` arguments: ``(catalog, credentials, load_versions,
        save_version)``.

        In-memory datasets (and parameters) are left out. Entries not used yet keep the config
        they were given; datasets built or added are described by their constructor
        arguments. Each entry's credentials move to ``credentials`` under
        ``<name>_credentials``. Works for datasets built from plain values (as in Kedro).
        """
        catalog: dict[str, dict[str, Any]] = {}
        credentials: dict[str, dict[str, Any]] = {}
        load_versions: dict[str, str | None] = {}
        for name, dataset in self._datasets.items():
            if name in self._lazy_params:
                continue
            if type(dataset) is _LazyDataset:
                if _is_memory_dataset(dataset.config.get("type", "")):
                    continue
                config = dataset.config
            else:
                if _is_memory_dataset(dataset):
                    continue
                to_entry = getattr(dataset, "_init_config", None)
                config = to_entry() if callable(to_entry) else {
                    "type": f"{type(dataset).__module__}.{type(dataset).__name__}"
                }
            catalog[name], found = _unresolve_credentials(name, config)
            credentials.update(found)
            load_versions[name] = self._load_versions.get(name)
        return catalog, credentials, load_versions, self._save_version

    @staticmethod
    def _validate_dataset_config(ds_name: str, ds_config: Any) -> None:
        """Kedro's name for the check every entry passes when the catalog is built."""
        check_shape(ds_name, ds_config)

    @property
    def config_resolver(self) -> CatalogConfigResolver:
        """The dataset factory patterns of this catalog."""
        return self._resolver

    def __eq__(self, other: object) -> bool:
        """Same datasets (the same objects, or the same unbuilt entries) and same patterns."""
        if not isinstance(other, DataCatalog):
            return NotImplemented
        return (self._datasets, self._resolver.list_patterns()) == (
            other._datasets, other._resolver.list_patterns()
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def _ipython_key_completions_(self) -> builtins.list[str]:
        return self.keys()

    def __repr__(self) -> str:
        # Entries not used yet show their class only (as in Kedro): printing the catalog
        # must not build every dataset.
        lines = []
        for name, dataset in list(self._datasets.items()):
            try:
                shown = repr(dataset.dataset or dataset) if type(dataset) is _LazyDataset else (
                    repr(dataset)
                )
            except DatasetError as exc:
                shown = f"<invalid: {exc}>"
            lines.append(f"'{name}': {shown}")
        return self._redact("\n".join(lines))


def _unresolve_credentials(name: str, config: dict[str, Any]
                           ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy of ``config`` whose first non-empty ``credentials`` is replaced by a reference."""
    import copy

    config = copy.deepcopy(config)
    found: dict[str, Any] = {}
    reference = f"{name}_credentials"

    def walk(node: dict[str, Any]) -> bool:
        for key, value in node.items():
            if key == "credentials" and value:
                found[reference] = value
                node[key] = reference
                return True
            if isinstance(value, dict) and walk(value):
                return True
        return False

    walk(config)
    return config, found


def _is_versioned(dataset: Any) -> bool:
    if type(dataset) is _LazyDataset:
        return dataset.versioned
    return isinstance(dataset, AbstractVersionedDataset) and dataset._version is not None


def _leaks(exc: BaseException, secrets: frozenset[str]) -> bool:
    """Whether ``exc``, or any exception a traceback of it would print, shows a secret."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if redact(text, secrets) != text:
            return True
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return False


def _scrubbed(exc: DatasetError, secrets: frozenset[str]) -> DatasetError:
    message = redact(str(exc), secrets)
    try:
        return type(exc)(message)
    except Exception:
        return DatasetError(message)

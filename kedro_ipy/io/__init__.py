"""The data layer: datasets, versions and the ``DataCatalog`` (Kedro's ``kedro.io`` names).

File datasets (pickle, JSON, YAML, text, pandas CSV/Parquet, partitions) live in
``kedro_ipy.io.datasets`` and are imported only when a catalog entry names them.
"""

from __future__ import annotations

from kedro_ipy.io.cached_dataset import CachedDataset
from kedro_ipy.io.catalog_config_resolver import CatalogConfigResolver
from kedro_ipy.io.core import (
    AbstractDataset,
    AbstractVersionedDataset,
    DatasetAlreadyExistsError,
    DatasetError,
    DatasetNotFoundError,
    Version,
    VersionAlreadyExistsError,
    VersionNotFoundError,
    generate_timestamp,
)
from kedro_ipy.io.core import (
    CatalogProtocol as CatalogProtocol,
)
from kedro_ipy.io.data_catalog import DataCatalog
from kedro_ipy.io.lambda_dataset import LambdaDataset
from kedro_ipy.io.memory_dataset import MemoryDataset

__all__ = [
    "AbstractDataset",
    "AbstractVersionedDataset",
    "CachedDataset",
    "CatalogConfigResolver",
    "CatalogProtocol",
    "DataCatalog",
    "DatasetAlreadyExistsError",
    "DatasetError",
    "DatasetNotFoundError",
    "LambdaDataset",
    "MemoryDataset",
    "Version",
    "VersionAlreadyExistsError",
    "VersionNotFoundError",
    "generate_timestamp",
]

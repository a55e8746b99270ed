"""A project-specific dataset: the supplier's price feed, which needs an API key.

The "feed" is a JSON file so that the example runs offline, but the dataset behaves like an API
client: it refuses to load without credentials, and never shows the key in its description.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kedro_ipy.io import AbstractDataset, DatasetError


class SupplierFeedDataset(AbstractDataset):
    """Read-only unit costs per product from the supplier.

    Args:
        filepath: where the feed's JSON document lives.
        credentials: must contain ``api_key``; in a real project it would authenticate requests.
    """

    def __init__(self, filepath: str, credentials: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self._api_key = (credentials or {}).get("api_key")

    def _load(self) -> dict[str, Any]:
        if not self._api_key:
            raise DatasetError(
                "SupplierFeedDataset needs credentials with an 'api_key' "
                "(see conf/local/credentials.yml, entry 'supplier_api')."
            )
        with self._filepath.open(encoding="utf-8") as stream:
            return json.load(stream)

    def _save(self, data: Any) -> None:
        raise DatasetError("The supplier feed is read-only.")

    def _exists(self) -> bool:
        return self._filepath.exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "authenticated": bool(self._api_key)}

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._factory import restored_process_state


@pytest.fixture(autouse=True)
def _restore_process_state() -> Iterator[None]:
    with restored_process_state():
        yield

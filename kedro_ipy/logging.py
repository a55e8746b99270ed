"""Log handlers a project's ``conf/logging.yml`` can name (Kedro's ``kedro.logging``).

``kedro_ipy.logging.RichHandler`` is rich's handler when rich is installed and a plain stream
handler otherwise, so that a ported logging config works on a machine without rich.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["RichHandler"]

try:  # rich is optional: IPython does not need it
    from rich.logging import RichHandler as _Base

    _HAS_RICH = True
except ImportError:  # pragma: no cover - depends on the environment
    _Base = logging.StreamHandler  # type: ignore[assignment, misc]
    _HAS_RICH = False


class RichHandler(_Base):  # type: ignore[misc, valid-type, unused-ignore]
    """Coloured console logging through rich, or plain ``LEVEL message`` lines without it.

    Accepts rich's keyword arguments (``rich_tracebacks``, ``markup``, ...) either way; they
    are ignored when rich is missing.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _HAS_RICH:
            super().__init__(*args, **kwargs)
        else:
            super().__init__(stream=kwargs.get("stream", sys.stderr))  # type: ignore[call-arg]
            self.setFormatter(logging.Formatter("%(levelname)-8s %(message)s"))

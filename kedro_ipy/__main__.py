"""``python -m kedro_ipy``: the same as the ``kedro-ipy`` command."""

from __future__ import annotations

import sys

from kedro_ipy.framework.cli import main

if __name__ == "__main__":
    sys.exit(main())

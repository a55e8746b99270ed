"""Loading the extension is cheap: it imports neither the framework nor anything heavy."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
before = set(sys.modules)
ip.run_line_magic("load_ext", "kedro_ipy")
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_load_ext_imports_only_the_extension_itself():
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          check=True, timeout=120)
    imported = json.loads(proc.stdout.strip().splitlines()[-1])
    heavy = [name for name in imported
             if name.split(".")[0] in {"pandas", "ipywidgets", "fsspec", "yaml", "pluggy"}
             or name.startswith(("kedro_ipy.framework", "kedro_ipy.pipeline", "kedro_ipy.io",
                                 "kedro_ipy.runner", "kedro_ipy.config",
                                 "kedro_ipy.ipython.panel"))]
    assert heavy == []
    assert "kedro_ipy.ipython.magics" in imported

"""The project commands a Kedro project's ``__main__.py`` reaches: ``run``.

``run`` takes Kedro's ``run`` options (``--pipeline``, ``--tags``, ``--nodes``, ``--env``,
``--params``, ...), the same as ``kedro-ipy run``, so ``python -m <package> --pipeline x``
behaves as it does with Kedro.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["RunCommand", "run"]


class RunCommand:
    """Callable like Kedro's click command: ``run(args=None, standalone_mode=True)``.

    Args given (or ``sys.argv[1:]``) are ``kedro-ipy run`` options. The project is the one
    given by ``--project-path``, else the one around the current folder, else the one that
    holds ``package_name``'s source.
    """

    name = "run"

    def __init__(self, package_name: str | None = None) -> None:
        self.package_name = package_name

    def _project_path(self) -> Path | None:
        from kedro_ipy.framework.startup import find_project_root

        root = find_project_root(Path.cwd())
        if root is not None or self.package_name is None:
            return root
        import importlib.util

        spec = importlib.util.find_spec(self.package_name)
        origin = getattr(spec, "origin", None)
        return find_project_root(Path(origin).parent) if origin else None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> int:
        """Run once; exit the process with the exit code in standalone mode, else return it."""
        from kedro_ipy.framework.cli.cli import main

        argv = list(sys.argv[1:] if args is None else args)
        if not any(a == "--project-path" or a.startswith("--project-path=") for a in argv):
            root = self._project_path()
            if root is not None:
                argv = [*argv, "--project-path", str(root)]
        code = main(["run", *argv])
        if standalone_mode:
            sys.exit(code)
        return code

    __call__ = main

    def __repr__(self) -> str:
        return f"<RunCommand run of {self.package_name or 'the current project'}>"


#: Kedro's default ``run`` command, for the project around the current folder.
run = RunCommand()

"""``kedro-ipy port PATH``: turn a Kedro 0.19/1.x project into a kedro_ipy project.

Every file of the project that can mention Kedro is read: Python code (imports, moved names,
``pipeline(pipe=...)``, logger names, entry-point groups in ``setup.py``), ``pyproject.toml``
and ``requirements*.txt`` (the ``kedro`` requirement; the ``kedro.hooks`` and
``kedro.cli_hooks`` entry points), the YAML under ``conf/`` (logging handlers and loggers,
renamed dataset types) and notebooks (``%load_ext kedro.ipython``). Each change is reported
with its file and line; so is what the port could not do. A ported project has nothing left
to port, so running it twice is safe.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.framework.cli.port._config import port_pyproject, port_requirements, port_yaml
from kedro_ipy.framework.cli.port._notebook import port_notebook
from kedro_ipy.framework.cli.port._python import port_python_source
from kedro_ipy.framework.cli.port._report import Change, PortReport, Problem

__all__ = ["Change", "PortError", "PortReport", "Problem", "port_project"]

#: Folders never entered: environments, caches, data and build output.
_SKIP_DIRS = {"__pycache__", "node_modules", "build", "dist", "data", "site-packages", "venv",
              "env", "logs", "mlruns"}

Porter = Callable[[str, Path], tuple[str, list[Change], list[Problem]]]


class PortError(KedroIpyError, ValueError):
    """The folder cannot be ported (not a Kedro project, or the copy's target is taken)."""


def _porter(path: Path, relative: Path) -> Porter | None:
    name = path.name
    if name.endswith(".py"):
        return lambda text, shown: port_python_source(text, path, shown)
    if name == "pyproject.toml":
        return port_pyproject
    if name.startswith("requirements") and name.endswith((".txt", ".in")):
        return port_requirements
    if name.endswith((".yml", ".yaml")) and "conf" in relative.parts[:-1]:
        return port_yaml
    if name.endswith(".ipynb"):
        return port_notebook
    return None


def _files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        folders = relative.parts[:-1]
        if any(p.startswith(".") or p in _SKIP_DIRS or p.endswith(".egg-info")
               for p in folders):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def _check_project(root: Path) -> None:
    if not root.is_dir():
        raise PortError(f"'{root}' is not a folder: give the folder of a Kedro project (the "
                        f"one holding pyproject.toml).")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if "[tool.kedro" not in text:
        raise PortError(f"'{root}' is not a Kedro project: expected a pyproject.toml with a "
                        f"[tool.kedro] section there.")


def port_project(path: str | Path, to: str | Path | None = None,
                 dry_run: bool = False) -> PortReport:
    """Port the project at ``path`` in place, or into a new folder ``to``.

    Args:
        path: The project folder (with ``pyproject.toml``).
        to: Copy the project there first and port the copy; ``path`` is left untouched.
            Must not exist, or be an empty folder.
        dry_run: Report the changes without writing anything (nor copying).

    Returns:
        The changes made and the problems left, in file order.

    Raises:
        PortError: ``path`` is not a Kedro project, or ``to`` exists and is not empty.
    """
    source = Path(path).expanduser().resolve()
    _check_project(source)
    root = source
    if to is not None:
        target = Path(to).expanduser().resolve()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise PortError(f"--to '{to}' already exists and is not empty; give a new folder.")
        if target.is_relative_to(source):
            raise PortError(f"--to '{to}' is inside the project '{path}'; give a folder "
                            f"outside it.")
        if not dry_run:
            shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".venv*", "*.pyc"))
            root = target
    report = PortReport(root)
    for file in _files(root):
        relative = file.relative_to(root)
        porter = _porter(file, relative)
        if porter is None:
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            report.add([], [Problem(relative, 0, f"not read: {exc}")])
            continue
        new_text, changes, problems = porter(text, relative)
        report.add(changes, problems)
        if changes and not dry_run:
            file.write_text(new_text, encoding="utf-8")
    return report

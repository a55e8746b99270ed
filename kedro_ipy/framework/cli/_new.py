"""``kedro-ipy new NAME``: a new project from the starter template shipped in the package."""

from __future__ import annotations

import argparse
import keyword
import os
import re
from pathlib import Path

from kedro_ipy.framework.cli._parser import PROG, CommandLineError

TEMPLATE_PACKAGE = "kedro_ipy.templates.starter"


def package_name_for(project_name: str) -> str:
    """``"My Project-2"`` -> ``"my_project_2"``: a valid, lowercase Python package name.

    Raises:
        CommandLineError: nothing usable is left, or the result is a Python keyword.
    """
    name = re.sub(r"[^0-9a-zA-Z]+", "_", project_name).strip("_").lower()
    if name and name[0].isdigit():
        name = f"project_{name}"
    check_package_name(name, project_name)
    return name


def check_package_name(name: str, source: str | None = None) -> None:
    """Raise ``CommandLineError`` unless ``name`` can be imported as a package."""
    origin = f" (from '{source}')" if source is not None and source != name else ""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CommandLineError(
            f"'{name}'{origin} is not a valid Python package name: use letters, digits and "
            f"underscores, not starting with a digit (e.g. --package-name my_project)."
        )


def render_starter(target: Path, project_name: str, package_name: str) -> list[Path]:
    """Write the starter template into ``target`` (which must not exist or be empty).

    Returns:
        The files written, relative to ``target``.
    """
    import importlib
    import importlib.resources

    template = importlib.import_module(TEMPLATE_PACKAGE)
    root = importlib.resources.files(TEMPLATE_PACKAGE)
    written = []
    for source, destination in template.FILES.items():
        text = (root / source).read_text(encoding="utf-8")
        text = text.replace("{{ package_name }}", package_name)
        text = text.replace("{{ project_name }}", project_name)
        relative = Path(destination.format(package=package_name))
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(relative)
    return written


def check_project_name(project_name: str) -> None:
    """Raise ``CommandLineError`` unless ``project_name`` is a name rather than a path.

    The folder is named after the project, so ``../../x`` would otherwise quietly become a
    folder ``.._.._x``; a hidden (``.x``) folder is refused for the same reason.
    """
    separators = {"/", "\\", os.sep, os.altsep or "/"}
    if any(ch in separators for ch in project_name) or project_name.startswith("."):
        head, _, tail = project_name.replace("\\", "/").rpartition("/")
        hint = (f" To create project '{tail}' in {head}, run: "
                f"{PROG} new {tail} --directory {head}" if head and tail.strip(". ") else "")
        raise CommandLineError(
            f"'{project_name}' is not a project name: it is a path, or starts with '.'. "
            "A project name is a name (letters, digits, spaces, '-' or '_'); where the folder "
            f"goes is set with --directory.{hint}"
        )
    bad = sorted({ch for ch in project_name if ord(ch) < 32})
    if bad:
        raise CommandLineError(
            f"{project_name!r} is not a project name: it holds control characters "
            f"({', '.join(repr(ch) for ch in bad)})."
        )


def new_project(args: argparse.Namespace) -> int:
    """Create the project folder, print what to do next."""
    project_name = args.name.strip()
    if not project_name:
        raise CommandLineError("The project name is empty.")
    check_project_name(project_name)
    package_name = args.package_name or package_name_for(project_name)
    check_package_name(package_name)
    folder_name = re.sub(r"[^0-9a-zA-Z._-]+", "_", project_name).strip("_") or package_name
    target = Path(args.directory).expanduser() / folder_name
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandLineError(
            f"'{target}' already exists and is not empty; choose another NAME or --directory."
        )
    files = render_starter(target, project_name, package_name)
    print(f"Created project '{project_name}' (package {package_name}) in {target}: "
          f"{len(files)} files.")
    print(f"Next:\n  cd {target}\n  {PROG} run\n"
          f"  {PROG} run --pipeline data_science --tags training --params model.alpha=0.1")
    return 0

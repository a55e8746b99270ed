"""Project bootstrap: find the project, read its metadata, configure settings and pipelines."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

from kedro_ipy.errors import KedroIpyError
from kedro_ipy.utils import did_you_mean

__all__ = [
    "ProjectMetadata",
    "ProjectMetadataError",
    "ProjectNotFoundError",
    "bootstrap_project",
    "find_project_root",
]

_PYPROJECT = "pyproject.toml"
_SECTIONS = ("kedro", "kedro_ipy")
_SECTION_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*(kedro|kedro_ipy)[ \t]*\]", re.M)
_MANDATORY_KEYS = ("package_name", "project_name", "kedro_init_version")
_KNOWN_KEYS = (
    "package_name",
    "project_name",
    "kedro_init_version",
    "source_dir",
    "tools",
    "example_pipeline",
)


class ProjectMetadataError(RuntimeError, KedroIpyError):
    """The project's ``pyproject.toml`` metadata cannot be used (unparsable, a key missing or
    unknown, a source folder or package that is not there)."""


class ProjectNotFoundError(ProjectMetadataError):
    """The folder is not a project: no ``pyproject.toml`` with a ``[tool.kedro]`` or
    ``[tool.kedro_ipy]`` section."""


class SourceDirOutsideProjectError(ProjectMetadataError, ValueError):
    """``source_dir`` points outside the project folder (a ``ValueError``, as in Kedro)."""


class SourceDirNotFoundError(ProjectMetadataError, NotADirectoryError):
    """``source_dir`` does not exist (a ``NotADirectoryError``, as in Kedro)."""


class ProjectMetadata(NamedTuple):
    """What ``pyproject.toml`` says about a project (Kedro's field names).

    Attributes:
        config_file: The ``pyproject.toml`` read.
        package_name: The project's Python package.
        project_name: The human-readable name (the package name when not given).
        project_path: The project root folder.
        source_dir: The folder that holds the package (``<root>/src`` by default).
        kedro_init_version: The Kedro version that created the project, when recorded.
        tools: Starter tools recorded by ``kedro new``, when recorded.
        example_pipeline: Starter example flag recorded by ``kedro new``, when recorded.
    """

    config_file: Path
    package_name: str
    project_name: str
    project_path: Path
    source_dir: Path
    kedro_init_version: str | None = None
    tools: Any = None
    example_pipeline: Any = None


def find_project_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current folder) that is a
    project, or ``None``.

    A notebook usually sits in ``<project>/notebooks``; walking upwards finds the project from
    there without the user typing its path.
    """
    here = Path(start if start is not None else Path.cwd()).expanduser().resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if _has_project_section(folder / _PYPROJECT):
            return folder
    return None


def _has_project_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _SECTION_HEADER.search(text) is not None


def bootstrap_project(project_path: str | Path) -> ProjectMetadata:
    """Prepare the process to work on the project at ``project_path``.

    Reads ``pyproject.toml``, puts the source folder first on ``sys.path`` (and on
    ``PYTHONPATH``, for worker processes), forgets an already-imported package of the same
    name from another folder, and configures settings and pipelines.

    Args:
        project_path: The project root folder.

    Returns:
        The project's metadata.

    Raises:
        ProjectNotFoundError: the folder is not a project; the message says what was looked
            for and, when the folder is inside a project, where that project is.
        ProjectMetadataError: the metadata is unusable.
        SettingsError: a value in the project's ``settings.py`` is unusable.
        LoggingConfigError: ``conf/logging.yml`` (or ``KEDRO_LOGGING_CONFIG``) is unusable.

    The project's logging config, when it has one, is applied (see
    ``kedro_ipy.framework.project.LOGGING``). A package that cannot be imported is not an
    error here (as in Kedro, pipelines are only imported when first read), but it is logged
    as a warning naming the folder looked in.
    """
    root = Path(project_path).expanduser().resolve()
    metadata = _get_project_metadata(root)
    _add_src_to_path(metadata.source_dir, root)
    _forget_other_copies(metadata.package_name, metadata.source_dir)
    if importlib.util.find_spec(metadata.package_name) is None:
        folders = (
            sorted(p.name for p in metadata.source_dir.iterdir() if p.is_dir())
            if metadata.source_dir.is_dir()
            else []
        )
        logging.getLogger(__name__).warning(
            "Package '%s' (package_name in %s) cannot be imported: there is no %s folder and "
            "no installed package of that name.%s",
            metadata.package_name,
            metadata.config_file,
            metadata.source_dir / metadata.package_name,
            did_you_mean(metadata.package_name, folders),
        )
    # ``project`` and ``startup`` share a layer whose members may not import each other
    # statically (pyproject.toml's layers contract); the call goes through importlib.
    project = importlib.import_module("kedro_ipy.framework.project")
    project.configure_project(metadata.package_name)
    project.LOGGING.configure_for_project(root, metadata.package_name)
    return metadata


def _get_project_metadata(project_path: Path) -> ProjectMetadata:
    """Read ``<project_path>/pyproject.toml`` (Kedro's private name, kept for ported code).

    Unlike Kedro, ``project_name`` and ``kedro_init_version`` may be left out (a project made
    for kedro_ipy alone needs only ``package_name``) and the version is not compared with
    Kedro's: kedro_ipy is not Kedro.

    Raises:
        ProjectNotFoundError: no ``pyproject.toml``, or no ``[tool.kedro]`` section in it.
        ProjectMetadataError: unparsable, an unknown key, or no usable ``package_name``.
    """
    root = project_path
    pyproject = root / _PYPROJECT
    wanted = "a pyproject.toml with a [tool.kedro] or [tool.kedro_ipy] section"
    if not pyproject.is_file():
        # Kedro's sentence first: ported code matches on it.
        message = (
            f"Could not find the project configuration file '{_PYPROJECT}' in {root}. "
            f"{root} is not a project: looked for {wanted} there."
        )
        above = find_project_root(root.parent) if root.parent != root else None
        if above is not None:
            message += f" The folder {above} above it is a project; did you mean that?"
        raise ProjectNotFoundError(message)
    try:
        document = _load_toml(pyproject)
    except ValueError as exc:
        raise ProjectMetadataError(
            f"Failed to parse '{_PYPROJECT}' file. {pyproject}: {exc}"
        ) from exc
    tool = document.get("tool", {})
    sections = [tool[name] for name in _SECTIONS if isinstance(tool.get(name), dict)]
    if not sections:
        raise ProjectNotFoundError(
            f"There's no '[tool.kedro]' section in the '{_PYPROJECT}'. {root} is not a "
            f"project: looked for {wanted}, but {pyproject} has neither section."
        )
    values: dict[str, Any] = {}
    for section in sections:  # [tool.kedro_ipy] wins over [tool.kedro]
        values.update(section)
    package_name = values.get("package_name")
    unknown = [key for key in values if key not in _KNOWN_KEYS]
    hints = "".join(did_you_mean(key, _KNOWN_KEYS) for key in unknown)
    if package_name is None:
        missing = [key for key in _MANDATORY_KEYS if key not in values]
        typos = f" Unknown: {', '.join(repr(k) for k in unknown)}.{hints}" if unknown else ""
        raise ProjectMetadataError(
            f"Missing required keys {missing} from '{_PYPROJECT}'. kedro_ipy needs at least "
            f"package_name, the project's Python package, in the [tool.kedro] section of "
            f"{pyproject}.{typos}"
        )
    if unknown:
        raise ProjectMetadataError(
            f"Found unexpected keys in '{_PYPROJECT}'. Make sure it only contains the "
            f"following keys: {list(_KNOWN_KEYS)}. Unknown: "
            f"{', '.join(repr(k) for k in unknown)} in {pyproject}.{hints}"
        )
    if not isinstance(package_name, str) or not package_name.isidentifier():
        raise ProjectMetadataError(
            f"The [tool.kedro] section of {pyproject} must set package_name to the project's "
            f"Python package name, got {package_name!r}."
        )
    source_dir = (root / Path(str(values.get("source_dir", "src"))).expanduser()).resolve()
    return ProjectMetadata(
        config_file=pyproject,
        package_name=package_name,
        project_name=str(values.get("project_name", package_name)),
        project_path=root,
        source_dir=source_dir,
        kedro_init_version=values.get("kedro_init_version"),
        tools=values.get("tools"),
        example_pipeline=values.get("example_pipeline"),
    )


def _validate_source_path(source_path: Path, project_path: Path) -> None:
    """Check that the source folder is inside the project folder and exists.

    Raises:
        SourceDirOutsideProjectError: (a ``ValueError``) it is outside the project.
        SourceDirNotFoundError: (a ``NotADirectoryError``) it does not exist.
    """
    try:
        source_path.relative_to(project_path)
    except ValueError:
        raise SourceDirOutsideProjectError(
            f"Source path '{source_path}' has to be relative to your project root "
            f"'{project_path}'. Set source_dir in the [tool.kedro] section of pyproject.toml "
            f"to a folder inside the project."
        ) from None
    if not source_path.exists():
        raise SourceDirNotFoundError(
            f"Source path '{source_path}' cannot be found. Set source_dir in the [tool.kedro] "
            f"section of pyproject.toml when the package is elsewhere."
        )


def _add_src_to_path(source_dir: Path, root: Path) -> None:
    _validate_source_path(source_dir, root)
    entry = str(source_dir)
    # First on the path, even when already present further down: when several projects with
    # the same package name are opened in one process, the latest must win.
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)
    importlib.invalidate_caches()
    python_path = os.environ.get("PYTHONPATH", "")
    if entry not in python_path.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (entry, python_path) if p)


def _forget_other_copies(package_name: str, source_dir: Path) -> None:
    """Drop an imported ``package_name`` that lives outside ``source_dir`` (another project
    with the same package name, opened earlier in this process)."""
    module = sys.modules.get(package_name)
    if module is None:
        return
    locations = list(getattr(module, "__path__", None) or [getattr(module, "__file__", "")])
    for location in locations:
        if location and Path(location).resolve().is_relative_to(source_dir):
            return
    for name in [m for m in sys.modules if m == package_name or m.startswith(package_name + ".")]:
        del sys.modules[name]


def _load_toml(path: Path) -> dict[str, Any]:
    """Parse ``pyproject.toml`` with ``tomllib`` (3.11+) or ``tomli``; else, on Python 3.10
    without ``tomli``, read just the ``[tool.kedro]``/``[tool.kedro_ipy]`` tables.

    Raises:
        ValueError: the file is not valid TOML.
    """
    try:
        import tomllib  # type: ignore[import-not-found, unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]
        except ModuleNotFoundError:
            return _parse_tool_sections(path.read_text(encoding="utf-8"))
    with path.open("rb") as handle:
        return tomllib.load(handle)


_TOML_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*(.+?)\s*$")


def _parse_tool_sections(text: str) -> dict[str, Any]:
    """The ``[tool.kedro]`` and ``[tool.kedro_ipy]`` tables of a TOML document, for Python
    3.10 without ``tomli``: ``key = value`` lines whose value is a string, a number, a boolean
    or a one-line array of those. Other tables are skipped unread.

    Raises:
        ValueError: a line in those tables is not of that form.
    """
    tool: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            header = _SECTION_HEADER.match(stripped)
            current = tool.setdefault(header.group(1), {}) if header else None
            continue
        if current is None:
            continue
        match = _TOML_LINE.match(_strip_comment(stripped))
        if match is None:
            raise ValueError(f"line {number}: expected 'key = value', got {stripped!r}")
        try:
            current[match.group(1)] = _toml_value(match.group(2))
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    return {"tool": tool}


def _strip_comment(line: str) -> str:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:index].rstrip()
    return line


def _toml_value(text: str) -> Any:
    import json

    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip().rstrip(",")
        return [_toml_value(item) for item in _split_array(inner)] if inner else []
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        return json.loads(text)
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text.replace("_", ""))
    except ValueError:
        pass
    try:
        return float(text.replace("_", ""))
    except ValueError:
        raise ValueError(f"unsupported value {text!r}") from None


def _split_array(inner: str) -> list[str]:
    items: list[str] = []
    quote = ""
    current: list[str] = []
    for char in inner:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == ",":
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return [item for item in items if item.strip()]

"""The starter project: two tiny pipelines fitting a line to a handful of points.

The cleaned points ship too (what ``data_processing`` makes of the raw ones), so
``kedro-ipy run --pipeline data_science`` works straight after ``kedro-ipy new``.

Every file is a ``.tmpl`` whose destination is given in ``FILES``; ``{{ package_name }}`` and
``{{ project_name }}`` are replaced when the project is created.
"""

#: template file -> path in the new project ("{package}" is the package folder).
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "gitignore.tmpl": ".gitignore",
    "catalog.yml.tmpl": "conf/base/catalog.yml",
    "parameters.yml.tmpl": "conf/base/parameters.yml",
    "local_readme.md.tmpl": "conf/local/README.md",
    "points.json.tmpl": "data/01_raw/points.json",
    "clean_points.json.tmpl": "data/02_intermediate/clean_points.json",
    "package_init.py.tmpl": "src/{package}/__init__.py",
    "settings.py.tmpl": "src/{package}/settings.py",
    "pipeline_registry.py.tmpl": "src/{package}/pipeline_registry.py",
    "pipelines_init.py.tmpl": "src/{package}/pipelines/__init__.py",
    "data_processing_init.py.tmpl": "src/{package}/pipelines/data_processing/__init__.py",
    "data_processing.py.tmpl": "src/{package}/pipelines/data_processing/pipeline.py",
    "data_science_init.py.tmpl": "src/{package}/pipelines/data_science/__init__.py",
    "data_science.py.tmpl": "src/{package}/pipelines/data_science/pipeline.py",
}

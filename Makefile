# The two commands a newcomer needs are `make run` and `make test` (see README.md).
# Every target sets up what it needs from nothing: the virtual environment, the package,
# and (for the browser tests) Debian's Chromium.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
KEDRO_VENV := .venv-kedro

.PHONY: run test lint bench compat lab clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# A separate environment with Kedro 1.7.0, only for benchmarks and differential tests.
$(KEDRO_VENV)/.installed:
	test -x $(KEDRO_VENV)/bin/python || $(PYTHON) -m venv $(KEDRO_VENV)
	$(KEDRO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(KEDRO_VENV)/bin/python -m pip install --quiet 'kedro==1.7.0' ipython pandas pyarrow \
		'kedro-datasets[pandas-csvdataset,pandas-exceldataset,pandas-parquetdataset,pandas-jsondataset,pickle-pickledataset,json-jsondataset,plotly-plotlydataset,plotly-jsondataset,matplotlib-matplotlibdataset]' \
		scikit-learn matplotlib plotly openpyxl
	touch $@

## The main job: run the example on the embedded default project.
run: $(VENV)/.installed
	$(PY) scripts/main_job.py

## The whole test suite: lint, layering contract, mypy, unit tests, notebooks (nbval), browser e2e.
test: $(VENV)/.installed
	bash scripts/ensure-chromium.sh
	$(VENV)/bin/ruff check kedro_ipy tests bench scripts compat
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy kedro_ipy
	$(PY) -m pytest

## JupyterLab on the example notebooks.
lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check kedro_ipy tests bench scripts compat
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy kedro_ipy

## Benchmarks side by side with Kedro 1.7.0; prints a table of timings and ratios.
bench: $(VENV)/.installed $(KEDRO_VENV)/.installed
	DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=true $(PY) bench/run.py --kedro-python $(KEDRO_VENV)/bin/python

## Differential tests against Kedro 1.7.0 (optional; never part of `make test`).
compat: $(VENV)/.installed $(KEDRO_VENV)/.installed
	DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=true $(KEDRO_VENV)/bin/python -m pip install --quiet pytest hypothesis
	DO_NOT_TRACK=1 KEDRO_DISABLE_TELEMETRY=true KEDRO_IPY_ROOT=$(CURDIR) KEDRO_IPY_PYTHON=$(CURDIR)/$(PY) $(KEDRO_VENV)/bin/python -m pytest compat -q

clean:
	rm -rf $(VENV) $(KEDRO_VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info

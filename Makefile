SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CONFLICT ?= $(shell cat data/conflicts/DEFAULT)
RAW ?= data/raw/$(CONFLICT)
OUT ?= $(if $(filter $(CONFLICT),$(shell cat data/conflicts/DEFAULT)),data/processed,data/processed-$(CONFLICT))
SHARED ?= ../shared
JOBS ?=
BENCH_SIZES ?= 1000,10000

REPORT := $(OUT)/report/explore.html

# pip's output cut to one line per package it fetches, and a line when it starts installing (the long step).
PIP_PROGRESS := awk '/^Collecting /{n++; printf "  [%3d] %s\n", n, $$2; fflush()} /^Installing collected packages/{sub(/^Installing collected packages: /, ""); print "  installing " split($$0, names, ", ") " packages (the long step)..."; fflush()} /^Successfully installed/{print "  installed."}'

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV): installing the pipeline and its dependencies (pandas, pyarrow, Great Expectations, spaCy, ...)."
	@echo "This happens once and usually takes two to three minutes (downloads, then a minute of installing)."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar off -e '.[dev]' | $(PIP_PROGRESS)
	touch $@
	@echo "$(VENV) is ready; activate it with 'source $(VENV)/bin/activate', or call $(PY) directly."

# Variables whose values `make help` shows in place of their names.
HELP_VARS := OUT RAW CONFLICT SHARED REPORT BENCH_SIZES

.PHONY: help
help: ## List the targets (with the values of CONFLICT, RAW, OUT on this command line)
	@echo "make TARGET [CONFLICT=id] [RAW=folder] [OUT=folder]; now CONFLICT=$(CONFLICT) RAW=$(RAW) OUT=$(OUT)"
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}' \
		| sed $(foreach v,$(HELP_VARS),-e 's|$$($(v))|$($(v))|g')

.PHONY: setup
setup: $(VENV)/.installed ## Create the virtual environment and install the package

.PHONY: data
data: | $(VENV)/.installed ## Build $(OUT) from $(RAW) (CONFLICT=$(CONFLICT)), validate, publish Parquet (JOBS=N workers, default all cores)
	$(PY) -m pipeline build --conflict $(CONFLICT) --raw $(RAW) --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

.PHONY: validate
validate: | $(VENV)/.installed ## Validate the published tables in $(OUT) (report: $(OUT)/validation/summary.html)
	$(PY) -m pipeline validate --out $(OUT)

.PHONY: docs
docs: codebook | $(VENV)/.installed ## Codebook (docs/codebook.md), and the validation report of $(OUT) with the Great Expectations Data Docs into $(OUT)/validation/
	$(PY) -m pipeline validate --out $(OUT) --docs
	@echo "docs/codebook.md; open $(OUT)/validation/summary.html (reads offline) or $(OUT)/validation/index.html (Data Docs)"

.PHONY: codebook
codebook: | $(VENV)/.installed ## Regenerate docs/codebook.md from pipeline/schema.py
	$(PY) -m pipeline.codebook

.PHONY: exports
exports: | $(VENV)/.installed ## Regenerate the ACLED/UCDP CSVs and GeoParquet of $(OUT) (builds write them into each release)
	$(PY) -m pipeline.exports --out $(OUT)

$(VENV)/.notebook: pyproject.toml | $(VENV)/.installed
	@echo "Installing the notebook extra (nbconvert, ipykernel, matplotlib, geopandas, ...): usually under a minute."
	$(PY) -m pip install --progress-bar off -e '.[dev,notebook]' | $(PIP_PROGRESS)
	touch $@

.PHONY: report
report: | $(VENV)/.notebook ## Render notebooks/explore.ipynb on $(OUT) to $(REPORT), a page that reads offline (builds $(OUT) if missing)
	@[ -e $(OUT)/events.parquet ] || $(MAKE) --no-print-directory data
	@$(MAKE) --no-print-directory $(REPORT)
	@echo "open $(REPORT) in a browser (it reads offline)"

$(REPORT): notebooks/explore.ipynb notebooks/report.json $(OUT)/events.parquet | $(VENV)/.notebook
	EXPLORE_DATA_DIR=$(abspath $(OUT)) $(PY) -m nbconvert --config notebooks/report.json \
		--output-dir $(@D) --output $(basename $(@F)) notebooks/explore.ipynb

.PHONY: notebook
notebook: | $(VENV)/.notebook ## Install the notebook extra and test the notebook (runs on a fresh build; outputs stripped in git)
	$(PY) -m pytest -q tests/test_notebook.py

.PHONY: test
test: | $(VENV)/.installed ## Run the test suite, less the tests marked slow (make test-all runs them too)
	$(PY) -m pytest -q -m "not slow"

.PHONY: test-slow
test-slow: | $(VENV)/.installed ## Run only the tests marked slow (whole builds, worker processes, a Dask cluster)
	$(PY) -m pytest -q -m slow

.PHONY: test-all
test-all: | $(VENV)/.installed ## Run every test, the slow ones included (what CI runs)
	$(PY) -m pytest -q

.PHONY: lint
lint: | $(VENV)/.installed ## Run ruff
	$(PY) -m ruff check pipeline tests

.PHONY: evaluate
evaluate: | $(VENV)/.installed ## Score extraction on $(SHARED)/seeds, $(SHARED)/devset, the style sets and the donbas set in tests/fixtures/
	$(PY) -m pipeline evaluate --gold $(SHARED)/seeds
	$(PY) -m pipeline evaluate --gold $(SHARED)/devset
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles2
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles3
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles4
	$(PY) -m pipeline evaluate --conflict donbas --gold tests/fixtures/donbas

.PHONY: bench
bench: | $(VENV)/.installed ## Run the benchmarks; the scale one builds corpora of BENCH_SIZES reports (add 100000 for the largest; see docs/performance.md)
	$(PY) -m pipeline.bench --sizes $(BENCH_SIZES)

$(VENV)/.dask: pyproject.toml | $(VENV)/.installed
	@echo "Installing the dask extra (dask.distributed), for --engine dask."
	$(PY) -m pip install --progress-bar off -e '.[dev,dask]' | $(PIP_PROGRESS)
	touch $@

.PHONY: dask
dask: | $(VENV)/.dask ## Install the dask extra (builds with --engine dask; its tests run instead of being skipped)

FEEDS ?=
URLS_FILE ?=

.PHONY: pull
pull: | $(VENV)/.installed ## Fetch FEEDS="url ..." and/or URLS_FILE=file into $(RAW)
	$(PY) -m pipeline pull --raw $(RAW) $(foreach f,$(FEEDS),--feed $(f)) $(if $(URLS_FILE),--urls-file $(URLS_FILE))

.PHONY: rollback
rollback: | $(VENV)/.installed ## Point $(OUT) back at the release published before the current one
	$(PY) -m pipeline rollback --out $(OUT)

.PHONY: clean
clean: ## Remove built outputs and every kept release (keeps the virtual environment)
	rm -rf $(OUT) $(dir $(OUT)).$(notdir $(OUT)).releases $(dir $(OUT)).$(notdir $(OUT)).lock data/cache

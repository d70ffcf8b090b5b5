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

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z][a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: setup
setup: $(VENV)/.installed ## Create the virtual environment and install the package

.PHONY: data
data: | $(VENV)/.installed ## Build $(OUT) from $(RAW) (CONFLICT=$(CONFLICT)), validate, publish Parquet
	$(PY) -m pipeline build --conflict $(CONFLICT) --raw $(RAW) --out $(OUT)

.PHONY: validate
validate: | $(VENV)/.installed ## Validate the published tables in data/processed/
	$(PY) -m pipeline validate --out $(OUT)

.PHONY: docs
docs: codebook | $(VENV)/.installed ## Codebook (docs/codebook.md) and the validation report of $(OUT) into $(OUT)/validation/
	$(PY) -m pipeline validate --out $(OUT)
	@echo "docs/codebook.md; open $(OUT)/validation/summary.html (offline) or $(OUT)/validation/index.html"

.PHONY: codebook
codebook: | $(VENV)/.installed ## Regenerate docs/codebook.md from pipeline/schema.py
	$(PY) -m pipeline.codebook

.PHONY: exports
exports: | $(VENV)/.installed ## Regenerate the ACLED/UCDP CSVs and GeoParquet of $(OUT) (builds write them into each release)
	$(PY) -m pipeline.exports --out $(OUT)

$(VENV)/.notebook: pyproject.toml | $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,notebook]'
	touch $@

.PHONY: notebook
notebook: | $(VENV)/.notebook ## Execute notebooks/explore.ipynb headless on a fresh build (and check it is stripped)
	$(PY) -m pytest -q tests/test_notebook.py

.PHONY: test
test: | $(VENV)/.installed ## Run the test suite
	$(PY) -m pytest -q

.PHONY: lint
lint: | $(VENV)/.installed ## Run ruff
	$(PY) -m ruff check pipeline tests

.PHONY: evaluate
evaluate: | $(VENV)/.installed ## Score extraction on the seed article, the shared dev set and our style-varied set
	$(PY) -m pipeline evaluate --gold $(SHARED)/seeds
	$(PY) -m pipeline evaluate --gold $(SHARED)/devset
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles2
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles3
	$(PY) -m pipeline evaluate --gold tests/fixtures/styles4

.PHONY: bench
bench: | $(VENV)/.installed ## Run the benchmarks
	$(PY) -m pipeline.bench

FEEDS ?=
URLS_FILE ?=

.PHONY: pull
pull: | $(VENV)/.installed ## Fetch FEEDS="url ..." and/or URLS_FILE=file into data/raw/web/
	$(PY) -m pipeline pull --raw $(RAW) $(foreach f,$(FEEDS),--feed $(f)) $(if $(URLS_FILE),--urls-file $(URLS_FILE))

.PHONY: rollback
rollback: | $(VENV)/.installed ## Point $(OUT) back at the release published before the current one
	$(PY) -m pipeline rollback --out $(OUT)

.PHONY: clean
clean: ## Remove built outputs and every kept release (keeps the virtual environment)
	rm -rf $(OUT) $(dir $(OUT)).$(notdir $(OUT)).releases $(dir $(OUT)).$(notdir $(OUT)).lock data/cache

# tfgen — see README.md. Everything installs into .venv; checkov into the pinned virtualenv
# tfgen manages in its cache (`tfgen setup checkov`, else on first use).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TFGEN  := $(BIN)/tfgen
STAMP  := $(VENV)/.installed

.PHONY: all install demo render validate check-generated test test-fast e2e lint typecheck bench bench-ci schema docs clean checkov schemas schemas-check aws-data aws-data-check

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## checkov: provision the pinned checkov in tfgen's cache (tfgen would do it on first use)
checkov: install
	$(TFGEN) setup checkov

## demo: install, render dev/staging/prod of the bookstore example and validate them
demo: install checkov
	$(TFGEN) render --all
	$(TFGEN) validate --all

render: install
	$(TFGEN) render --all

validate: install checkov
	$(TFGEN) validate --all

check-generated: install
	$(TFGEN) render --all --check

lint: install
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

typecheck: install
	$(BIN)/mypy

## test: lint, type-check and the whole test suite (unit, golden, CLI, e2e with real terraform)
# tests run in parallel (pytest-xdist, one worker per core); PYTEST_ARGS adds options
PYTEST := $(BIN)/pytest -q -n auto $(PYTEST_ARGS)

test: install checkov lint typecheck
	$(PYTEST)

## test-fast: everything but the end-to-end tests (no terraform init, checkov or moto)
test-fast: install
	$(PYTEST) -m "not e2e"

e2e: install checkov
	$(PYTEST) -m e2e

## bench: whole-process CPU/wall/RSS medians and ratios against same-run baselines (docs/performance.md)
BENCH_ARGS ?= --sizes 10,100,1000 --repeat 3
bench: install checkov
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

## bench-ci: the same benchmark at small sizes (CI runs it after the tests)
bench-ci: install checkov
	$(BIN)/python -m tools.bench --sizes 10,100 --lint-kb 50,500 --repeat 1

schema: install
	$(TFGEN) schema > docs/spec.schema.json

## docs: regenerate the pages generated from the model (docs/spec.md, docs/spec.schema.json)
docs: schema
	$(BIN)/python -m tools.gen_spec_docs

## schemas: regenerate the shipped provider schemas (5.100 from the provider mirror, 6.x from PyPI)
schemas: install
	$(BIN)/python -m tools.schema.extract_terraform --version 5.100.0
	$(BIN)/python -m tools.schema.extract_cdk --package cdktn-provider-aws --version 25.8.1

schemas-check: install
	$(BIN)/python -m tools.schema.extract_terraform --check
	$(BIN)/python -m tools.schema.extract_cdk --check

## aws-data: regenerate the shipped AWS data-store facts in src/tfgen/data/aws (docs/aws-data.md)
aws-data: install
	$(BIN)/python -m tools.gen_aws_data

## aws-data-check: fail when src/tfgen/data/aws differs from what the pinned sources give (CI)
aws-data-check: install
	$(BIN)/python -m tools.gen_aws_data --check

clean:
	rm -rf $(VENV) .venv-checkov .pytest_cache .mypy_cache .ruff_cache

# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run stop status test lint typecheck unit

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m deploy.local up

stop:
	@if [ -x $(PY) ]; then $(PY) -m deploy.local down; fi

status: install
	$(PY) -m deploy.local status

lint: install
	$(PY) -m ruff check .

typecheck: install
	$(PY) -m mypy shared services deploy tests benchmarks

unit: install
	$(PY) -m pytest tests/unit -q

test: lint typecheck
	$(PY) -m pytest

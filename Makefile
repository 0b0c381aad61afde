# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install run stop status test lint typecheck unit integration e2e browser faults catalogue

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(if $(WORKERS),BOB_WORKERS=$(WORKERS) )$(PY) -m deploy.local up

stop:
	@if [ -x $(PY) ]; then $(PY) -m deploy.local down; fi

status: install
	$(PY) -m deploy.local status

lint: install
	$(PY) -m ruff check .

typecheck: install
	$(PY) -m mypy shared services deploy tests benchmarks

# The published event catalogue (shared/messaging/published/), regenerated from shared/topics.py.
catalogue: install
	$(PY) -m shared.messaging.catalogue

# The tiers (markers come from the directories, see tests/conftest.py). `unit` starts nothing and takes seconds;
# the others start Kafka and FerretDB on free ports (e2e and browser: the whole platform too).
unit: install
	$(PY) -m pytest tests/unit -m unit -q

integration: install
	$(PY) -m pytest tests/integration -m integration -q

e2e: install
	$(PY) -m pytest tests/e2e -m e2e -q

browser: install
	$(PY) -m pytest tests/browser -m browser -q

# The fault-injection suite alone (`make test` runs its short variant last): every process killed, longer outages.
faults: install
	BOB_FAULTS=long $(PY) -m pytest tests/faults -m faults -q

test: lint typecheck
	$(PY) -m pytest

# Quick start: `make demo` and `make test`. Each bootstraps .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FIXTURE := fixtures/electronics-inventory

.PHONY: venv demo test test-tool test-template test-fixture lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[app,test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/migrate demo $(DEMO_ARGS)

# pytest exits 5 when it collected nothing; make treats that as a failure.
test: test-tool test-template test-fixture

# Two workers, one test file each at a time (end-to-end modules share an expensive apply).
test-tool: $(STAMP)
	$(PY) -m pytest tests -q -n 2 --dist loadfile

test-template: $(STAMP)
	$(PY) -m pytest template/tests -q

test-fixture: $(STAMP)
	cd $(FIXTURE) && ../../$(PY) -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

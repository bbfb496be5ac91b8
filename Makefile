# Quick start: `make demo` and `make test`. Each bootstraps .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FIXTURE := fixtures/electronics-inventory

# The IoT Support fixture targets Python 3.13 (it uses queue.ShutDown) while the tool
# stays on 3.11, so it has a virtual environment of its own. PYTHON313 is the first of
# `python3.13` on PATH and pyenv's 3.13 builds that really runs 3.13 (a pyenv shim
# without an active 3.13 fails the check and is skipped).
FIXTURE_IOT := fixtures/iot-support/backend
IOT_VENV := $(FIXTURE_IOT)/.venv
IOT_STAMP := $(IOT_VENV)/.installed
PYTHON313 ?= $(firstword $(foreach candidate,python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13),$(shell $(candidate) -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && echo $(candidate))))

.PHONY: venv venv-iot demo demo-iot test test-tool test-template test-fixture test-fixture-iot lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[app,test]'
	touch $(STAMP)

venv: $(STAMP)

# The same environment runs the app after its migration (migrate demo --app iot-support,
# the end-to-end tests): it also gets what the template's common/ adds to the app's
# dependencies with the IoT answers (use_oidc: requests, and its stubs for mypy).
IOT_TEMPLATE_DEPS := requests types-requests
IOT_MIGRATED_STAMP := $(IOT_VENV)/.template-deps

$(IOT_STAMP): $(FIXTURE_IOT)/pyproject.toml
	@test -n "$(PYTHON313)" || { echo "error: Python 3.13 not found (install it, e.g. pyenv install 3.13, or pass PYTHON313=/path/to/python3.13)"; exit 2; }
	$(PYTHON313) -m venv $(IOT_VENV)
	$(IOT_VENV)/bin/python -m pip install -q --upgrade pip
	$(IOT_VENV)/bin/python $(FIXTURE_IOT)/scripts/poetry_requirements.py dev > $(IOT_VENV)/requirements.txt
	$(IOT_VENV)/bin/python -m pip install -q -r $(IOT_VENV)/requirements.txt
	touch $(IOT_STAMP)

$(IOT_MIGRATED_STAMP): $(IOT_STAMP)
	$(IOT_VENV)/bin/python -m pip install -q $(IOT_TEMPLATE_DEPS)
	touch $(IOT_MIGRATED_STAMP)

venv-iot: $(IOT_STAMP) $(IOT_MIGRATED_STAMP)

demo: $(STAMP)
	$(VENV)/bin/migrate demo $(DEMO_ARGS)

# The second customer app: the IoT Support monorepo, its backend run in venv-iot's Python 3.13.
demo-iot: $(STAMP) $(IOT_STAMP) $(IOT_MIGRATED_STAMP)
	$(VENV)/bin/migrate demo --app iot-support $(DEMO_ARGS)

# pytest exits 5 when it collected nothing; make treats that as a failure.
test: test-tool test-template test-fixture test-fixture-iot

# Two workers, one test file each at a time (end-to-end modules share an expensive apply).
# The IoT Support end-to-end tests run the migrated app in venv-iot's environment.
test-tool: $(STAMP) $(IOT_STAMP) $(IOT_MIGRATED_STAMP)
	$(PY) -m pytest tests -q -n 2 --dist loadfile

test-template: $(STAMP)
	$(PY) -m pytest template/tests -q

test-fixture: $(STAMP)
	cd $(FIXTURE) && ../../$(PY) -m pytest -q

# The IoT fixture's own suite (PostgreSQL group included), then its ruff and mypy.
test-fixture-iot: $(IOT_STAMP)
	cd $(FIXTURE_IOT) && .venv/bin/python -m pytest -q
	cd $(FIXTURE_IOT) && .venv/bin/ruff check . && .venv/bin/ruff format --check .
	cd $(FIXTURE_IOT) && .venv/bin/mypy .

clean:
	rm -rf $(VENV) $(IOT_VENV) build *.egg-info .pytest_cache

# Marquee: `make run` serves the demo, `make test` runs every test. Both work on a fresh machine.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
export DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/marquee
export PYTHONUNBUFFERED := 1

.PHONY: run test services install migrate demo bench chaos clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

services:
	bash scripts/services.sh

migrate: services install
	$(PY) -m api.migrate

demo: services install
	$(PY) -m api.migrate --demo

run: services install
	$(PY) -m api.migrate --demo
	bash scripts/run.sh

test: services install
	bash scripts/test-deps.sh
	$(PY) -m pytest $(PYTEST_ARGS)

bench: services install
	bash bench/run.sh

chaos: services install
	bash chaos/run.sh

clean:
	rm -rf $(VENV) .data .pytest_cache

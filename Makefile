# Marquee: `make run` serves the demo, `make test` runs every test. Both work on a fresh machine.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
export DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/marquee
export PYTHONUNBUFFERED := 1
# initdb (the tests' private clusters) takes its encoding from the locale: without a UTF-8 one (LANG unset, as in
# Debian's images) they would be SQL_ASCII. C.UTF-8 is in every Debian.
ifneq ($(shell locale charmap 2>/dev/null),UTF-8)
export LC_ALL := C.UTF-8
endif

.PHONY: run test services install migrate demo schema bench chaos clean
.PHONY: screenshots fresh-test client fuzz ha ha-down

$(VENV)/.installed: pyproject.toml
	@python3 -c 'import ensurepip' 2>/dev/null || bash scripts/packages.sh base  # Debian's python3-venv
	@echo "install: Python packages into $(VENV) (pip install -e '.[test]'; the first time: a minute or two)"
	@test -x $(PY) || python3 -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# A .venv without a working pip (a `python3 -m venv` that failed half-way, a Python upgrade) is made again.
install:
	@$(PY) -m pip --version >/dev/null 2>&1 || { [ ! -e $(VENV) ] || echo "install: $(VENV) has no working pip: making it again"; rm -rf $(VENV); }
	@$(MAKE) --no-print-directory $(VENV)/.installed

services:
	bash scripts/services.sh

migrate: services install
	$(PY) -m marquee.migrate

demo: services install
	$(PY) -m marquee.migrate --demo

# sql/schema.sql: every table's current shape, dumped from a fresh migrate (a test fails when it is stale)
schema: services install
	$(PY) -m testing.schema

run: services install
	$(PY) -m marquee.migrate --demo
	bash scripts/run.sh

test: services install
	bash scripts/test-deps.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# clients/python: the typed client, generated from the OpenAPI document the code builds (a test fails when stale)
client: install
	$(PY) -m testing.client

# schemathesis with many more examples than make test, and a new seed each time (MARQUEE_FUZZ_EXAMPLES, _SEED)
fuzz: services install
	MARQUEE_FUZZ_EXAMPLES=$${MARQUEE_FUZZ_EXAMPLES:-400} MARQUEE_FUZZ_SEED=$${MARQUEE_FUZZ_SEED:-random} \
	  $(PY) -m pytest -p no:cacheprovider -s tests/api/test_schemathesis.py

bench: services install
	bash bench/run.sh

chaos: services install
	bash chaos/run.sh

# A pg_auto_failover cluster (monitor 25432, primary 25433, synchronous standby 25434) migrated with the demo data
# (docs/scaling.md); `make ha-down` stops it and removes .data/ha.
ha: install
	bash scripts/ha.sh up

ha-down:
	bash scripts/ha.sh down

# The browser tests write their screenshots under .data/screenshots; this refreshes the docs' pictures instead.
screenshots: services install
	bash scripts/test-deps.sh
	MARQUEE_SCREENSHOTS=$(CURDIR)/docs/img $(PY) -m pytest -p no:cacheprovider tests/web/test_booking_flow.py tests/web/test_seat_map.py

# README's two commands on a new minimal Debian, isolated from this machine's services (root or sudo; 7-8 min).
fresh-test:
	bash scripts/fresh-machine-test.sh

clean:
	rm -rf $(VENV) .data .pytest_cache

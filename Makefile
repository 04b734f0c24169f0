# klyngepakke: `make run` starts everything and runs the demo; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: install node-deps system-deps run stop dev demo test test-fast lint bench histories clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 mangler ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The independent checkers the tests run (axe-core, the Nu HTML Checker, the Open XML SDK
# validator, ical.js), pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm mangler – installer Node.js (Debian: nodejs npm)"; exit 1; }
	# `npm ci` refuses this lock: it lacks the other platforms' optional validator binaries,
	# which this registry does not carry; install keeps to the locked versions all the same.
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

node-deps: $(NODE_STAMP)

# Starts the embedded stack in the background (log: var/dev.log), runs the demo order,
# and leaves the stack running so the Temporal UI (http://localhost:8233) can be browsed.
run: install
	mkdir -p var
	@if [ -f var/dev.pid ] && kill -0 $$(cat var/dev.pid) 2>/dev/null; then \
		echo "Stakken kører allerede (pid $$(cat var/dev.pid))"; \
	else \
		rm -f var/dev.ready; \
		nohup $(BIN)/klyngepakke dev > var/dev.log 2>&1 & echo $$! > var/dev.pid; \
		for i in $$(seq 1 120); do [ -f var/dev.ready ] && break; sleep 0.5; done; \
		[ -f var/dev.ready ] || { echo "Stakken startede ikke; se var/dev.log"; tail -20 var/dev.log; exit 1; }; \
	fi
	$(BIN)/klyngepakke demo
	@$(BIN)/klyngepakke catalog facts --kort
	@echo "Bestilling: http://localhost:8000/bestil · Temporal UI: http://localhost:8233 · mails: var/mail · dokumenter: var/artifacts"
	@echo "KiAP-medarbejdere: http://localhost:8000/konsulent – log ind med id'et kiap-konsulent eller kiap-konsulent-2 (konsulent) eller kiap-drift (drift) · alt lytter kun på localhost · stop: make stop"

stop:
	@if [ -f var/dev.pid ]; then kill $$(cat var/dev.pid) 2>/dev/null || true; rm -f var/dev.pid; fi

dev: install
	$(BIN)/klyngepakke dev

demo: install
	$(BIN)/klyngepakke demo

# LibreOffice and poppler: the tests convert every document to PDF and PNG and look at it.
system-deps:
	@bash scripts/system-deps.sh

test: install node-deps system-deps
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow"

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy schemas workflows activities renderers catalog klyngepakke web storage client bench worker.py
	# The web tests' fakes are held to the protocols the pages depend on (web/backend.py).
	$(BIN)/mypy --strict tests/web/fakes.py
	$(BIN)/lint-imports

# The measurements of bench/ (about an hour; not tests): each prints its table and appends it
# to bench/RESULTS.md with the machine and the date. The chaos runs kill two workflow workers
# that share only Temporal and a PostgreSQL of their own, over three seeds.
bench: install system-deps
	$(BIN)/python -m bench.lifecycle --orders $(or $(ORDERS),10) --record
	$(BIN)/python -m bench.burst --orders 10,30,100 --record
	$(BIN)/python -m bench.burst --floor --orders 100 --record
	$(BIN)/python -m bench.cost --orders 10 --record
	$(BIN)/python -m bench.latency --answers 200 --record
	$(BIN)/python -m bench.render --record
	$(BIN)/python -m bench.memory --orders 1000 --record
	for seed in 7 8 9; do $(BIN)/python -m bench.chaos --orders 10 --kills 24 --seconds-per-day 1.5 --seed $$seed --record || exit 1; done

# Re-record the histories the replay test runs (after a deliberate, patched change).
histories: install
	KLYNGEPAKKE_RECORD_HISTORIES=1 $(BIN)/pytest tests/workflows -q -k "not replay"

clean: stop
	rm -rf var

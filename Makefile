# newsgraph: `make run` (install, build the graph from seeds/, serve it) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: run test build serve install system-deps lint bench clean

run: build serve

build: $(STAMP)
	$(BIN)/kg build seeds/ --out build/

serve: $(STAMP)
	$(BIN)/kg serve --store build/store --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check kg server tests bench
	$(BIN)/python -m pytest

install: $(STAMP)

# Debian packages the project needs (none yet for the core; later issues add a JRE and chromium).
system-deps:
	@bash .ci/system-deps.sh

$(STAMP): pyproject.toml .ci/system-deps.sh
	@$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Benchmarks (bench/README.md): never part of `make test`; writes bench/results.md. Sizes: BENCH_* variables.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check kg server tests bench
	$(BIN)/ruff format --check kg server tests bench

clean:
	rm -rf build/ .pytest_cache

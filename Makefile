# newsgraph: `make run` (install, build the graph from seeds/, serve it), `make query Q='...'` and `make test`.
# `make run` needs only Python: it installs the project into .venv. `make test` also installs the test extra and
# the Debian packages the tests need (.ci/system-deps.sh: a JDK and the OWL API, Chromium).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STORE  ?= build/store
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# the query of `make query` (SPARQL text, a .rq file or a ready-made query's name), handed to kg unchanged:
# neither make ($(value Q)) nor the shell (single quotes, each ' written '"'"') expands what it holds
QUERY = '$(subst ','"'"',$(value Q))'

.PHONY: run test build serve query install system-deps lint bench clean

run: build serve

# the seeds are built with their corpus profile (kg/data/profiles/kazakhstan: it applies to articles about Kazakhstan)
build: $(STAMP)
	KG_PROFILE=kazakhstan $(BIN)/kg build seeds/ --out build/

serve: $(STAMP)
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

# make query Q='SELECT ...' (or Q=cq03); without Q, the list of ready-made queries
query: $(STAMP)
	@if [ -n $(QUERY) ]; then $(BIN)/kg query $(QUERY) --store $(STORE); else $(BIN)/kg query --list; fi

test: $(TEST_STAMP)
	$(BIN)/ruff check kg server tests bench
	$(BIN)/python -m pytest

# everything, for development: the project, its test extra and the Debian packages of the tests
install: $(TEST_STAMP)

# Debian packages the tests need (a JDK, the OWL API, Chromium); none for `make run`.
system-deps:
	@bash .ci/system-deps.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) .ci/system-deps.sh
	@$(MAKE) --no-print-directory system-deps
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# Benchmarks (bench/README.md): never part of `make test`; writes bench/results.md. Sizes: BENCH_* variables.
bench: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.run

lint: $(TEST_STAMP)
	$(BIN)/ruff check kg server tests bench
	$(BIN)/ruff format --check kg server tests bench

clean:
	rm -rf build/ .pytest_cache

# Two commands do everything on a fresh machine with Python 3.11+:
#   make run   installs into .venv and starts the daemon on config/monitor.yaml
#   make test  installs into .venv and runs the whole suite
#
# Installs come from the hashed lock files, not from pyproject's lower bounds:
#   requirements-dev.lock  runtime + apprise + dev + build backend (make install, CI)
#   requirements.lock      runtime + apprise + build backend (the Docker image)
# `make lock` re-resolves them after a pyproject.toml change, keeping every pin
# that still fits; `make lock-upgrade` moves every pin to the newest release.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Your own copy (git-ignored) when it exists, else the shipped example.
CONFIG ?= $(if $(wildcard config/local.yaml),config/local.yaml,config/monitor.yaml)
UV_VERSION := 0.13.9
NEED_311 = @$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "news-monitor needs Python 3.11 or newer")'

.PHONY: install run once test lint typecheck bench lock lock-upgrade clean

# First pip itself, pinned and hashed (requirements-pip.lock): the pip a venv
# ships varies (Debian bookworm's 23.x), and pip 23.2 resolves an extra such as
# justext's `lxml[html_clean]` to the newest lxml on PyPI instead of the
# locked one, which --require-hashes then refuses (it broke the day lxml 6.2.0
# came out).
# --require-hashes: every package and every dependency must be in the lock with
# its hash (a dependency missing from it fails here, not at run time).  The
# project goes in without dependencies and without build isolation (its build
# backend is in the lock too); `pip check` then fails when pyproject.toml asks
# for something the lock does not provide: run `make lock`.  pip 23.x warns
# "lxml does not provide the extra 'html_clean'" (lxml spells it html-clean);
# harmless here: lxml_html_clean is a direct, locked dependency.
$(BIN)/news-monitor: pyproject.toml requirements-dev.lock requirements-pip.lock
	$(NEED_311)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $@

install: $(BIN)/news-monitor

run: install
	$(BIN)/news-monitor run --config $(CONFIG)

once: install
	$(BIN)/news-monitor once --config $(CONFIG)

# The suite is spread over TEST_WORKERS pytest-xdist workers (much of its time
# is spent waiting on real processes and sockets, so a third worker on 2 cores
# still helps: 156-158 s against 169-174 s with 2, quiet 2-vCPU machine,
# 2026-12-06); TEST_WORKERS=0 runs it in one process.
# The package is compiled to bytecode first: the suite starts a few hundred
# `news-monitor` processes, and where PYTHONDONTWRITEBYTECODE is set (as on
# these machines) each would otherwise compile every module it imports from
# source again (~0.5-0.8 s of CPU per process).  Only changed files recompile.
TEST_WORKERS ?= 3
test: install lint typecheck
	$(BIN)/python -m compileall -q monitor
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# ruff, configured in pyproject.toml ([tool.ruff]); part of `make test`.
lint: install
	$(BIN)/ruff check monitor tests bench scripts

# mypy, configured in pyproject.toml ([tool.mypy]); part of `make test`.
typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/match_bench.py
	$(BIN)/python bench/cluster_bench.py
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/startup_bench.py
	$(BIN)/python bench/latency_bench.py

# The lock tool, pinned, in the project's venv (the venv need not be installed).
$(BIN)/uv:
	$(NEED_311)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

# One universal resolution (every OS, CPython 3.11 and newer; markers where the
# pins differ, e.g. numpy and scipy on 3.11 vs 3.12+) with the hashes of every
# file of each pin.  The dev lock is resolved first; the runtime lock is held to
# its pins so the image runs exactly what the suite tested.  The build backend
# is read from [build-system] requires and locked into both.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' $(LOCK_ARGS)
BUILD_REQUIRES = $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'

PIP_VERSION := 26.3

lock: $(BIN)/uv
	echo "pip==$(PIP_VERSION)" | $(UV_COMPILE) - -o requirements-pip.lock
	$(BUILD_REQUIRES) | $(UV_COMPILE) pyproject.toml - --extra dev --extra apprise -o requirements-dev.lock
	$(BUILD_REQUIRES) | $(UV_COMPILE) pyproject.toml - --extra apprise -c requirements-dev.lock -o requirements.lock

lock-upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

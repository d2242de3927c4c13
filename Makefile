# Two commands do all set-up: `make book` and `make test` (see README.md).
# Each creates or refreshes .venv from pyproject.toml when it is older than it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The scale profile: COURSE_PROFILE if set, else gpu on CUDA/MPS, else cpu.
# (Python, and torch with it, is asked only when COURSE_PROFILE is unset.)
PROFILE = $(or $(COURSE_PROFILE),$(shell $(BIN)/python -c "from utils.runtime import get_profile_name; print(get_profile_name())"))

.PHONY: book test test-fast lint bench clean help student
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,dev]"
	touch $(STAMP)

book: $(STAMP)  ## build the site into _build/html (profile: COURSE_PROFILE, else by device)
	COURSE_PROFILE=$(PROFILE) $(BIN)/python -m book.build  # prints the profile and where to open the site

# The notebooks run once, in the smoke build of the book that the browser tests read; the
# build (one notebook per core, at most 4) and the browser run behind the unit tests
# (tests/conftest.py), with one torch thread each so that no core is oversubscribed.
student: $(STAMP)  ## write each notebook's student version (no solutions, no outputs) to _build/student
	$(BIN)/python -m book.student _build/student

test: $(STAMP)  ## run every test: unit tests, each notebook once (smoke book), the site in a browser
	COURSE_PROFILE=smoke OMP_NUM_THREADS=1 $(BIN)/python -m pytest tests

test-fast: $(STAMP)  ## only the unit tests
	COURSE_PROFILE=smoke $(BIN)/python -m pytest -m "not slow and not browser" tests

lint: $(STAMP)  ## check the Python files and notebooks with ruff (rules in pyproject.toml)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(STAMP)  ## measure speed and memory; writes benchmarks/results.json
	$(BIN)/python -m benchmarks

clean:  ## remove the build and the virtual environment
	rm -rf _build $(VENV)

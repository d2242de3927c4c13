# Two commands do all set-up: `make book` and `make test` (see README.md).
# Each creates or refreshes .venv from pyproject.toml when it is older than it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The scale profile: COURSE_PROFILE if set, else gpu on CUDA/MPS, else cpu.
# (Python, and torch with it, is asked only when COURSE_PROFILE is unset.)
PROFILE = $(or $(COURSE_PROFILE),$(shell $(BIN)/python -c "from utils.runtime import get_profile_name; print(get_profile_name())"))

.PHONY: book test test-fast notebooks site lint bench clean help student
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[book,dev]"
	touch $(STAMP)

# `make book`: Jupyter Book's own command (book/build.py runs `jupyter-book build . -W -n
# --keep-going`, and `--all` after a failed build); the book executes the notebooks that
# its per-profile cache (_build/.jupyter_cache/<profile>) does not hold yet.
book: $(STAMP)  ## build the site into _build/html (profile: COURSE_PROFILE, else by device)
	COURSE_PROFILE=$(PROFILE) $(BIN)/python -m book.build  # prints the profile and where to open the site

student: $(STAMP)  ## write each notebook's student version (no solutions, no outputs) to _build/student
	$(BIN)/python -m book.student _build/student

# `make test` runs in three steps, each notebook executed once:
# 1. notebooks: nbmake runs a copy of each notebook at the smoke profile, in place
#    (.nbmake/smoke/lectures/, --overwrite; nbmake skips every path under _build), one
#    notebook per core (pytest-xdist), with an empty runs folder. Only the notebooks that
#    changed since the last run are copied and run again (all of them when utils/
#    changed); the executed copies then go into the book's jupyter-cache
#    (python -m book.execution), the one `make book` and `jupyter-book build .` read.
# 2. site: the smoke site, built as `make book` builds (Jupyter Book's own command), finds
#    every page in the cache.
# 3. the tests, one worker per core (pytest-xdist), each file's tests on one worker in
#    order (--dist loadfile, in pyproject.toml), so that the browser visits the site once
#    (test_site.py). Tests of a notebook's output read nbmake's copies. (xdist_group
#    marks would be finer, but --dist loadgroup ignores them under pytest 9.2:
#    pytest-dev/pytest-xdist#1386.)
SMOKE     := .nbmake/smoke
LECTURES  := $(wildcard lectures/*.ipynb)
COPIES    := $(LECTURES:%=$(SMOKE)/%)
UTILS     := $(shell find utils -name '*.py')
SMOKE_ENV := COURSE_PROFILE=smoke OMP_NUM_THREADS=1
# when nbmake last ran and filled the cache: gone with _build, so all run again then
RAN       := _build/.jupyter_cache/smoke-ran

$(SMOKE)/lectures/%.ipynb: lectures/%.ipynb $(UTILS)
	@mkdir -p $(@D) && cp $< $@

$(RAN): $(COPIES) | $(STAMP)
	rm -rf _build/runs/smoke && mkdir -p _build/runs/smoke
	$(SMOKE_ENV) COURSE_RUNS=$(CURDIR)/_build/runs/smoke $(BIN)/python -m pytest \
	  -p no:cacheprovider -n auto --nbmake --overwrite $?
	$(BIN)/python -m book.execution smoke $?
	touch $(RAN)

notebooks: $(RAN)  ## run the notebooks that changed with nbmake, at smoke

site: notebooks  ## build the smoke site from nbmake's runs (jupyter-book build . -W -n --keep-going)
	COURSE_PROFILE=smoke $(BIN)/python -m book.build

test: site  ## run every test: each notebook once (nbmake), the smoke site, then the tests
	$(SMOKE_ENV) $(BIN)/python -m pytest -n auto tests

test-fast: $(STAMP)  ## only the unit tests
	COURSE_PROFILE=smoke $(BIN)/python -m pytest -n auto -m "not slow and not browser" tests

lint: $(STAMP)  ## check the Python files and notebooks with ruff (rules in pyproject.toml)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Lighthouse for the benchmark's site section, pinned by benchmarks/package-lock.json
# (npm's own packages only: no install scripts, no browser download; Debian's Chromium).
LIGHTHOUSE := benchmarks/node_modules/.bin/lighthouse
$(LIGHTHOUSE): benchmarks/package.json benchmarks/package-lock.json
	npm ci --prefix benchmarks --ignore-scripts --no-audit --no-fund
	touch $@

bench: $(STAMP) $(LIGHTHOUSE)  ## measure speed, memory and page loads (Lighthouse); writes benchmarks/results.json
	$(BIN)/python -m benchmarks

clean:  ## remove the build and the virtual environment
	rm -rf _build .nbmake $(VENV) benchmarks/node_modules

# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8080
# torch is pinned in the same pip step as everything else: a looser torch
# requirement (sentence-transformers, pulled in by the model package, has one)
# would fetch a CUDA build of several GB.
TORCH_PIN := torch==2.13.0
# The runtime dependencies, resolved and pinned (make lock); every install takes them as
# constraints, so the venv runs the versions that make audit looks up. The extras are not
# locked, but cannot move a locked package.
LOCK := requirements.lock

.PHONY: help install install-dev run test lint clean browser

help:
	@echo "make run        create $(VENV), install, serve with gunicorn on \$$PORT (default 8080)"
	@echo "make test       install with test extras (and chromium, as root) and run the whole test suite"
	@echo "make lint       ruff, mypy --strict and the import contracts (lint-imports)"
	@grep -hE '^[a-z-]+:.*## ' $(wildcard mk/*.mk) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "make %-12s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(PY)
	$(PIP) install --quiet -c $(LOCK) "$(TORCH_PIN)" -e ".[export]"
	$(PY) -m service.prepare
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) | $(PY)
	$(PIP) install --quiet -c $(LOCK) "$(TORCH_PIN)" -e ".[export,test,eval,deploy,lint]"
	$(PY) -m service.prepare
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	PORT=$(PORT) exec $(VENV)/bin/gunicorn -c config/gunicorn.conf.py service.wsgi:app

# The /docs page is checked in a real headless browser: Debian's chromium, installed here
# when missing (as root; otherwise this says what to install and stops), so that
# `make test` on a fresh machine runs every test, as CI does.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" -eq 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "make test needs chromium for tests/browser: sudo apt-get install chromium"; exit 1; \
		fi; }

test: install-dev browser
	$(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check service tests
	$(VENV)/bin/mypy --strict service/summarize
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache

include $(wildcard mk/*.mk)

# Golden answers (issue 17; included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make golden   rewrite tests/golden/*.json from what the current code answers to our
#                 test story; review `git diff tests/golden` and commit it with the change.

PY ?= .venv/bin/python

.PHONY: golden

golden: ## rewrite the golden answers (tests/golden/*.json) from the current code; says so
	PYTHONPATH=$(CURDIR) $(PY) -m tests.golden

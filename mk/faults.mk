# Reliability (issue 5; included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make faults   gunicorn on loopback under faults: kill -9 a worker, SIGTERM the master
#                 with requests in flight, a burst beyond capacity, a soak measuring RSS,
#                 8 clients stalled mid-body;
#                 < 5 min. Not part of `make test`. JSON in bench/results/faults.json.
#   (make audit, of the locked dependencies, is in mk/deps.mk.)
#
# The slow requests are built at run time from the DUC 2004 documents (evaluation-only
# data, read from FAULTS_DUC, never copied into the repository).

PY ?= .venv/bin/python
FAULTS_DUC ?= ../shared/eval/duc2004_task2.jsonl
FAULTS_ARGS ?=

.PHONY: faults

faults: ## fault injection on loopback gunicorn: kill -9, SIGTERM, burst, soak, stalled clients (< 5 min)
	timeout 300 $(PY) bench/faults.py --duc $(FAULTS_DUC) $(FAULTS_ARGS)

# Reliability (issue 5; included by the main Makefile: include $(wildcard mk/*.mk)).
#
#   make faults   gunicorn on loopback under faults: kill -9 a worker, SIGTERM the master
#                 with requests in flight, a burst beyond capacity, a soak measuring RSS;
#                 < 5 min. Not part of `make test`. JSON in bench/results/faults.json.
#   make audit    pip-audit of the packages installed in the venv (needs the audit extra:
#                 pip install -e '.[audit]'); AUDIT_SERVICE=osv to ask OSV instead of PyPI.
#
# The slow requests are built at run time from the DUC 2004 documents (evaluation-only
# data, read from FAULTS_DUC, never copied into the repository).

PY ?= .venv/bin/python
FAULTS_DUC ?= ../shared/eval/duc2004_task2.jsonl
FAULTS_ARGS ?=
AUDIT_SERVICE ?= pypi
AUDIT_ARGS ?=

.PHONY: faults audit

faults: ## fault injection on loopback gunicorn: kill -9, SIGTERM, burst, soak (< 5 min)
	timeout 300 $(PY) bench/faults.py --duc $(FAULTS_DUC) $(FAULTS_ARGS)

# The project itself is installed editable and is not on PyPI: skipped. --strict: a package
# that could not be looked up fails the audit (else pip-audit reports "No known
# vulnerabilities found" having audited nothing).
audit: ## pip-audit of the venv's installed packages (AUDIT_SERVICE=pypi|osv)
	@test -x $(dir $(PY))pip-audit || { echo "pip-audit missing: $(PY) -m pip install -e '.[audit]'"; exit 1; }
	$(dir $(PY))pip-audit --skip-editable --strict --vulnerability-service $(AUDIT_SERVICE) --progress-spinner off $(AUDIT_ARGS)

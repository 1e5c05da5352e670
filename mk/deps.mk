# The locked runtime dependencies (issue 5; included by the main Makefile).
#
#   make lock     regenerate requirements.lock from pyproject.toml's [project.dependencies]
#                 (deploy/lock.py: pip resolves them as on an empty venv, every package pinned).
#   make audit    pip-audit of requirements.lock, not of the venv: --no-deps --disable-pip, so
#                 exactly the locked versions are looked up. --strict: a package that could not
#                 be looked up fails the audit (else pip-audit says "No known vulnerabilities
#                 found" having audited nothing). Known vulnerabilities that are explained go
#                 in audit-ignore.txt, one "ID  reason" a line; any other one fails.
#                 AUDIT_SERVICE=osv asks OSV instead of PyPI.
#
# LOCK is defined in the main Makefile (the install targets use it as constraints).

AUDIT_SERVICE ?= pypi
AUDIT_IGNORE ?= audit-ignore.txt
AUDIT_ARGS ?=

.PHONY: lock audit

lock: | $(PY) ## regenerate requirements.lock from pyproject.toml's runtime dependencies
	$(PY) deploy/lock.py --pyproject pyproject.toml --output $(LOCK)

# pip-audit only, on top of the locked runtime packages (the audit extra is not locked).
$(VENV)/.installed-audit: pyproject.toml $(LOCK) | $(PY)
	$(PIP) install --quiet -c $(LOCK) "$(TORCH_PIN)" -e ".[audit]"
	touch $@

# PyPI and OSV know releases, not local builds: torch 2.13.0+cpu is looked up as 2.13.0.
audit: $(VENV)/.installed-audit ## pip-audit of requirements.lock; explained exceptions in audit-ignore.txt
	@pinned=$$(mktemp) && trap 'rm -f "$$pinned"' EXIT \
	&& sed -E 's/^([^#=]+==[^+]+)\+.*$$/\1/' $(LOCK) > "$$pinned" \
	&& ignored=$$(awk '!/^[[:space:]]*(#|$$)/ {printf " --ignore-vuln %s", $$1}' $(AUDIT_IGNORE)) \
	&& set -x \
	&& $(VENV)/bin/pip-audit -r "$$pinned" --no-deps --disable-pip --strict \
		--vulnerability-service $(AUDIT_SERVICE) --progress-spinner off $$ignored $(AUDIT_ARGS)

# The two set-up commands: `make run` serves the archive, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := archive.settings
# The archive refuses to start without a secret key (DJANGO_DEBUG=0): a fresh clone makes its
# own once and keeps it in var/secret_key, never committed. A key set in the environment wins.
SECRET_KEY_FILE := var/secret_key
export DJANGO_SECRET_KEY ?= $(shell test -s $(SECRET_KEY_FILE) || { mkdir -p var && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE); }; cat $(SECRET_KEY_FILE))

.PHONY: run test test-fast lint install install-test lock browser data clean

run: install data
	@echo ""
	@echo "The archive is at http://127.0.0.1:$(PORT)/  (admin at /admin/)."
	@echo "First admin user:  $(PY) manage.py createsuperuser"
	@echo ""
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py archive.wsgi

# Lint, then the whole suite on SQLite, then again on PostgreSQL when one answers at
# TEST_POSTGRES_URL. The closing lines give both results; it fails if either pass fails.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST ?= $(PY) -m pytest
POSTGRES_ANSWERS := import socket, sys, dj_database_url; db = dj_database_url.parse(sys.argv[1]); \
	socket.create_connection((db["HOST"] or "localhost", int(db["PORT"] or 5432)), timeout=2)
test: install-test browser lint
	@log=$$(mktemp -d); \
	{ $(PYTEST); echo $$? > $$log/sqlite.status; } 2>&1 | tee $$log/sqlite.out; \
	if $(PY) -c '$(POSTGRES_ANSWERS)' '$(TEST_POSTGRES_URL)' 2>/dev/null; then \
		echo "PostgreSQL answers at $(TEST_POSTGRES_URL): the second pass runs against it"; \
		{ DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST); echo $$? > $$log/postgres.status; } 2>&1 \
			| tee $$log/postgres.out; \
	fi; \
	summary() { tail -n 1 $$log/$$1.out | sed 's/^=* *//; s/ *=*$$//'; }; \
	result() { if [ ! -f $$log/$$1.status ]; then echo "not run: $$2"; \
		elif [ "$$(cat $$log/$$1.status)" = 0 ]; then echo "passed ($$(summary $$1))"; \
		else echo "FAILED ($$(summary $$1))"; fi; }; \
	echo ""; \
	echo "SQLite pass:     $$(result sqlite)"; \
	echo "PostgreSQL pass: $$(result postgres "no PostgreSQL answers at $(TEST_POSTGRES_URL) (set TEST_POSTGRES_URL)")"; \
	status=0; for pass in sqlite postgres; do \
		[ ! -f $$log/$$pass.status ] || [ "$$(cat $$log/$$pass.status)" = 0 ] || status=1; done; \
	rm -rf $$log; exit $$status

# The suite without the slow tests (processes killed mid-work, real corpus, the browser):
# under two minutes, for the edit-test loop. `make test` and CI run everything.
test-fast: install-test
	$(PYTEST) -m "not slow and not browser"

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# A virtual environment with exactly what requirements.lock pins, every transitive dependency
# included; reinstalled only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt requirements.lock
	$(PY) -m pip install --quiet -r requirements-test.txt -c requirements.lock
	touch $@

# requirements.lock again from requirements*.txt, resolved in a fresh environment.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet --upgrade pip
	var/lock-venv/bin/pip install --quiet -r requirements-test.txt
	{ echo "# Every package make installs, transitive ones included: make lock writes it again."; \
		var/lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools; } > requirements.lock
	rm -rf var/lock-venv

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Browser tests drive Debian's Chromium; install it where this user may install packages.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is not installed and cannot be installed here: browser tests will be skipped"; fi

# Database schema, the seed statements, the search index and static files, all idempotent.
data: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py ingest seeds/
	$(PY) manage.py sync_index
	$(PY) manage.py collectstatic --no-input --verbosity 0

clean:
	rm -rf var test-artifacts .pytest_cache

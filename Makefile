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

.PHONY: run serve test install install-test browser data clean

run: install data
	@echo ""
	@echo "The archive is at http://127.0.0.1:$(PORT)/  (admin at /admin/)."
	@echo "First admin user:  $(PY) manage.py createsuperuser"
	@echo ""
	PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py archive.wsgi

# The whole suite on SQLite, then again on PostgreSQL when one answers on 127.0.0.1:5432.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
test: install-test browser
	$(PY) -m pytest
	@if $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=2)' 2>/dev/null; then \
		echo "PostgreSQL answers on 127.0.0.1:5432: running the suite against it too"; \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest; \
	else echo "No PostgreSQL on 127.0.0.1:5432: the suite ran on SQLite only"; fi

# A virtual environment with exactly what requirements.txt pins; reinstalled only when it changes.
$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

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

# Two entry points: `make run` (demo site, worker, beat, dev mailbox) and `make test`.
# Both build everything they need from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
WANT := $(shell cat .python-version 2>/dev/null)
CHROMIUM := /usr/bin/chromium

# A Python >= 3.12: the one .python-version names (via pyenv), else any on PATH or in pyenv.
define find_python
for c in "$$(pyenv root 2>/dev/null)/versions/$(WANT)/bin/python" python3.13 python3.12 \
         $$(ls -d "$$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python 2>/dev/null); do \
  p=$$(command -v "$$c" 2>/dev/null) || continue; \
  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; exit 0; }; \
done; exit 1
endef

# Creates the database named by DATABASE_URL (default: briefings) if it does not exist.
define CREATEDB
import os, dj_database_url, psycopg
from psycopg import sql
cfg = dj_database_url.parse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/briefings"))
conn = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    print("Created database", cfg["NAME"])
endef
export CREATEDB

PHONY_EXTRA := gettext messages messages-compiled
.PHONY: help venv db run test test-fast lint format bench browser loadtools varnish map $(PHONY_EXTRA)

help:
	@echo "make run       - demo site on http://127.0.0.1:8000 with Celery worker, beat and dev mailbox"
	@echo "make test      - the whole suite (lint, migrations check, tests, tiny benchmarks)"
	@echo "make test-fast - the same checks and tests without browser, worker and benchmark tests"
	@echo "make bench     - the benchmarks at full size"
	@echo "make map       - rebuild the agreement map's country shapes (Natural Earth, via npm)"

$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@py=$$($(find_python)) || { echo "error: Django 6.1 needs Python >= 3.12; none found (tried pyenv $(WANT), python3.13, python3.12)." >&2; exit 1; }; \
	 [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { rm -rf $(VENV); echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

db: venv messages-compiled
	@$(PY) -c "$$CREATEDB"
	@$(PY) manage.py migrate --no-input -v 0

# The French catalogs are committed as .po; the .mo files Django reads are built here.
gettext:
	@command -v msgfmt >/dev/null || { echo "Installing Debian's gettext for the translations"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

messages-compiled: venv gettext
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv

# Refresh the French catalogs from the code and templates (then write the new msgstr).
messages: venv gettext
	$(PY) manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=artifacts
	$(PY) manage.py makemessages -d djangojs -l fr --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=artifacts --ignore=static/CACHE --ignore=staticfiles

browser:
	@[ -x $(CHROMIUM) ] || { echo "Installing Debian's chromium for browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

loadtools:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmarks"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }

varnish:
	@{ [ -x /usr/sbin/varnishd ] && dpkg -s varnish-modules >/dev/null 2>&1; } || \
	  { echo "Installing Debian's varnish and varnish-modules (xkey) for the Varnish test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules) >/dev/null; }

run: db
	@$(PY) manage.py load_demo
	@$(PY) manage.py collectstatic --no-input -v 0
	@echo "Site:        http://127.0.0.1:8000/en/  (en français : http://127.0.0.1:8000/fr/)"
	@echo "Admin:       http://127.0.0.1:8000/admin/  (logins above; password only in development;"
	@echo "             DJANGO_STAFF_OTP_REQUIRED=1 make run: sign in with a second factor)"
	@echo "Dev mailbox: http://127.0.0.1:8000/en/subscribe/dev-mailbox/  (SMTP sink on 127.0.0.1:1025)"
	$(VENV)/bin/honcho start -f Procfile

test: db browser loadtools varnish
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

# What `make test` runs, minus the tests marked browser, worker or bench (see tests/conftest.py),
# and without installing chromium or wrk; in two pytest-xdist workers, a test module to each
# (a module's shared fixtures are built once), each with its own test database and Redis.
test-fast: db
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadfile -m "not browser and not worker and not bench"

bench: db loadtools
	@for b in tests/benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The agreement map's country shapes: Natural Earth (public domain) from the npm package
# world-atlas, projected and simplified once into briefings/site/maps/shapes.json (committed).
map: venv
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack -q world-atlas@2.0.2 >/dev/null && tar xzf world-atlas-2.0.2.tgz) && \
	 $(PY) -m briefings.site.maps.build $$tmp/package/countries-50m.json; rm -rf $$tmp

lint: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

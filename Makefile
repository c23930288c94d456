# The two commands: `make run` (the Debian packages the app needs when missing: Chromium for the
# manuals' screens, the Noto fonts for PDFs; then the app on SQLite with demo data, a task worker, the periodic
# scheduler and the aggregate folder; Ctrl-C stops them all) and `make test` (everything).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/erating
DEMO_RATINGS ?= 100000
# `make run PORT=8001` serves on another port (QR codes and e-mails then name that port too).
PORT ?= 8000

.PHONY: run test lint lock test-sqlite test-postgres bench cluster cluster-deps venv test-venv assets messages system-deps serve migrate demo clean manuals report-pages

# requirements/lock.txt pins every transitive package as tested (a constraints file: it pins, it
# does not add); `make lock` refreshes it from the test environment.
$(VENV)/.base-stamp: requirements/base.txt requirements/lock.txt
	test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/base.txt -c requirements/lock.txt
	touch $@

$(VENV)/.test-stamp: $(VENV)/.base-stamp requirements/test.txt requirements/lock.txt
	$(PY) -m pip install -q -r requirements/test.txt -c requirements/lock.txt
	touch $@

lock: $(VENV)/.test-stamp
	{ echo "# Every Python package of the test environment, pinned: a constraints file (pip install -c) so a fresh"; \
	  echo "# machine installs exactly what was tested. Refresh: make lock (README, \"Dependencies\")."; \
	  $(PY) -m pip freeze --exclude-editable; } > requirements/lock.txt

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.stamp $(VENV)/.base-stamp
	mkdir -p erating/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map erating/static/vendor/
	cp node_modules/chartjs-chart-matrix/dist/chartjs-chart-matrix.min.js node_modules/chartjs-chart-matrix/dist/chartjs-chart-matrix.min.js.map erating/static/vendor/
	DEBUG=1 $(PY) manage.py build_manuals -v0 >/dev/null

# The user manuals with fresh screenshots of every role's screens, taken from a throw-away demo
# served on a free port by Playwright on Debian's Chromium (README, "User manuals").
manuals: system-deps $(VENV)/.test-stamp assets messages
	DEBUG=1 $(PY) manage.py build_manuals --screens -v0

# The first `make run` of a checkout takes the screenshots once, so the demo's gallery and manuals
# show real screens; where no browser can run, the manuals stay text and the gallery drawn (tried once).
erating/static/manuals/screens/.taken:
	-$(MAKE) --no-print-directory manuals
	mkdir -p $(@D) && touch $@

messages: $(VENV)/.base-stamp
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules

system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v fc-match >/dev/null || missing="$$missing fontconfig"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	for pkg in fonts-noto-core fonts-noto-cjk; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

run: system-deps $(VENV)/.base-stamp assets messages erating/static/manuals/screens/.taken
	LOCAL_HTTP=1 $(PY) manage.py migrate -v0
	LOCAL_HTTP=1 $(PY) manage.py demo_data --if-empty --ratings $(DEMO_RATINGS)
	@echo "eRating is at http://127.0.0.1:$(PORT) (with a task worker, the periodic scheduler and the aggregate folder beside it)"
	@export LOCAL_HTTP=1 SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py run_periodic & periodic=$$!; \
	$(PY) manage.py fold_aggregates & folder=$$!; \
	trap 'kill $$worker $$periodic $$folder 2>/dev/null; wait $$worker $$periodic $$folder 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# One page of each report's PDF as a picture in docs/reports/ (the README shows them), rendered
# from a throwaway demo database by the project's own command.
report-pages: system-deps $(VENV)/.base-stamp messages
	@dir=$$(mktemp -d); export LOCAL_HTTP=1 DATABASE_URL=sqlite:///$$dir/pages.sqlite3; \
	$(PY) manage.py migrate -v0 && $(PY) manage.py demo_data --ratings 3000 --premises 6 --days 90 >/dev/null && \
	$(PY) manage.py report_pages --out docs/reports --language ms && \
	$(PY) manage.py report_pages --out docs/reports --language en; status=$$?; rm -rf $$dir; exit $$status

test: system-deps $(VENV)/.test-stamp assets messages lint test-sqlite test-postgres

lint: $(VENV)/.test-stamp
	$(VENV)/bin/ruff check .

test-sqlite:
	$(PY) -m pytest -q -p no:cacheprovider

test-postgres:
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider

bench: system-deps $(VENV)/.test-stamp assets messages
	$(PY) -m bench

# The deployment on this machine (HAProxy, 2 granian servers with their workers, PgBouncer, a
# PostgreSQL primary and streaming replica, Redis), the fault schedule under load, the table; then
# everything is torn down. README, "Faults under load".
cluster: system-deps cluster-deps $(VENV)/.test-stamp assets messages
	$(PY) -m bench.cluster

cluster-deps:
	@missing=""; \
	command -v haproxy >/dev/null || missing="$$missing haproxy"; \
	command -v pgbouncer >/dev/null || missing="$$missing pgbouncer"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	test -x /usr/lib/postgresql/15/bin/pg_basebackup || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

clean:
	rm -rf $(VENV) node_modules staticfiles erating/static/vendor db.sqlite3*

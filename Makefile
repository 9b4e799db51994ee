# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate messages makemessages seed worker bench loadtest clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

# axe-core for the accessibility test and the Spectral CLI for the API's OpenAPI document, from the
# npm registry at the versions package-lock.json pins (never from a CDN); node_modules/ is not in git.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make run: install, migrate, load the demo data and serve on http://127.0.0.1:8000
run: messages seed
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: install with dev extras and axe-core, lint, run the whole test suite
test: $(VENV)/.installed-dev node_modules/.installed messages lint
	$(BIN)/pytest

## make lint: ruff, then mypy with django-stubs ([tool.mypy] in pyproject.toml: strict on every
## app's services, selectors and permissions; every other module checked too)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

makemessages: $(VENV)/.installed
	$(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=var --no-obsolete

## make worker: a Celery worker (needs CELERY_BROKER_URL)
worker: $(VENV)/.installed
	$(BIN)/celery -A lsa_portal worker --loglevel=INFO

## make bench: speed and query figures at realistic size (set DATABASE_URL for PostgreSQL)
bench: $(VENV)/.installed-dev messages
	$(PY) -m tests.bench

## make loadtest: gunicorn (as in docker-compose.yml) on PostgreSQL with the bench data, 200
## connections of wrk for 60 s over the public pages, directly and through nginx (the
## configuration of docker-compose.yml); set DATABASE_URL (default lsa_loadtest)
loadtest: $(VENV)/.installed-dev messages
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing wrk"; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	  else \
	    echo "make loadtest needs wrk: sudo apt-get install wrk" >&2; exit 1; \
	  fi; }
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing nginx"; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx >/dev/null; \
	  else \
	    echo "make loadtest needs nginx: sudo apt-get install nginx" >&2; exit 1; \
	  fi; }
	$(PY) -m tests.load

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules

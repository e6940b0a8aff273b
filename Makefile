# The two commands: `make run` (platform with demo data on SQLite) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VAR := var
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

# Local demo: production settings over plain HTTP on the loopback.
RUN_ENV = SECRET_KEY="$$(cat $(VAR)/secret_key)" DEBUG=false MAILLAGE_HTTPS=false MAILLAGE_SERVE_MEDIA=true \
	ALLOWED_HOSTS=127.0.0.1,localhost MAILLAGE_DATA_DIR=$(CURDIR)/$(VAR) \
	MAILLAGE_SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test test-fast test-postgres lint bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.base-installed

$(VAR)/secret_key:
	mkdir -p $(VAR)
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.base-installed $(VAR)/secret_key
	$(RUN_ENV) $(BIN)/maillage migrate --noinput
	$(RUN_ENV) $(BIN)/maillage createcachetable
	$(RUN_ENV) $(BIN)/maillage load_territory
	$(RUN_ENV) $(BIN)/maillage demo
	$(RUN_ENV) $(BIN)/maillage collectstatic --noinput --verbosity 0
	@echo "Maillage : http://127.0.0.1:$(PORT)/ (les courriels s'affichent ici)"
	@# The task worker and the scheduler, each restarted if it exits; all stop with gunicorn.
	trap 'kill 0' EXIT; \
	(while true; do $(RUN_ENV) $(BIN)/maillage worker; echo "worker arrêté : relance" >&2; sleep 2; done) & \
	(while true; do $(RUN_ENV) $(BIN)/maillage scheduler; echo "planificateur arrêté : relance" >&2; sleep 2; done) & \
	$(RUN_ENV) $(BIN)/gunicorn -c python:maillage.config.gunicorn maillage.config.wsgi --bind 127.0.0.1:$(PORT) --workers 3

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests examples
	$(BIN)/ruff format --check src tests examples
	$(BIN)/mypy

# The whole suite, benchmark smoke tests included.
test: lint
	$(BIN)/python -m pytest -n 2

# The same without the slow benchmark smoke tests, nor coverage: for the edit-test loop.
test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -n 2 -m "not slow"

# The database tests again, on PostgreSQL (CI runs this after `make test`), with coverage
# (fail_under in pyproject): measured here, on the production database, it leaves `make test`
# as fast as before coverage (its tracing costs about half as much time again).
test-postgres: $(VENV)/.dev-installed
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -n 2 -m django_db --cov

lock:
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/base.lock pyproject.toml requirements/build.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev -o requirements/dev.lock pyproject.toml requirements/build.in

clean:
	rm -rf $(VENV) $(VAR) .pytest_cache

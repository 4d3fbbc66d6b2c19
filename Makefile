# The two commands that do everything on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: run test setup messages bench test-lerobot

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	@mkdir -p var

# Migrate, load the demo school, and serve web + Celery worker + beat (Ctrl-C stops all three).
# With LeRobot's venv of `make test-lerobot` present, trained models can be served locally.
run: export DJANGO_SETTINGS_MODULE ?= edubotics.settings.local
run: export LEROBOT_PYTHON ?= $(if $(wildcard $(LEROBOT_VENV)/.installed),$(LEROBOT_VENV)/bin/python)
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start

# Lint, check migrations (and, on PostgreSQL, that ours run backwards) and translations, and run
# every test (browser tests included).
test: export DJANGO_SETTINGS_MODULE = edubotics.settings.test
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	.ci/migrations-roundtrip $(PY)
	$(BIN)/pytest $(PYTEST_ARGS)

# Re-extract the strings into locale/de/LC_MESSAGES/django.po (the one source of German: write
# each new msgstr there, or in Poedit/Weblate) and rebuild the committed .mo (needs GNU gettext:
# apt-get install gettext). A test fails on any untranslated or fuzzy entry.
messages: setup
	$(PY) manage.py makemessages --locale de --ignore ".venv/*" --ignore "tests/*" --ignore "locale/*" --ignore "bench/*" --no-obsolete
	$(PY) manage.py compilemessages --locale de --ignore ".venv/*"

# Benchmarks (not tests): need PostgreSQL and Redis in DATABASE_URL / CELERY_BROKER_URL (a database
# of their own: the large school stays in it for the next run), and wrk for the API p95.
bench: setup
	$(PY) bench/trainings_throughput.py
	$(PY) bench/pages.py

# LeRobot's real trainer on this CPU, in its own venv outside the clone, keyed by what it holds
# (a reused machine keeps it, a fresh one installs it: ~6.7 GB, a few minutes). torch and
# torchvision are the builds on this machine's disk; LeRobot comes without its dependencies
# (it pins an older torch) and the rest from requirements-lerobot.txt.
LEROBOT_FIRST := torch==2.14.1 torchvision==0.29.1
LEROBOT_PIN := lerobot==0.4.4
LEROBOT_KEY := $(shell (echo $(LEROBOT_FIRST) $(LEROBOT_PIN); cat requirements-lerobot.txt) | sha256sum | cut -c1-12)
LEROBOT_VENV ?= $(HOME)/.cache/edubotics/lerobot-$(LEROBOT_KEY)

$(LEROBOT_VENV)/.installed: requirements-lerobot.txt
	python3 -m venv $(LEROBOT_VENV)
	$(LEROBOT_VENV)/bin/pip install --quiet $(LEROBOT_FIRST)
	$(LEROBOT_VENV)/bin/pip install --quiet --no-deps $(LEROBOT_PIN)
	$(LEROBOT_VENV)/bin/pip install --quiet -r requirements-lerobot.txt
	touch $@

# training/runner.py end to end through LeRobot's trainer on tiny v2.1 and v3.0 datasets, and
# training/serving.py: LeRobot's policy server behind its secret check, answering a real client.
# Then the platform's side: the service starts the local server in LeRobot's venv and stops it.
test-lerobot: export DJANGO_SETTINGS_MODULE = edubotics.settings.test
test-lerobot: $(LEROBOT_VENV)/.installed setup
	$(LEROBOT_VENV)/bin/python -m pytest -c tests/lerobot/pytest.ini --rootdir . --noconftest tests/lerobot -v $(PYTEST_ARGS)
	LEROBOT_PYTHON=$(LEROBOT_VENV)/bin/python $(BIN)/pytest tests/training/test_servers_lerobot.py -v -s $(PYTEST_ARGS)

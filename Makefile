# make run · make test · make bench · make lint — each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-nodeps.txt | cksum | cut -d' ' -f1)
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run serve test bench lint format translations venv clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-nodeps.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	@rm -f $(VENV)/.installed-* && touch $@

# Local run on SQLite: migrate, load ICAT's data, make a first admin, start web + worker.
run: venv
	@mkdir -p instance
	@test -s instance/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > instance/secret_key
	@export ICAT_SECRET_KEY="$$(cat instance/secret_key)" PATH="$(CURDIR)/$(BIN):$$PATH"; \
	  $(FLASK) db upgrade && \
	  $(FLASK) icat seed && \
	  $(FLASK) icat ensure-admin && \
	  { test -n "$${ICAT_SMTP_HOST:-}" || echo "Mail: ICAT_SMTP_HOST is not set, so mails are written to instance/outbox-mail/ instead."; } && \
	  exec $(MAKE) --no-print-directory serve

# Start the Procfile's web and worker with honcho (run's last step; on its own it neither
# installs nor migrates). Unless ICAT_BASE_URL is set, both processes get it derived from the
# port the web process serves on, so feed, .ics and mail links point at this very server.
serve:
	@export ICAT_PORT="$${ICAT_PORT:-5000}"; \
	  export ICAT_BASE_URL="$${ICAT_BASE_URL:-http://127.0.0.1:$$ICAT_PORT}" \
	    ICAT_SECRET_KEY="$${ICAT_SECRET_KEY:-$$(cat instance/secret_key)}" PATH="$(CURDIR)/$(BIN):$$PATH"; \
	  echo "ICAT Workspace: http://127.0.0.1:$$ICAT_PORT  (links use $$ICAT_BASE_URL; Ctrl-C stops web and worker)"; \
	  exec $(BIN)/honcho start

# The suite runs in one process per core (pytest-xdist), a test file's tests together: the
# slow process tests then overlap with the rest instead of running one after another.
PYTEST_WORKERS ?= auto
test: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# After changing user-facing text: refresh the template and catalogues, then translate the new
# entries in icat/translations/<lang>/LC_MESSAGES/messages.po and run this again to compile
# them (the .mo files are committed; tests/unit/test_translations.py checks they are current).
# No fuzzy matching: a guess from a similar message ("No meeting %(id)s." for "No delivery
# %(id)s.") is wrong more often than not and breaks the placeholder check; new messages
# stay untranslated (English) until a translator writes them.
translations: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
	  --project "ICAT Workspace" -o icat/translations/messages.pot icat
	$(BIN)/pybabel update --no-fuzzy-matching -i icat/translations/messages.pot -d icat/translations
	$(BIN)/pybabel compile -d icat/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

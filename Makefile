# Diaodu: two commands do everything on a fresh machine.
#   make run   — install, create the SQLite database with the demo city, serve http://127.0.0.1:8000
#   make test  — install test dependencies (Chromium, CJK font), run every test on SQLite and PostgreSQL
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD := Shifan@2026

.PHONY: run test install install-test system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

system-deps:
	bash scripts/system-deps.sh

run: install
	@fc-list :lang=zh 2>/dev/null | grep -q . || bash scripts/system-deps.sh || true
	$(BIN)/diaodu init --admin-password '$(DEMO_PASSWORD)'
	$(BIN)/diaodu demo
	$(BIN)/diaodu serve --host $(HOST) --port $(PORT)

test: install-test system-deps
	bash scripts/test.sh

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache

# Two commands for a newcomer: `make run` and `make test`. Both set everything up first,
# and running them again is fast and changes nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format migrations-check bench loadtest clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py load_plan
	$(PY) manage.py load_demo
	@echo ""
	@echo "メール（リマインダー）は送信せず var/mail/ にファイルとして書き出します（EMAIL_HOST を設定すると SMTP で送信）。"
	@echo "  リマインダーを送る: $(PY) manage.py send_reminders   （内容の確認だけなら --dry-run）"
	@echo "公開済みの年度の版（評価表の PDF など）は、起動したあとに裏で作ります（経過は var/log/build_editions.log）。"
	@echo "http://$(HOST):$(PORT)/ で起動します（終了は Ctrl+C）。"
	@mkdir -p var/log
	@# The editions' PDFs take most of the time: built at a lower priority once the server
	@# is starting, newest year first. Until a year's edition is stored, its pages are drawn
	@# live from the same records (publication/serving.py), so nothing waits for it.
	(sleep 3; nice $(PY) manage.py build_editions) >var/log/build_editions.log 2>&1 &
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(MAKE) migrations-check

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

# Backup and restore of the whole database (PostgreSQL: pg_dump -Fc; SQLite: a file copy made
# with SQLite's backup API). `make backup` writes $BACKUP_DIR (var/backups)/plan-<日時>.*, or FILE=….
.PHONY: backup restore
backup: setup
	$(PY) manage.py backup_db $(if $(FILE),--output $(FILE))

restore: setup
	@test -n "$(FILE)" || { echo "使い方: make restore FILE=var/backups/plan-….dump"; exit 2; }
	$(PY) manage.py restore_db $(FILE)

# Load test: throwaway PostgreSQL + gunicorn (3 workers) on loopback, locust headless with
# 20 users for 60 s (LOADTEST_USERS / LOADTEST_SECONDS), then rows are counted. Not in `make test`.
# NODES=2: two gunicorn servers on one PostgreSQL, cross-node checks and reminders on both.
NODES ?= 1
loadtest: setup
	NODES=$(NODES) bash tests/load/run.sh

# Benchmark (not part of `make test`): gunicorn + wrk against k = 1, 10, 100 times the plan.
# BENCH_KS=1,10 shortens it; BENCH_SECONDS (10, split into BENCH_ROUNDS=3 interleaved
# rounds) and BENCH_CONNECTIONS (8) per page.
bench: setup
	$(PY) manage.py bench

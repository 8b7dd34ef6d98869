# Every target creates the virtualenv on first use; nothing needs installing by hand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= socialcrm-demo.db
# pytest-xdist workers for `make test` (a number, or auto: one per CPU).
TEST_WORKERS ?= auto

.PHONY: venv demo test lint bench clean browser example-flask example-django

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/socialcrm demo --db $(DEMO_DB) --overwrite

# In parallel: the multi-process load tests (xdist_group "processes") run one after another
# on one worker; every worker has its own database table prefixes, Redis keys and files.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

# The browser test drives Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else echo "chromium is missing and this is not root: the browser test will be skipped (or fail with CI=true); install it with: apt-get install -y chromium"; fi; }

# The Flask example: a support community on SQLite, seeded, on 127.0.0.1:$${PORT:-5000}.
example-flask: $(STAMP)
	cd examples && PYTHONPATH=. $(abspath $(BIN))/python -m flask_support

# The Django example: migrate, seed and serve on 127.0.0.1:$${PORT:-8000} (SQLite beside the code).
example-django: $(STAMP)
	cd examples && PYTHONPATH=. $(abspath $(BIN))/python -m django_support

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_votes.py
	$(BIN)/python benchmarks/bench_postgres_votes.py
	$(BIN)/python benchmarks/bench_leaderboards.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .mypy_cache .ruff_cache .hypothesis

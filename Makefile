# Gaoxin — the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := gaoxin.site.settings

.PHONY: demo test bench messages lock clean venv

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(BIN)/.installed

## Set everything up on the embedded SQLite database, load the demo zone and start the server (with the
## embedded job worker: long work runs as a job; production: `gaoxin serve`, docs/operator-guide.md).
demo: $(BIN)/.installed
	$(BIN)/gaoxin migrate --no-input
	$(BIN)/gaoxin demo --if-empty
	$(BIN)/gaoxin collectstatic --no-input --verbosity 0
	@$(BIN)/gaoxin demo --logins
	@echo "Gaoxin is starting at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	export GAOXIN_DEBUG=$${GAOXIN_DEBUG:-false} GAOXIN_HTTPS=$${GAOXIN_HTTPS:-false}; \
	$(BIN)/gaoxin worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gaoxin runserver 127.0.0.1:$(PORT) --insecure

## Run the whole suite: architecture contracts, lint, types, tests.
test: $(BIN)/.installed
	$(BIN)/lint-imports
	$(BIN)/ruff check src tests bench devtools
	$(BIN)/ruff format --check src tests bench devtools
	$(BIN)/mypy src devtools
	$(BIN)/pytest -q

## Benchmarks side by side with the peer tools (pandana, spopt, pandas); writes docs/performance.md.
## pandana's contraction hierarchy on the 250,000-node grid and spopt's CBC runs take long: expect 20+ minutes.
bench: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python bench/access_bench.py --out docs/performance.md
	$(BIN)/python bench/city_bench.py --append docs/performance.md
	$(BIN)/python bench/lifecircle_bench.py --append docs/performance.md
	$(BIN)/python bench/siting_bench.py --append docs/performance.md
	$(BIN)/python bench/catchment_bench.py --append docs/performance.md
	$(BIN)/python bench/mu_benefit_bench.py --append docs/performance.md
	$(BIN)/python bench/load_bench.py --append docs/performance.md

## Recompile the translation catalogues (pure Python, no system gettext needed).
messages: $(BIN)/.installed
	$(BIN)/gaoxin compilecatalogues

lock:
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v -E '^(gaoxin|pip)==' | grep -v -i -F -x -f bench/only.txt > requirements.lock.new
	(echo '# Exact versions for Python 3.11 (pip freeze of a working environment). Update with `make lock`.'; cat requirements.lock.new) > requirements.lock
	rm requirements.lock.new

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles

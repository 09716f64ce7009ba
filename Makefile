# The two commands a newcomer types: `make run` and `make test`. Each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

CORPUS := .cache/web-corpus

.PHONY: run test venv bench clean corpus

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(PY) -m reader.ui.launch

# Real saved web pages for the differential test, from PyPI source distributions (git-ignored).
$(CORPUS)/.done: tests/core/importers/fetch_web_corpus.py | $(STAMP)
	@$(PY) tests/core/importers/fetch_web_corpus.py $(CORPUS)

corpus: $(CORPUS)/.done

test: $(STAMP) corpus
	$(VENV)/bin/ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) benchmarks/import_bench.py
	$(PY) benchmarks/search_bench.py
	$(PY) benchmarks/anchoring_bench.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/ui_bench.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/pdf_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .cache

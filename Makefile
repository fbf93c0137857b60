# The two commands of a fresh machine (each creates .venv and installs what it needs):
#   make demo   - run the main job on the bundled example
#   make test   - pass the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SOURCES ?= ../shared/sources

.PHONY: demo test corpus benchmark clean label-studio

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The tests cover every baseline, minilm included: the transformer extra (torch==2.13.0, the CPU build) too.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev,transformer]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/newsevents demo --out demo-output

# Label Studio in its own virtual environment (.label-studio/venv, about 1 GB; once): the tests start real servers.
label-studio: $(VENV)/.installed
	$(BIN)/python -c "from newsevents.annotation.label_studio.server import ensure_installed; print(ensure_installed())"

test: $(VENV)/.installed-dev label-studio
	$(BIN)/python -m pytest -n 2 -q

# Build the gold corpus from the shared source texts and check it for leaks.
corpus: $(VENV)/.installed
	$(BIN)/newsevents corpus build --texts $(SOURCES) --out build/newsevents
	$(BIN)/newsevents corpus check-leaks --texts $(SOURCES)

benchmark: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/ingest.py --sources $(SOURCES)
	$(BIN)/python benchmarks/score.py
	$(BIN)/python benchmarks/baselines.py
	$(BIN)/python benchmarks/llm.py

clean:
	rm -rf $(VENV) build demo-output .pytest_cache .hypothesis

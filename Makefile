# Two commands do all the set-up on a fresh Debian or Ubuntu machine:
#   make demo   runs the main demo
#   make test   runs the linter, the type checker and the whole test suite
# Each creates .venv when missing, installs stepgrad into it, and installs the
# system Graphviz (the `dot` program) when it is missing and we run as root; without
# it (no root, no apt) the pictures use graphviz-pure, which pip puts into .venv.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test lint bench notebooks graphviz browser venv clean

# --- system prerequisites -------------------------------------------------

graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Graphviz (the dot program) with apt-get"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; } || \
	      echo "apt-get could not install Graphviz: the pictures use graphviz-pure (pip, in $(VENV))"; \
	  else \
	    echo "no system Graphviz: the pictures use graphviz-pure, which pip installs into $(VENV)"; \
	    echo "    (the system one, if you want it: sudo apt-get install -y graphviz)"; \
	  fi; }

# Debian's Chromium, for the browser test of the stepper's HTML export (the
# test skips, saying how to install it, when it is missing and we are not root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium (for the browser test) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: the browser test will skip. Install it with:"; \
	    echo "    sudo apt-get install -y chromium"; \
	  fi; }

$(VENV)/bin/activate:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Python's venv module is missing. Install it with:"; \
	    echo "    sudo apt-get install -y python3-venv"; \
	    exit 1; \
	  fi; }
	@$(PY) -m pip install -q --upgrade pip

# pip install, tried once more after a failure: a package index that does not answer for a
# moment makes pip see no versions of a package and fail with "ResolutionImpossible" (seen in
# CI once, on the floors venv; the same install passed at once when run again).
comma := ,
pip_install = $(PY) -m pip install -q $(1) || { echo "pip install failed; trying once more in 10 s"; \
	sleep 10; $(PY) -m pip install -q $(1); }

$(VENV)/.installed: $(VENV)/bin/activate pyproject.toml
	$(call pip_install,-e '.[render]')
	@touch $@

$(VENV)/.installed-dev: $(VENV)/bin/activate pyproject.toml
	$(call pip_install,-e '.[dev]')
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(call pip_install,-e '.[dev$(comma)bench]')
	@touch $@

venv: $(VENV)/.installed

# --- the two commands -----------------------------------------------------

demo: graphviz $(VENV)/.installed
	$(PY) -m stepgrad demo

test: graphviz browser $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

# --- the same checks on other Pythons (CI runs both after `make test`) ---
# test-floors: Python 3.10, the oldest the README promises, with every dependency
# at the floor pyproject.toml declares (.ci/floors.py); test-newest: the newest
# Python on the machine with the newest dependencies. Each skips, saying so,
# where the machine has no such Python. See .ci/other-python.
.PHONY: test-floors test-newest

test-floors:
	bash .ci/other-python floors

test-newest:
	bash .ci/other-python newest

# --- more ---

$(VENV)/.installed-notebooks: $(VENV)/.installed-dev
	$(call pip_install,-e '.[dev$(comma)notebooks]')
	@touch $@

# Jupyter refuses to run as root without --allow-root (a container, a VM as root).
notebooks: graphviz $(VENV)/.installed-notebooks
	$(VENV)/bin/jupyter lab notebooks/ $$( [ "$$(id -u)" = "0" ] && echo --allow-root )

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info src/*.egg-info

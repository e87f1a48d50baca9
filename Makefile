# Two commands do everything on a fresh machine with Python >= 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast test-image bench screenshots lint messages browser postgres nginx clean native test-native

run: $(STAMP)
	$(BIN)/python main.py --demo

# Tests run on WORKERS processes (pytest-xdist); those that cannot share the machine (replicas behind
# nginx, the native window, the ones marked `alone`) run one after another on one of them.
WORKERS ?= 2
PYTEST  := $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadgroup

test: $(STAMP) browser postgres nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST) --durations=15

# The Docker image, built with podman and run in a chroot of it (no registry or OCI runtime needed;
# see the README's Docker section). Minutes, as root: not part of `make test`.
test-image: $(STAMP)
	@$(call apt_install,podman debootstrap)
	$(BIN)/python -m pytest -q -p no:xdist -m image -s tests/image

# The edit-test loop: SQLite only, no browser, no replicas, nothing slow (under 3 minutes).
test-fast: $(STAMP)
	$(PYTEST) -m "not browser and not postgres and not cluster and not native and not slow"

bench: $(STAMP)
	$(BIN)/python -m bench

screenshots: $(STAMP) browser
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/browser/test_screenshots.py tests/browser/test_email_browser.py

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The words people read in their language: extract them from the code (babel.cfg) into the template,
# and bring every catalog (services/locales/<lang>/LC_MESSAGES/messages.po) up to date with it; then
# translate what is new (tests/services/test_catalogs.py fails until every language has it). A new
# language: $(BIN)/pybabel init -i services/locales/messages.pot -d services/locales -l it
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o services/locales/messages.pot .
	$(BIN)/pybabel update -i services/locales/messages.pot -d services/locales --no-fuzzy-matching --ignore-obsolete

# uv installs what pip would (the same pyproject, the same resolution rules) in seconds instead of ~40 s:
# a fresh clone's `make test` pays the install every time.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[demo,test]"
	touch $(STAMP)

# Real-browser tests drive Debian's Chromium (browsers cannot be downloaded here).
browser:
	@test -x /usr/bin/chromium || { \
		echo "installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# PostgreSQL tests start their own throwaway cluster from Debian's server binaries (standins/postgres.py).
postgres:
	@$(call apt_install,postgresql)

# The replicas test puts Debian's nginx, as a plain process, in front of real Airdates (standins/nginx.py).
nginx:
	@$(call apt_install,nginx)

# The native window (`python main.py --native`): pywebview with Qt WebEngine, plus the Debian libraries
# Qt loads (the same list as native.NATIVE_APT_PACKAGES); test-native adds the X tools its tests drive.
NATIVE_APT      := libegl1 libgl1 libgbm1 libnss3 libasound2 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1
NATIVE_TEST_APT := xvfb xauth imagemagick xdotool

# Installs those of the Debian packages $(1) that are missing: apt-get as root, else through sudo.
apt_install = missing=$$(for p in $(1); do dpkg-query -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | grep -qx installed || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif ! command -v apt-get >/dev/null; then echo "no apt-get here: install the equivalents of: $$missing"; \
	else echo "installing $$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi

native: $(STAMP)
	@$(BIN)/python -c "import importlib.util as u, sys; \
		sys.exit(not all(u.find_spec(m) for m in ('webview', 'qtpy', 'PyQt6.QtWebEngineWidgets')))" 2>/dev/null \
		|| $(BIN)/pip install --quiet -e ".[native]"
	@$(call apt_install,$(NATIVE_APT))

test-native: native
	@$(call apt_install,$(NATIVE_TEST_APT))
	$(BIN)/python -m pytest -q -rs tests/native

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

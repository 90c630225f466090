# csapp — `make run` sets everything up and serves on 127.0.0.1:5000 (web + queue worker, see Procfile);
# `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app csapp
HOST ?= 127.0.0.1
PORT ?= 5000
# Debian packages the app needs at run time (WeasyPrint's fast font subsetting) and to build its venv;
# the tests also drive Debian's chromium and start a throwaway PostgreSQL of their own (tests/pg_server.py).
SYSTEM_PACKAGES := python3-venv libharfbuzz-subset0
TEST_PACKAGES := chromium postgresql

.PHONY: run test lint bench lock system-deps test-deps venv db clean

run: system-deps venv db
	CSAPP_HOST=$(HOST) CSAPP_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

# Local config with a random secret key (kept in instance/, not in git), migrations, the signing keys and
# the demo data, each only once.
db: venv
	@test -f instance/config.py || $(PY) -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}'); \
		print('# 通知书签发人 (printed on every notice; the demo HR head — change for a real install)'); \
		print('NOTICE_SIGNATORY_TITLE = \'人事部负责人\''); print('NOTICE_SIGNATORY_NAME = \'林晓\'')" > instance/config.py
	$(FLASK) db upgrade
	$(FLASK) pki init --if-missing
	$(FLASK) demo --if-empty

test: system-deps test-deps venv lint
	$(PY) -m pytest

# The linter and the formatter (ruff) are part of the tests.
lint: venv
	$(VENV)/bin/ruff check csapp tests benchmarks
	$(VENV)/bin/ruff format --check csapp tests benchmarks

bench: system-deps venv
	$(PY) benchmarks/run.py

# Debian's postgresql package would create and start a system cluster; the tests only want the binaries.
test-deps:
	@if [ "$$(id -u)" = 0 ] && ! grep -qs '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf; then \
	  mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf; \
	fi
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(TEST_PACKAGES)"

# Install missing Debian packages when we are root; otherwise say exactly what to run.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Run: sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

venv: $(VENV)/.installed

# requirements.lock pins every package (reproducible installs); `make lock` renews it after a change to
# the dependencies in pyproject.toml.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[test]'
	touch $@

lock: venv
	$(PY) -m pip install -q --upgrade -e '.[test]'
	$(PY) -m pip freeze --exclude-editable | grep -v '^csapp' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

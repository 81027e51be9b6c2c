#!/usr/bin/env bash
# Install what PRS Lab needs on Debian or Ubuntu: the system packages (nginx, a Java
# runtime for JMeter, PostgreSQL, unzip, curl) and the Python environment in .venv.
#
# Safe to run again: each step checks first, and the Python step is skipped while a
# stamp matches the requirement files, so a second run takes about a second.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
STAMP="$VENV/.setup-stamp"

say() { printf '==> %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# Print the Debian package name of each missing system dependency.
missing_packages() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || echo nginx
    command -v java >/dev/null || echo default-jre-headless
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null \
        || command -v postgres >/dev/null || echo postgresql
    command -v unzip >/dev/null || echo unzip
    command -v curl >/dev/null || echo curl
    command -v flock >/dev/null || echo util-linux
    # Only a new venv needs ensurepip, which Debian ships in python3-venv.
    [ -x "$VENV/bin/python" ] || "$PYTHON" -c 'import ensurepip' 2>/dev/null \
        || echo python3-venv
}

install_system_packages() {
    local packages
    packages=$(missing_packages | xargs)
    if [ -z "$packages" ]; then
        say "System packages: present"
        return
    fi

    local command="apt-get update && apt-get install -y --no-install-recommends $packages"
    command -v apt-get >/dev/null \
        || fail "missing $packages, and apt-get is not available: install them yourself."
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null \
            || fail "missing $packages: run \`sudo sh -c '$command'\` as an administrator."
        sudo="sudo"
    fi

    say "Installing system packages: $packages"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends $packages
}

# A digest of everything the Python environment is built from.
python_inputs_digest() {
    cat requirements.txt requirements-lab.txt constraints.txt pyproject.toml \
        | sha256sum | cut -d' ' -f1
}

install_python_environment() {
    local digest
    digest=$(python_inputs_digest)
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$digest" ]; then
        say "Python environment $VENV: up to date"
        return
    fi

    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || fail "PRS Lab needs Python 3.11 or newer, but $PYTHON is" \
                "$("$PYTHON" --version 2>&1): set PYTHON to a newer one."
        say "Creating $VENV with $PYTHON"
        "$PYTHON" -m venv "$VENV"
    fi
    say "Installing Python packages into $VENV (pinned by constraints.txt)"
    "$VENV/bin/python" -m pip install -q -c constraints.txt -r requirements-lab.txt
    "$VENV/bin/python" -m pip install -q -c constraints.txt -e .
    echo "$digest" >"$STAMP"
    say "Python environment $VENV: ready"
}

install_system_packages

# Parallel runs (two `make test` at once) would install into the same venv together.
mkdir -p var
exec 9>var/setup.lock
flock 9
install_python_environment

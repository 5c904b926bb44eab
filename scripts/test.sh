#!/usr/bin/env bash
# Run every test: creates (once) a virtual environment in .venv, installs craftcore with its test, tui and exact extras,
# the five shipped packs and the web game (craftcore-web with its test and PostgreSQL extras), then runs pytest.
# Works on a fresh Debian machine with Debian's own Python (see scripts/_venv.sh).
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
web=()
[ -f web/pyproject.toml ] && web=(-e "web[testing,postgresql]")
craftcore_venv "testing,tui,exact" "${web[@]}"
export PATH="$VENV/bin:$PATH"  # as if activated: the tests also run the `craftcore` console script
exec "$VENV_PYTHON" -m pytest "$@"

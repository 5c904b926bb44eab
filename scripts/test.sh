#!/usr/bin/env bash
# Install craftcore, its four content packs and the test dependencies, then run every test.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check \
    -e '.[testing,exact]' -e packs/attention -e packs/moe -e packs/ssm -e packs/production \
    $( [ -f web/pyproject.toml ] && echo "-e web[testing,postgresql]" )
exec python3 -m pytest "$@"

#!/usr/bin/env bash
# Install what tests/web needs on a fresh Debian machine, as root: Debian's chromium (and a font with the star
# glyphs), and Playwright from PyPI to drive it. Idempotent, and quick when everything is there already: nothing is
# downloaded then, not even the apt lists.
# Usage: bash examples/web/ci-setup.sh
set -euo pipefail
cd "$(dirname "$0")"

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages+=(fonts-dejavu-core)
if [ "${#packages[@]}" -gt 0 ]; then
    echo "ci-setup: installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! python3 -c "import playwright.sync_api" 2>/dev/null; then
    echo "ci-setup: installing playwright"
    python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
fi

/usr/bin/chromium --version 2>/dev/null  # (its wrapper script prints a harmless warning on stderr)
python3 -c "import importlib.metadata as m; print('playwright', m.version('playwright'))"

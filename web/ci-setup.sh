#!/usr/bin/env bash
# Make a fresh Debian machine ready for tests/web, as root, and print the line that points the tests at PostgreSQL:
#   bash web/ci-setup.sh >setup.env && . setup.env
# - Debian's chromium (and a font with the star glyphs) for the browser test, driven by Playwright from PyPI (never
#   `playwright install`);
# - Debian's postgresql: the cluster is started (pg_ctlcluster, as the postgres user) and a role and a database are
#   created for the tests; the DSN is printed as `export CRAFTCORE_WEB_TEST_POSTGRES=...`.
# Idempotent, and quick when everything is there already (no apt lists are fetched then). Logs go to stderr.
set -euo pipefail
exec 3>&1 1>&2  # only the export line goes to stdout

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages+=(fonts-dejavu-core)
command -v pg_ctlcluster >/dev/null || packages+=(postgresql)
if [ "${#packages[@]}" -gt 0 ]; then
    echo "ci-setup: installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq "${packages[@]}" >/dev/null 2>&1; then
        apt-get update -qq
        apt-get install -y -qq "${packages[@]}" >/dev/null
    fi
fi

# PostgreSQL: the first cluster Debian made (or one made now), started, with a role and a database for the tests.
read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1) || true
if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >/dev/null
    read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
fi
if [ "$status" != "online" ]; then
    echo "ci-setup: starting PostgreSQL $version/$cluster on port $port"
    # the server is a daemon: it must not inherit fd 3 (the caller's pipe), or a `$(...)` around this script never ends
    pg_ctlcluster "$version" "$cluster" start 3>&- </dev/null
fi
psql_() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 50); do psql_ -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
if [ "$(psql_ -c "SELECT 1 FROM pg_roles WHERE rolname = 'craftweb'")" != "1" ]; then
    psql_ -c "CREATE ROLE craftweb LOGIN PASSWORD 'craftweb'"
fi
if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname = 'craftweb_test'")" != "1" ]; then
    psql_ -c "CREATE DATABASE craftweb_test OWNER craftweb"
fi

/usr/bin/chromium --version 2>/dev/null 3>&- || true  # (its wrapper script prints a harmless warning on stderr)
echo "ci-setup: PostgreSQL $version/$cluster on port $port, database craftweb_test"
echo "export CRAFTCORE_WEB_TEST_POSTGRES=postgresql://craftweb:craftweb@127.0.0.1:$port/craftweb_test" >&3

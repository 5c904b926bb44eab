# shellcheck shell=bash
# Sourced by scripts/play.sh and scripts/test.sh: make sure a virtual environment exists and holds craftcore, the
# five shipped packs and the extras asked for, then set $VENV_PYTHON. Works with Debian's own Python (PEP 668
# "externally managed"): nothing is ever installed into the system Python.
#
# Usage (after `cd` to the checkout): craftcore_venv EXTRAS [pip requirement arguments...]
#   EXTRAS   craftcore's extras, e.g. "tui" or "testing,tui"
# Environment: CRAFTCORE_VENV (default: the active $VIRTUAL_ENV, else .venv in the checkout); PYTHON (default python3).
#
# Idempotent and quick: the install runs again only when a pyproject.toml or requirements file (or the arguments)
# changed since the last successful install (a stamp file in the environment records their SHA-256).

PACKS=(packs/foundations packs/attention packs/moe packs/ssm packs/production)

craftcore_venv() {
    local extras=$1
    shift
    local python=${PYTHON:-python3}
    VENV=${CRAFTCORE_VENV:-${VIRTUAL_ENV:-.venv}}
    VENV_PYTHON="$VENV/bin/python"

    if ! command -v "$python" >/dev/null 2>&1; then
        echo "craftcore: $python not found: install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)" >&2
        return 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "craftcore: needs Python 3.11 or newer; $python is $("$python" --version 2>&1)" >&2
        return 1
    fi
    if [ ! -x "$VENV_PYTHON" ]; then
        if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
            # Debian and Ubuntu ship venv's pip bootstrap separately, in python3-venv
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
                echo "craftcore: installing python3-venv (Debian's Python needs it to create a virtual environment)" >&2
                DEBIAN_FRONTEND=noninteractive apt-get update -qq
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            else
                echo "craftcore: $python cannot create a virtual environment; install python3-venv first:" >&2
                echo "    sudo apt-get install python3-venv" >&2
                return 1
            fi
        fi
        echo "craftcore: creating the virtual environment $VENV" >&2
        "$python" -m venv "$VENV"
    fi

    local args=(-e ".[${extras}]")
    local pack
    for pack in "${PACKS[@]}"; do
        args+=(-e "$pack")
    done
    args+=("$@")
    local stamp="$VENV/.craftcore-install"
    local want
    want=$( { printf '%s\n' "${args[@]}"; cat pyproject.toml packs/*/pyproject.toml $( [ -f web/pyproject.toml ] && echo web/pyproject.toml ); \
              for a in "$@"; do [ -f "$a" ] && cat "$a"; done; true; } | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "craftcore: installing craftcore[${extras}] and the shipped packs into $VENV" >&2
        "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check "${args[@]}"
        printf '%s\n' "$want" >"$stamp"
    fi
}

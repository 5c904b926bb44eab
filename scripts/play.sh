#!/usr/bin/env bash
# Play the game in a terminal: creates (once) a virtual environment in .venv, installs craftcore (with the
# full-screen mode) and the five shipped packs into it, then runs `craftcore play`, saving outside the checkout in
# ${XDG_DATA_HOME:-~/.local/share}/craftcore/my-game.json unless --save FILE is given.
# Works on a fresh Debian machine with Debian's own Python (see scripts/_venv.sh).
# Usage: bash scripts/play.sh [craftcore play options, e.g. --tui]
#        bash scripts/play.sh --dry-run   (print what would run; create and install nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
save_dir="${XDG_DATA_HOME:-$HOME/.local/share}/craftcore"
args=("$@")
dry=0
if [ "${1:-}" = "--dry-run" ]; then
    dry=1
    args=("${@:2}")
fi
has_save=0
for a in "${args[@]}"; do
    case "$a" in --save|--save=*|-h|--help) has_save=1 ;; esac
done
[ "$has_save" = 1 ] || args+=(--save "$save_dir/my-game.json")
if [ "$dry" = 1 ]; then
    . scripts/_venv.sh
    echo "virtual environment: ${CRAFTCORE_VENV:-${VIRTUAL_ENV:-.venv}}"
    echo "install: -e .[tui] $(printf -- '-e %s ' "${PACKS[@]}")"
    echo "run: craftcore play ${args[*]}"
    exit 0
fi
. scripts/_venv.sh
craftcore_venv "tui"
mkdir -p "$save_dir"
exec "$VENV_PYTHON" -m craftcore play "${args[@]}"

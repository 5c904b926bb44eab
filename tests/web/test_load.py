"""Load: ``web/loadtest.py`` as the README runs it, small: 20 players for 4 s on two workers. No 5xx, no dropped
connection, and no discovery lost. (The README's figures, 500 players for 20 s on 1, 2 and 4 workers, on SQLite and
PostgreSQL, are measured by hand with the same script.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .helpers import WEB


@pytest.mark.load
def test_players_at_once_on_two_workers_lose_nothing() -> None:
    r = subprocess.run(
        [sys.executable, str(WEB / "loadtest.py"), "--players", "20", "--seconds", "4", "--workers", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    figures = json.loads(r.stdout)
    print(figures)
    assert figures["5xx"] == 0 and figures["dropped"] == 0 and figures["lost"] == 0
    assert figures["4xx"] == 0  # every request the players make is a valid one
    assert figures["requests"] > 100 and figures["discoveries"] > 20

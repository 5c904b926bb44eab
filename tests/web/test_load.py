"""Load: 20 players combining at once for 10 s through the API. No 5xx, and no discovery lost, even after a restart."""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .helpers import Client, Server

PLAYERS = 20
SECONDS = 10.0


class Player:
    """Plays through the API and keeps its own model of what it has discovered, from the responses alone."""

    def __init__(self, number: int, url: str) -> None:
        self.number = number
        self.client = Client(url)
        self.rng = random.Random(number)
        self.expected: set[str] = set()
        self.starts: set[str] = set()
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.actions: Counter[str] = Counter()
        self.problems: list[str] = []

    def start(self) -> None:
        state = self.client.new_game()
        self.starts = {c["id"] for c in state["concepts"]}
        self.expected = set(self.starts)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        began = time.perf_counter()
        try:
            r = self.client.request(method, path, body)
        except Exception as exc:  # a dropped connection counts as a failure, like a 5xx
            self.problems.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            self.statuses[0] += 1
            return None
        self.latencies.append(time.perf_counter() - began)
        self.statuses[r.status] += 1
        if r.status != 200:
            self.problems.append(f"{method} {path} {body}: {r.status} {r.raw[:200]!r}")
            return None
        return r.json

    def check(self, state: dict[str, Any], after: str) -> None:
        got = {c["id"] for c in state["concepts"]}
        if got != self.expected:
            self.problems.append(f"after {after}: server has {sorted(got ^ self.expected)} differently")
            self.expected = got

    def play(self, deadline: float, barrier: threading.Barrier) -> None:
        barrier.wait()
        while time.perf_counter() < deadline:
            available = self.call("GET", "/api/game/available")
            if available is None:
                continue
            roll = self.rng.random()
            if available["combinations"] and roll < 0.75:
                self.combine(self.rng.choice(available["combinations"])["inputs"], "discover")
            elif roll < 0.93 or self.expected == self.starts:
                self.combine(self.rng.sample(sorted(self.expected), 2), "guess")
            else:
                data = self.call("POST", "/api/game/undo")
                if data is not None:
                    self.actions["undo"] += 1
                    self.expected -= {c["id"] for c in data["undone"]["new"]}
                    self.check(data["game"], "undo")

    def combine(self, inputs: list[str], kind: str) -> None:
        data = self.call("POST", "/api/game/combine", {"concepts": inputs})
        if data is None:
            return
        result = data["result"]
        self.actions[kind] += 1
        self.actions["discoveries"] += len(result["new"])
        self.actions["failures"] += not result["success"]
        self.expected |= {c["id"] for c in result["new"]}
        self.check(data["game"], f"combine {inputs}")


@pytest.mark.load
def test_twenty_players_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = Server(tmp_path / "games.sqlite3", "--quiet").start()  # every installed pack
    try:
        players = [Player(i, server.url) for i in range(PLAYERS)]
        for p in players:
            p.start()
        barrier = threading.Barrier(PLAYERS)
        began = time.perf_counter()
        deadline = began + 0.2 + SECONDS  # the barrier releases everyone well before the clock starts counting
        threads = [threading.Thread(target=p.play, args=(deadline, barrier)) for p in players]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 60)
        elapsed = time.perf_counter() - began
        assert not any(t.is_alive() for t in threads)

        # every discovery a response reported is in the game, and nothing else is; after a restart too
        for restarted in (False, True):
            if restarted:
                assert server.stop() == 0
                server.start()
            for p in players:
                c = Client(server.url, p.client.token)
                state = c.get("/api/game").json
                assert {x["id"] for x in state["concepts"]} == p.expected, (p.number, restarted)
                c.close()
    finally:
        server.kill()

    statuses = sum((p.statuses for p in players), Counter())
    actions = sum((p.actions for p in players), Counter())
    latencies = sorted(x for p in players for x in p.latencies)
    problems = [f"player {p.number}: {m}" for p in players for m in p.problems]
    requests = sum(statuses.values())
    q = statistics.quantiles(latencies, n=100)
    figures = (
        f"load test: {PLAYERS} players for {SECONDS:.0f} s ({elapsed:.1f} s wall): {requests} requests, "
        f"{requests / elapsed:.0f} req/s; {actions['discover'] + actions['guess']} combinations "
        f"({actions['discoveries']} discoveries, {actions['failures']} failed), {actions['undo']} undos; "
        f"latency p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms; statuses {dict(sorted(statuses.items()))}; "
        f"every reply and every game after a restart matched the players' own records "
        f"({sum(len(p.expected) for p in players)} discovered concepts in all, none lost)"
    )
    with capsys.disabled():
        print("\n" + figures)
    assert problems == [], problems[:10]
    assert not [s for s in statuses if s >= 500 or s == 0]
    assert requests > 20 * PLAYERS  # it really was under load
    assert actions["discoveries"] > PLAYERS

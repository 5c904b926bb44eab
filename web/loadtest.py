"""Load test of craftcore-web on loopback: many players combining at once, then a check that nothing was lost.

Starts ``craftcore-web`` itself (on 127.0.0.1, any free port, the given database and worker count), creates the
players, lets them play for a fixed time, and prints one Markdown table row: requests/s, p50/p99 latency, the number
of 5xx answers and of dropped connections, and the discoveries that a player was told about but the server no longer
has (the "lost" ones; there must be none). With ``--kill-at S`` one worker process is killed with SIGKILL S seconds in.

Each player is one keep-alive connection driven by asyncio (a small hand-written HTTP/1.1 client: the server always
answers with a Content-Length, so this is all it needs), so one process can keep hundreds of players busy. It only
ever talks to the server it started, on loopback; every loop is bounded by the run time and a request timeout.

    python web/loadtest.py --players 500 --seconds 20 --workers 2 --db postgresql://user:pw@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
NO_LIMITS = [
    "--requests-per-second",
    "1e6",
    "--requests-burst",
    "1000000",
    "--new-players-per-minute",
    "1e6",
    "--new-players-burst",
    "1000000",
]


class Dropped(Exception):
    """The connection closed or timed out before a whole answer came."""


class Player:
    def __init__(self, number: int, port: int, stats: Stats) -> None:
        self.number = number
        self.port = port
        self.stats = stats
        self.rng = random.Random(number)
        self.token = ""
        self.told: set[str] = set()  # discoveries the server said it made
        self.known: list[str] = []
        self.available: list[list[str]] = []
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {len(data)}\r\n"
        if self.token:
            head += f"Authorization: Bearer {self.token}\r\n"
        if data:
            head += "Content-Type: application/json\r\n"
        began = time.perf_counter()
        for attempt in range(2):
            reused = self.writer is not None
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), 30)
                assert self.reader is not None
                self.writer.write(head.encode() + b"\r\n" + data)
                status, payload = await asyncio.wait_for(self._answer(self.reader), 30)
                break
            except asyncio.IncompleteReadError as exc:
                self.close()
                if reused and not exc.partial and attempt == 0:
                    # the server had closed this idle keep-alive connection before the request reached it (it
                    # never saw it): send it again on a new connection, as HTTP clients do
                    self.stats.stale += 1
                    continue
                self.stats.dropped += 1
                raise Dropped from None
            except (TimeoutError, OSError, Dropped):
                self.stats.dropped += 1
                self.close()
                raise Dropped from None
        self.stats.latencies.append(time.perf_counter() - began)
        self.stats.statuses[status] += 1
        return status, payload

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, Any]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        body = await reader.readexactly(length)
        if close:
            self.close()
        return status, json.loads(body) if body else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def start(self) -> None:
        status, data = await self.request("POST", "/api/games")
        assert status == 201, (status, data)
        self.token = data["token"]
        self.known = [c["id"] for c in data["game"]["concepts"]]

    async def play(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            try:
                if not self.available:
                    status, data = await self.request("GET", "/api/game/available")
                    if status != 200:
                        continue
                    self.available = [c["inputs"] for c in data["combinations"]]
                if self.available and self.rng.random() < 0.8:
                    inputs = self.available.pop(self.rng.randrange(len(self.available)))
                else:  # a guess, which mostly fails (a failure is written too: it is part of the save)
                    inputs = self.rng.sample(self.known, min(2, len(self.known)))
                status, data = await self.request("POST", "/api/game/combine", {"concepts": inputs})
                if status == 200 and data["result"]["new"]:
                    new = [c["id"] for c in data["result"]["new"]]
                    self.told.update(new)
                    self.known.extend(new)
                    self.available = []  # something new: what can be combined has changed
            except Dropped:
                await asyncio.sleep(0.05)  # reconnect on the next request

    async def lost(self) -> set[str]:
        for _ in range(5):
            try:
                status, data = await self.request("GET", "/api/game/discovered")
            except Dropped:
                await asyncio.sleep(0.5)
                continue
            if status == 200:
                return self.told - {d["id"] for d in data["discovered"]}
        return set(self.told)  # the game cannot be read: count everything as lost


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.dropped = 0
        self.stale = 0  # idle keep-alive connections the server had closed (resent, not counted as dropped)


def _worker_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


async def run(args: argparse.Namespace, port: int, server: subprocess.Popen[str]) -> dict[str, Any]:
    stats = Stats()
    players = [Player(i, port, stats) for i in range(args.players)]
    for chunk in range(0, len(players), 50):
        await asyncio.gather(*(p.start() for p in players[chunk : chunk + 50]))
    stats.latencies.clear()
    stats.statuses.clear()
    began = time.perf_counter()
    deadline = began + args.seconds
    killer = None
    killed: int | None = None
    if args.kill_at is not None:

        async def kill() -> None:
            nonlocal killed
            await asyncio.sleep(args.kill_at)
            killed = _worker_pids(server.pid)[0]
            os.kill(killed, signal.SIGKILL)

        killer = asyncio.ensure_future(kill())
    await asyncio.gather(*(p.play(deadline) for p in players))
    elapsed = time.perf_counter() - began
    if killer is not None:
        await killer
    requests = sum(stats.statuses.values())
    latencies = sorted(stats.latencies)
    lost = [x for p in players for x in await p.lost()]
    for p in players:
        p.close()
    return {
        "players": args.players,
        "seconds": args.seconds,
        "workers": args.workers,
        "db": "PostgreSQL" if args.db.startswith("postgres") else "SQLite",
        "requests": requests,
        "rps": requests / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
        "5xx": sum(n for s, n in stats.statuses.items() if s >= 500),
        "4xx": sum(n for s, n in stats.statuses.items() if 400 <= s < 500),
        "dropped": stats.dropped,
        "stale_keepalive": stats.stale,
        "discoveries": sum(len(p.told) for p in players),
        "lost": len(lost),
        "killed_worker": killed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", default="", help="database URL or file (default: a new SQLite file in a temp folder)")
    parser.add_argument("--kill-at", type=float, default=None, help="SIGKILL one worker this many seconds in")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON, not a table row")
    parser.add_argument("server_args", nargs="*", help="more craftcore-web options (after --)")
    args = parser.parse_args(argv)
    if not 1 <= args.players <= 2000 or not 0 < args.seconds <= 120:
        parser.error("at most 2000 players for at most 120 s")
    with tempfile.TemporaryDirectory() as tmp:
        args.db = args.db or str(Path(tmp) / "load.sqlite3")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "craftcore_web",
                "--host",
                HOST,
                "--port",
                "0",
                "--db",
                args.db,
                "--workers",
                str(args.workers),
                "--quiet",
                "--max-connections",
                str(2 * args.players + 100),
                *NO_LIMITS,
                *args.server_args,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            if "listening on" not in line:
                print(f"the server did not start: {line}", file=sys.stderr)
                return 2
            port = int(line.split("listening on ", 1)[1].split()[0].rstrip("/").rsplit(":", 1)[1])
            time.sleep(1.0 + args.workers)  # let every worker import and load the packs
            figures = asyncio.run(run(args, port, server))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    if args.json:
        print(json.dumps(figures))
    else:
        f = figures
        kill = " (one worker killed)" if f["killed_worker"] else ""
        print(
            f"| {f['db']} | {f['workers']}{kill} | {f['players']} | {f['seconds']:g} s | {f['requests']} | "
            f"{f['rps']:.0f} | {f['p50_ms']:.0f} ms | {f['p99_ms']:.0f} ms | {f['5xx']} | {f['dropped']} | "
            f"{f['discoveries']} | {f['lost']} |"
        )
    return 0 if figures["5xx"] == 0 and figures["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

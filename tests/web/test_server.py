"""The web example's JSON API against a real server process on loopback (built-in pack only), plus one in-process
server for the unexpected-error path."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore

from .helpers import ROOT, SERVE, WEB, Client, Server

STARTS = {"linear_algebra", "calculus", "probability"}
GOLDEN = ("linear_algebra", "calculus", "probability")  # -> neural_networks


def names(state: dict) -> set[str]:
    return {c["id"] for c in state["concepts"]}


def assert_error(r, status: int, code: str | None = None) -> dict:
    """A refusal: the status, a JSON error body, and no trace of the server's insides."""
    assert r.status == status, r
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    text = r.raw.decode()
    assert "Traceback" not in text and 'File "' not in text
    return body["error"]


# ------------------------------------------------------------------------------------------------- playing


def test_health_and_catalog(foundations_server: Server) -> None:
    c = foundations_server.client()
    health = c.get("/api/health")
    assert health.status == 200 and health.json["packs"] == ["foundations"]
    catalog = c.get("/api/catalog").json
    assert catalog["starts"] == list(GOLDEN)
    assert {"mathematics", "deep_learning"} <= {k["id"] for k in catalog["categories"]}
    assert {"module_0", "module_1"} <= {p["id"] for p in catalog["paths"]}
    assert len(catalog["concepts"]) == health.json["concepts"]


def test_new_game_starts_with_the_three_start_concepts(foundations_server: Server) -> None:
    c = foundations_server.client()
    state = c.new_game()
    assert names(state) == STARTS
    assert state["score"] == 30 and state["level"] == 1 and state["steps"] == 0 and not state["can_undo"]
    assert len(c.token or "") >= 40
    assert c.get("/api/game").json == state


def test_combine_discovers_with_description_why_properties_and_resources(client: Client) -> None:
    r = client.combine("probability", "linear_algebra", "calculus")  # any order
    assert r.status == 200, r
    result, state = r.json["result"], r.json["game"]
    assert result["success"] and not result["repeat"] and result["points"] == 20
    [nn] = result["new"]
    assert nn["id"] == "neural_networks" and nn["name"] == "Neural Networks" and nn["stars"] == "★★"
    assert len(nn["description"]) > 20 and nn["properties"] and nn["resources"]
    assert nn["discovery"]["why"] and nn["discovery"]["why"] == result["why"][0]
    assert {i["id"] for i in nn["discovery"]["inputs"]} == STARTS
    assert all(r["url"].startswith("https://") for r in nn["resources"])
    assert "neural_networks" in names(state) and state["score"] == 50 and state["steps"] == 1
    assert client.get("/api/game").json == state


def test_failed_and_repeated_combinations(client: Client) -> None:
    fail = client.combine("calculus", "calculus").json
    assert not fail["result"]["success"] and fail["result"]["new"] == [] and fail["result"]["hint"]
    assert fail["game"]["attempts"] == 1
    client.combine(*GOLDEN)
    again = client.combine(*GOLDEN).json["result"]
    assert again["success"] and again["repeat"] and again["new"] == []
    assert [o["id"] for o in again["outputs"]] == ["neural_networks"]


def test_available_and_discovered(client: Client) -> None:
    available = client.get("/api/game/available").json
    assert available["count"] == len(available["combinations"]) >= 1
    assert {"inputs": sorted(GOLDEN), "names": ["Calculus", "Linear Algebra", "Probability"]} in available[
        "combinations"
    ]
    client.combine(*GOLDEN)
    found = client.get("/api/game/discovered").json["discovered"]
    assert [d["id"] for d in found][:3] == list(GOLDEN) and found[3]["id"] == "neural_networks"
    assert found[3]["step"] == 1 and found[3]["source"] == "recipe" and found[3]["inputs"] == sorted(GOLDEN)


def test_concept_details(client: Client) -> None:
    la = client.get("/api/game/concepts/linear_algebra").json
    assert la["name"] == "Linear Algebra" and la["discovery"]["source"] == "start" and la["category_name"]
    assert_error(client.get("/api/game/concepts/neural_networks"), 409, "not_discovered")
    error = assert_error(client.get("/api/game/concepts/neural_netwrks"), 404, "unknown_concept")
    assert error["suggestions"] == []  # no hint about concepts the player has not discovered


def test_learning_paths_with_progress(client: Client) -> None:
    before = {p["id"]: p for p in client.get("/api/game/paths").json["paths"]}
    m0 = before["module_0"]
    assert m0["done"] == 3 and m0["next"]["id"] == "neural_networks" and not m0["complete"]
    assert [s["done"] for s in m0["steps"][:4]] == [True, True, True, False]
    client.combine(*GOLDEN)
    after = {p["id"]: p for p in client.get("/api/game/paths").json["paths"]}["module_0"]
    assert after["done"] == 4 and after["fraction"] == pytest.approx(4 / after["total"])


def test_plan_to_a_concept_and_follow_it(client: Client) -> None:
    plan = client.get("/api/game/plan?target=Profiling").json  # a name works too
    assert plan["target"]["id"] == "profiling" and plan["steps"] and not plan["discovered"]
    assert plan["lower_bound"] <= len(plan["steps"])
    for step in plan["steps"]:
        r = client.combine(*(i["id"] for i in step["inputs"]))
        assert r.json["result"]["success"], r
    assert "profiling" in names(client.get("/api/game").json)
    done = client.get("/api/game/plan?target=profiling").json
    assert done["discovered"] and done["steps"] == []


def test_undo(client: Client) -> None:
    assert_error(client.post("/api/game/undo"), 409, "nothing_to_undo")
    client.combine(*GOLDEN)
    r = client.post("/api/game/undo").json
    assert [c["id"] for c in r["undone"]["new"]] == ["neural_networks"]
    assert names(r["game"]) == STARTS and not r["game"]["can_undo"]
    assert names(client.get("/api/game").json) == STARTS


def test_reset(client: Client) -> None:
    client.combine(*GOLDEN)
    state = client.post("/api/game/reset").json
    assert names(state) == STARTS and state["steps"] == 0


def test_export_and_import(foundations_server: Server, client: Client) -> None:
    client.combine(*GOLDEN)
    client.combine("calculus", "calculus")
    save = client.get("/api/game/save").json
    assert save["game"] == "craftcore" and len(save["steps"]) == 1 and len(save["attempts"]) == 1
    other = foundations_server.client()
    other.new_game()
    state = other.request("PUT", "/api/game/save", save).json
    assert names(state) == names(client.get("/api/game").json) and state["attempts"] == 1
    assert other.get("/api/game/save").json == save
    forged = json.loads(json.dumps(save))
    forged["steps"][0]["new"] = ["profiling"]  # claims a discovery the rules do not give
    error = assert_error(other.request("PUT", "/api/game/save", forged), 422, "invalid_save")
    assert "steps[0]" in error["message"]
    assert_error(other.request("PUT", "/api/game/save", {"format_version": 99}), 422, "invalid_save")
    assert_error(other.request("PUT", "/api/game/save", [1, 2]), 400, "invalid_request")
    assert other.get("/api/game/save").json == save  # refused imports change nothing


# ------------------------------------------------------------------------------------------------- bad input


def test_malformed_json(client: Client) -> None:
    for raw in (b"{", b"not json", b'{"concepts": NaN}', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000):
        r = client.request("POST", "/api/game/combine", raw=raw, headers={"Content-Type": "application/json"})
        assert_error(r, 400, "malformed_json")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid_request"),
        ({"concepts": "calculus"}, 400, "invalid_request"),
        ({"concepts": [1, 2]}, 400, "invalid_request"),
        ({"concepts": ["calculus"], "extra": 1}, 400, "invalid_request"),
        ({"concepts": ["x" * 300]}, 400, "invalid_request"),
        ({"concepts": []}, 422, "invalid_combination"),
        ({"concepts": ["calculus"] * 5}, 422, "invalid_combination"),
        ({"concepts": ["calculus"] * 10_000}, 422, "invalid_combination"),
        ({"concepts": ["calculus", "flash_attention_x"]}, 404, "unknown_concept"),
        ({"concepts": ["calculus", "neural_networks"]}, 409, "not_discovered"),
    ],
)
def test_bad_combinations(client: Client, body: dict, status: int, code: str) -> None:
    assert_error(client.request("POST", "/api/game/combine", body), status, code)
    assert client.get("/api/game").json["attempts"] == 0  # a refused request is not a failed attempt


def test_wrong_content_type(client: Client) -> None:
    r = client.request(
        "POST",
        "/api/game/combine",
        raw=b'{"concepts": ["calculus"]}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(r, 415, "unsupported_media_type")


def test_oversized_bodies(client: Client) -> None:
    big = b'{"concepts": ["' + b"a" * (2 * 1024 * 1024) + b'"]}'
    r = client.request("POST", "/api/game/combine", raw=big, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "too_large")
    assert client.get("/api/game").status == 200  # the client reconnects; the server is fine


def _raw_exchange(server: Server, request: bytes) -> tuple[int, dict]:
    """Send bytes as they are, read one response."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(head.split()[1]), json.loads(body)


def test_huge_content_length_is_refused_without_reading(foundations_server: Server, client: Client) -> None:
    request = (
        f"POST /api/game/combine HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {client.token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n"
    ).encode()
    status, body = _raw_exchange(foundations_server, request)
    assert status == 413 and body["error"]["code"] == "too_large"


def test_expect_continue_is_refused_early(foundations_server: Server) -> None:
    request = (
        b"PUT /api/game/save HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n"
    )
    status, body = _raw_exchange(foundations_server, request)
    assert status == 413 and body["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /api/games HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        (b"POST /api/games HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
        (b"POST /api/games HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        (b"BREW /api/game HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"GET /api/game HTTP/9.9\r\nHost: x\r\n\r\n", 400),
        (b"GET /api/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"this is not http\r\n\r\n", 400),
    ],
)
def test_protocol_errors_are_json_4xx(foundations_server: Server, request_bytes: bytes, status: int) -> None:
    got, body = _raw_exchange(foundations_server, request_bytes)
    assert got == status and body["error"]["status"] == status


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing", 404, "not_found"),
        ("GET", "/../../etc/passwd", 404, "not_found"),
        ("GET", "/static/../server.py", 404, "not_found"),
        ("GET", "/craftweb/server.py", 404, "not_found"),
        ("DELETE", "/api/game", 405, "method_not_allowed"),
        ("POST", "/api/game", 405, "method_not_allowed"),
        ("POST", "/", 405, "method_not_allowed"),
        ("GET", "/api/game/plan", 400, "invalid_request"),
        ("GET", "/api/game/plan?target=flash_atention_zzz", 404, "unknown_concept"),
        ("GET", "/api/game/plan?target=" + "a" * 500, 400, "invalid_request"),
        ("GET", "/api/game/plan?" + "&".join(f"k{i}=v" for i in range(50)), 400, "bad_request"),
    ],
)
def test_bad_requests(client: Client, method: str, path: str, status: int, code: str) -> None:
    assert_error(client.request(method, path), status, code)


# ------------------------------------------------------------------------------------------------- players


@pytest.mark.parametrize(
    "authorization", [None, "Bearer ", "Bearer short", "Basic dXNlcjpwYXNz", "Bearer " + "A" * 43, "Bearer " + "é" * 43]
)
def test_a_token_is_needed(foundations_server: Server, authorization: str | None) -> None:
    c = foundations_server.client()
    headers = {"Authorization": authorization} if authorization is not None else {}
    for method, path in [
        ("GET", "/api/game"),
        ("POST", "/api/game/combine"),
        ("GET", "/api/game/save"),
        ("PUT", "/api/game/save"),
        ("POST", "/api/game/undo"),
        ("GET", "/api/game/paths"),
    ]:
        r = c.request(method, path, {"concepts": list(GOLDEN)} if method != "GET" else None, headers=headers)
        assert_error(r, 401, "unauthorized")


def test_players_cannot_see_or_change_each_other(foundations_server: Server) -> None:
    alice, bob = foundations_server.client(), foundations_server.client()
    alice.new_game()
    bob.new_game()
    assert alice.token != bob.token
    alice.combine(*GOLDEN)
    assert "neural_networks" not in names(bob.get("/api/game").json)
    assert_error(bob.get("/api/game/concepts/neural_networks"), 409, "not_discovered")
    bob.post("/api/game/reset")
    bob.combine("calculus", "calculus")
    assert "neural_networks" in names(alice.get("/api/game").json)
    assert alice.get("/api/game").json["attempts"] == 0


def test_tokens_are_not_stored(foundations_server: Server, tmp_path: Path) -> None:
    c = foundations_server.client()
    c.new_game()
    c.combine(*GOLDEN)
    with sqlite3.connect(foundations_server.db) as db:
        db.execute("PRAGMA wal_checkpoint")
        rows = db.execute("SELECT token_hash, save FROM players").fetchall()
    for path in foundations_server.db.parent.glob(foundations_server.db.name + "*"):
        assert (c.token or "").encode() not in path.read_bytes()
    assert all(len(h) == 64 for h, _ in rows)


def test_concurrent_requests_of_one_player_lose_nothing(foundations_server: Server) -> None:
    first = foundations_server.client()
    first.new_game()
    first.combine(*GOLDEN)
    combos = [c["inputs"] for c in first.get("/api/game/available").json["combinations"]]
    assert len(combos) >= 3
    found: list[str] = []
    discoveries = [0]
    lock = threading.Lock()

    def play(inputs: list[str]) -> None:
        c = Client(foundations_server.url, first.token)
        r = c.combine(*inputs)
        assert r.status == 200, r
        with lock:
            found.extend(n["id"] for n in r.json["result"]["new"])
            discoveries[0] += bool(r.json["result"]["new"])
        c.close()

    threads = [threading.Thread(target=play, args=(combo,)) for combo in combos * 2]  # each twice, all at once
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state = first.get("/api/game").json
    assert len(found) == len(set(found))  # each discovery reported once
    assert names(state) == STARTS | {"neural_networks"} | set(found)  # and every reported one is kept
    assert state["steps"] == 1 + discoveries[0]


# ------------------------------------------------------------------------------------------------- the server


def test_page_and_assets(foundations_server: Server) -> None:
    c = foundations_server.client()
    page = c.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert b"/app.js" in page.raw and b"/app.css" in page.raw
    for path, kind in [("/app.js", "text/javascript"), ("/app.css", "text/css")]:
        r = c.get(path)
        assert r.status == 200 and r.headers["content-type"].startswith(kind) and r.raw
    head = c.request("HEAD", "/")
    assert head.status == 200 and head.raw == b""


def test_restart_and_kill_lose_nothing(tmp_path: Path) -> None:
    work, data = tmp_path / "cwd", tmp_path / "data"
    work.mkdir()
    data.mkdir()
    server = Server(
        data / "games.sqlite3", "--no-installed", "--pack", str(FOUNDATIONS_DIR), cwd=work, log=tmp_path / "server.log"
    ).start()
    try:
        c = server.client()
        c.new_game()
        c.combine(*GOLDEN)
        c.combine("calculus", "neural_networks")
        before = c.get("/api/game").json
        assert before["steps"] == 2
        assert server.stop() == 0
        server.start()
        c = Client(server.url, c.token)
        assert c.get("/api/game").json == before
        c.combine("calculus", "calculus")
        after_fail = c.get("/api/game").json
        server.kill()  # no clean shutdown at all
        server.start()
        c = Client(server.url, c.token)
        assert c.get("/api/game").json == after_fail
    finally:
        server.kill()
    # nothing but the database was written: not in the working directory, not next to the database
    assert list(work.iterdir()) == []
    assert {p.name for p in data.iterdir()} <= {"games.sqlite3", "games.sqlite3-wal", "games.sqlite3-shm"}


def test_custom_pack_folder(tmp_path: Path) -> None:
    server = Server(tmp_path / "games.sqlite3", "--pack", str(ROOT / "examples" / "custom_pack")).start()
    try:
        c = server.client()
        assert "training_memory" in c.get("/api/health").json["packs"]
        c.new_game()
        plan = c.get("/api/game/plan?target=gradient_checkpointing").json
        for step in plan["steps"]:
            c.combine(*(i["id"] for i in step["inputs"]))
        detail = c.get("/api/game/concepts/gradient_checkpointing").json
        assert detail["pack"] == "training_memory" and detail["discovery"]["why"]
    finally:
        server.stop()


def test_bad_startup_options_fail_cleanly(tmp_path: Path) -> None:
    broken = tmp_path / "broken_pack"
    broken.mkdir()
    (broken / "pack.toml").write_text('[pack]\nid = "broken"\n')
    r = subprocess.run(
        [sys.executable, str(SERVE), "--port", "0", "--db", str(tmp_path / "x.sqlite3"), "--pack", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "cannot load the packs" in r.stderr and "Traceback" not in r.stderr


def test_an_unexpected_error_is_a_bare_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.syspath_prepend(str(WEB))
    from craftweb.server import make_server
    from craftweb.service import GameService
    from craftweb.store import Store

    service = GameService(craftcore.load_catalog(FOUNDATIONS_DIR, installed=False), Store(tmp_path / "games.sqlite3"))

    def broken(player: int) -> dict:
        raise RuntimeError("secret detail from /srv/internal/state.py")

    monkeypatch.setattr(service, "available", broken)
    server = make_server(service, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        c = Client(server.url)
        c.new_game()
        r = c.get("/api/game/available")
        error = assert_error(r, 500, "internal")
        assert "secret" not in r.raw.decode() and "RuntimeError" not in r.raw.decode()
        assert error["id"] in caplog.text and "secret detail" in caplog.text  # the operator sees it in the log
        assert c.get("/api/game").status == 200  # and the server carries on
        c.close()
    finally:
        server.shutdown()
        server.server_close()
        service.store.close()


def test_two_servers_on_one_database_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "games.sqlite3"
    one = Server(db, "--no-installed", "--pack", str(FOUNDATIONS_DIR), log=tmp_path / "one.log").start()
    two = Server(db, "--no-installed", "--pack", str(FOUNDATIONS_DIR), log=tmp_path / "two.log").start()
    try:
        a = one.client()
        a.new_game()
        b = Client(two.url, a.token)
        a.combine(*GOLDEN)  # server one caches the game at this version...
        b.combine("calculus", "neural_networks")  # ...server two changes it...
        state = a.combine("calculus", "probability").json["game"]  # ...and server one must not use its stale copy
        assert {"neural_networks", "backpropagation", "optimization"} <= names(state)
        combos = [c["inputs"] for c in a.get("/api/game/available").json["combinations"]]
        found: list[str] = []

        def play(server: Server, inputs: list[str]) -> None:
            c = Client(server.url, a.token)
            r = c.combine(*inputs)
            assert r.status == 200, r
            found.extend(n["id"] for n in r.json["result"]["new"])
            c.close()

        threads = [threading.Thread(target=play, args=(server, combo)) for combo in combos for server in (one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(found) == len(set(found))
        final = names(b.get("/api/game").json)
        assert final == names(a.get("/api/game").json) == names(state) | set(found)
    finally:
        one.kill()
        two.kill()

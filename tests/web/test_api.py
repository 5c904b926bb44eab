"""craftcore-web's JSON API in process, through Starlette's test client, on SQLite and on PostgreSQL (the built-in
pack only). Everything that needs a real socket is in test_server.py."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR
from craftcore_web import GameService, Settings, create_app, open_store

import craftcore

from .conftest import UNLIMITED
from .helpers import Client, InProcess

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


def test_health_and_catalog(foundations_app: InProcess) -> None:
    c = foundations_app.client()
    health = c.get("/api/health")
    assert health.status == 200 and health.json["packs"] == ["foundations"]
    catalog = c.get("/api/catalog").json
    assert catalog["starts"] == list(GOLDEN)
    assert {"mathematics", "deep_learning"} <= {k["id"] for k in catalog["categories"]}
    assert {"module_0", "module_1"} <= {p["id"] for p in catalog["paths"]}
    assert len(catalog["concepts"]) == health.json["concepts"]


def test_new_game_starts_with_the_three_start_concepts(foundations_app: InProcess) -> None:
    c = foundations_app.client()
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


def test_export_and_import(foundations_app: InProcess, client: Client) -> None:
    client.combine(*GOLDEN)
    client.combine("calculus", "calculus")
    save = client.get("/api/game/save").json
    assert save["game"] == "craftcore" and len(save["steps"]) == 1 and len(save["attempts"]) == 1
    other = foundations_app.client()
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


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing", 404, "not_found"),
        ("GET", "/../../etc/passwd", 404, "not_found"),
        ("GET", "/static/../server.py", 404, "not_found"),
        ("GET", "/craftcore_web/_app.py", 404, "not_found"),
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
def test_a_token_is_needed(foundations_app: InProcess, authorization: str | None) -> None:
    c = foundations_app.client()
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


def test_players_cannot_see_or_change_each_other(foundations_app: InProcess) -> None:
    alice, bob = foundations_app.client(), foundations_app.client()
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


def test_page_and_assets(foundations_app: InProcess) -> None:
    c = foundations_app.client()
    page = c.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert b"/app.js" in page.raw and b"/app.css" in page.raw
    for path, kind in [("/app.js", "text/javascript"), ("/app.css", "text/css")]:
        r = c.get(path)
        assert r.status == 200 and r.headers["content-type"].startswith(kind) and r.raw
    head = c.request("HEAD", "/")
    assert head.status == 200 and head.raw == b""


def test_tokens_are_not_stored(tmp_path: Path) -> None:
    db = tmp_path / "games.sqlite3"
    service = GameService(craftcore.load_catalog(FOUNDATIONS_DIR, installed=False), open_store(str(db)))
    c = InProcess(create_app(UNLIMITED, service=service)).client()
    c.new_game()
    c.combine(*GOLDEN)
    service.store.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint")
        rows = conn.execute("SELECT token_hash, save FROM players").fetchall()
    for path in tmp_path.glob("games.sqlite3*"):
        assert (c.token or "").encode() not in path.read_bytes()
    assert all(len(h) == 64 for h, _ in rows)


def test_an_unexpected_error_is_a_bare_500(
    foundations_app: InProcess, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    service = foundations_app.app.service

    def broken(player: int) -> dict:
        raise RuntimeError("secret detail from /srv/internal/state.py")

    monkeypatch.setattr(service, "available", broken)
    c = foundations_app.client()
    c.new_game()
    r = c.get("/api/game/available")
    error = assert_error(r, 500, "internal")
    assert "secret" not in r.raw.decode() and "RuntimeError" not in r.raw.decode()
    assert error["id"] in caplog.text and "secret detail" in caplog.text  # the operator sees it in the log
    assert c.get("/api/game").status == 200  # and the server carries on


# ------------------------------------------------------------------------------------------------- as typed


def test_combine_takes_names_as_typed(client: Client) -> None:
    r = client.combine("linear algebra", "CALCULUS", "Probability")
    assert [n["id"] for n in r.json["result"]["new"]] == ["neural_networks"], r
    r = client.request("POST", "/api/game/combine", {"text": "neural networks + calculus"})
    assert r.status == 200 and r.json["result"]["success"], r
    r = client.combine("calculus", "neural netwrks")  # one clear close match among the discovered: a typo
    assert [i["id"] for i in r.json["result"]["inputs"]] == ["calculus", "neural_networks"], r
    error = assert_error(client.combine("calculus", "nothing like this"), 404, "unknown_concept")
    assert set(error["suggestions"]) <= names(client.get("/api/game").json)
    error = assert_error(client.request("POST", "/api/game/combine", {"text": "a + b + c + d + e"}), 422)
    assert error["code"] == "invalid_combination"


def test_not_discovered_is_said_with_names(client: Client) -> None:
    error = assert_error(client.combine("calculus", "neural_networks"), 409, "not_discovered")
    assert "Neural Networks" in error["message"] and "neural_networks" not in error["message"]


def test_plan_suggestions_never_name_undiscovered_concepts(client: Client) -> None:
    discovered = names(client.get("/api/game").json)
    for typo in ("flashatention", "neural netwrk", "mixture of expert", "kv cach", "calculsu"):
        r = client.get(f"/api/game/plan?target={typo}")
        if r.status == 200:  # a typo is only ever read as a discovered concept
            assert r.json["target"]["id"] in discovered, (typo, r)
        else:
            error = assert_error(r, 404)
            assert set(error["suggestions"]) <= discovered, (typo, error)
    assert client.get("/api/game/plan?target=Neural Networks").status == 200  # an exact name still plans


def test_hint_suggests_a_combination_that_discovers_something(client: Client) -> None:
    hint = client.get("/api/game/hint").json["hint"]
    before = names(client.get("/api/game").json)
    assert {i["id"] for i in hint["inputs"]} <= before and hint["reason"]
    r = client.combine(*(i["id"] for i in hint["inputs"])).json
    assert r["result"]["new"], r
    toward = client.get("/api/game/hint?toward=profiling").json["hint"]
    assert toward["toward"]["id"] == "profiling"
    assert_error(client.get("/api/game/hint?toward=nothing_like_it"), 404, "unknown_concept")
    assert_error(client.get("/api/game/hint?toward=a&toward=b"), 400, "invalid_request")


def test_catalog_has_the_game_title_and_the_rules(foundations_app: InProcess) -> None:
    catalog = foundations_app.client().get("/api/catalog").json
    assert catalog["game"]["title"] == foundations_app.app.service.catalog.game.title
    assert catalog["rules"] == {"min_inputs": craftcore.MIN_INPUTS, "max_inputs": craftcore.MAX_INPUTS}
    assert all("location" not in p and p["id"] for p in catalog["packs"])  # no server path is given away


# ------------------------------------------------------------------------------------------------- abuse


def test_token_rotation_retires_the_old_token(foundations_app: InProcess) -> None:
    c = foundations_app.client()
    c.new_game()
    c.combine(*GOLDEN)
    old = c.token
    rotated = c.post("/api/game/token").json
    assert rotated["token"] != old and rotated["expires"] > time.time()
    assert_error(c.get("/api/game"), 401, "unauthorized")  # the old one stops working at once
    c.token = rotated["token"]
    assert "neural_networks" in names(c.get("/api/game").json)  # the new one plays the same game


def test_tokens_expire(tmp_path: Path) -> None:
    service = GameService(
        craftcore.load_catalog(FOUNDATIONS_DIR, installed=False), open_store(str(tmp_path / "g.sqlite3")), token_ttl=0.2
    )
    c = InProcess(create_app(UNLIMITED, service=service)).client()
    c.new_game()
    assert c.get("/api/game").status == 200
    time.sleep(0.3)
    assert_error(c.get("/api/game"), 401, "token_expired")
    assert_error(c.post("/api/game/token"), 401, "token_expired")  # an expired token cannot be renewed either
    service.store.close()


def test_rate_limits_per_client(tmp_path: Path) -> None:
    settings = Settings(requests_per_second=0.01, requests_burst=8, new_players_per_minute=0.01, new_players_burst=2)
    service = GameService(craftcore.load_catalog(FOUNDATIONS_DIR, installed=False), open_store(str(tmp_path / "g")))
    c = InProcess(create_app(settings, service=service)).client()
    c.new_game()
    c.new_game()
    error = assert_error(c.post("/api/games"), 429, "too_many_requests")
    assert "new players" in error["message"]
    statuses = [c.get("/api/game").status for _ in range(8)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429  # 3 new players + 5 reads used the burst of 8
    r = c.get("/api/game")
    assert_error(r, 429, "too_many_requests")
    assert int(r.headers["retry-after"]) >= 1
    assert c.get("/").status == 200  # the page is not rate limited
    assert service.store.count() == 2
    service.store.close()


def test_non_finite_numbers_and_lone_surrogates_never_drop_a_reply(client: Client) -> None:
    r = client.request(
        "POST", "/api/game/combine", raw=b'{"concepts": ["\\ud800"]}', headers={"Content-Type": "application/json"}
    )
    assert_error(r, 400, "invalid_request")
    r = client.request("GET", "/api/game/concepts/%ED%A0%80")  # a surrogate's UTF-8 bytes in the path
    assert r.status in (400, 404) and r.json["error"]
    from craftcore_web._app import json_response

    body = json.loads(json_response(200, {"x": float("nan"), "y": ["\ud800"]}).body)
    assert body == {"x": "nan", "y": ["\ud800"]}


@pytest.mark.parametrize("length", ["\u00b2", "abc", "-1", "1e3"])
def test_a_content_length_that_is_not_digits_is_refused_in_process_too(client: Client, length: str) -> None:
    r = client.request(
        "POST", "/api/game/combine", raw=b"{}", headers={"Content-Type": "application/json", "Content-Length": length}
    )
    assert 400 <= r.status < 500 and r.json["error"]["status"] == r.status, r


def test_legacy_sqlite_database_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as conn:  # the examples/web layout: schema 1 in PRAGMA user_version
        conn.execute(
            "CREATE TABLE players (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,"
            " save TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL)"
        )
        conn.execute("INSERT INTO players VALUES (1, 'h', 1, '{}', 1.0, 2.0)")
        conn.execute("PRAGMA user_version=1")
    store = open_store(str(db))
    from craftcore_web._store import SCHEMA_VERSION

    assert store.schema_version() == SCHEMA_VERSION and store.count() == 1
    store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT token_issued FROM players").fetchone() == (2.0,)
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(RuntimeError, match="newer"):
        open_store(str(db))

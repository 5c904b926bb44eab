"""Route codes (untrusted input), offline verification, and the daily challenge."""

from __future__ import annotations

import base64
import datetime
import hashlib
import time
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import craftcore
from craftcore import (
    ChallengeResult,
    Game,
    Route,
    RouteCodeError,
    challenge_result,
    daily_challenge,
    decode_route,
    route_code,
    verify_route,
)
from craftcore._challenge import DAILY_BAND, par_for
from craftcore._codes import CODE_PREFIX, MAX_CODE_CHARS, content_hash, encode_route

from .learnpack import TEXT, FakeClock, catalog

IDS = st.builds(
    str.__add__, st.sampled_from("abcxyz"), st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", max_size=12)
)
ROUTES = st.builds(
    Route,
    packs=st.lists(
        st.tuples(IDS, st.builds("{}.{}.{}".format, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99))),
        min_size=1,
    ).map(tuple),
    content=st.binary(min_size=8, max_size=8).map(bytes.hex),
    start=st.lists(IDS, max_size=5).map(tuple),
    targets=st.lists(IDS, min_size=1, max_size=3).map(tuple),
    steps=st.lists(st.lists(IDS, min_size=1, max_size=4).map(lambda s: tuple(sorted(s))), max_size=40).map(tuple),
    hints=st.integers(0, 50),
    date=st.none() | st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10),
)


@given(ROUTES)
def test_a_route_code_round_trips(route: Route) -> None:
    code = encode_route(route)
    assert code.startswith(CODE_PREFIX) and code.isascii() and " " not in code
    assert decode_route(code) == route
    assert decode_route(code.lower()) == route  # read in any case
    assert decode_route("  " + code[:20] + "\n" + code[20:] + " ") == route  # spaces and line breaks ignored


def kitchen_code() -> tuple[Game, str]:
    clock = FakeClock()
    game = Game(catalog(), clock=clock)
    game.suggest()
    for combo in [("flour", "water"), ("dough", "heat"), ("heat", "water"), ("bread", "heat"), ("dough", "steam")]:
        game.combine(*combo)
    return game, route_code(game, ["toast"])


ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@settings(max_examples=200)
@given(data=st.data())
def test_a_mutated_code_is_rejected_precisely(data: st.DataObject) -> None:
    _, code = kitchen_code()
    original = decode_route(code)
    mutation = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
    at = data.draw(st.integers(0, len(code) - 1))
    if mutation == "flip":
        mutated = code[:at] + data.draw(st.sampled_from(ALPHABET + "0189=-!é")) + code[at + 1 :]
    elif mutation == "cut":
        mutated = code[:at]
    elif mutation == "insert":
        mutated = code[:at] + data.draw(st.sampled_from(ALPHABET)) + code[at:]
    else:
        mutated = code[:at] + code[at + 1 :]
    try:
        route = decode_route(mutated)
    except RouteCodeError as exc:
        assert exc.reason in {"format", "version", "encoding", "checksum", "truncated"}
    else:  # only a change in the unused bits of the last character can leave the route as it was
        assert route == original


def test_huge_and_malformed_inputs_are_refused_fast() -> None:
    started = time.perf_counter()
    cases = {
        CODE_PREFIX + "A" * 10_000_000: "too-long",
        " " * (MAX_CODE_CHARS + 1): "too-long",
        "": "format",
        "hello": "format",
        "CC9-AAAA": "version",
        "CC99999999999999999999-AAAA": "version",
        CODE_PREFIX + "A1": "encoding",
        CODE_PREFIX + "AAAAAA": "encoding",  # a length base32 never has
        CODE_PREFIX: "truncated",
        CODE_PREFIX + "AAAAAAAA": "checksum",
    }
    for text, reason in cases.items():
        with pytest.raises(RouteCodeError) as info:
            decode_route(text)
        assert info.value.reason == reason, text[:40]
    with pytest.raises(RouteCodeError, match="text"):
        decode_route(b"CC1-AAAA")  # type: ignore[arg-type]
    assert time.perf_counter() - started < 2


def forge(payload: bytes, *, compress: bool = True) -> str:
    """A code with a valid checksum around any payload (what a forger can always make)."""
    body = zlib.compress(payload, 9) if compress else payload
    return CODE_PREFIX + base64.b32encode(body + hashlib.sha256(body).digest()[:4]).decode().rstrip("=")


def test_a_decompression_bomb_is_stopped() -> None:
    bomb = forge(b"[" + b" " * 4_000_000 + b"]")
    assert len(bomb) < MAX_CODE_CHARS
    started = time.perf_counter()
    with pytest.raises(RouteCodeError) as info:
        decode_route(bomb)
    assert info.value.reason == "too-large"
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "not valid JSON"),
        (b'{"p": NaN}', "not valid JSON"),
        (b"[1, 2]", "expected a table"),
        (b'{"x": 1}', "unknown fields"),
        (b'{"p": []}', "packs"),
        (b'{"p": [["a", "1"]], "c": "xyz"}', "content"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [[]]}', r"steps\[0\]"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [["a", "b", "c", "d", "e"]]}', r"steps\[0\]"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [["../x"]]}', r"steps\[0\]"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [], "s": [], "t": []}', "targets"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [], "s": [], "t": ["a"], "n": -1}', "hints"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [], "s": [], "t": ["a"], "n": true}', "hints"),
        (b'{"p": [["a", "1"]], "c": "0123456789abcdef", "r": [], "s": [], "t": ["a"], "d": "today"}', "date"),
        (b"[" * 100_000 + b"]" * 100_000, "unpacks to more than"),
    ],
)
def test_forged_contents_are_refused_field_by_field(payload: bytes, message: str) -> None:
    with pytest.raises(RouteCodeError, match=message) as info:
        decode_route(forge(payload))
    assert info.value.reason in {"data", "too-large"}


def test_not_compressed_content_is_refused() -> None:
    with pytest.raises(RouteCodeError, match="not compressed data") as info:
        decode_route(forge(b"plain bytes", compress=False))
    assert info.value.reason == "data"


def test_verify_replays_a_code_offline_with_the_optimum_and_par() -> None:
    game, code = kitchen_code()
    check = verify_route(code, catalog())
    assert check.route.targets == ("toast",) and check.steps == 4  # the step after toast's discovery is left out
    assert check.route.steps == (("flour", "water"), ("dough", "heat"), ("heat", "water"), ("bread", "heat"))
    assert check.optimum == 3 and check.par == par_for(3) == 4
    assert check.route.hints == 1
    assert check.discovered == ("dough", "bread", "steam", "toast")
    assert verify_route(route_code(game, ["bun", "toast"]), catalog()).optimum is None  # several targets
    with pytest.raises(craftcore.NotDiscovered):
        route_code(Game(catalog()), ["bun"])


def test_verifying_is_not_playing_plugins_hear_nothing() -> None:
    heard: list[str] = []

    class Listener:
        @craftcore.hookimpl
        def craftcore_concept_discovered(self, game: Game, concept: craftcore.Concept, discovery: object) -> None:
            heard.append(concept.id)

    _, code = kitchen_code()
    listening = craftcore.load_catalog(
        craftcore.PackSource.from_text("kitchen.toml", TEXT), installed=False, cache=False, plugins=[Listener()]
    )
    assert verify_route(code, listening).discovered == ("dough", "bread", "steam", "toast")
    assert heard == []


def test_verify_refuses_other_packs_content_starts_and_impossible_routes() -> None:
    _, code = kitchen_code()
    newer = craftcore.load_catalog(
        craftcore.PackSource.from_text("k.toml", TEXT.replace('version = "1.0.0"', 'version = "1.1.0"')),
        installed=False,
        cache=False,
    )
    with pytest.raises(RouteCodeError, match=r"1\.1\.0 is loaded") as info:
        verify_route(code, newer)
    assert info.value.reason == "packs"
    changed = craftcore.load_catalog(
        craftcore.PackSource.from_text(
            "k.toml", TEXT + '\n[[recipes]]\ninputs = ["toast", "water"]\noutputs = ["bread"]\n'
        ),
        installed=False,
        cache=False,
    )
    with pytest.raises(RouteCodeError, match="other content") as info:
        verify_route(code, changed)
    assert info.value.reason == "packs"
    kitchen = catalog()
    base = decode_route(code)
    cases = {
        "start": Route(base.packs, base.content, ("water",), base.targets, base.steps),
        "replay": Route(base.packs, base.content, base.start, base.targets, (("bread", "heat"),)),
    }
    for reason, route in cases.items():
        with pytest.raises(RouteCodeError) as info:
            verify_route(encode_route(route), kitchen)
        assert info.value.reason == reason
    repeat = Route(base.packs, base.content, base.start, base.targets, (("flour", "water"), ("flour", "water")))
    with pytest.raises(RouteCodeError, match="discovers nothing new"):
        verify_route(encode_route(repeat), kitchen)
    short = Route(base.packs, base.content, base.start, base.targets, base.steps[:2])
    with pytest.raises(RouteCodeError, match="do not reach 'toast'"):
        verify_route(encode_route(short), kitchen)
    unknown = Route((("elsewhere", "1.0.0"),), base.content, base.start, base.targets, base.steps)
    with pytest.raises(RouteCodeError, match="not loaded"):
        verify_route(encode_route(unknown), kitchen)


def test_the_content_hash_ignores_words_but_not_rules() -> None:
    reworded = craftcore.load_catalog(
        craftcore.PackSource.from_text("k.toml", TEXT.replace("Baked dough.", "Dough, baked.")),
        installed=False,
        cache=False,
    )
    assert content_hash(reworded) == content_hash(catalog())


def test_the_daily_challenge_is_the_same_for_everyone_and_in_its_band(full_catalog: craftcore.Catalog) -> None:
    days = [datetime.date(2026, 12, 1) + datetime.timedelta(days=i) for i in range(6)]
    challenges = [daily_challenge(full_catalog, d) for d in days]
    assert challenges == [daily_challenge(full_catalog, d) for d in days]
    assert len({c.target for c in challenges}) > 1
    low, high = DAILY_BAND
    for c in challenges:
        assert low <= c.optimum <= high and c.par == par_for(c.optimum)
        assert Game(full_catalog).plan(c.target, record=False).optimal


def test_a_daily_result_reads_like_golf_and_makes_a_code_that_verifies(full_catalog: craftcore.Catalog) -> None:
    challenge = daily_challenge(full_catalog, datetime.date(2026, 12, 2))
    game = Game(full_catalog, clock=FakeClock())
    unsolved = challenge_result(game, challenge)
    assert unsolved.code is None and unsolved.summary == f"not solved yet, par {challenge.par}, no hints"
    game.suggest()
    for step in game.plan(challenge.target, record=False).steps:
        game.combine(*step.inputs)
    result = challenge_result(game, challenge)
    assert result == ChallengeResult(challenge.target, challenge.optimum, challenge.par, 1, result.code)
    assert result.summary == f"{challenge.optimum} steps, par {challenge.par}, 1 hint"
    assert result.code is not None
    check = verify_route(result.code, full_catalog)
    assert check.route.date == "2026-12-02" and check.optimum == challenge.optimum and check.route.hints == 1


def test_a_tiny_pack_has_a_daily_challenge_closest_to_the_band() -> None:
    challenge = daily_challenge(catalog(), datetime.date(2026, 12, 2))
    assert challenge.target in {"toast", "bun"} and challenge.optimum == 3

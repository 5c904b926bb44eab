"""Saves: round trips, atomic writes, and every kind of bad save rejected with a precise error."""

from __future__ import annotations

import json
import os
import pathlib

import pytest

import craftcore
from craftcore import Game, SaveError, SaveWarning
from craftcore._saves import FORMAT_VERSION

START = ("linear_algebra", "calculus", "probability")


@pytest.fixture
def played(foundations, clock) -> Game:
    game = Game(foundations, clock=clock)
    game.combine(*START)
    game.combine("calculus", "probability")
    game.combine("calculus", "calculus", "calculus")
    return game


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_save_then_load_gives_an_equal_game(played, tmp_path, suffix) -> None:
    path = tmp_path / f"game{suffix}"
    played.save(path)
    loaded = Game.load(path, played.catalog)
    assert loaded == played
    assert loaded.score == played.score and loaded.level == played.level
    assert dict(loaded.progress()) == dict(played.progress())
    assert set(loaded.available()) == set(played.available())
    assert loaded.attempts == played.attempts
    assert [d.time for d in loaded.discovered.values()] == [d.time for d in played.discovered.values()]


def test_dict_round_trip_and_recorded_packs(played) -> None:
    data = played.to_dict()
    assert data["format_version"] == FORMAT_VERSION == 2
    assert data["packs"] == [{"id": "foundations", "version": played.catalog.packs[0].version}]
    assert Game.from_dict(json.loads(json.dumps(data)), played.catalog) == played


def test_atomic_write_keeps_the_old_save_when_writing_fails(played, tmp_path, monkeypatch) -> None:
    path = tmp_path / "game.json"
    played.save(path)
    before = path.read_bytes()
    played.combine("neural_networks", "calculus")

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        played.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]


def save_dict(played: Game, **changes) -> dict:
    data = played.to_dict()
    data.update(changes)
    return data


def assert_rejected(data, catalog, match: str, where: str | None = None) -> None:
    with pytest.raises(SaveError, match=match) as info:
        Game.from_dict(data, catalog)
    if where is not None:
        assert info.value.where == where


def test_future_and_missing_versions(played) -> None:
    assert_rejected(save_dict(played, format_version=99), played.catalog, "newer than this craftcore reads")
    assert_rejected(save_dict(played, format_version="1"), played.catalog, "not a craftcore save")
    data = played.to_dict()
    del data["format_version"]
    assert_rejected(data, played.catalog, "not a craftcore save")


def test_wrong_types_and_extra_keys(played) -> None:
    assert_rejected(save_dict(played, started="yesterday"), played.catalog, "number", "started")
    data = played.to_dict()
    data["steps"][0]["inputs"] = "calculus"
    assert_rejected(data, played.catalog, "expected an array, got a string", "steps[0].inputs")
    assert_rejected(save_dict(played, cheat=True), played.catalog, "unknown key 'cheat'")


def test_unknown_ids_and_missing_packs(played) -> None:
    data = played.to_dict()
    data["steps"][0]["inputs"] = ["calculus", "time_travel"]
    assert_rejected(data, played.catalog, "unknown concept 'time_travel'", "steps[0].inputs")
    data = played.to_dict()
    data["packs"].append({"id": "attention", "version": "1.0.0"})
    with pytest.warns(SaveWarning, match="pack 'attention' '1.0.0', which is not loaded; none of its concepts") as seen:
        assert Game.from_dict(data, played.catalog).steps == played.steps  # unused: loads without it, and says so
    assert seen[0].message.packs == ("attention",)  # type: ignore[union-attr]
    data["steps"][-1]["inputs"] = ["calculus", "self_attention"]
    assert_rejected(data, played.catalog, r"uses 'self_attention'.*pack 'attention' '1.0.0'.*install", "packs[1]")


def test_impossible_states_are_refused(played) -> None:
    data = played.to_dict()
    data["steps"][1]["new"] = ["neural_networks"]
    assert_rejected(data, played.catalog, "impossible game")
    data = played.to_dict()
    data["steps"].insert(0, {"inputs": ["neural_networks", "calculus"], "time": 1000001.0, "new": ["x"]})
    assert_rejected(data, played.catalog, "impossible game", "steps[0]")
    data = played.to_dict()
    data["attempts"][0]["after_step"] = 0
    data["attempts"][0]["inputs"] = ["optimization", "calculus"]
    assert_rejected(data, played.catalog, "impossible attempt", "attempts[0]")


def test_summary_is_never_trusted(played) -> None:
    data = save_dict(played, summary={"score": 10**9, "level": 99, "discovered": 999})
    assert Game.from_dict(data, played.catalog).score == played.score


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b'{"format_version": 1, "packs": [',
        b"\x00\x01\x02\xff",
        b"[1, 2, 3]",
        b'{"format_version": 1, "packs": [], "started": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_corrupt_truncated_and_hostile_files(played, tmp_path, content) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SaveError) as info:
        Game.load(path, played.catalog)
    assert str(path) in str(info.value)


def test_missing_file_and_oversized_file(played, tmp_path, monkeypatch) -> None:
    with pytest.raises(SaveError, match="cannot read save"):
        Game.load(tmp_path / "none.json", played.catalog)
    import craftcore._saves

    monkeypatch.setattr(craftcore._saves, "MAX_SAVE_BYTES", 10)
    path = tmp_path / "big.json"
    played.save(path)
    with pytest.raises(SaveError, match="larger than"):
        Game.load(path, played.catalog)


def test_too_many_steps_is_refused_before_replay(played) -> None:
    step = played.to_dict()["steps"][0]
    data = save_dict(played, steps=[step] * (len(played.catalog.concepts) + 1))
    assert_rejected(data, played.catalog, "only .* concepts exist", "steps")


def test_no_pickle_anywhere() -> None:
    src = pathlib.Path(craftcore.__file__).parent
    assert not any("pickle" in p.read_text(encoding="utf-8") for p in src.rglob("*.py"))

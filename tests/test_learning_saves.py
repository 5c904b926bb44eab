"""Save format 2: the review and help logs are saved and checked; format 1 saves still load (committed fixture)."""

from __future__ import annotations

import json
import math
import pathlib
from typing import Any

import pytest

from craftcore import Game, SaveError
from craftcore._saves import FORMAT_VERSION, MIGRATIONS

from .learnpack import DAY, T0, FakeClock, catalog, right_answer

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "save-v1.json"


def test_a_format_1_save_written_by_the_previous_code_still_loads() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["format_version"] == 1 and FORMAT_VERSION == 2 and 1 in MIGRATIONS
    game = Game.load(FIXTURE, catalog())
    assert [s.new for s in game.steps] == [("dough",), ("bread",), ("steam",)]
    assert [a.inputs for a in game.attempts] == [("water", "water")]
    assert game.reviews == () and game.help == ()
    assert game.started == data["started"]
    assert game.to_dict()["format_version"] == 2


def played() -> Game:
    clock = FakeClock()
    game = Game(catalog(), clock=clock)
    game.suggest()
    clock.advance(60)
    game.combine("flour", "water")
    game.plan("bread")
    game.combine("dough", "heat")
    for card in game.review_queue(T0 + DAY):
        game.answer(card, right_answer(card), T0 + DAY)
    game.combine("heat", "water")
    game.undo()
    game.answer("recipe:bread", "flour", T0 + 2 * DAY)
    return game


@pytest.mark.parametrize("name", ["game.json", "game.toml"])
def test_reviews_and_help_round_trip(tmp_path: pathlib.Path, name: str) -> None:
    game = played()
    path = tmp_path / name
    game.save(path)
    loaded = Game.load(path, catalog())
    assert loaded == game
    assert loaded.reviews == game.reviews and len(loaded.reviews) > 5
    assert loaded.help == game.help and {h.kind for h in loaded.help} == {"hint", "plan", "undo"}
    assert loaded._state.book.snapshot() == game._state.book.snapshot()
    assert loaded.mastery(T0 + 3 * DAY) == game.mastery(T0 + 3 * DAY)


def edited(**changes: Any) -> dict[str, Any]:
    data = played().to_dict()
    for key, value in changes.items():
        field, _, index = key.partition("__")
        if index:
            data[field][int(index)].update(value)
        else:
            data[field] = value
    return data


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"reviews__0": {"card": "recipe:toast"}}, "reviews[0]", "no card 'recipe:toast'"),
        ({"reviews__0": {"card": "x" * 5000}}, "reviews[0].card", "too long"),
        ({"reviews__0": {"after_step": 99}}, "reviews[0].after_step", "not between"),
        ({"reviews__0": {"after_step": -1}}, "reviews[0].after_step", "not between"),
        ({"reviews__0": {"time": math.nan}}, "reviews[0].time", "finite"),
        ({"reviews__0": {"time": 1e300}}, "reviews[0]", "out of range"),
        ({"reviews__1": {"time": 0.0}}, "reviews[1]", "before the last review"),
        ({"reviews__0": {"answer": "dough"}}, "reviews[0].answer", ""),
        ({"reviews__0": {"answer": ["x"] * 10_000}}, "reviews[0].answer", "too long"),
        ({"reviews": [{"card": "recipe:bread"}]}, "reviews[0].time", ""),
        ({"reviews": "all of them"}, "reviews", ""),
        ({"help__0": {"kind": "cheat"}}, "help[0].kind", ""),
        ({"help__0": {"after_step": 7}}, "help[0].after_step", "not between"),
        ({"help__0": {"inputs": [["nothing"]]}}, "help[0].inputs[0]", "unknown concept"),
        ({"help__0": {"inputs": [[]]}}, "help[0].inputs[0]", "takes 1 to 4"),
        ({"help__0": {"target": "nothing"}}, "help[0].target", "unknown concept"),
        ({"help__0": {"time": math.inf}}, "help[0].time", "finite"),
    ],
)
def test_damaged_review_and_help_logs_are_refused_precisely(changes: dict[str, Any], where: str, message: str) -> None:
    with pytest.raises(SaveError) as info:
        Game.from_dict(edited(**changes), catalog())
    assert info.value.where == where
    assert message in str(info.value)


def test_reviews_out_of_order_with_the_steps_are_refused() -> None:
    data = played().to_dict()
    data["reviews"][0]["after_step"], data["reviews"][-1]["after_step"] = 2, 0
    with pytest.raises(SaveError, match=r"out of order|no card"):
        Game.from_dict(data, catalog())


def test_a_review_graded_right_in_a_save_is_graded_again() -> None:
    data = played().to_dict()
    wrong = next(i for i, r in enumerate(data["reviews"]) if r["card"] == "recipe:bread" and r["answer"] == ["flour"])
    data["reviews"][wrong]["correct"] = True  # not a field of the format: refused
    with pytest.raises(SaveError):
        Game.from_dict(data, catalog())
    del data["reviews"][wrong]["correct"]
    assert not Game.from_dict(data, catalog()).reviews[wrong].correct

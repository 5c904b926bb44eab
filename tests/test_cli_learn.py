"""The learning commands (review, verify, daily) run in-process through ``main(argv)``."""

from __future__ import annotations

import datetime
import io
import json
import pathlib

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore.cli import main

FOUNDATIONS = ("--no-installed", "--pack", str(FOUNDATIONS_DIR))


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, env={})
    return status, out.getvalue(), err.getvalue()


def run_json(*argv: str, stdin: str = "") -> tuple[int, dict]:
    status, out, _ = run(*argv, "--json", stdin=stdin)
    return status, json.loads(out)


@pytest.fixture
def save(tmp_path: pathlib.Path) -> str:
    path = str(tmp_path / "game.json")
    assert run("combine", "linear_algebra", "calculus", "probability", "--save", path, *FOUNDATIONS)[0] == 0
    return path


def catalog() -> craftcore.Catalog:
    return craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)


def test_review_lists_due_cards_without_their_answers(save: str) -> None:
    status, data = run_json("review", "--save", save, "--limit", "50", *FOUNDATIONS)
    assert status == 0
    ids = [c["id"] for c in data["due"]]
    assert "recipe:neural_networks" in ids and "prerequisite:neural_networks" in ids
    card = data["due"][ids.index("prerequisite:neural_networks")]
    assert card["pick_all"] and "answers" not in card
    assert [o["number"] for o in card["options"]] == list(range(1, len(card["options"]) + 1))
    assert data["help"] == {"unaided": 1, "guided": 0, "hints": 0, "plans": 0, "undos": 0}
    assert data["mastery"]["categories"]
    status, out, err = run("review", "--save", save, "--limit", "2", *FOUNDATIONS)
    assert status == 0 and err == "" and "1) " in out and "--card ID --answer N" in out


def test_review_answers_a_card_and_saves_the_review(save: str) -> None:
    status, data = run_json(
        "review",
        "--save",
        save,
        "--card",
        "prerequisite:neural_networks",
        "--answer",
        "Calculus, linear algebra + probability",
        *FOUNDATIONS,
    )
    assert status == 0
    assert data["correct"] and data["mastery"] == "practised"
    assert data["answers"] == ["calculus", "linear_algebra", "probability"]
    game = craftcore.Game.load(save, catalog())
    assert [r.card for r in game.reviews] == ["prerequisite:neural_networks"]
    status, out, _ = run(
        "review", "--save", save, "--card", "prerequisite:neural_networks", "--answer", "1", *FOUNDATIONS
    )
    assert status == 0 and "The answer:" in out


def test_review_refuses_unknown_cards_and_half_an_answer(save: str) -> None:
    status, data = run_json("review", "--save", save, "--card", "recipe:mamba", "--answer", "1", *FOUNDATIONS)
    assert status == 1 and data["error"]["kind"] == "review"
    status, _, err = run("review", "--save", save, "--card", "recipe:neural_networks", *FOUNDATIONS)
    assert status == 2 and "go together" in err


def test_review_quiz_asks_until_an_empty_answer(save: str) -> None:
    status, out, _ = run("review", "--save", save, "--quiz", *FOUNDATIONS, stdin="1\n2\n\n")
    assert status == 0
    assert out.count("answer> ") == 3 and "Reviewed 2 cards" in out
    assert len(craftcore.Game.load(save, catalog()).reviews) == 2


def solved_code() -> str:
    game = craftcore.Game(catalog())
    for step in game.plan("backpropagation", record=False).steps:
        game.combine(*step.inputs)
    return craftcore.route_code(game, ["backpropagation"])


def test_verify_prints_the_steps_the_optimum_and_the_par() -> None:
    code = solved_code()
    status, out, err = run("verify", code, *FOUNDATIONS)
    assert (status, err) == (0, "")
    assert "Valid route to Backpropagation: 2 steps" in out
    assert "Optimum: 2 steps, par 3; 0 hints used." in out
    status, data = run_json("verify", "-", *FOUNDATIONS, stdin=code + "\n")
    assert data["optimum"] == 2 and data["par"] == 3 and data["targets"] == ["backpropagation"]


@pytest.mark.parametrize("code", ["nonsense", "CC1-AAAAAAAA", "CC1-" + "A" * 100_000])
def test_verify_refuses_a_bad_code_in_one_line(code: str) -> None:
    status, out, err = run("verify", code, *FOUNDATIONS)
    assert status == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    status, data = run_json("verify", code, *FOUNDATIONS)
    assert data["error"]["kind"] == "route-code"


def test_daily_makes_a_game_of_its_own_and_reports_the_result(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "daily.json")
    status, data = run_json("daily", "--date", "2026-12-02", "--save", path, *FOUNDATIONS)
    assert status == 0 and not data["solved"] and data["code"] is None
    challenge = craftcore.daily_challenge(catalog(), datetime.date(2026, 12, 2))
    assert (data["target"], data["par"]) == (challenge.target, challenge.par)
    game = craftcore.Game.load(path, catalog())
    for step in game.plan(challenge.target).steps:
        game.combine(*step.inputs)
    game.save(path)
    status, out, _ = run("daily", "--date", "2026-12-02", "--save", path, *FOUNDATIONS)
    assert f"Solved: {challenge.optimum} steps, par {challenge.par}, 1 hint" in out
    code = out.split("Share it: ")[1].strip()
    assert craftcore.verify_route(code, catalog()).route.date == "2026-12-02"
    status, _, err = run("daily", "--date", "yesterday", *FOUNDATIONS)
    assert status == 2 and "not a date" in err


def test_path_counts_as_help_and_stats_show_guided_discoveries_and_mastery(save: str) -> None:
    assert run("path", "backpropagation", "--save", save, *FOUNDATIONS)[0] == 0
    assert run("combine", "calculus", "neural networks", "--save", save, *FOUNDATIONS)[0] == 0
    status, data = run_json("stats", "--save", save, *FOUNDATIONS)
    assert status == 0
    assert data["learning"]["help"] == {"unaided": 1, "guided": 1, "hints": 0, "plans": 1, "undos": 0}
    assert data["learning"]["mastery"]["categories"]["mathematics"]["discovered"] == 3
    status, out, _ = run("stats", "--save", save, *FOUNDATIONS)
    assert "Discoveries: 1 unaided, 1 guided (0 hints, 1 plans, 0 undos); 0 reviews" in out


def test_the_play_menu_has_review_and_challenge(save: str) -> None:
    status, out, _ = run("play", "--save", save, *FOUNDATIONS, stdin="r\n1\n\nc\n0\n")
    assert status == 0
    assert "Review what you discovered" in out and "Today's challenge" in out
    assert "Reviewed 1 card" in out and "Daily challenge" in out and "par " in out
    assert len(craftcore.Game.load(save, catalog()).reviews) == 1

"""The one-shot game commands (combine, info, path, stats, available) run in-process through ``main(argv)``."""

from __future__ import annotations

import io
import json
import pathlib
import re

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore.cli import main

FOUNDATIONS = ("--no-installed", "--pack", str(FOUNDATIONS_DIR))


def run(*argv: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, env=env or {})
    return status, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, dict]:
    status, out, _ = run(*argv, "--json")
    return status, json.loads(out)


@pytest.fixture
def save(tmp_path: pathlib.Path) -> str:
    return str(tmp_path / "game.json")


# ------------------------------------------------------------------------------------------------------- combine


def test_combine_discovers_and_saves_to_a_new_file(save: str) -> None:
    status, out, err = run("combine", "linear algebra", "Calculus", "prob", "--save", save, *FOUNDATIONS)
    assert (status, err) == (0, "")
    assert "New discovery: Neural Networks ★★ (neural_networks, Deep learning)" in out
    assert "Why: Layers are matrix products" in out
    assert "+20 points: score 50, level 1." in out
    game = craftcore.Game.load(save, craftcore.load_catalog(FOUNDATIONS_DIR, installed=False))
    assert "neural_networks" in game.discovered


def test_one_save_file_is_shared_by_the_commands(save: str) -> None:
    assert run("combine", "linear_algebra", "calculus", "probability", "--save", save, *FOUNDATIONS)[0] == 0
    status, data = run_json("combine", "neural", "calc", "--save", save, *FOUNDATIONS)
    assert status == 0
    assert data["new"][0]["id"] == "backpropagation"
    assert data["saved"] == save
    status, stats = run_json("stats", "--save", save, *FOUNDATIONS)
    assert stats["discovered"] == 5 and stats["steps"] == 2
    status, info = run_json("info", "backprop", "--save", save, *FOUNDATIONS)
    assert info["discovered"] and info["discovery"]["step"] == 2
    assert info["discovery"]["inputs"] == ["calculus", "neural_networks"]


def test_combine_json_document(save: str) -> None:
    status, data = run_json("combine", "linear_algebra", "calculus", "probability", "--save", save, *FOUNDATIONS)
    assert status == 0
    assert set(data) == {
        "inputs",
        "success",
        "new",
        "outputs",
        "why",
        "hint",
        "points",
        "level_up",
        "score",
        "level",
        "saved",
    }
    assert data["inputs"] == ["calculus", "linear_algebra", "probability"]
    assert data["success"] is True and data["hint"] is None and data["points"] == 20
    new = data["new"][0]
    assert {
        "id",
        "name",
        "level",
        "category",
        "category_name",
        "description",
        "pack",
        "start",
        "properties",
        "resources",
        "points",
        "source",
    } == set(new)
    assert new["source"] == "recipe" and new["resources"][0]["url"].startswith("https://")


def test_failed_combination_shows_the_hint_and_is_logged(save: str) -> None:
    status, out, _ = run("combine", "probability", "probability", "--save", save, *FOUNDATIONS)
    assert status == 0
    assert "No discovery: Probability + Probability does not combine." in out
    hint = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False).hint_for(["probability", "probability"])
    assert hint is not None and " ".join(hint.text.split()) in " ".join(out.split())
    status, data = run_json("stats", "--save", save, *FOUNDATIONS)
    assert data["failed"] == 1
    status, data = run_json("combine", "probability", "probability", "--save", save, *FOUNDATIONS)
    assert data["success"] is False and data["new"] == [] and data["hint"] == hint.text


def test_a_repeat_says_so(save: str) -> None:
    run("combine", "calculus", "probability", "--save", save, *FOUNDATIONS)
    status, out, _ = run("combine", "calculus", "probability", "--save", save, *FOUNDATIONS)
    assert status == 0 and "which you have already discovered" in out


def test_unknown_name_is_one_line_with_candidates(save: str) -> None:
    status, out, err = run("combine", "calculus", "quantum gravity", "--save", save, *FOUNDATIONS)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("craftcore: error: unknown concept 'quantum gravity'")


def test_ambiguous_prefix_lists_candidates(save: str) -> None:
    status, _, err = run("info", "m", "--save", save, *FOUNDATIONS)
    assert status == 1 and err.count("\n") == 1
    assert "matches several concepts" in err and "Metrics" in err and "Memory Bandwidth" in err


def test_fuzzy_match_accepts_one_clear_typo() -> None:
    status, out, _ = run("info", "probabilty", *FOUNDATIONS)
    assert status == 0 and out.startswith("Probability")


def test_undiscovered_input_is_one_line(save: str) -> None:
    status, out, err = run("combine", "profiling", "optimization", "--save", save, *FOUNDATIONS)
    assert status == 1 and out == ""
    assert err == (
        "craftcore: error: not discovered yet: Profiling, Optimization (`craftcore available` lists what you can "
        "combine)\n"
    )


def test_one_shot_combine_never_names_an_undiscovered_concept(save: str) -> None:
    # "prof" is a prefix of Profiling, which is not discovered: the answer must not spell it out
    status, out, err = run("combine", "prof", "calculus", "--save", save, *FOUNDATIONS)
    assert status == 1 and out == "" and "Profiling" not in err
    assert err == "craftcore: error: unknown concept 'prof'\n"


def test_one_shot_messages_name_one_shot_commands(save: str) -> None:
    status, out, _ = run("info", "profiling", "--save", save, *FOUNDATIONS)
    assert status == 0 and "`craftcore path` shows how to get there" in out and "option 7" not in out


def test_corrupt_save_is_one_line(save: str) -> None:
    pathlib.Path(save).write_text('{"format_version": 1, "packs": [', encoding="utf-8")
    for command in (["stats"], ["available"], ["combine", "calculus", "probability"], ["info", "calculus"]):
        status, out, err = run(*command, "--save", save, *FOUNDATIONS)
        assert status == 1 and out == ""
        assert err.count("\n") == 1 and err.startswith(f"craftcore: error: cannot use the save: {save}")
        assert "not valid JSON" in err


def test_errors_with_json_also_give_a_json_document(save: str) -> None:
    status, out, err = run("combine", "nonsense_concept_xyz", "--save", save, "--json", *FOUNDATIONS)
    assert status == 1 and err.count("\n") == 1
    assert json.loads(out)["error"]["kind"] == "unknown-concept"


def test_too_many_inputs_is_a_usage_error() -> None:
    status, _, err = run("combine", "a", "b", "c", "d", "e", *FOUNDATIONS)
    assert status == 2 and err == "craftcore: error: a combination takes at most 4 concepts, got 5\n"


def test_save_env_variable_is_the_default(save: str) -> None:
    status, _, _ = run("combine", "calculus", "probability", *FOUNDATIONS, env={"CRAFTCORE_SAVE": save})
    assert status == 0 and pathlib.Path(save).exists()


# ------------------------------------------------------------------------------------------------------- queries


def test_available_lists_combinations_without_revealing_results() -> None:
    status, out, _ = run("available", *FOUNDATIONS)
    assert status == 0
    assert out.splitlines()[0] == "4 combinations would discover something new:"
    assert "Calculus + Linear Algebra + Probability" in out and "Neural" not in out
    status, data = run_json("available", *FOUNDATIONS)
    assert data == {
        "count": 4,
        "combinations": [list(c) for c in craftcore.Game.new(FOUNDATIONS_DIR, installed=False).available()],
    }


def test_info_shows_details_and_what_it_leads_to(save: str) -> None:
    run("combine", "linear_algebra", "calculus", "probability", "--save", save, *FOUNDATIONS)
    status, out, _ = run("info", "Neural Networks", "--save", save, *FOUNDATIONS)
    assert status == 0
    assert "properties:" in out and "resources:" in out and "https://" in out
    assert re.search(r"Discovered at step 1, \d{4}-\d\d-\d\d \d\d:\d\d: Calculus \+ Linear Algebra \+ Probability", out)
    assert "With what you know, it leads to:" in out and "Calculus + Neural Networks -> ?" in out
    status, out, _ = run("info", "profiling", "--save", save, *FOUNDATIONS)
    assert "Not discovered yet" in out


def test_info_json_document() -> None:
    status, data = run_json("info", "calculus", *FOUNDATIONS)
    assert status == 0
    assert data["id"] == "calculus" and data["start"] is True and data["discovered"] is True
    assert data["discovery"] == {
        "step": 0,
        "time": data["discovery"]["time"],
        "source": "start",
        "inputs": [],
        "points": 10,
    }
    assert all({"inputs", "outputs", "requires", "why", "pack", "known"} == set(r) for r in data["leads_to"])
    assert data["final"] is False


def test_stats_text_and_json() -> None:
    status, out, _ = run("stats", *FOUNDATIONS)
    assert status == 0
    assert "Score: 30   Level: 1 (next level at 100 points)" in out
    assert "Discovered: 3 of 36 concepts" in out and "Time played:" in out and "Learning paths:" in out
    status, data = run_json("stats", *FOUNDATIONS)
    assert data["score"] == 30 and data["level"] == 1 and data["next_level_score"] == 100
    assert data["progress"][0] == {"level": 1, "discovered": 3, "total": 3}
    assert {p["id"] for p in data["paths"]} == set(craftcore.load_catalog(FOUNDATIONS_DIR, installed=False).paths)
    assert {"started", "elapsed_seconds", "played_seconds", "complete", "failed", "steps", "total"} <= set(data)


def test_path_shows_the_plan_and_prerequisites() -> None:
    status, out, err = run("path", "profiling", *FOUNDATIONS)
    assert status == 0, err
    assert "Learning path to Profiling" in out and "Prerequisites" in out
    status, data = run_json("path", "profiling", *FOUNDATIONS)
    plan = data["plan"]
    assert plan["length"] == len(plan["steps"]) >= 3 and plan["steps"][-1]["outputs"] == ["profiling"]
    assert data["prerequisites"][0] == ["linear_algebra", "calculus", "probability"]
    game = craftcore.Game.new(FOUNDATIONS_DIR, installed=False)
    for step in plan["steps"]:
        assert game.combine(*step["inputs"]).new
    assert "profiling" in game.discovered


def test_path_to_a_discovered_concept() -> None:
    status, out, _ = run("path", "calculus", *FOUNDATIONS)
    assert status == 0 and "You have discovered Calculus already." in out


def test_pack_folder_option(tmp_path: pathlib.Path) -> None:
    status, _, err = run("stats", "--pack", str(tmp_path / "missing"), *FOUNDATIONS)
    assert status == 1 and "the content packs do not load" in err and "missing" in err

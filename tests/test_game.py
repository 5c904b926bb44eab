"""The game's rules: combine, requires, repeats, unlocks, failures and their hints, score, level, progress, undo."""

from __future__ import annotations

import itertools

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR
from hypothesis import given
from hypothesis import strategies as st

import craftcore
from craftcore import CraftError, Game, NotDiscovered, UnknownConcept
from craftcore.strategies import catalog_from_data, catalogs, pack_data

START = ("linear_algebra", "calculus", "probability")


def test_new_game_has_exactly_the_start_set(foundations, clock) -> None:
    game = Game(foundations, clock=clock)
    assert tuple(game.discovered) == START
    assert all(d.source == "start" and d.step == 0 for d in game.discovered.values())
    assert game.score == 30 and game.level == 1
    assert game.steps == () and game.attempts == ()


def test_seed_first_combination_discovers_neural_networks(foundations, clock) -> None:
    game = Game(foundations, clock=clock)
    result = game.combine("probability", "linear_algebra", "calculus")
    assert result.new == ("neural_networks",) and result.success
    record = game.discovered["neural_networks"]
    assert record.step == 1 and record.inputs == tuple(sorted(START)) and record.source == "recipe"
    assert record.time == clock.now and record.recipe is not None and result.why
    assert result.points == 10 * foundations.concepts["neural_networks"].level


def test_repeat_discovers_nothing_and_is_not_a_failure(foundations) -> None:
    game = Game(foundations)
    game.combine(*START)
    again = game.combine(*START)
    assert again.new == () and again.success and again.hint is None
    assert game.attempts == () and len(game.steps) == 1


def test_unknown_and_undiscovered_inputs_raise_precise_errors(foundations) -> None:
    game = Game(foundations)
    with pytest.raises(UnknownConcept) as info:
        game.combine("calculus", "probabilty")
    assert info.value.suggestions[0] == "probability"
    assert "unknown concept 'probabilty' (did you mean 'probability'" in str(info.value)
    with pytest.raises(NotDiscovered) as nd:
        game.combine("calculus", "neural_networks")
    assert nd.value.concept_ids == ("neural_networks",)
    with pytest.raises(CraftError):
        game.combine()
    with pytest.raises(CraftError):
        game.combine(*("calculus",) * 5)
    assert game.steps == () and game.attempts == ()


def test_failure_is_recorded_with_helpful_feedback(foundations, clock) -> None:
    game = Game(foundations, clock=clock)
    result = game.combine("calculus", "calculus", "calculus")
    assert result.new == () and not result.success and result.hint
    assert game.attempts[-1].inputs == ("calculus",) * 3 and game.attempts[-1].after_step == 0


def test_feedback_matches_what_combine_says_and_records_nothing(foundations) -> None:
    game = Game(foundations)
    assert game.feedback("linear_algebra", "calculus", "probability") is None
    advice = game.feedback("calculus", "calculus", "calculus")
    assert advice and game.attempts == ()
    assert game.combine("calculus", "calculus", "calculus").hint == advice
    assert "(Mathematics)" in advice  # categories are shown by their names, not their ids


def test_only_the_latest_failures_are_remembered(foundations) -> None:
    game = Game(foundations, clock=lambda: 0.0, max_attempts=3)
    for n in range(1, 6):
        game.combine(*("calculus",) * min(n, 4))
    assert [len(a.inputs) for a in game.attempts] == [3, 4, 4]
    with pytest.warns(craftcore.SaveWarning, match="only the newest 2 are kept"):
        loaded = Game.from_dict(game.to_dict(), foundations, max_attempts=2)
    assert [len(a.inputs) for a in loaded.attempts] == [4, 4]
    with pytest.raises(ValueError):
        Game(foundations, max_attempts=-1)


def test_pack_hint_is_used_for_a_hinted_failure(foundations) -> None:
    key, hint = next(iter(foundations.hints.items()))
    game = Game(foundations)
    from craftcore.testing import play_to

    for cid in key:
        if cid not in game.discovered:
            play_to(game, cid)
    assert game.combine(*key).hint == hint.text


def _tiny(**extra) -> craftcore.Catalog:
    data = {
        "pack": {"id": "tiny", "name": "Tiny", "version": "0.1.0", "description": "Rules test."},
        "categories": {"c": {"name": "C", "description": "C."}},
        "concepts": {
            "a": {"name": "A", "level": 1, "category": "c", "description": "a", "start": True},
            "b": {"name": "B", "level": 1, "category": "c", "description": "b", "start": True},
            "x": {"name": "X", "level": 2, "category": "c", "description": "x"},
            "y": {"name": "Y", "level": 3, "category": "c", "description": "y"},
            "z": {"name": "Z", "level": 5, "category": "c", "description": "z"},
        },
        "recipes": [
            {"inputs": ["a", "b"], "outputs": ["x"]},
            {"inputs": ["a", "a"], "outputs": ["y"], "requires": ["x"]},
        ],
        **extra,
    }
    return catalog_from_data(data)


def test_requires_must_be_discovered_and_the_hint_says_so() -> None:
    game = Game(_tiny(unlocks=[{"after": 4, "outputs": ["z"]}]))
    early = game.combine("a", "a")
    assert not early.success and "X" in early.hint
    game.combine("a", "b")
    assert game.combine("a", "a").new == ("y", "z")


def test_unlocks_fire_as_soon_as_their_condition_holds() -> None:
    game = Game(_tiny(unlocks=[{"after": 3, "outputs": ["z"]}]))
    result = game.combine("a", "b")
    assert result.new == ("x", "z")
    assert game.discovered["z"].source == "unlock" and game.discovered["z"].step == 1


def test_score_level_progress_follow_the_documented_rules(foundations) -> None:
    game = Game(foundations)
    from craftcore.testing import play_everything

    game = play_everything(foundations)
    expected = sum(10 * c.level for c in foundations.concepts.values())
    assert game.score == expected
    assert game.level == craftcore.level_for_score(expected)
    totals = {lv: sum(1 for c in foundations.concepts.values() if c.level == lv) for lv in range(1, 6)}
    assert dict(game.progress()) == {lv: (totals[lv], totals[lv]) for lv in range(1, 6)}
    assert game.complete


@pytest.mark.parametrize(("score", "level"), [(0, 1), (99, 1), (100, 2), (299, 2), (300, 3), (600, 4), (1000, 5)])
def test_level_thresholds(score: int, level: int) -> None:
    assert craftcore.level_for_score(score) == level
    assert craftcore.score_for_level(level) <= score < craftcore.score_for_level(level + 1)


def test_next_level_at(foundations) -> None:
    game = Game(foundations)
    assert game.next_level_at == 100 > game.score


def _brute_available(game: Game) -> set[tuple[str, ...]]:
    known = list(game.discovered)
    out = set()
    for n in range(1, 5):
        for combo in itertools.combinations_with_replacement(sorted(known), n):
            recipes = game.catalog.recipes_for(combo)
            fired = [r for r in recipes if all(q in game.discovered for q in r.requires)]
            if any(o not in game.discovered for r in fired for o in r.outputs):
                out.add(combo)
    return out


@given(catalogs(max_concepts=8), st.lists(st.integers(0, 10_000), max_size=12))
def test_available_is_exactly_what_discovers_something_new(catalog, picks) -> None:
    game = Game(catalog, clock=lambda: 0.0)
    for pick in picks:
        options = list(game.available())
        if not options:
            break
        before = len(game.discovered)
        assert game.combine(*options[pick % len(options)]).new
        assert len(game.discovered) > before
        assert set(game.available()) == _brute_available(game)
    assert set(game.available()) == _brute_available(game)
    assert bool(game.available()) == (len(game.available()) > 0)


def test_undo_restores_the_previous_state_exactly(foundations, clock) -> None:
    game = Game(foundations, clock=clock)
    game.combine(*START)
    snapshot = game.copy()
    game.combine("calculus", "probability")
    game.combine("calculus", "calculus", "calculus")
    undone = game.undo()
    assert undone.number == 2
    assert game == snapshot
    assert set(game.available()) == set(snapshot.available())
    assert game.score == snapshot.score
    game.undo()
    with pytest.raises(CraftError, match="nothing to undo"):
        game.undo()


def test_two_games_on_two_catalogs_do_not_interfere(foundations) -> None:
    other = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    g1, g2 = Game(foundations), Game(other)
    g1.combine(*START)
    assert "neural_networks" not in g2.discovered
    assert g1.catalog == g2.catalog and g1.catalog is not g2.catalog


def test_copy_is_independent(foundations) -> None:
    game = Game(foundations)
    twin = game.copy()
    game.combine(*START)
    assert "neural_networks" not in twin.discovered
    assert set(twin.available()) != set(game.available())
    assert twin.steps == () and len(game.steps) == 1


def test_is_final_and_leads_to(foundations) -> None:
    game = Game(foundations)
    assert not game.is_final("calculus")
    assert any("neural_networks" in r.outputs for r in game.leads_to("calculus"))


def test_path_progress(foundations) -> None:
    game = Game(foundations)
    path_id, path = next(iter(foundations.paths.items()))
    progress = game.path_progress(path_id)
    assert progress.next == next(s for s in path.steps if s not in game.discovered)
    with pytest.raises(craftcore.UnknownPath) as info:
        game.path_progress("no_such_path")
    assert isinstance(info.value, LookupError) and info.value.path_id == "no_such_path"


@given(pack_data(max_concepts=6))
def test_discovery_is_monotone_under_any_play(data) -> None:
    catalog = catalog_from_data(data)
    game = Game(catalog)
    seen = set(game.discovered)
    for combo in list(game.available())[:5]:
        game.combine(*combo)
        assert seen <= set(game.discovered)
        seen = set(game.discovered)

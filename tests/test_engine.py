"""The engine knows no game: a small pack of its own (tests/packs/elements) plays through the public API alone.

Also the 0.2 engine contract: live views, consistent catalogs, one converter, precise errors, name reading.
"""

from __future__ import annotations

import json
import pathlib
import threading

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import craftcore
from craftcore import Game

ELEMENTS = pathlib.Path(__file__).parent / "packs" / "elements"
FIXTURES = pathlib.Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def elements() -> craftcore.Catalog:
    return craftcore.load_catalog(ELEMENTS, installed=False)


def test_exactly_the_folders_given(elements: craftcore.Catalog) -> None:
    assert [p.id for p in elements.packs] == ["elements"]
    assert elements.starts == ("water", "fire", "earth", "air")
    assert set(elements.concepts).isdisjoint({"linear_algebra", "calculus", "probability"})


def test_the_game_names_itself(elements: craftcore.Catalog) -> None:
    assert elements.game == craftcore.GameInfo("Elements", "Start with water, fire, earth and air.", "elements")


def test_without_a_game_table_the_title_is_neutral(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    text = (ELEMENTS / "pack.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("[game]")
    rest = rest.split("\n\n", 1)[1]
    (folder / "pack.toml").write_text(head + rest, encoding="utf-8")
    catalog = craftcore.load_catalog(folder, installed=False, cache=False)
    assert catalog.game.title == "craftcore" and "LLM" not in catalog.game.intro


def test_unlock_counts_only_this_games_discoveries(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "unlocking"
    folder.mkdir()
    text = (ELEMENTS / "pack.toml").read_text(encoding="utf-8")
    (folder / "pack.toml").write_text(text + '\n[[unlocks]]\nafter = 6\noutputs = ["rain"]\n', encoding="utf-8")
    game = Game(craftcore.load_catalog(folder, installed=False, cache=False))
    assert len(game.discovered) == 4
    game.combine("water", "fire")
    assert "rain" not in game.discovered
    result = game.combine("water", "earth")
    assert result.new == ("mud", "rain")  # the sixth discovery of this game, and no other game's start set counted


def test_a_catalog_without_start_concepts_is_a_pack_error() -> None:
    with pytest.raises(craftcore.PackError, match="no concept has start = true"):
        craftcore.load_catalog(installed=False)
    with pytest.raises(craftcore.PackError, match="no concept has start = true"):
        craftcore.load_catalog(ELEMENTS, installed=False, blocked=["elements"])


def test_text_sources_load_like_folders(elements: craftcore.Catalog) -> None:
    source = craftcore.PackSource.from_text("pack.toml", (ELEMENTS / "pack.toml").read_text(encoding="utf-8"))
    catalog = craftcore.load_catalog(source, installed=False, cache=False)
    assert (catalog.concepts, catalog.recipes, catalog.game) == (elements.concepts, elements.recipes, elements.game)
    assert catalog.packs[0].source == "text" and elements.packs[0].source == "folder"


def test_play_through_the_public_api(elements: craftcore.Catalog) -> None:
    game = Game(elements, clock=lambda: 5.0)
    assert game.combine("fire", "water").new == ("steam",)
    assert game.combine("fire", "fire").hint == "More of the same changes nothing: bring something for it to act on."
    plan = game.plan("rain")
    assert plan.optimal and len(plan) == 3
    for step in plan:
        game.combine(*step.inputs)
    assert "rain" in game.discovered and game.path_progress("weather").complete


# ------------------------------------------------------------------------------------------------ live views


def test_views_stay_live_across_undo_and_load(elements: craftcore.Catalog, tmp_path: pathlib.Path) -> None:
    game = Game(elements, clock=lambda: 1.0)
    discovered, available = game.discovered, game.available()
    game.combine("water", "fire")
    assert "steam" in discovered and ("air", "steam") in available
    game.undo()
    assert "steam" not in discovered and ("air", "steam") not in available
    assert len(discovered) == 4 and len(available) == available.count() == 3
    game.combine("water", "earth")
    assert list(discovered) == [*elements.starts, "mud"]


def test_undo_of_nothing_is_an_index_error(elements: craftcore.Catalog) -> None:
    with pytest.raises(craftcore.NothingToUndo) as info:
        Game(elements).undo()
    assert isinstance(info.value, IndexError) and isinstance(info.value, craftcore.CraftError)


@pytest.mark.parametrize("count", [0, 5, 9])
def test_wrong_number_of_inputs_is_a_value_error(elements: craftcore.Catalog, count: int) -> None:
    with pytest.raises(craftcore.InvalidCombination) as info:
        Game(elements).combine(*["water"] * count)
    assert isinstance(info.value, ValueError) and info.value.count == count


def test_unknown_path_is_a_lookup_error(elements: craftcore.Catalog) -> None:
    with pytest.raises(craftcore.UnknownPath) as info:
        Game(elements).path_progress("wether")
    assert isinstance(info.value, LookupError) and info.value.suggestions == ("weather",)
    assert not isinstance(info.value, craftcore.UnknownConcept)


# ------------------------------------------------------------------------------------------------ catalogs


def test_constructor_and_evolve_give_consistent_catalogs(elements: craftcore.Catalog) -> None:
    direct = craftcore.Catalog(
        packs=elements.packs,
        categories=elements.categories,
        concepts=elements.concepts,
        recipes=elements.recipes,
        paths=elements.paths,
        hints=elements.hints,
        unlocks=elements.unlocks,
        starts=elements.starts,
    )
    assert direct.recipes_for(["fire", "water"]) == elements.recipes_for(["water", "fire"])
    assert direct.made_by("steam") == elements.made_by("steam")
    fewer = attrs.evolve(elements, recipes=elements.recipes[1:])
    assert fewer.recipes_for(["fire", "water"]) == ()
    assert "steam" not in fewer.reachable()
    assert elements.recipes_for(["fire", "water"]) != ()


def test_duplicate_ids_name_both_places(tmp_path: pathlib.Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, pid in ((one, "one"), (two, "two")):
        folder.mkdir()
        (folder / "pack.toml").write_text(
            f'[pack]\nid = "{pid}"\nname = "P"\nversion = "1.0.0"\ndescription = "d"\n\n'
            '[categories.c]\nname = "C"\ndescription = "d"\n\n'
            '[concepts.x]\nname = "X"\nlevel = 1\ncategory = "c"\ndescription = "d"\nstart = true\n'
            if pid == "one"
            else f'[pack]\nid = "{pid}"\nname = "P"\nversion = "1.0.0"\ndescription = "d"\nrequires = ["one"]\n\n'
            '[concepts.x]\nname = "X again"\nlevel = 1\ncategory = "c"\ndescription = "d"\n',
            encoding="utf-8",
        )
    with pytest.raises(craftcore.PackError) as info:
        craftcore.load_catalog(one, two, installed=False, cache=False)
    (problem,) = [p for p in info.value.problems if p.code == "duplicate-id"]
    assert problem.file == str(two / "pack.toml") and problem.line == 8 and problem.pack == "two"
    assert f"{one / 'pack.toml'}:11" in problem.message and "pack 'one'" in problem.message


# ------------------------------------------------------------------------------------------------ names


def test_resolve_reads_ids_names_aliases_and_prefixes(elements: craftcore.Catalog) -> None:
    assert elements.resolve("STEAM") == elements.resolve("water vapour") == elements.resolve("vapour") == "steam"
    assert elements.resolve("clo") == "cloud"
    with pytest.raises(craftcore.UnknownConcept) as info:
        elements.resolve("stem")
    assert "steam" in info.value.suggestions
    assert elements.resolve("stem", fuzzy=True) == "steam"
    assert elements.resolve_path("Weather") == "weather"


def test_answers_never_name_what_the_player_has_not_found(elements: craftcore.Catalog) -> None:
    game = Game(elements)
    with pytest.raises(craftcore.UnknownConcept) as info:
        game.parse_combination("ste + fire")
    assert info.value.suggestions == ()  # steam exists, but is not discovered
    assert game.parse_combination("steam + fire") == ("steam", "fire")  # an exact name is no secret
    with pytest.raises(craftcore.UnknownConcept) as info:
        elements.resolve("cl", among=game.discovered)
    assert "cloud" not in info.value.suggestions


def test_parse_combination_forms(elements: craftcore.Catalog) -> None:
    game = Game(elements)
    assert game.parse_combination("fire + water") == ("fire", "water")
    assert game.parse_combination("fire, water") == ("fire", "water")
    assert game.parse_combination("fire water") == ("fire", "water")
    assert game.parse_combination("Water") == ("water",)
    assert game.parse_combination("Stone, cold") == ("stone",)  # a printed name with a comma reads back whole
    assert game.parse_combination("stone, cold + fire") == ("stone", "fire")
    with pytest.raises(craftcore.InvalidCombination, match="at most 4"):
        game.parse_combination("water + fire + earth + air + water")
    for nothing in ("   ", ",", " + , +"):
        with pytest.raises(craftcore.InvalidCombination):
            game.parse_combination(nothing)


@given(st.text(max_size=300))
def test_reading_any_text_gives_ids_or_a_precise_error(text: str) -> None:
    catalog = craftcore.load_catalog(ELEMENTS, installed=False)
    game = Game(catalog)
    try:
        ids = game.parse_combination(text)
    except (craftcore.UnknownConcept, craftcore.InvalidCombination) as exc:
        suggestions = getattr(exc, "suggestions", ())
        assert set(suggestions) <= set(game.discovered)
    else:
        assert 1 <= len(ids) <= craftcore.MAX_INPUTS and all(i in catalog.concepts for i in ids)


def test_huge_text_is_refused_fast(elements: craftcore.Catalog) -> None:
    with pytest.raises(craftcore.UnknownConcept):
        elements.resolve("x" * 1_000_000, fuzzy=True)


def test_suggest_names_inputs_only(elements: craftcore.Catalog) -> None:
    game = Game(elements)
    suggestion = game.suggest()
    assert suggestion is not None and suggestion.inputs in game.available()
    toward = game.suggest(toward="weather")
    assert toward is not None and toward.inputs == ("fire", "water") and toward.toward == "steam"
    assert game.combine(*toward.inputs).new == ("steam",)


def test_a_hint_along_a_path_plans_all_its_remaining_steps_at_once(elements: craftcore.Catalog) -> None:
    """Following a path, the hint is the first step of the fewest combinations that discover every step left."""
    game = Game(elements)
    while True:
        left = [c for c in elements.paths["weather"].steps if c not in game.discovered]
        suggestion = game.suggest(toward="weather")
        if not left:
            assert suggestion is None or suggestion.toward is None
            break
        plan = game.plan(*left, budget=5.0, record=False)
        assert suggestion is not None and plan.optimal
        assert suggestion.inputs == plan.steps[0].inputs and suggestion.toward == left[0]
        game.combine(*suggestion.inputs)
        after = [c for c in left if c not in game.discovered]
        if after:  # one combination fewer left, no more
            assert len(game.plan(*after, budget=5.0, record=False)) == len(plan) - 1


# ------------------------------------------------------------------------------------------------ plain data


def test_one_converter_round_trips_model_objects(elements: craftcore.Catalog) -> None:
    from craftcore._serialize import from_data

    for cls, items in ((craftcore.Concept, elements.concepts.values()), (craftcore.Recipe, elements.recipes)):
        for item in items:
            data = craftcore.to_data(item)
            assert from_data(json.loads(json.dumps(data)), cls) == item


def test_cache_key_covers_craftcores_code_and_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    from craftcore import _cache

    files = [("pack", "x", None, [("pack.toml", "text")])]
    before = _cache.cache_key("0.2", "", files)
    monkeypatch.setattr(_cache, "code_digest", lambda: "a different loader or model")
    assert _cache.cache_key("0.2", "", files) != before


def test_a_changed_model_misses_the_cache(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from craftcore import _cache

    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(tmp_path))
    first = craftcore.load_catalog(ELEMENTS, installed=False)
    assert len(list(tmp_path.glob("*.json"))) == 1
    monkeypatch.setattr(_cache, "code_digest", lambda: "changed")
    assert craftcore.load_catalog(ELEMENTS, installed=False) == first
    assert len(list(tmp_path.glob("*.json"))) == 2  # a new entry: the old one was not used


# ------------------------------------------------------------------------------------------------ saves, threads


def test_a_save_of_release_0_1_still_loads() -> None:
    import craftcore_foundations

    catalog = craftcore.load_catalog(craftcore_foundations.PACK_DIR, installed=False)
    game = Game.load(FIXTURES / "save-0.1.json", catalog)
    assert game.steps[0].new == ("neural_networks",) and len(game.steps) == 4
    assert len(game.attempts) == 2 and game.started == 1764000007.0


def test_plans_and_queries_from_many_threads_agree(elements: craftcore.Catalog) -> None:
    fresh = craftcore.load_catalog(ELEMENTS, installed=False, cache=False)
    expected = Game(elements).plan("rain").steps
    results: list[object] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                game = Game(fresh)
                results.append(game.plan("rain").steps)
                fresh.resolve("vap")
                fresh.recipes_for(["fire", "water"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [expected] * 160


# ------------------------------------------------------------------------------------------------ located warnings


@pytest.mark.parametrize("cached", [False, True])
def test_every_warning_carries_file_and_line(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    from craftcore.testing import content_problems

    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "warned"
    folder.mkdir()
    text = (ELEMENTS / "pack.toml").read_text(encoding="utf-8")
    # a hint for a recipe (never shown), a path out of order, an unlock that never fires
    text += '\n[[hints]]\ninputs = ["water", "fire"]\ntext = "never shown"\n'
    text = text.replace('steps = ["steam", "cloud", "rain"]', 'steps = ["cloud", "steam", "rain"]')
    text += '\n[[unlocks]]\nafter = 99\noutputs = ["rain"]\n'
    (folder / "pack.toml").write_text(text, encoding="utf-8")
    if cached:
        craftcore.load_catalog(folder, installed=False)  # fills the cache; the next load is a hit
    catalog = craftcore.load_catalog(folder, installed=False)
    warnings = [*catalog.problems(), *content_problems(catalog)]
    assert {w.code for w in warnings} >= {"hint-is-recipe", "path-order", "unlock-never", "content"}
    lines = text.splitlines()
    for warning in warnings:
        assert warning.file == str(folder / "pack.toml") and warning.line is not None, warning
        assert warning.key is not None
        segment, line = warning.key.rsplit(".", 1)[-1].split("[")[0], lines[warning.line - 1]
        assert line.startswith(f"{segment} =") or line.startswith("["), (warning, line)


def test_too_much_at_once_says_what_is_true(elements: craftcore.Catalog) -> None:
    game = Game(elements)
    fresh = game.combine("air", "fire", "water")
    assert fresh.hint is not None and "still has something to give" in fresh.hint
    game.combine("fire", "water")
    spent = game.combine("air", "fire", "water")
    assert spent.hint is not None and "already used up" in spent.hint and "works on its own" not in spent.hint
    game.combine("air", "steam")
    needs = game.combine("cloud", "water")
    assert needs.hint is not None and "needs background you have not found" in needs.hint

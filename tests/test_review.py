"""Review cards from a game's own discoveries, FSRS scheduling from the review log, implicit credit, mastery."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import craftcore
from craftcore import Game, ReviewError
from craftcore._review import CREDIT_GAP, MASTERED_STABILITY_DAYS, MAX_OPTIONS

from .learnpack import DAY, T0, FakeClock, catalog, right_answer, wrong_answer


def kitchen_game(*combos: tuple[str, ...]) -> tuple[Game, FakeClock]:
    clock = FakeClock()
    game = Game(catalog(), clock=clock)
    for combo in combos:
        clock.advance(60)
        assert game.combine(*combo).new
    return game, clock


BREAD = (("flour", "water"), ("dough", "heat"))


def test_the_three_kinds_of_card_come_from_the_players_own_discoveries() -> None:
    game, _ = kitchen_game()
    assert [c.id for c in game.review_cards()] == ["fact:water:state", "fact:flour:state"]  # heat has no source
    game, _ = kitchen_game(*BREAD)
    cards = {c.id: c for c in game.review_cards()}
    assert set(cards) == {
        "fact:water:state",
        "fact:flour:state",
        "recipe:dough",
        "prerequisite:dough",
        "fact:dough:rests_minutes",
        "recipe:bread",
        "prerequisite:bread",
        "fact:bread:rests_minutes",
    }
    recipe = cards["recipe:bread"]
    assert recipe.question.startswith("? + Heat → Bread")
    assert recipe.answers == ("dough",) and recipe.shown == ("heat",) and "dough" in recipe.options
    assert set(recipe.options) <= set(game.discovered) and len(set(recipe.options)) == len(recipe.options)
    need = cards["prerequisite:bread"]
    assert need.pick_all and need.answers == ("dough", "heat") and set(need.answers) < set(need.options)
    fact = cards["fact:dough:rests_minutes"]
    # distractors are the same property of sibling concepts (same category), never undiscovered names
    assert fact.answers == ("30",) and set(fact.options) == {"30", "0", "60"}
    assert fact.source is not None and fact.source.url == "https://example.org/dough"


def test_cards_on_a_real_pack_are_well_formed(full_catalog: craftcore.Catalog) -> None:
    game = Game(full_catalog, clock=FakeClock())
    for _ in range(25):
        hint = game.suggest(record=False)
        if hint is None:
            break
        game.combine(*hint.inputs)
    cards = game.review_cards()
    assert {c.kind for c in cards} == {"recipe", "prerequisite", "fact"}
    for card in cards:
        assert 2 <= len(card.options) <= max(MAX_OPTIONS, len(card.answers) + 1)
        assert len(set(card.options)) == len(card.options)
        assert set(card.answers) & set(card.options)
        if card.kind != "fact":
            assert set(card.options) <= set(game.discovered)
        else:
            assert card.source is not None
    for card in cards:
        copy = game.copy()
        assert copy.answer(card, right_answer(card), T0 + DAY).correct
        assert not copy.answer(card, wrong_answer(card), T0 + DAY).correct


def test_answers_by_number_name_or_id() -> None:
    game, clock = kitchen_game(*BREAD)
    card = next(c for c in game.review_cards() if c.id == "recipe:bread")
    number = card.options.index("dough") + 1
    assert game.copy().answer(card, number, clock()).correct
    assert game.copy().answer(card, str(number), clock()).correct
    assert game.copy().answer(card, "DOUGH", clock()).correct
    assert game.copy().answer(card, "dough", clock()).given == ("dough",)
    need = next(c for c in game.review_cards() if c.id == "prerequisite:bread")
    assert game.copy().answer(need, ["Heat", "dough"], clock()).correct
    assert not game.copy().answer(need, ["heat"], clock()).correct  # all of them are needed
    result = game.answer(need, ["heat", "nonsense"], clock())
    assert not result.correct and result.given == ("heat", "nonsense")


def test_odd_answers_are_simply_wrong() -> None:
    game, clock = kitchen_game(*BREAD)
    for odd in ["²", "9" * 5000, "0", "-1", "", " ", "dough" * 1000, 10**100, ["dough", "dough", "heat"]]:
        assert not game.copy().answer("recipe:bread", odd, clock()).correct
    assert game.copy().answer("recipe:bread", [" dough ", "Dough"], clock()).correct  # one answer, said twice
    with pytest.raises(ValueError, match="limit"):
        game.review_queue(clock(), limit=-1)
    assert game.review_queue(clock(), limit=0) == ()


def test_hostile_reviews_are_refused_precisely() -> None:
    game, clock = kitchen_game(*BREAD)
    for bad in ["recipe:toast", "fact:water:colour", "recipe:water", "nonsense", "", "prerequisite:"]:
        with pytest.raises(ReviewError) as info:
            game.answer(bad, "1", clock())
        assert info.value.card == bad
    game.answer("recipe:bread", "dough", clock())
    for when in [clock() - 1, math.nan, math.inf, -1.0, 1e300]:
        with pytest.raises(ReviewError, match="review time"):
            game.answer("recipe:bread", "dough", when)
    assert len(game.reviews) == 1


def test_right_answers_schedule_further_wrong_ones_sooner() -> None:
    game, clock = kitchen_game(*BREAD)
    right = game.copy().answer("recipe:bread", "dough", clock())
    wrong = game.copy().answer("recipe:bread", "water", clock())
    assert right.due > wrong.due > clock()


def review_day(game: Game, when: float) -> int:
    """Answer every due card right; returns how many were due."""
    queue = game.review_queue(when)
    for card in queue:
        game.answer(card, right_answer(card), when)
    return len(queue)


def test_recalling_an_advanced_recipe_refreshes_its_prerequisites() -> None:
    game, _ = kitchen_game(*BREAD, ("heat", "water"), ("dough", "steam"))
    review_day(game, T0 + DAY)
    review_day(game, T0 + 2 * DAY)  # out of learning: every card in review, due days later
    dough = game._state.book.cards["recipe:dough"]
    later = T0 + 5 * DAY
    result = game.answer("recipe:bun", "steam", later)  # ? + Dough → Steamed bun
    # bun was made from dough and steam; dough from flour and water (depth 2; flour and water have no such cards)
    assert set(result.credited) == {"recipe:dough", "prerequisite:dough", "recipe:steam", "prerequisite:steam"}
    refreshed = game._state.book.cards["recipe:dough"]
    assert refreshed.stability > dough.stability and refreshed.due > dough.due
    # at most once per CREDIT_GAP, never by a wrong answer, never by a fact card
    assert game.answer("prerequisite:bun", ["dough", "steam"], later + CREDIT_GAP / 2).credited == ()
    assert game.answer("recipe:bun", "flour", later + 2 * CREDIT_GAP).credited == ()
    assert game.answer("fact:bun:rests_minutes", "60", later + 3 * CREDIT_GAP).credited == ()


def test_new_cards_get_no_credit() -> None:
    game, _ = kitchen_game(*BREAD)
    assert game.answer("recipe:bread", "dough", T0 + DAY).credited == ()
    assert "recipe:dough" not in game._state.book.cards


def test_a_simulated_week_due_cards_come_back_and_mastery_rises_and_decays() -> None:
    game, clock = kitchen_game(*BREAD)
    assert set(game.mastery(clock()).values()) == {"discovered"}
    due_per_day = []
    for day in range(7):
        due_per_day.append(review_day(game, T0 + day * DAY + 3600))
        if day == 0:  # the first answers move cards through FSRS's learning steps (1 and 10 minutes)
            review_day(game, T0 + 3600 + 600)
    assert due_per_day[0] == len(game.review_cards())
    assert any(due_per_day[1:])  # cards came back when due
    assert 0 in due_per_day[1:]  # and not every day: the intervals grow
    week = T0 + 7 * DAY
    levels = game.mastery(week)
    assert levels["dough"] == levels["bread"] == "practised"
    assert levels["heat"] == "discovered"  # no card: nothing to practise
    # keep reviewing what is due for two months: stabilities pass MASTERED_STABILITY_DAYS
    day = 7
    while day < 60:
        review_day(game, T0 + day * DAY + 3600)
        day += 1
    now = T0 + 60 * DAY
    assert game.mastery(now)["bread"] == "mastered"
    book = game._state.book
    assert all(book.cards[c].stability >= MASTERED_STABILITY_DAYS for c in ("recipe:bread", "prerequisite:bread"))
    progress = game.mastery_progress(now)
    assert progress.paths["baking"] == craftcore.MasteryCount(total=3, discovered=2, practised=2, mastered=2)
    # stop reviewing: once overdue it falls back to practised, and much later to discovered
    due = max(book.due(c) or 0 for c in ("recipe:bread", "prerequisite:bread", "fact:bread:rests_minutes"))
    assert game.mastery(due + 2 * DAY)["bread"] == "practised"
    assert game.mastery(due + 400 * DAY)["bread"] == "discovered"
    # one wrong answer keeps a concept from being mastered until it is right again
    assert game.answer("recipe:bread", "water", now).mastery != "mastered"


ACTIONS = st.lists(
    st.tuples(st.sampled_from(["combine", "right", "wrong", "wait", "undo", "hint", "plan"]), st.integers(0, 1000)),
    max_size=25,
)


def replayed(game: Game) -> Game:
    return Game.from_log(
        game.catalog, game.steps, game.attempts, started=game.started, reviews=game.reviews, help=game.help
    )


@settings(max_examples=40)
@given(actions=ACTIONS, real=st.booleans())
def test_card_states_and_mastery_equal_a_recomputation_after_every_step(
    actions: list[tuple[str, int]], real: bool, full_catalog: craftcore.Catalog
) -> None:
    clock = FakeClock()
    game = Game(full_catalog if real else catalog(), clock=clock)
    for action, n in actions:
        if action == "combine" and game.available():
            options = list(game.available())
            game.combine(*options[n % len(options)])
        elif action in ("right", "wrong"):
            queue = game.review_queue(clock())
            if queue:
                card = queue[n % len(queue)]
                game.answer(card, right_answer(card) if action == "right" else wrong_answer(card), clock())
        elif action == "wait":
            clock.advance(n * 977.0)
        elif action == "undo" and game.steps:
            game.undo()
        elif action == "hint":
            game.suggest()
        elif action == "plan":
            targets = sorted(set(game.catalog.reachable()) - set(game.discovered))
            if targets:
                game.plan(targets[n % len(targets)], budget=0.5)
        again = replayed(game)
        assert again._state.book.snapshot() == game._state.book.snapshot()
        assert again.mastery(clock()) == game.mastery(clock())
        assert again.review_queue(clock()) == game.review_queue(clock())
        assert again.help_stats() == game.help_stats()
        assert again == game

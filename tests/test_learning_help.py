"""Counted help: hints, plans and undos are logged with the step they helped; guided and unaided discoveries."""

from __future__ import annotations

from craftcore import Game, Help, HelpStats

from .learnpack import FakeClock, catalog


def test_hints_plans_and_undos_are_counted_and_guide_discoveries() -> None:
    clock = FakeClock()
    game = Game(catalog(), clock=clock)
    game.combine("flour", "water")  # unaided
    hint = game.suggest()
    assert hint is not None
    assert game.help == (Help("hint", clock(), 1, (hint.inputs,), None),)
    game.suggest()  # the same hint again counts once
    assert len(game.help) == 1
    game.combine(*hint.inputs)  # guided by the hint
    plan = game.plan("toast")
    assert game.help[-1] == Help("plan", clock(), 2, tuple(tuple(s.inputs) for s in plan.steps), "toast")
    for step in plan.steps:
        game.combine(*step.inputs)  # guided by the plan
    assert game.help_stats() == HelpStats(unaided=1, guided=1 + len(plan.steps), hints=1, plans=1, undos=0)
    undone = game.undo()
    assert game.help[-1] == Help("undo", clock(), undone.number - 1, (undone.inputs,))
    assert game.help_stats().undos == 1


def test_help_asked_without_recording_and_plans_with_no_steps_count_nothing() -> None:
    game = Game(catalog(), clock=FakeClock())
    game.suggest(record=False)
    game.plan("bread", record=False)
    game.plan("water")  # already discovered: an empty plan helps nothing
    assert game.help == ()
    assert game.help_stats() == HelpStats(0, 0, 0, 0, 0)


def test_a_hint_toward_a_target_guides_the_step_that_discovers_it() -> None:
    game = Game(catalog(), clock=FakeClock())
    game.suggest(toward="dough")
    game.combine("flour", "water")
    game.combine("heat", "water")  # not named by any help
    assert game.help_stats() == HelpStats(unaided=1, guided=1, hints=1, plans=0, undos=0)


def test_undo_keeps_the_help_given_before_the_step_it_takes_back() -> None:
    game = Game(catalog(), clock=FakeClock())
    game.suggest(toward="dough")
    game.combine("flour", "water")
    game.suggest()
    game.combine("dough", "heat")
    game.undo()
    assert [h.kind for h in game.help] == ["hint", "hint", "undo"]
    game.undo()
    assert [(h.kind, h.after_step) for h in game.help] == [("hint", 0), ("undo", 0)]
    game.combine("flour", "water")  # redone after the hint: still guided
    assert game.help_stats().guided == 1


def test_a_copy_carries_the_review_and_help_logs_and_is_independent() -> None:
    clock = FakeClock()
    game = Game(catalog(), clock=clock)
    game.suggest()
    game.combine("flour", "water")
    game.answer("recipe:dough", "water", clock())
    copy = game.copy()
    assert copy.reviews == game.reviews and copy.help == game.help
    assert copy._state.book.snapshot() == game._state.book.snapshot()
    copy.answer("prerequisite:dough", ["flour", "water"], clock())
    copy.suggest(toward="bread")
    copy.undo()
    assert len(game.reviews) == 1 and len(game.help) == 1 and game.steps
    assert "prerequisite:dough" not in game._state.book.cards

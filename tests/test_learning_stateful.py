"""A stateful test mixing combine, undo, hints, review, waiting, save and load on a real pack set."""

from __future__ import annotations

import os
import tempfile

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import craftcore
from craftcore import Game

from .conftest import PACK_DIRS
from .learnpack import DAY, FakeClock, right_answer, wrong_answer

CATALOG = craftcore.load_catalog(PACK_DIRS["foundations"], PACK_DIRS["attention"], installed=False)


class LearningGame(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.game = Game(CATALOG, clock=self.clock)
        self.folder = tempfile.TemporaryDirectory()
        self.reviews = 0

    def teardown(self) -> None:
        self.folder.cleanup()

    @precondition(lambda self: bool(self.game.available()))
    @rule(pick=st.integers(0, 1000))
    def combine(self, pick: int) -> None:
        options = list(self.game.available())
        before = len(self.game.discovered)
        assert self.game.combine(*options[pick % len(options)]).new
        assert len(self.game.discovered) > before

    @precondition(lambda self: bool(self.game.steps))
    @rule()
    def undo(self) -> None:
        last = self.game.steps[-1]
        kept = [r for r in self.game.reviews if r.after_step < last.number]
        assert self.game.undo() == last
        assert self.game.reviews == tuple(kept)
        assert self.game.help[-1].kind == "undo"

    @rule(right=st.booleans(), pick=st.integers(0, 1000))
    def review(self, right: bool, pick: int) -> None:
        queue = self.game.review_queue(self.clock())
        if not queue:
            return
        card = queue[pick % len(queue)]
        result = self.game.answer(card, right_answer(card) if right else wrong_answer(card), self.clock())
        assert result.correct == right
        assert result.due > self.clock()
        assert self.game.reviews[-1].card == card.id

    @rule(hours=st.integers(0, 24 * 20))
    def wait(self, hours: int) -> None:
        self.clock.advance(hours * 3600.0)

    @rule()
    def hint(self) -> None:
        before = len(self.game.help)
        if self.game.suggest() is not None:
            assert len(self.game.help) in (before, before + 1)

    @rule(toml=st.booleans())
    def save_and_load(self, toml: bool) -> None:
        path = os.path.join(self.folder.name, "game.toml" if toml else "game.json")
        self.game.save(path)
        loaded = Game.load(path, CATALOG, clock=self.clock)
        assert loaded == self.game
        assert loaded.help == self.game.help
        assert loaded._state.book.snapshot() == self.game._state.book.snapshot()
        self.game = loaded

    @invariant()
    def derived_state_equals_a_replay(self) -> None:
        game = self.game
        again = Game.from_log(
            CATALOG, game.steps, game.attempts, started=game.started, reviews=game.reviews, help=game.help
        )
        assert again._state.book.snapshot() == game._state.book.snapshot()
        now = self.clock()
        assert again.mastery(now) == game.mastery(now)
        assert again.mastery(now + 30 * DAY) == game.mastery(now + 30 * DAY)

    @invariant()
    def mastery_counts_nest(self) -> None:
        progress = self.game.mastery_progress(self.clock())
        for count in (*progress.categories.values(), *progress.paths.values()):
            assert count.total >= count.discovered >= count.practised >= count.mastered >= 0
        stats = self.game.help_stats()
        assert stats.unaided + stats.guided == len(self.game.steps)


LearningGame.TestCase.settings = settings(max_examples=30, stateful_step_count=30, deadline=None)
TestLearningGame = LearningGame.TestCase

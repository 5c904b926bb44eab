"""A stateful property test: random combine / undo / save / load sequences keep every derived quantity equal to a
recomputation from scratch."""

from __future__ import annotations

import itertools
import json
import tempfile

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from craftcore import CraftError, Game, level_for_score
from craftcore.strategies import catalogs


def recomputed_available(game: Game) -> set[tuple[str, ...]]:
    known = sorted(game.discovered)
    out = set()
    for n in range(1, 5):
        for combo in itertools.combinations_with_replacement(known, n):
            fired = [r for r in game.catalog.recipes_for(combo) if all(q in game.discovered for q in r.requires)]
            if any(o not in game.discovered for r in fired for o in r.outputs):
                out.add(combo)
    return out


class GameMachine(RuleBasedStateMachine):
    game: Game

    @initialize(catalog=catalogs(max_concepts=7))
    def start(self, catalog) -> None:
        self.tick = 0.0
        self.game = Game(catalog, clock=self.clock)

    def clock(self) -> float:
        self.tick += 1.0
        return self.tick

    @precondition(lambda self: bool(self.game.available()))
    @rule(pick=st.integers(0, 1000))
    def combine_something_new(self, pick: int) -> None:
        options = sorted(self.game.available())
        before = len(self.game.discovered)
        result = self.game.combine(*options[pick % len(options)])
        assert result.new and len(self.game.discovered) == before + len(result.new)

    @rule(data=st.data())
    def combine_anything(self, data) -> None:
        known = sorted(self.game.discovered)
        combo = data.draw(st.lists(st.sampled_from(known), min_size=1, max_size=4))
        before = dict(self.game.discovered)
        result = self.game.combine(*combo)
        assert set(before) <= set(self.game.discovered)
        assert set(result.new) == set(self.game.discovered) - set(before)
        if not result.success:
            assert result.hint and self.game.attempts[-1].inputs == tuple(sorted(combo))

    @rule()
    def undo(self) -> None:
        steps = len(self.game.steps)
        try:
            self.game.undo()
        except CraftError:
            assert steps == 0
        else:
            assert len(self.game.steps) == steps - 1

    @rule()
    def round_trip_through_dict(self) -> None:
        data = json.loads(json.dumps(self.game.to_dict()))
        loaded = Game.from_dict(data, self.game.catalog, clock=self.clock)
        assert loaded == self.game
        self.game = loaded

    @rule(toml=st.booleans())
    def round_trip_through_file(self, toml: bool) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = f"{folder}/save.{'toml' if toml else 'json'}"
            self.game.save(path)
            loaded = Game.load(path, self.game.catalog, clock=self.clock)
        assert loaded == self.game
        self.game = loaded

    @invariant()
    def derived_state_matches_a_recomputation(self) -> None:
        game = self.game
        concepts = game.catalog.concepts
        score = sum(10 * concepts[c].level for c in game.discovered)
        assert game.score == score
        assert game.level == level_for_score(score)
        for level, (done, total) in game.progress().items():
            assert done == sum(1 for c in game.discovered if concepts[c].level == level)
            assert total == sum(1 for c in concepts.values() if c.level == level)
        assert set(game.available()) == recomputed_available(game)
        replayed = Game(game.catalog, clock=lambda: 0.0)
        for step in game.steps:
            replayed.combine(*step.inputs)
        assert set(replayed.discovered) == set(game.discovered)


TestGameMachine = GameMachine.TestCase

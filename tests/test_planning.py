"""Game.plan and Game.prerequisites: plans replay to their target through real combine calls, and on small random
catalogs their length equals a brute-force breadth-first search over discovered sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from craftcore import Game, UnknownConcept, Unreachable
from craftcore.strategies import catalogs


def successors(game_catalog, have: frozenset[str]) -> set[frozenset[str]]:
    """Every state one combine call leads to (the real rules: all inputs and requires discovered, same-input
    recipes fire together)."""
    out = set()
    for key in {r.inputs for r in game_catalog.recipes}:
        if not set(key) <= have:
            continue
        fired = [r for r in game_catalog.recipes_for(key) if set(r.requires) <= have]
        new = have | {o for r in fired for o in r.outputs}
        if new != have:
            out.add(frozenset(new))
    return out


def brute_force_length(catalog, start: frozenset[str], target: str) -> int | None:
    frontier, seen, depth = {start}, {start}, 0
    while frontier:
        if any(target in s for s in frontier):
            return depth
        nxt = set()
        for state in frontier:
            for s in successors(catalog, state):
                if s not in seen:
                    seen.add(s)
                    nxt.add(s)
        frontier, depth = nxt, depth + 1
    return None


@settings(max_examples=60)
@given(catalogs(max_concepts=7, all_reachable=False), st.data())
def test_plan_is_optimal_and_replays_on_random_catalogs(catalog, data) -> None:
    game = Game(catalog, clock=lambda: 0.0)
    # start from a random point of play, not only from the start set
    for _ in range(data.draw(st.integers(0, 2))):
        options = sorted(game.available())
        if options:
            game.combine(*data.draw(st.sampled_from(options)))
    target = data.draw(st.sampled_from(sorted(catalog.concepts)))
    expected = brute_force_length(catalog, frozenset(game.discovered), target)
    if expected is None:
        with pytest.raises(Unreachable):
            game.plan(target)
        return
    plan = game.plan(target, budget=10.0)
    assert plan.optimal and plan.lower_bound == len(plan) == expected
    for step in plan:
        assert game.combine(*step.inputs).new
    assert target in game.discovered


def test_every_shipped_concept_has_a_proven_optimal_plan_that_replays(full_catalog) -> None:
    for target in full_catalog.concepts:
        game = Game(full_catalog, clock=lambda: 0.0)
        plan = game.plan(target, budget=5.0)
        assert plan.optimal, target
        for step in plan:
            assert game.combine(*step.inputs).success
        assert target in game.discovered, target


def test_plan_from_a_discovered_concept_is_empty(foundations) -> None:
    plan = Game(foundations).plan("calculus")
    assert len(plan) == 0 and plan.optimal and plan.gap == 1.0


def test_plan_errors(foundations) -> None:
    game = Game(foundations)
    with pytest.raises(UnknownConcept):
        game.plan("flash_atention")


def test_prerequisites_are_layered_from_the_start(full_catalog) -> None:
    game = Game(full_catalog)
    pre = game.prerequisites("flash_attention")
    assert pre.layers[0] and set(pre.layers[0]) <= set(full_catalog.starts)
    assert pre.layers[-1] == ("flash_attention",)
    assert {"standard_attention", "memory_bandwidth"} <= set(pre.concepts)
    seen: set[str] = set()
    for layer in pre.layers:  # every concept is made from concepts of lower layers
        for cid in layer:
            if cid not in full_catalog.starts:
                assert any(set(r.preconditions) <= seen for r in full_catalog.made_by(cid)), cid
        seen |= set(layer)


def test_seed_bfs_bug_is_not_repeated(full_catalog) -> None:
    """The seed's earlier 'learning path' followed 'leads to' edges breadth-first, ignoring that a recipe needs all of
    its inputs. A plan must contain every input of every step."""
    game = Game(full_catalog)
    plan = game.plan("jamba")
    have = set(game.discovered)
    for step in plan:
        assert set(step.inputs) | set(step.requires) <= have
        have |= set(step.outputs)
    assert "jamba" in have
    assert plan.optimal

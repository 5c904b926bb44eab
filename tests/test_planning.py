"""Game.plan and Game.prerequisites: plans replay to their target through real combine calls, and on small random
catalogs their length equals a brute-force breadth-first search over discovered sets."""

from __future__ import annotations

import heapq
import io
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from craftcore import Game, UnknownConcept, Unreachable
from craftcore.cli import main
from craftcore.strategies import catalog_from_data, catalogs


def successors(game_catalog, have: frozenset[str], unlocks: bool = True) -> set[tuple[frozenset[str], frozenset[str]]]:
    """Every (state, concepts its recipes made) one combine call leads to, by the real rules: all inputs and requires
    discovered, same-input recipes fire together, then the unlocks whose discovery count is reached fire in order."""
    out = set()
    for key in {r.inputs for r in game_catalog.recipes}:
        if not set(key) <= have:
            continue
        fired = [r for r in game_catalog.recipes_for(key) if set(r.requires) <= have]
        made = frozenset(o for r in fired for o in r.outputs) - have
        if made:
            out.add((with_unlocks(game_catalog, have | made) if unlocks else have | made, made))
    return out


def with_unlocks(game_catalog, state: frozenset[str]) -> frozenset[str]:
    """``state`` once every unlock its size reaches has fired (granted concepts count towards later unlocks)."""
    held = set(state)
    for unlock in sorted(game_catalog.unlocks, key=lambda u: u.after):
        if unlock.after > len(held):
            break
        held.update(unlock.outputs)
    return frozenset(held)


def unlocks_pending(game_catalog, have) -> bool:
    """Could an unlock still fire? Then a plan may use it, which the planner does not (it plans by recipes, and calls
    a target only an unlock grants unreachable): its plans need not be the shortest, only never claimed optimal when
    they might not be."""
    return any(u.after > len(have) for u in game_catalog.unlocks)


def brute_force_length(catalog, start: frozenset[str], target: str, unlocks: bool = True) -> int | None:
    frontier, seen, depth = {start}, {start}, 0
    while frontier:
        if any(target in s for s in frontier):
            return depth
        nxt = set()
        for state in frontier:
            for s, _ in successors(catalog, state, unlocks):
                if s not in seen:
                    seen.add(s)
                    nxt.add(s)
        frontier, depth = nxt, depth + 1
    return None


def check_claims(plan, expected: float, pending: bool) -> None:
    """Never a false claim, never below the optimum; proven optimal whenever no unlock can still fire."""
    assert plan.lower_bound <= expected + 1e-6 <= plan.cost + 2e-6
    if plan.optimal:
        assert plan.cost == pytest.approx(expected) and plan.lower_bound == pytest.approx(expected)
    if not pending:
        assert plan.optimal


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
    if brute_force_length(catalog, frozenset(game.discovered), target, unlocks=False) is None:
        with pytest.raises(Unreachable):
            game.plan(target)
        return
    expected = brute_force_length(catalog, frozenset(game.discovered), target)
    pending = unlocks_pending(catalog, game.discovered)
    plan = game.plan(target, budget=10.0)
    check_claims(plan, expected, pending)
    for step in plan:
        assert game.combine(*step.inputs).new or pending  # (an unlock may have granted what a step makes)
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


# -- several targets, weights, the best next step --------------------------------------------------------------------


def brute_force(catalog, start: frozenset[str], targets: set[str], weight=None, unlocks: bool = True) -> float | None:
    """Dijkstra over real game states: the fewest combine calls (or the least summed weight of the concepts their
    recipes discover; unlocks grant theirs for free) until every target is discovered."""
    best = {start: 0.0}
    heap = [(0.0, 0, start)]
    tie = itertools.count(1)
    while heap:
        cost, _, state = heapq.heappop(heap)
        if cost > best[state]:
            continue
        if targets <= state:
            return cost
        for nxt, made in successors(catalog, state, unlocks):
            c = cost + (1.0 if weight is None else sum(weight.get(x, 0.0) for x in made))
            if c < best.get(nxt, float("inf")):
                best[nxt] = c
                heapq.heappush(heap, (c, next(tie), nxt))
    return None


def _random_state(game: Game, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(0, 2))):
        options = sorted(game.available())
        if options:
            game.combine(*data.draw(st.sampled_from(options)))


@settings(max_examples=60)
@given(catalogs(max_concepts=7, all_reachable=False), st.data())
def test_plan_for_several_targets_is_optimal_and_replays(catalog, data) -> None:
    game = Game(catalog, clock=lambda: 0.0)
    _random_state(game, data)
    targets = data.draw(st.lists(st.sampled_from(sorted(catalog.concepts)), min_size=1, max_size=3, unique=True))
    if brute_force(catalog, frozenset(game.discovered), set(targets), unlocks=False) is None:
        with pytest.raises(Unreachable):
            game.plan(*targets)
        return
    expected = brute_force(catalog, frozenset(game.discovered), set(targets))
    pending = unlocks_pending(catalog, game.discovered)
    plan = game.plan(*targets, budget=10.0)
    assert plan.targets == tuple(targets) and plan.target == targets[0]
    assert len(plan) == plan.cost
    check_claims(plan, expected, pending)
    for step in plan:
        assert game.combine(*step.inputs).new or pending
    assert set(targets) <= set(game.discovered)


@settings(max_examples=60)
@given(catalogs(max_concepts=7, all_reachable=False), st.data())
def test_weighted_plan_is_cheapest_and_replays(catalog, data) -> None:
    game = Game(catalog, clock=lambda: 0.0)
    _random_state(game, data)
    ids = sorted(catalog.concepts)
    weight = {c: data.draw(st.sampled_from([0.0, 1.0, 2.0, 5.0])) for c in ids}
    targets = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
    if brute_force(catalog, frozenset(game.discovered), set(targets), unlocks=False) is None:
        with pytest.raises(Unreachable):
            game.plan(*targets, cost=weight)
        return
    expected = brute_force(catalog, frozenset(game.discovered), set(targets), weight)
    pending = unlocks_pending(catalog, game.discovered)
    plan = game.plan(*targets, budget=10.0, cost=weight)
    conditional = any(
        len({r.requires for r in catalog.recipes_for(inputs)}) > 1 for inputs in {r.inputs for r in catalog.recipes}
    )
    # unless a combination's recipes depend on what else is held, the model is exact
    check_claims(plan, expected, pending or conditional)
    before = set(game.discovered)
    for step in plan:
        assert game.combine(*step.inputs).new or pending
    assert set(targets) <= set(game.discovered)
    if not pending:
        assert sum(weight[c] for c in set(game.discovered) - before) == pytest.approx(plan.cost)


@settings(max_examples=60)
@given(catalogs(max_concepts=7, all_reachable=False), st.data())
def test_best_next_shortens_the_optimal_plan_by_one(catalog, data) -> None:
    game = Game(catalog, clock=lambda: 0.0)
    _random_state(game, data)
    targets = data.draw(st.lists(st.sampled_from(sorted(catalog.concepts)), min_size=1, max_size=2, unique=True))
    if brute_force(catalog, frozenset(game.discovered), set(targets), unlocks=False) is None:
        with pytest.raises(Unreachable):
            game.best_next(*targets)
        return
    before = brute_force(catalog, frozenset(game.discovered), set(targets))
    pending = unlocks_pending(catalog, game.discovered)
    step = game.best_next(*targets, budget=10.0)
    if before == 0:
        assert step is None
        return
    assert step is not None and step.after == step.before - 1 and step.reason
    assert step.optimal or pending
    result = game.combine(*step.inputs)
    assert set(result.new) >= set(step.outputs)
    if step.optimal:  # a first step of a shortest plan: one combination fewer left, no more
        assert step.before == before
        assert brute_force(catalog, frozenset(game.discovered), set(targets)) == before - 1


def test_a_plan_an_unlock_could_shorten_is_not_claimed_optimal() -> None:
    """c0+c0 makes c4, the fourth discovery, which unlocks c3: one combination gets both, though the recipes alone
    need two; the planner does not plan through unlocks, so it must not call its two-step plan optimal."""
    concept = {"level": 1, "category": "general", "description": "A concept."}
    data = {
        "pack": {"id": "unlocking", "name": "Unlocking", "version": "1.0.0", "description": "An unlock."},
        "categories": {"general": {"name": "General", "description": "Everything."}},
        "concepts": {
            **{f"c{i}": {"name": f"C{i}", **concept, "start": True} for i in range(3)},
            **{f"c{i}": {"name": f"C{i}", **concept} for i in (3, 4)},
        },
        "recipes": [
            {"inputs": ["c0"], "outputs": ["c3"], "why": "one"},
            {"inputs": ["c0", "c0"], "outputs": ["c4"], "why": "two"},
        ],
        "unlocks": [{"after": 4, "outputs": ["c3"]}],
    }
    catalog = catalog_from_data(data)
    plan = Game(catalog).plan("c3", "c4")
    assert len(plan) == 2 and not plan.optimal and plan.lower_bound <= 1
    assert brute_force(catalog, frozenset(catalog.starts), {"c3", "c4"}) == 1


def test_weighted_plan_by_property_and_errors(full_catalog) -> None:
    game = Game(full_catalog, clock=lambda: 0.0)
    by_year = game.plan("flash_attention", cost="year", budget=5.0)
    assert by_year.weighted_cost is not None and by_year.lower_bound <= by_year.cost
    unit = game.plan("flash_attention")
    assert unit.weighted_cost is None and unit.cost == len(unit)
    flat = game.plan("flash_attention", cost=dict.fromkeys(full_catalog.concepts, 1.0), budget=5.0)
    assert flat.optimal and flat.cost >= len(unit)
    with pytest.raises(ValueError, match="no concept has a property"):
        game.plan("flash_attention", cost="no_such_property")
    with pytest.raises(ValueError, match="non-negative"):
        game.plan("flash_attention", cost={"calculus": -1.0})
    with pytest.raises(ValueError, match="unknown concepts"):
        game.plan("flash_attention", cost={"nope": 1.0})
    with pytest.raises(UnknownConcept):
        game.plan("flash_attention", "nope")
    with pytest.raises(ValueError):
        game.plan()


def test_several_shipped_targets_at_once(full_catalog) -> None:
    game = Game(full_catalog, clock=lambda: 0.0)
    both = game.plan("flash_attention", "mamba", budget=5.0)
    one = game.plan("flash_attention", budget=5.0)
    other = game.plan("mamba", budget=5.0)
    assert both.optimal and both.targets == ("flash_attention", "mamba")
    assert max(len(one), len(other)) <= len(both) <= len(one) + len(other)
    step = game.best_next("flash_attention", "mamba")
    assert step is not None and step.after == len(both) - 1 and "shortest way" in step.reason
    for s in both:
        game.combine(*s.inputs)
    assert game.best_next("flash_attention", "mamba") is None


def test_cli_path_to_several_concepts() -> None:
    out, err = io.StringIO(), io.StringIO()
    status = main(["path", "flash_attention", "mamba"], stdin=io.StringIO(), stdout=out, stderr=err, env={})
    assert status == 0, err.getvalue()
    assert "Learning path to FlashAttention" in out.getvalue() and "Mamba" in out.getvalue()
    assert "Prerequisites" not in out.getvalue()  # layered prerequisites are for one target
    out = io.StringIO()
    status = main(["path", "flash_attention", "mamba", "--json"], stdin=io.StringIO(), stdout=out, stderr=err, env={})
    data = json.loads(out.getvalue())
    assert [t["id"] for t in data["targets"]] == ["flash_attention", "mamba"] and data["plan"]["optimal"]
    steps = data["plan"]["steps"]
    assert {"flash_attention", "mamba"} <= {o for s in steps for o in s["outputs"]}

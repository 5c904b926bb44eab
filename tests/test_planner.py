"""Tests of the optimal delete-free planner (craftcore._planner) against brute force on small random tasks."""

from __future__ import annotations

import heapq
import importlib.util
import itertools
import pathlib
from collections import deque
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from craftcore._planner import Planner, Solution, Task, exact
from craftcore._planner.cuts import Cuts
from craftcore._planner.dominance import DEAD, dominators, replace_dominated
from craftcore._planner.lmcut import lm_cut
from craftcore._planner.local import LocalTask, TaskIndex
from craftcore._planner.relaxed import fact_landmarks
from craftcore._planner.task import replay

# -- brute force ------------------------------------------------------------------------------------------------------


def reachable(task: Task, init: set[int]) -> set[int]:
    """Naive fixed point: every fact reachable from ``init``."""
    facts = set(init)
    changed = True
    while changed:
        changed = False
        for pre, add in zip(task.pre, task.add, strict=True):
            if facts.issuperset(pre) and not facts.issuperset(add):
                facts.update(add)
                changed = True
    return facts


def shortest_plan(task: Task, init: set[int], goals: set[int]) -> list[int] | None:
    """Breadth-first search over discovered sets: one shortest plan reaching ``goals``, None if unreachable."""
    start = frozenset(init)
    if goals <= start:
        return []
    parent: dict[frozenset[int], tuple[frozenset[int], int] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for a, (pre, add) in enumerate(zip(task.pre, task.add, strict=True)):
            if state.issuperset(pre) and not state.issuperset(add):
                nxt = state.union(add)
                if nxt not in parent:
                    parent[nxt] = (state, a)
                    if goals <= nxt:
                        plan = []
                        link = parent[nxt]
                        while link is not None:
                            plan.append(link[1])
                            link = parent[link[0]]
                        return plan[::-1]
                    queue.append(nxt)
    return None


def optimum(task: Task, init: set[int], goals: set[int]) -> int | None:
    """The fewest actions reaching ``goals`` (brute force), None if unreachable."""
    plan = shortest_plan(task, init, goals)
    return None if plan is None else len(plan)


def check_plan(task: Task, init: set[int], goals: set[int], solution: Solution) -> None:
    """The plan replays: each action applicable in turn, each adds a new fact, and the goals hold at the end."""
    reached = replay(task, init, solution.actions)
    assert reached is not None, solution
    assert goals <= reached
    assert 0 <= solution.lower_bound <= len(solution.actions)
    assert solution.optimal == (solution.lower_bound == len(solution.actions))


def ticking_clock() -> Callable[[], float]:
    """A clock that advances by one every time it is read, so a budget of n stops the planner after n readings."""
    readings = itertools.count()
    return lambda: float(next(readings))


# -- strategies -------------------------------------------------------------------------------------------------------


@st.composite
def queries(draw: st.DrawFn, max_facts: int = 9, max_actions: int = 12) -> tuple[Task, set[int], set[int]]:
    """A random small task with an initial set and goals."""
    n = draw(st.integers(1, max_facts))
    facts = st.integers(0, n - 1)
    n_actions = draw(st.integers(0, max_actions))
    pre = [draw(st.lists(facts, max_size=3)) for _ in range(n_actions)]
    add = [draw(st.lists(facts, min_size=1, max_size=2)) for _ in range(n_actions)]
    init = set(draw(st.lists(facts, max_size=3)))
    goals = set(draw(st.lists(facts, min_size=1, max_size=3)))
    return Task.from_lists(n, pre, add), init, goals


# -- properties -------------------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(queries())
def test_solve_matches_brute_force(query: tuple[Task, set[int], set[int]]) -> None:
    task, init, goals = query
    expected = optimum(task, init, goals)
    solution = Planner(task).solve(init, goals, budget=10.0)
    if expected is None:
        assert solution is None
        assert not goals <= reachable(task, init)
        return
    assert goals <= reachable(task, init)
    assert solution is not None
    check_plan(task, init, goals, solution)
    assert solution.optimal
    assert len(solution.actions) == expected


@settings(max_examples=200, deadline=None)
@given(queries())
def test_zero_budget_still_gives_a_valid_plan(query: tuple[Task, set[int], set[int]]) -> None:
    task, init, goals = query
    expected = optimum(task, init, goals)
    solution = Planner(task).solve(init, goals, budget=0.0)
    assert (solution is None) == (expected is None)
    if solution is not None and expected is not None:
        check_plan(task, init, goals, solution)
        assert solution.lower_bound <= expected <= len(solution.actions)


@settings(max_examples=300, deadline=None)
@given(queries(max_facts=10, max_actions=14), st.integers(1, 40))
def test_interrupted_search_keeps_valid_bounds(query: tuple[Task, set[int], set[int]], ticks: int) -> None:
    """A clock that runs out after a few readings stops the search anywhere; the bounds must still hold."""
    task, init, goals = query
    expected = optimum(task, init, goals)
    solution = Planner(task).solve(init, goals, budget=float(ticks), clock=ticking_clock(), engine="search")
    assert (solution is None) == (expected is None)
    if solution is not None and expected is not None:
        check_plan(task, init, goals, solution)
        assert solution.lower_bound <= expected <= len(solution.actions)


@settings(max_examples=300, deadline=None)
@given(queries())
def test_lower_bound_is_admissible(query: tuple[Task, set[int], set[int]]) -> None:
    task, init, goals = query
    expected = optimum(task, init, goals)
    planner = Planner(task)
    if expected is None:
        with pytest.raises(ValueError, match="unreachable"):
            planner.lower_bound(init, goals)
    else:
        assert 0 <= planner.lower_bound(init, goals) <= expected


@settings(max_examples=300, deadline=None)
@given(queries())
def test_lm_cut_landmarks_are_disjoint_and_hit_by_a_shortest_plan(query: tuple[Task, set[int], set[int]]) -> None:
    task, init, goals = query
    plan = shortest_plan(task, init, goals)
    lt = LocalTask.build(TaskIndex(task), init, goals)
    if plan is None:
        assert lt is None
        return
    assert lt is not None
    landmarks = lm_cut(lt)
    assert landmarks is not None
    assert len(landmarks) <= len(plan)
    seen: set[int] = set()
    for lm in landmarks:
        actions = {lt.orig[a] for a in lm}
        assert not actions & seen  # unit costs: LM-cut's landmarks are disjoint
        seen |= actions
        assert actions & set(plan)  # every plan hits every landmark


@given(queries())
def test_fact_landmarks_are_exactly_the_facts_no_achiever_avoids(query: tuple[Task, set[int], set[int]]) -> None:
    """``fact_landmarks`` against its definition: f is a landmark of g when every achiever-closed route to g needs f,
    i.e. when g is unreachable once f can no longer be obtained (the fixpoint is exact for single facts)."""
    task, init, goals = query
    lt = LocalTask.build(TaskIndex(task), init, goals)
    if lt is None:
        return
    lm = fact_landmarks(lt)
    local = Task.from_lists(lt.n_facts, lt.pre, lt.add)
    for g in range(lt.n_facts):
        reach_g = g in reachable(local, set())
        assert (lm[g] >= 0) == reach_g
        if not reach_g:
            continue
        for f in range(lt.n_facts):
            without = Task.from_lists(lt.n_facts, list(lt.pre), [[x for x in row if x != f] for row in lt.add])
            expected = f == g or g not in reachable(without, set())
            assert bool(lm[g] >> f & 1) == expected, (g, f)


@given(queries(), st.sets(st.integers(0, 11)))
def test_saturated_cuts_are_landmarks_the_chosen_actions_miss(
    query: tuple[Task, set[int], set[int]], picks: set[int]
) -> None:
    """Every plan uses an action of the cut (without them the goals are unreachable); the chosen actions use none."""
    task, init, goals = query
    lt = LocalTask.build(TaskIndex(task), init, goals)
    if lt is None or not lt.goals:
        return
    cuts = Cuts(lt)
    chosen = sorted(a for a in picks if a < lt.n_actions)
    reached = cuts.reached(chosen)
    if cuts.goal & reached == cuts.goal:
        return
    cut = cuts.landmark(chosen, reached)
    assert cut and not set(cut) & set(chosen)
    local = Task.from_lists(lt.n_facts, lt.pre, lt.add)
    without = Task.from_lists(
        lt.n_facts,
        [[] if a in cut else row for a, row in enumerate(lt.pre)],
        [[] if a in cut else row for a, row in enumerate(lt.add)],
    )
    assert set(lt.goals) <= reachable(local, set())
    assert not set(lt.goals) <= reachable(without, set())
    for landmark in cuts.several(chosen, set(), 5):
        assert not set(lt.goals) <= reachable(
            Task.from_lists(lt.n_facts, lt.pre, [[] if a in landmark else row for a, row in enumerate(lt.add)]),
            set(),
        )


@settings(max_examples=300, deadline=None)
@given(queries(max_facts=8, max_actions=14))
def test_dominated_actions_can_go_without_lengthening_any_optimum(query: tuple[Task, set[int], set[int]]) -> None:
    """Each dominated action points at an undominated one that adds as much; without the dominated (and dead)
    actions the optimum is unchanged, and a shortest plan with dominators in place stays a plan, no longer."""
    task, init, goals = query
    lt = LocalTask.build(TaskIndex(task), init, goals)
    if lt is None or not lt.goals:
        return
    root = dominators(lt, fact_landmarks(lt))
    local = Task.from_lists(lt.n_facts, lt.pre, lt.add)
    reach = reachable(local, set())
    for a, r in enumerate(root):
        if r == DEAD:
            assert not set(lt.pre[a]) <= reach
        elif r != a:
            assert root[r] == r and set(lt.add[a]) <= set(lt.add[r])
    kept = Task.from_lists(
        lt.n_facts,
        [row if root[a] == a else [] for a, row in enumerate(lt.pre)],
        [row if root[a] == a else [] for a, row in enumerate(lt.add)],
    )
    shortest = shortest_plan(local, set(), set(lt.goals))
    assert shortest is not None
    assert optimum(kept, set(), set(lt.goals)) == len(shortest)
    replaced = replace_dominated(shortest, root)
    reached = replay(local, set(), tuple(replaced))
    assert reached is not None and set(lt.goals) <= reached
    assert len(replaced) <= len(shortest)


def test_a_recipe_from_landmarks_dominates_the_others() -> None:
    """Two ways to make c: from a and b, or from a alone; b needs a, so "from a" is there whenever "from a and b"
    is, and the latter goes; an unrelated recipe for c from d stays."""
    # facts: a=0, b=1, c=2, d=3; actions: ->a, a->b, a+b->c, a->c, ->d, d->c
    task = Task.from_lists(4, pre=[[], [0], [0, 1], [0], [], [3]], add=[[0], [1], [2], [2], [3], [2]])
    lt = LocalTask.build(TaskIndex(task), set(), {2})
    assert lt is not None
    root = dominators(lt, fact_landmarks(lt))
    by_orig = {lt.orig[a]: lt.orig[r] if r != DEAD else DEAD for a, r in enumerate(root)}
    assert by_orig[2] == 3
    assert by_orig[3] == 3 and by_orig[5] == 5 and by_orig[0] == 0


# -- examples ---------------------------------------------------------------------------------------------------------


def test_goals_already_reached_give_an_empty_optimal_plan() -> None:
    task = Task.from_lists(3, [[0]], [[1]])
    assert Planner(task).solve([0, 1], [1]) == Solution((), True, 0, 0)
    weighted = Planner(task).solve([0, 1], [1], weights=[1.0, 1.0, 1.0])
    assert weighted == Solution((), True, 0.0, 0, cost=0.0)


def test_unreachable_goal_gives_none() -> None:
    task = Task.from_lists(3, [[0]], [[1]])
    assert Planner(task).solve([0], [2]) is None


def test_shared_ingredient_beats_the_relaxed_plan() -> None:
    # goal 5 from 0: route A uses 1 and 2 (each one step); route B needs 3 which needs 4
    task = Task.from_lists(6, [[0], [0], [1, 2], [0], [4], [3]], [[1], [2], [5], [4], [3], [5]])
    solution = Planner(task).solve([0], [5])
    assert solution is not None
    assert len(solution.actions) == 3 and solution.optimal


def test_rejects_unknown_facts() -> None:
    planner = Planner(Task.from_lists(2, [[0]], [[1]]))
    with pytest.raises(ValueError, match="outside"):
        planner.solve([0], [7])


def test_task_validates_rows() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        Task(3, ((1, 0),), ((2,),))
    with pytest.raises(ValueError, match="outside"):
        Task(2, ((0,),), ((5,),))


# -- a generated world (benchmarks/worlds.py) ------------------------------------------------------------------------


def _worlds():  # type: ignore[no-untyped-def]
    path = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "worlds.py"
    spec = importlib.util.spec_from_file_location("craftcore_bench_worlds", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_world_every_concept_proven_optimal() -> None:
    worlds = _worlds()
    world = worlds.small_world(seed=3)
    assert world == worlds.small_world(seed=3)  # deterministic
    task, index = worlds.to_task(world)
    planner = Planner(task)
    init = [index[s] for s in world.starts]
    for concept in world.concepts:
        solution = planner.solve(init, [index[concept]], budget=5.0)
        assert solution is not None
        assert solution.optimal
        check_plan(task, set(init), {index[concept]}, solution)


def test_search_interrupted_on_a_world_keeps_valid_bounds() -> None:
    worlds = _worlds()
    world = worlds.small_world(seed=3)
    task, index = worlds.to_task(world)
    planner = Planner(task)
    init = [index[s] for s in world.starts]
    searched = 0
    for concept in world.concepts:
        full = planner.solve(init, [index[concept]], budget=5.0)
        assert full is not None and full.optimal
        if full.expanded < 3:
            continue  # proven without search
        searched += 1
        for ticks in (5, 20, 80):
            cut = planner.solve(init, [index[concept]], budget=float(ticks), clock=ticking_clock(), engine="search")
            assert cut is not None
            check_plan(task, set(init), {index[concept]}, cut)
            assert cut.lower_bound <= len(full.actions) <= len(cut.actions)
    assert searched >= 3


# -- engines, several goals, weights ----------------------------------------------------------------------------------

ENGINES = ["search", pytest.param("exact", marks=pytest.mark.skipif(not exact.AVAILABLE, reason="needs ortools"))]


def cheapest(task: Task, init: set[int], goals: set[int], weights: list[float]) -> float | None:
    """Dijkstra over discovered sets: the least summed weight of the facts added on the way to ``goals``."""
    start = frozenset(init)
    best = {start: 0.0}
    heap: list[tuple[float, int, frozenset[int]]] = [(0.0, 0, start)]
    tie = itertools.count(1)
    while heap:
        cost, _, state = heapq.heappop(heap)
        if cost > best[state]:
            continue
        if goals <= state:
            return cost
        for pre, add in zip(task.pre, task.add, strict=True):
            if state.issuperset(pre) and not state.issuperset(add):
                nxt = state.union(add)
                c = cost + sum(weights[f] for f in nxt - state)
                if c < best.get(nxt, float("inf")):
                    best[nxt] = c
                    heapq.heappush(heap, (c, next(tie), nxt))
    return None


def added_weight(task: Task, init: set[int], actions: tuple[int, ...], weights: list[float]) -> float:
    state = set(init)
    total = 0.0
    for a in actions:
        new = set(task.add[a]) - state
        total += sum(weights[f] for f in new)
        state |= new
    return total


@settings(max_examples=250, deadline=None)
@given(queries(max_facts=10, max_actions=14))
@pytest.mark.parametrize("engine", ENGINES)
def test_each_engine_matches_brute_force_on_several_goals(engine: str, query: tuple[Task, set[int], set[int]]) -> None:
    task, init, goals = query
    expected = optimum(task, init, goals)
    solution = Planner(task).solve(init, goals, budget=10.0, engine=engine)
    assert (solution is None) == (expected is None)
    if solution is not None:
        check_plan(task, init, goals, solution)
        assert solution.optimal
        assert len(solution.actions) == expected


@settings(max_examples=250, deadline=None)
@given(queries(max_facts=8, max_actions=12), st.data())
@pytest.mark.parametrize("engine", ENGINES)
def test_weighted_plans_match_brute_force(
    engine: str,
    query: tuple[Task, set[int], set[int]],
    data: st.DataObject,
) -> None:
    task, init, goals = query
    weights = data.draw(
        st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 7.0]), min_size=task.n_facts, max_size=task.n_facts)
    )
    expected = cheapest(task, init, goals, weights)
    solution = Planner(task).solve(init, goals, budget=10.0, engine=engine, weights=weights)
    assert (solution is None) == (expected is None)
    if solution is None or expected is None:
        return
    reached = replay(task, init, solution.actions)
    assert reached is not None and goals <= reached
    assert solution.cost == pytest.approx(added_weight(task, init, solution.actions, weights))
    assert solution.optimal
    assert solution.cost == pytest.approx(expected)
    assert solution.lower_bound == pytest.approx(expected)


@settings(max_examples=150, deadline=None)
@given(queries(max_facts=10, max_actions=14), st.integers(1, 30), st.data())
def test_interrupted_weighted_search_keeps_valid_bounds(
    query: tuple[Task, set[int], set[int]], ticks: int, data: st.DataObject
) -> None:
    task, init, goals = query
    weights = data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.5, 4.0]), min_size=task.n_facts, max_size=task.n_facts))
    expected = cheapest(task, init, goals, weights)
    solution = Planner(task).solve(
        init, goals, budget=float(ticks), clock=ticking_clock(), engine="search", weights=weights
    )
    assert (solution is None) == (expected is None)
    if solution is not None and expected is not None:
        assert solution.cost is not None
        assert solution.lower_bound <= expected + 1e-9 <= solution.cost + 2e-9
        assert solution.optimal == (solution.lower_bound >= solution.cost - 1e-9)


def test_weights_are_checked() -> None:
    planner = Planner(Task.from_lists(2, [[0]], [[1]]))
    with pytest.raises(ValueError, match="non-negative"):
        planner.solve([0], [1], weights=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        planner.solve([0], [1], weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="engine"):
        planner.solve([0], [1], engine="fast")


@pytest.mark.skipif(not exact.AVAILABLE, reason="needs ortools")
def test_exact_engine_proves_the_small_world() -> None:
    exact.cp_model()  # the import (about a second, more on a busy machine) would count against the first budget
    worlds = _worlds()
    world = worlds.small_world(seed=5)
    task, index = worlds.to_task(world)
    planner = Planner(task)
    init = [index[s] for s in world.starts]
    for concept in world.concepts[::7]:
        search = planner.solve(init, [index[concept]], budget=5.0, engine="search")
        cp = planner.solve(init, [index[concept]], budget=5.0, engine="exact")
        assert search is not None and cp is not None
        check_plan(task, set(init), {index[concept]}, cp)
        assert cp.optimal and len(cp.actions) == len(search.actions)

"""Weighted plans: the cheapest set of actions when every fact obtained costs its weight.

A plan's cost is the summed weight of the facts its actions add beyond the initial ones (each fact is paid once, also
when it comes as a by-product). The pure-Python engine is an A* search over the sets of facts held, restricted to the
relevant actions of the query, with the summed weight of the goals not yet held as its admissible estimate; when the
budget runs out, the least estimate over the open states is a proven lower bound. The exact engine (CP-SAT, when
installed) solves the same problem as an integer model (:mod:`.exact`).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Sequence

from .local import LocalTask
from .relaxed import executable_order, masks


def weighted_task(
    actions: Sequence[int],
    task_pre: Sequence[Sequence[int]],
    task_add: Sequence[Sequence[int]],
    held: set[int],
    goals: Sequence[int],
) -> tuple[LocalTask, list[int]]:
    """The query's relevant ``actions`` (task ids) over the task facts not ``held``, with *every* add effect kept
    (by-products cost too).

    Returns the subtask (local numbering, ``orig`` the task action ids) and, per local fact, the task fact it stands
    for.
    """
    local: dict[int, int] = {}
    facts: list[int] = []
    for g in goals:
        if g not in local:
            local[g] = len(facts)
            facts.append(g)
    pre_rows: list[list[int]] = []
    add_rows: list[list[int]] = []
    orig: list[int] = []
    for a in actions:
        row = [f for f in task_add[a] if f not in held]
        if not row:
            continue
        for f in (*task_pre[a], *row):
            if f not in held and f not in local:
                local[f] = len(facts)
                facts.append(f)
        pre_rows.append([local[f] for f in task_pre[a] if f not in held])
        add_rows.append([local[f] for f in row])
        orig.append(a)
    return LocalTask(len(facts), pre_rows, add_rows, [local[g] for g in goals], orig), facts


def a_star(
    wt: LocalTask,
    weight: Sequence[float],
    best: list[int],
    best_cost: float,
    clock: Callable[[], float],
    deadline: float,
) -> tuple[list[int], float, float]:
    """Improve ``best`` (local actions, cost ``best_cost``) by A*; returns (plan, its cost, proven lower bound)."""
    pre_mask, add_mask, goal = masks(wt)
    n_actions = wt.n_actions
    goal_weight = {g: weight[g] for g in wt.goals}

    def estimate(state: int) -> float:
        return sum(w for g, w in goal_weight.items() if not state >> g & 1)

    def gain(state: int, a: int) -> float:
        new = add_mask[a] & ~state
        total = 0.0
        while new:
            low = new & -new
            total += weight[low.bit_length() - 1]
            new ^= low
        return total

    counter = itertools.count()
    start_h = estimate(0)
    heap: list[tuple[float, int, float, int]] = [(start_h, next(counter), 0.0, 0)]
    parent: dict[int, tuple[int, int]] = {}
    g_of: dict[int, float] = {0: 0.0}
    lower = start_h
    expanded = 0
    while heap:
        f, _, g, state = heap[0]
        lower = max(lower, f)
        if f >= best_cost:
            return best, best_cost, best_cost  # nothing open can beat the incumbent
        heapq.heappop(heap)
        if g > g_of.get(state, float("inf")):
            continue
        if state & goal == goal:
            plan: list[int] = []
            while state in parent:
                state, a = parent[state]
                plan.append(a)
            plan.reverse()
            return plan, g, g
        expanded += 1
        if not expanded & 15 and clock() > deadline:
            return best, best_cost, min(best_cost, lower)
        for a in range(n_actions):
            pm = pre_mask[a]
            if pm & state != pm or not add_mask[a] & ~state:
                continue
            nxt = state | add_mask[a]
            ng = g + gain(state, a)
            if ng < g_of.get(nxt, float("inf")):
                g_of[nxt] = ng
                parent[nxt] = (state, a)
                heapq.heappush(heap, (ng + estimate(nxt), next(counter), ng, nxt))
    return best, best_cost, best_cost  # pragma: no cover - the goal is reachable, so A* ends at it


def plan_cost(actions: Sequence[int], add: Sequence[Sequence[int]], weight: Sequence[float], held: set[int]) -> float:
    """The summed weight of the facts ``actions`` add beyond ``held``."""
    seen = set(held)
    total = 0.0
    for a in actions:
        for f in add[a]:
            if f not in seen:
                seen.add(f)
                total += weight[f]
    return total


def order(wt: LocalTask, actions: Sequence[int]) -> list[int] | None:
    """An executable order of ``actions`` (those adding nothing new dropped), or None if they miss a goal."""
    pre_mask, add_mask, goal = masks(wt)
    return executable_order(actions, pre_mask, add_mask, goal)

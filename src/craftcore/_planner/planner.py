"""The :class:`Planner`: fewest actions to reach some goal facts of a delete-free :class:`Task`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from . import exact as _exact
from .dominance import dominators, replace_dominated
from .lmcut import lm_cut
from .local import LocalTask, TaskIndex
from .relaxed import (
    achieved_bound,
    bits,
    executable_order,
    extract,
    fact_landmarks,
    goal_distance,
    h_add,
    h_max,
    h_sa,
    masks,
    remove_redundant,
)
from .search import branch_and_bound
from .task import Solution, Task, replay
from .weighted import a_star, order, plan_cost, weighted_task


def _forced_prefix(lt: LocalTask) -> tuple[LocalTask, list[int]]:
    """Apply, up front, action landmarks that are applicable at once (sole achievers of landmark facts).

    Every plan contains such an action, so moving it to the front keeps plans optimal.  Returns the residual task and
    the task action ids applied, in order.
    """
    prefix: list[int] = []
    while lt.goals:
        # landmark facts reached backward from the goals through facts with a single achiever
        seen = bytearray(lt.n_facts)
        stack = list(lt.goals)
        for g in stack:
            seen[g] = 1
        apply: list[int] = []
        while stack:
            f = stack.pop()
            achievers = lt.achievers[f]
            if len(achievers) != 1:
                continue
            a = achievers[0]
            if not lt.pre[a]:
                apply.append(a)
            for p in lt.pre[a]:
                if not seen[p]:
                    seen[p] = 1
                    stack.append(p)
        if not apply:
            break
        apply = sorted(set(apply))
        true = {f for a in apply for f in lt.add[a]}
        prefix += [lt.orig[a] for a in apply]
        lt = lt.restrict(range(lt.n_actions), true)
    return lt, prefix


def _upper_bound(lt: LocalTask, pre_mask: list[int], add_mask: list[int], goal: int) -> list[int]:
    """The shorter of two relaxed plans (h_add supporters, set-additive), each with redundant actions removed."""
    value, sup = h_add(lt)
    best = remove_redundant(extract(lt, value, sup), pre_mask, add_mask, goal)
    plans = h_sa(lt)
    union = 0
    for g in lt.goals:
        union |= plans[g]
    other = remove_redundant(bits(union), pre_mask, add_mask, goal)
    return other if len(other) < len(best) else best


def _prunable(lt: LocalTask, best: list[int], lm: list[int]) -> tuple[set[int], int]:
    """The actions that some plan shorter than ``best`` could use, with those of ``best``; also a lower bound from
    the goals' fact landmarks (``lm``: :func:`~.relaxed.fact_landmarks` of ``lt``).

    A plan using action ``a`` first achieves ``pre(a)`` (at least h_max(pre(a)) actions), then ``a``, then at least
    ``gd`` actions that lead from an effect of ``a`` to a goal (each needs a fact the previous one added).  It also
    obtains every fact landmark of ``a``'s preconditions and of the goals, and a fact of ``add(a)`` that is none of
    the preconditions' landmarks (else ``a`` would add nothing new): with at most ``widest`` facts added per action,
    that many facts take at least their number over ``widest`` actions.
    """
    hm, _, _ = h_max(lt)
    gd = goal_distance(lt)
    widest = max((len(row) for row in lt.add), default=1)
    goal_lm = 0
    for g in lt.goals:
        goal_lm |= lm[g]
    lower = achieved_bound(goal_lm.bit_count(), widest)
    limit = len(best) - 1
    keep = set(best)
    for a in range(lt.n_actions):
        first = max((hm[p] for p in lt.pre[a]), default=0) + 1
        if first + min(gd[e] for e in lt.add[a]) > limit:
            continue
        before = 0  # what every plan holds when it applies a
        for p in lt.pre[a]:
            before |= lm[p]
        new = [f for f in lt.add[a] if not before >> f & 1]
        if not new:
            continue  # a adds nothing new in any plan
        count = (before | goal_lm).bit_count() + (0 if any(goal_lm >> f & 1 for f in new) else 1)
        if achieved_bound(count, widest) > limit:
            continue
        keep.add(a)
    return keep, lower


#: At most this many rounds of :func:`_reduce` (each one's removals strengthen the landmarks of the next).
REDUCE_ROUNDS = 4


def _reduce(
    lt: LocalTask, best: list[int], clock: Callable[[], float], deadline: float
) -> tuple[LocalTask, list[int], int]:
    """Drop the actions no plan shorter than ``best`` needs: those :func:`_prunable` rules out and dominated ones
    (:mod:`.dominance`), again while a round removes a twentieth of them or more (each removal strengthens the
    landmarks of the next round), and not after ``deadline``.  Returns the smaller task, ``best`` (perhaps shorter)
    in its numbering, and a lower bound on the length of every plan.

    Both rules keep a shortest plan: a plan shorter than ``best`` uses only prunable-kept actions, and putting each
    dominated action's dominator in its place keeps it a plan, no longer.
    """
    lower = 0
    for _ in range(REDUCE_ROUNDS):
        if clock() >= deadline:
            break
        lm = fact_landmarks(lt)
        root = dominators(lt, lm)
        pre_mask, add_mask, goal = masks(lt)
        best = remove_redundant(replace_dominated(best, root), pre_mask, add_mask, goal)
        keep, bound = _prunable(lt, best, lm)
        lower = max(lower, bound)
        kept = [a for a in keep if root[a] == a]
        removed = lt.n_actions - len(kept)
        if not removed or lower >= len(best):
            break
        plan = [lt.orig[a] for a in best]
        lt = lt.restrict(kept)
        where = {o: a for a, o in enumerate(lt.orig)}
        best = [where[o] for o in plan]
        if removed * 20 < lt.n_actions + removed:
            break
    return lt, best, lower


#: Seconds of pure-Python search before the exact engine takes over (when installed); enough for every shipped
#: concept.
SEARCH_SLICE = 0.02


def _slice(clock: Callable[[], float], deadline: float) -> float:
    """The deadline of the pure-Python slice before the exact engine takes over."""
    return min(deadline, clock() + SEARCH_SLICE)


class Planner:
    """Optimal delete-free planning over one task; build once, then call :meth:`solve` for many queries.

    >>> task = Task.from_lists(4, pre=[[0], [0, 1], [1]], add=[[1], [2], [3]])
    >>> Planner(task).solve([0], [2])
    Solution(actions=(0, 1), optimal=True, lower_bound=2, expanded=0, cost=None)
    """

    def __init__(self, task: Task) -> None:
        self.task = task
        self._index = TaskIndex(task)

    def _check(self, facts: set[int], what: str) -> None:
        for f in facts:
            if not 0 <= f < self.task.n_facts:
                raise ValueError(f"{what} names fact {f!r}, outside 0..{self.task.n_facts - 1}")

    def _local(self, init: Iterable[int], goals: Iterable[int]) -> tuple[LocalTask, list[int]] | None:
        init_set, goal_set = set(init), set(goals)
        self._check(init_set, "init")
        self._check(goal_set, "goals")
        lt = LocalTask.build(self._index, init_set, goal_set)
        if lt is None:
            return None
        return _forced_prefix(lt)

    def solve(
        self,
        init: Iterable[int],
        goals: Iterable[int],
        *,
        budget: float = 1.0,
        clock: Callable[[], float] = time.perf_counter,
        engine: str = "auto",
        weights: Sequence[float] | None = None,
    ) -> Solution | None:
        """A cheapest plan reaching every fact of ``goals`` from ``init``, or None when some goal is unreachable.

        :param budget: seconds of ``clock`` time for proving optimality.  When it runs out the best plan found so far
            is returned with the best proven lower bound (``optimal`` is then True only if they meet).  A relaxed plan
            and its clean-up always run, whatever the budget, so the answer is always a valid plan.
        :param engine: ``"search"``: the pure-Python engines only; ``"exact"``: the CP-SAT model only (when
            installed); ``"auto"``: the pure-Python engine for a short slice, then, if installed and still unproven,
            the CP-SAT model for the rest of the budget.
        :param weights: one non-negative weight per fact: minimise the summed weight of the facts the plan adds
            (each paid once) instead of the number of actions.
        """
        if engine not in ("auto", "search", "exact"):
            raise ValueError(f"engine must be 'auto', 'search' or 'exact', not {engine!r}")
        deadline = clock() + budget
        init = set(init)  # iterables may be one-shot
        goals = set(goals)
        if weights is not None and (len(weights) != self.task.n_facts or any(not w >= 0 for w in weights)):
            raise ValueError("weights must give one non-negative number per fact")
        built = self._local(init, goals)
        if built is None:
            return None
        lt, prefix = built
        if weights is not None:
            return self._solve_weighted(init, goals, lt, prefix, weights, clock, deadline, engine)
        if not lt.goals:
            return Solution(tuple(prefix), True, len(prefix), 0)
        pre_mask, add_mask, goal = masks(lt)
        best = _upper_bound(lt, pre_mask, add_mask, goal)
        lower = 1
        effort = 0
        if len(best) > lower and clock() < deadline:
            lt, best, landmark_bound = _reduce(lt, best, clock, deadline)
            lower = max(lower, landmark_bound)
            landmarks = lm_cut(lt, clock=clock, deadline=deadline) or []
            lower = max(lower, len(landmarks))
            use_exact = _exact.AVAILABLE and engine != "search"
            if lower < len(best) and clock() < deadline and engine != "exact":
                outcome = branch_and_bound(lt, best, lower, clock, _slice(clock, deadline) if use_exact else deadline)
                best, lower, effort = outcome.plan, outcome.lower_bound, outcome.nodes
            if use_exact and lower < len(best) and clock() < deadline:
                found = _exact.solve_exact(lt, best, lower, landmarks, clock, deadline)
                if found is not None:
                    pm, am, gm = masks(lt)
                    ordered = executable_order(found[0], pm, am, gm)
                    if ordered is not None and len(ordered) < len(best):
                        best = ordered
                    lower = max(lower, int(found[1]))
        actions = tuple(prefix + [lt.orig[a] for a in best])
        if replay(self.task, init, actions) is None:  # pragma: no cover - a bug if it happens
            raise AssertionError("planner produced an invalid plan")
        bound = len(prefix) + min(lower, len(best))
        return Solution(actions, bound == len(actions), bound, effort)

    def _solve_weighted(
        self,
        init: set[int],
        goals: set[int],
        lt: LocalTask,
        prefix: list[int],
        weights: Sequence[float],
        clock: Callable[[], float],
        deadline: float,
        engine: str,
    ) -> Solution:
        """:meth:`solve` with weights: forced actions first (every plan has them), then A* and/or CP-SAT."""
        task = self.task
        held = set(init)
        prefix_cost = 0.0
        for a in prefix:
            for f in task.add[a]:
                if f not in held:
                    held.add(f)
                    prefix_cost += weights[f]
        left = sorted(goals - held)
        best: list[int] = []
        best_cost = lower = 0.0
        effort = 0
        wt: LocalTask | None = None
        if left:
            wt, facts = weighted_task(lt.orig, task.pre, task.add, held, left)
            weight = [float(weights[f]) for f in facts]
            pre_mask, add_mask, goal = masks(lt)
            position = {o: i for i, o in enumerate(wt.orig)}
            relaxed = order(wt, [position[lt.orig[a]] for a in _upper_bound(lt, pre_mask, add_mask, goal)])
            assert relaxed is not None
            best, best_cost = relaxed, plan_cost(relaxed, wt.add, weight, set())
            lower = sum(weight[g] for g in wt.goals)  # each goal is paid for
            use_exact = _exact.AVAILABLE and engine != "search"
            if lower < best_cost and engine != "exact":
                best, best_cost, lower = a_star(
                    wt, weight, best, best_cost, clock, _slice(clock, deadline) if use_exact else deadline
                )
                effort = 1
            if use_exact and lower < best_cost and clock() < deadline:
                found = _exact.solve_exact(wt, best, lower, [], clock, deadline, fact_cost=weight)
                if found is not None:
                    ordered = order(wt, found[0])
                    if ordered is not None:
                        cost = plan_cost(ordered, wt.add, weight, set())
                        if cost < best_cost:
                            best, best_cost = ordered, cost
                    lower = max(lower, found[1])
        actions = tuple(prefix + [wt.orig[a] for a in best] if wt is not None else prefix)
        if replay(task, init, actions) is None:  # pragma: no cover - a bug if it happens
            raise AssertionError("planner produced an invalid plan")
        total = prefix_cost + best_cost
        bound = min(total, prefix_cost + lower)
        return Solution(actions, bound >= total - 1e-9 * max(1.0, total), bound, effort, cost=total)

    def lower_bound(self, init: Iterable[int], goals: Iterable[int]) -> int:
        """LM-cut's admissible lower bound on the number of actions (after forced actions are applied).

        :raises ValueError: when some goal is unreachable from ``init``.
        """
        built = self._local(init, goals)
        if built is None:
            raise ValueError("some goal is unreachable from init")
        lt, prefix = built
        landmarks = lm_cut(lt) if lt.goals else []
        return len(prefix) + len(landmarks or [])

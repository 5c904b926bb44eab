"""LM-cut (Helmert & Domshlak 2009) for unit-cost delete-free tasks.

With unit costs every cut reduces the cost of its actions from 1 to 0, so the landmarks found are pairwise disjoint
and their number is the heuristic value.  h_max is computed once and then updated incrementally after each cut:
only facts whose value drops are touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .local import LocalTask
from .relaxed import INF, h_max


def _update(lt: LocalTask, costs: list[int], cut: list[int], hm: list[int], pcf: list[int], aval: list[int]) -> None:
    """Lower h_max after the actions of ``cut`` became free (values only drop; a bucket queue orders them)."""
    pre, add, users = lt.pre, lt.add, lt.users
    buckets: dict[int, list[int]] = {}
    for a in cut:
        v = aval[a]
        for g in add[a]:
            if v < hm[g]:
                hm[g] = v
                buckets.setdefault(v, []).append(g)
    while buckets:
        v = min(buckets)
        bucket = buckets.pop(v)
        for f in bucket:
            if hm[f] != v:
                continue
            for a in users[f]:
                if pcf[a] != f:
                    continue
                best_v = -1
                best_p = -1
                for p in pre[a]:
                    hp = hm[p]
                    if hp > best_v:
                        best_v, best_p = hp, p
                pcf[a] = best_p
                if best_v < aval[a]:
                    aval[a] = best_v
                    nv = best_v + costs[a]
                    for g in add[a]:
                        if nv < hm[g]:
                            hm[g] = nv
                            if nv == v:
                                bucket.append(g)
                            else:
                                buckets.setdefault(nv, []).append(g)


def lm_cut(
    lt: LocalTask,
    cost: Sequence[int] | None = None,
    *,
    clock: Callable[[], float] | None = None,
    deadline: float = 0.0,
    goals: Sequence[int] | None = None,
    true: Sequence[int] = (),
    cap: int = INF,
) -> list[list[int]] | None:
    """The disjoint action landmarks found by LM-cut, or None when the goals are unreachable.

    ``cost`` (0 or 1 per action, default all 1) lets callers treat some actions as free: actions of cost 0 never
    appear in a landmark, so the landmarks then bound the number of the other actions needed.  Actions of negative
    cost are treated as absent (the landmarks are then those of the task without them).  ``goals`` replaces the task's
    goals and the facts ``true`` hold from the start.  With a ``clock``, the computation stops once it passes
    ``deadline``; the landmarks found until then are still landmarks.  It also stops once ``cap`` landmarks are found
    (for callers that only need to know whether the bound reaches ``cap``).
    """
    goal_list = lt.goals if goals is None else goals
    if not goal_list:
        return []
    costs = [1] * lt.n_actions if cost is None else list(cost)
    pre, add, achievers, users = lt.pre, lt.add, lt.achievers, lt.users
    landmarks: list[list[int]] = []
    n_facts = lt.n_facts
    hm, pcf, aval = h_max(lt, costs, true)
    starters = [a for a, row in enumerate(pre) if not row and costs[a] >= 0]
    while True:
        top = -1
        top_v = -1
        for g in goal_list:
            v = hm[g]
            if v >= INF:
                return None
            if v > top_v:
                top, top_v = g, v
        if top_v == 0 or len(landmarks) >= cap:
            return landmarks
        if clock is not None and landmarks and clock() > deadline:
            return landmarks
        # goal zone: facts from which the goal is reached through zero-cost justification edges
        zone = bytearray(n_facts)
        zone[top] = 1
        stack = [top]
        while stack:
            f = stack.pop()
            for a in achievers[f]:
                if costs[a] == 0:
                    p = pcf[a]
                    if p >= 0 and not zone[p]:
                        zone[p] = 1
                        stack.append(p)
        # forward from the artificial initial fact, along justification edges, without entering the goal zone
        cut: list[int] = []
        in_cut = bytearray(lt.n_actions)
        seen = bytearray(n_facts)
        frontier: list[int] = []
        for f in true:
            if not seen[f]:
                seen[f] = 1
                frontier.append(f)
        for a in starters:
            _follow(a, add, zone, costs, in_cut, cut, seen, frontier)
        while frontier:
            f = frontier.pop()
            for a in users[f]:
                if pcf[a] == f:
                    _follow(a, add, zone, costs, in_cut, cut, seen, frontier)
        if not cut:  # pragma: no cover - cannot happen for a reachable goal of positive h_max
            raise AssertionError("empty LM-cut landmark")
        for a in cut:
            costs[a] = 0
        landmarks.append(cut)
        _update(lt, costs, cut, hm, pcf, aval)


def _follow(
    a: int,
    add: Sequence[Sequence[int]],
    zone: bytearray,
    costs: list[int],
    in_cut: bytearray,
    cut: list[int],
    seen: bytearray,
    frontier: list[int],
) -> None:
    """Follow action ``a`` forward: into the cut if it enters the goal zone, otherwise on to its new effects."""
    for g in add[a]:
        if zone[g]:
            if not in_cut[a] and costs[a] > 0:
                in_cut[a] = 1
                cut.append(a)
        elif not seen[g]:
            seen[g] = 1
            frontier.append(g)

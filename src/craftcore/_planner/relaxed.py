"""Relaxed reachability on a :class:`LocalTask`: h_max, h_add, relaxed-plan extraction and plan clean-up."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Sequence

from .local import LocalTask

INF = 1 << 60


def bits(x: int) -> list[int]:
    """The element ids of a bitset, in increasing order."""
    out = []
    while x:
        low = x & -x
        out.append(low.bit_length() - 1)
        x ^= low
    return out


def to_mask(elements: Iterable[int]) -> int:
    """The bitset of some element ids."""
    m = 0
    for e in elements:
        m |= 1 << e
    return m


def masks(lt: LocalTask) -> tuple[list[int], list[int], int]:
    """Bitset forms: precondition mask and add mask of every action, and the goal mask."""
    pre_mask = [to_mask(row) for row in lt.pre]
    add_mask = [to_mask(row) for row in lt.add]
    goal = 0
    for g in lt.goals:
        goal |= 1 << g
    return pre_mask, add_mask, goal


def closure(actions: Iterable[int], pre_mask: Sequence[int], add_mask: Sequence[int], start: int = 0) -> int:
    """The facts reachable from ``start`` (a bitset) using only ``actions``."""
    reached = start
    pending = list(actions)
    while pending:
        rest = []
        for a in pending:
            pm = pre_mask[a]
            if pm & reached == pm:
                reached |= add_mask[a]
            else:
                rest.append(a)
        if len(rest) == len(pending):
            break
        pending = rest
    return reached


def executable_order(
    actions: Iterable[int], pre_mask: Sequence[int], add_mask: Sequence[int], goal: int
) -> list[int] | None:
    """Order ``actions`` executably, dropping every action that adds nothing new or is not needed to reach ``goal``.

    Returns None when the actions do not reach the goal.
    """
    reached = 0
    order: list[int] = []
    pending = list(actions)
    while pending and goal & reached != goal:
        rest = []
        for a in pending:
            pm = pre_mask[a]
            if pm & reached == pm:
                if add_mask[a] & ~reached:
                    reached |= add_mask[a]
                    order.append(a)
            else:
                rest.append(a)
        if len(rest) == len(pending):
            break
        pending = rest
    if goal & reached != goal:
        return None
    return order


def remove_redundant(plan: Sequence[int], pre_mask: Sequence[int], add_mask: Sequence[int], goal: int) -> list[int]:
    """Drop actions one at a time (latest first) while the rest still reaches ``goal``; executable order kept."""
    order = executable_order(plan, pre_mask, add_mask, goal)
    if order is None:
        raise ValueError("plan does not reach the goal")
    keep = list(order)
    i = len(keep) - 1
    while i >= 0:
        trial = keep[:i] + keep[i + 1 :]
        if goal & closure(trial, pre_mask, add_mask) == goal:
            keep = trial
        i -= 1
    return executable_order(keep, pre_mask, add_mask, goal) or keep


def h_max(
    lt: LocalTask, cost: Sequence[int] | None = None, true: Sequence[int] = ()
) -> tuple[list[int], list[int], list[int]]:
    """h_max of every fact (INF if unreachable) and, per action, the precondition settled last (-1: none, or never)
    and that precondition's value (``aval``, INF: never applicable).

    Facts in ``true`` hold from the start (value 0).  An action whose ``cost`` is negative is treated as absent.
    """
    nf, pre, add, users = lt.n_facts, lt.pre, lt.add, lt.users
    hm = [INF] * nf
    pcf = [-1] * lt.n_actions
    aval = [INF] * lt.n_actions
    missing = [len(row) for row in pre]
    buckets: list[list[int]] = [[]]
    for f in true:
        hm[f] = 0
        buckets[0].append(f)
    for a, row in enumerate(pre):
        if not row:
            c = 1 if cost is None else cost[a]
            if c < 0:
                continue
            aval[a] = 0
            while len(buckets) <= c:
                buckets.append([])
            for g in add[a]:
                if c < hm[g]:
                    hm[g] = c
                    buckets[c].append(g)
    v = 0
    done = bytearray(nf)
    while v < len(buckets):
        for f in buckets[v]:
            if done[f] or hm[f] != v:
                continue
            done[f] = 1
            for a in users[f]:
                m = missing[a] - 1
                missing[a] = m
                if not m:
                    c = 1 if cost is None else cost[a]
                    if c < 0:
                        continue
                    pcf[a] = f
                    aval[a] = v
                    nv = v + c
                    while len(buckets) <= nv:
                        buckets.append([])
                    bucket = buckets[nv]
                    for g in add[a]:
                        if nv < hm[g]:
                            hm[g] = nv
                            bucket.append(g)
        v += 1
    return hm, pcf, aval


def h_add(lt: LocalTask, tie: Sequence[float] | None = None) -> tuple[list[float], list[int]]:
    """h_add of every fact (INF if unreachable) and its best supporter (-1 if none).

    ``tie`` optionally adds a small per-action cost, to vary the choice between equally good supporters.
    """
    nf, pre, add, users = lt.n_facts, lt.pre, lt.add, lt.users
    ha: list[float] = [INF] * nf
    sup = [-1] * nf
    missing = [len(row) for row in pre]
    acc: list[float] = [0.0] * lt.n_actions
    heap: list[tuple[float, int]] = []
    for a, row in enumerate(pre):
        if not row:
            c = 1.0 if tie is None else 1.0 + tie[a]
            for g in add[a]:
                if c < ha[g]:
                    ha[g] = c
                    sup[g] = a
                    heapq.heappush(heap, (c, g))
    done = bytearray(nf)
    while heap:
        v, f = heapq.heappop(heap)
        if done[f]:
            continue
        done[f] = 1
        for a in users[f]:
            acc[a] += v
            m = missing[a] - 1
            missing[a] = m
            if not m:
                nv = acc[a] + (1.0 if tie is None else 1.0 + tie[a])
                for g in add[a]:
                    if nv < ha[g]:
                        ha[g] = nv
                        sup[g] = a
                        heapq.heappush(heap, (nv, g))
    return ha, sup


def extract(lt: LocalTask, value: Sequence[float], sup: Sequence[int]) -> list[int]:
    """Relaxed-plan extraction from best supporters: the set of supporters needed for the goals."""
    chosen: list[int] = []
    marked = bytearray(lt.n_facts)
    in_plan = bytearray(lt.n_actions)
    stack = sorted(lt.goals, key=lambda g: value[g])
    for g in stack:
        marked[g] = 1
    while stack:
        f = stack.pop()
        a = sup[f]
        if in_plan[a]:
            continue
        in_plan[a] = 1
        chosen.append(a)
        for p in lt.pre[a]:
            if not marked[p]:
                marked[p] = 1
                stack.append(p)
    chosen.sort(key=lambda a: max((value[p] for p in lt.pre[a]), default=0.0))
    return chosen


def h_sa(lt: LocalTask, true: int = 0, free: int = 0) -> list[int]:
    """The set-additive heuristic (Keyder & Geffner 2008): a relaxed plan per fact, as a bitset of actions.

    Facts in the bitset ``true`` hold already (empty plan); actions in the bitset ``free`` cost nothing and are
    left out of the plans.  A relaxed plan for several facts is the union of their plans; unreachable facts get -1.
    """
    nf, pre, add, users = lt.n_facts, lt.pre, lt.add, lt.users
    cost = [INF] * nf
    plan = [-1] * nf
    missing = [len(row) for row in pre]
    heap: list[tuple[int, int]] = []
    done = bytearray(nf)

    def enable(a: int) -> None:
        s = 0 if free >> a & 1 else 1 << a
        for p in pre[a]:
            s |= plan[p]
        c = s.bit_count()
        for g in add[a]:
            if c < cost[g]:
                cost[g] = c
                plan[g] = s
                heapq.heappush(heap, (c, g))

    x = true
    while x:
        low = x & -x
        f = low.bit_length() - 1
        x ^= low
        cost[f] = 0
        plan[f] = 0
        heap.append((0, f))
    heapq.heapify(heap)
    for a, row in enumerate(pre):
        if not row:
            enable(a)
    while heap:
        c, f = heapq.heappop(heap)
        if done[f] or c != cost[f]:
            continue
        done[f] = 1
        for a in users[f]:
            m = missing[a] - 1
            missing[a] = m
            if not m:
                enable(a)
    return plan


def goal_distance(lt: LocalTask) -> list[int]:
    """``gd[f]``: the fewest actions, after ``f`` is obtained, on a chain from ``f`` to a goal (INF: none)."""
    gd = [INF] * lt.n_facts
    queue = deque(lt.goals)
    for g in queue:
        gd[g] = 0
    while queue:
        e = queue.popleft()
        step = gd[e] + 1
        for b in lt.achievers[e]:
            for p in lt.pre[b]:
                if gd[p] > step:
                    gd[p] = step
                    queue.append(p)
    return gd


def fact_landmarks(lt: LocalTask) -> list[int]:
    """``lm[f]``: the facts (a bitset, ``f`` included) that every plan reaching ``f`` obtains; -1 when unreachable.

    The fixpoint ``lm(f) = {f} | AND over achievers a of f (OR over p in pre(a) of lm(p))`` (Zhu & Givan 2003;
    Keyder, Richter & Helmert 2010), computed in h_max order and repeated until nothing shrinks.
    """
    _, _, aval = h_max(lt)
    pre, add, users = lt.pre, lt.add, lt.users
    lm = [-1] * lt.n_facts  # -1: not reached yet (the top element)
    # a work list in h_max order: an action is (re)visited when one of its preconditions' sets shrank
    queue = sorted((aval[a], a) for a in range(lt.n_actions) if aval[a] < INF)
    queued = bytearray(lt.n_actions)
    for _, a in queue:
        queued[a] = 1
    heapq.heapify(queue)
    while queue:
        _, a = heapq.heappop(queue)
        queued[a] = 0
        need = 0
        for p in pre[a]:
            if lm[p] < 0:
                break
            need |= lm[p]
        else:
            for f in add[a]:
                old = lm[f]
                new = (need | 1 << f) if old < 0 else old & (need | 1 << f)
                if new != old:
                    lm[f] = new
                    for b in users[f]:
                        if not queued[b] and aval[b] < INF:
                            queued[b] = 1
                            heapq.heappush(queue, (aval[b], b))
    return lm


def achieved_bound(count: int, widest: int) -> int:
    """The fewest actions that can obtain ``count`` distinct facts when no action adds more than ``widest``."""
    return -(-count // max(1, widest))

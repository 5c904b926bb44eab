"""Dominated actions: those another action can replace in every plan (Imai & Fukunaga 2015, after landmarks).

Action ``a`` *dominates* ``b`` when ``add(b)`` is part of ``add(a)`` and every precondition of ``a`` is a
precondition of ``b`` or a fact landmark of one (:func:`~.relaxed.fact_landmarks`): whenever ``b`` is applicable, so
is ``a`` (a plan holds a fact's landmarks once it holds the fact), and it adds at least as much, so putting ``a`` in
``b``'s place keeps any plan valid and no longer.  Dropping dominated actions keeps an optimal plan of every length
count; on the public Infinite Craft list it removes about two thirds of the actions left by pruning, which is what
lets the exact engine prove most of its long plans.

The relation is transitive (a landmark's landmarks are landmarks), so each dominated action points at an action
that dominates it, and following the pointers ends at an undominated one that does.
"""

from __future__ import annotations

from collections.abc import Sequence

from .local import LocalTask
from .relaxed import masks

#: ``dominators`` marks an action whose preconditions cannot all be obtained with this.
DEAD = -1


def dominators(lt: LocalTask, lm: Sequence[int]) -> list[int]:
    """``root[a]``: ``a`` when it is undominated, otherwise an undominated action that dominates it, or
    :data:`DEAD` when some precondition of ``a`` is unreachable (``lm[p] < 0``).

    ``lm`` holds the fact landmarks of ``lt`` (one bitset per fact, -1 when unreachable).
    """
    pre_mask, add_mask, _ = masks(lt)
    n = lt.n_actions
    parent = list(range(n))
    # what every plan holds when it can apply a: its preconditions and their landmarks
    held: list[int] = []
    for a in range(n):
        need = pre_mask[a]
        for p in lt.pre[a]:
            if lm[p] < 0:
                parent[a] = DEAD
                break
            need |= lm[p]
        held.append(need)

    # A dominator needs no more than what it dominates (held[a] is part of held[b]) and adds at least as much, so
    # offered in this order each fact's achievers meet their dominators first (with equal sets, the first offered
    # dominates the rest): one check against the earlier ones finds a dominator whenever there is one.
    order = sorted(range(n), key=lambda a: (held[a].bit_count(), -add_mask[a].bit_count(), a))
    by_fact: list[list[int]] = [[] for _ in range(lt.n_facts)]
    for a in order:
        if parent[a] == a:
            for f in lt.add[a]:
                by_fact[f].append(a)
    for achievers in by_fact:
        front: list[int] = []  # the achievers of f met so far and not dominated here
        for b in achievers:
            if parent[b] != b:
                continue  # dominated as the achiever of another fact
            missing, adds = ~held[b], add_mask[b]
            for a in front:
                if not pre_mask[a] & missing and not adds & ~add_mask[a]:
                    parent[b] = a
                    break
            else:
                front.append(b)
    # every pointer goes to an action earlier in that order, so the chains end
    root = parent[:]
    for a in range(n):
        r = a
        while root[r] != r and root[r] != DEAD:
            r = root[r]
        root[a] = DEAD if root[r] == DEAD else r
    return root


def replace_dominated(plan: Sequence[int], root: Sequence[int]) -> list[int]:
    """``plan`` with each action in the place of the one it replaces (repeats dropped): still a valid plan."""
    out: list[int] = []
    seen: set[int] = set()
    for a in plan:
        r = root[a]
        if r == DEAD:  # pragma: no cover - a plan's actions are applicable
            raise ValueError(f"action {a} of the plan can never be applied")
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out

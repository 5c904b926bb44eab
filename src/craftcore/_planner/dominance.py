"""Dominated actions: those another action can replace in every plan (Imai & Fukunaga 2015, after landmarks).

Action ``a`` *dominates* ``b`` when ``add(b)`` is part of ``add(a)`` and every precondition of ``a`` is a
precondition of ``b`` or a fact landmark of one (:func:`~.relaxed.fact_landmarks`): whenever ``b`` is applicable, so
is ``a`` (a plan holds a fact's landmarks once it holds the fact), and it adds at least as much, so putting ``a`` in
``b``'s place keeps any plan valid and no longer.  Dropping dominated actions keeps an optimal plan of every length
count; on the public Infinite Craft list it removes about two thirds of the actions left by pruning, which is what
lets the exact engine prove most of its long plans.

The relation is transitive (a landmark's landmarks are landmarks), so each dominated action points at one
undominated action that dominates it, found by keeping, per fact, a front of its undominated achievers.
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

    def dominates(a: int, b: int) -> bool:
        return add_mask[b] & ~add_mask[a] == 0 and pre_mask[a] & ~held[b] == 0

    for f in range(lt.n_facts):
        front: list[int] = []  # the achievers of f found undominated so far
        for b in lt.achievers[f]:
            if parent[b] != b:
                continue  # dead, or dominated as the achiever of another fact
            front = [a for a in front if parent[a] == a]
            winner = next((a for a in front if dominates(a, b)), None)
            if winner is not None:
                parent[b] = winner
                continue
            for a in front:
                if dominates(b, a):
                    parent[a] = b
            front = [a for a in front if parent[a] == a]
            front.append(b)
    # every pointer goes to an action undominated when it was set, so the chains end
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

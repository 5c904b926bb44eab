"""Reachability over recipes: the linear-time fixed point every other analysis builds on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from craftcore.model import Recipe, Unlock

__all__ = ["fixed_point"]


def fixed_point(start: Iterable[str], recipes: Sequence[Recipe], unlocks: Iterable[Unlock] = ()) -> frozenset[str]:
    """Every concept obtainable from ``start``: linear in the total size of the recipes.

    Each recipe keeps a count of preconditions not yet obtained; a concept, once obtained, decrements the counts of
    the recipes that need it, and a recipe whose count reaches zero yields its outputs. Unlocks fire once the number of
    obtained concepts reaches their threshold.
    """
    have: set[str] = set()
    waiting: dict[str, list[int]] = {}
    missing: list[int] = []
    for index, recipe in enumerate(recipes):
        pre = recipe.preconditions
        missing.append(len(pre))
        for concept in pre:
            waiting.setdefault(concept, []).append(index)
    queue: list[str] = []

    def obtain(concepts: Iterable[str]) -> None:
        for concept in concepts:
            if concept not in have:
                have.add(concept)
                queue.append(concept)

    obtain(start)
    for index, recipe in enumerate(recipes):
        if missing[index] == 0:
            obtain(recipe.outputs)
    pending = sorted(unlocks, key=lambda u: u.after)
    while True:
        while queue:
            concept = queue.pop()
            for index in waiting.get(concept, ()):
                missing[index] -= 1
                if missing[index] == 0:
                    obtain(recipes[index].outputs)
        while pending and pending[0].after <= len(have):
            obtain(pending.pop(0).outputs)
        if not queue:
            return frozenset(have)

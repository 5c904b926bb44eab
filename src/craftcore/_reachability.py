"""Reachability over recipes: the linear-time fixed point every other analysis builds on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from craftcore._model import Recipe, Unlock

__all__ = ["fixed_point", "fixed_point_indexed", "needs_index"]


def needs_index(recipes: Sequence[Recipe]) -> tuple[dict[str, list[int]], list[int]]:
    """For each concept, the positions of the recipes that need it; and each recipe's number of preconditions."""
    needs: dict[str, list[int]] = {}
    counts: list[int] = []
    for index, recipe in enumerate(recipes):
        pre = recipe.preconditions
        counts.append(len(pre))
        for concept in pre:
            bucket = needs.get(concept)
            if bucket is None:
                needs[concept] = [index]
            else:
                bucket.append(index)
    return needs, counts


def fixed_point(start: Iterable[str], recipes: Sequence[Recipe], unlocks: Iterable[Unlock] = ()) -> frozenset[str]:
    """Every concept obtainable from ``start``: linear in the total size of the recipes."""
    needs, counts = needs_index(recipes)
    return fixed_point_indexed(start, recipes, needs, counts, unlocks)


def fixed_point_indexed(
    start: Iterable[str],
    recipes: Sequence[Recipe],
    needs: Mapping[str, Sequence[int]],
    counts: Sequence[int],
    unlocks: Iterable[Unlock] = (),
) -> frozenset[str]:
    """:func:`fixed_point` over a prebuilt :func:`needs_index` (the catalog keeps one).

    Each recipe keeps a count of preconditions not yet obtained; a concept, once obtained, decrements the counts of
    the recipes that need it, and a recipe whose count reaches zero yields its outputs. Unlocks fire once the number of
    obtained concepts reaches their threshold.
    """
    missing = list(counts)
    have: set[str] = set()
    queue: list[str] = []
    for concept in start:
        if concept not in have:
            have.add(concept)
            queue.append(concept)
    for index, count in enumerate(missing):
        if count == 0:
            for out in recipes[index].outputs:
                if out not in have:
                    have.add(out)
                    queue.append(out)
    pending = sorted(unlocks, key=lambda u: u.after)
    empty: Sequence[int] = ()
    get, pop, push, add = needs.get, queue.pop, queue.append, have.add
    while True:
        while queue:
            for index in get(pop(), empty):
                left = missing[index] - 1
                missing[index] = left
                if not left:
                    for out in recipes[index].outputs:
                        if out not in have:
                            add(out)
                            push(out)
        while pending and pending[0].after <= len(have):
            for out in pending.pop(0).outputs:
                if out not in have:
                    have.add(out)
                    queue.append(out)
        if not queue:
            return frozenset(have)

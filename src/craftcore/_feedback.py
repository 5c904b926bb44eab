"""Feedback on a failed combination: the pack's hint, or advice that helps without giving the answer away."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = ["failure_hint"]


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    need = Counter(small)
    have = Counter(big)
    return all(have[c] >= n for c, n in need.items())


def failure_hint(catalog: Catalog, key: tuple[str, ...], discovered: Mapping[str, object]) -> str:
    """Why ``key`` (sorted inputs) gave nothing, for a player who has discovered ``discovered``."""
    hint = catalog.hint_for(key)
    if hint is not None:
        return hint.text
    names = catalog.concepts
    recipes = catalog.recipes_for(key)
    if recipes:
        lacking = sorted({c for r in recipes for c in r.requires if c not in discovered})
        shown = ", ".join(names[c].name for c in lacking)
        return f"Right idea, but it needs background you have not discovered yet: {shown}."
    first = key[0]
    bigger = [r for r in catalog.used_in(first) if len(r.inputs) > len(key) and _contains(r.inputs, key)]
    if bigger:
        extra = min(len(r.inputs) - len(key) for r in bigger)
        noun = "concept" if extra == 1 else "concepts"
        return f"These belong together, but the combination is incomplete: it needs {extra} more {noun}."
    parts = {r for c in set(key) for r in catalog.used_in(c) if len(r.inputs) < len(key) and _contains(key, r.inputs)}
    if parts:
        ready = [r for r in parts if all(q in discovered for q in r.requires)]
        if any(o not in discovered for r in ready for o in r.outputs):
            return "Too much at once: part of this combination works on its own, and still has something to give."
        if ready:
            return (
                "Too much at once: part of this combination is a recipe you have already used up, and the rest adds "
                "nothing to it."
            )
        return "Too much at once: part of this combination is a recipe, but it needs background you have not found."
    for cid in key:
        ready = [
            r
            for r in catalog.used_in(cid)
            if all(c in discovered for c in r.preconditions) and any(o not in discovered for o in r.outputs)
        ]
        if ready:
            categories = catalog.categories
            partners = sorted({names[c].category for r in ready for c in r.inputs if c != cid})
            labels = [categories[c].name if c in categories else c for c in partners[:2]]
            where = f" ({' or '.join(labels)})" if labels else ""
            return (
                f"These ideas do not combine. {names[cid].name} does lead somewhere new with something you "
                f"already know{where}."
            )
    return "These ideas do not combine, and none of them leads anywhere new yet: look at what you discovered last."

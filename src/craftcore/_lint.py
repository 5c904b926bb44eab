"""Content lint: warnings about a catalog that loads but could teach better."""

from __future__ import annotations

from typing import TYPE_CHECKING

from craftcore._problems import Problem

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = ["landmarks", "lint"]


def landmarks(catalog: Catalog) -> dict[str, frozenset[str]]:
    """For each reachable concept, the concepts every way of obtaining it passes through (itself included).

    The classic fixed point ``L(c) = {c} | intersection over recipes r making c of union of L(p) for p in pre(r)``,
    iterated from the start set until nothing shrinks.
    """
    reachable = catalog.reachable()
    marks: dict[str, frozenset[str]] = {c: frozenset({c}) for c in catalog.starts}
    changed = True
    while changed:
        changed = False
        for concept in catalog.concepts:
            if concept in catalog.starts or concept not in reachable:
                continue
            best: frozenset[str] | None = None
            for recipe in catalog.made_by(concept):
                if not all(p in marks for p in recipe.preconditions):
                    continue
                union = frozenset().union(*(marks[p] for p in recipe.preconditions))
                best = union if best is None else best & union
            if best is None:
                continue
            new = best | {concept}
            if marks.get(concept) != new:
                marks[concept] = new
                changed = True
    return marks


def lint(catalog: Catalog) -> list[Problem]:
    """Warnings: hints that are recipes, path steps out of reachable order, unlocks that never fire, recipes that
    yield nothing new."""
    out: list[Problem] = []
    for key, hint in catalog.hints.items():
        if catalog.recipes_for(key):
            out.append(
                Problem(
                    "warning",
                    "hint-is-recipe",
                    f"hint for {' + '.join(key)} is never shown: that combination is a recipe",
                    pack=hint.pack,
                    key="hints",
                )
            )
    marks = landmarks(catalog)
    for path in catalog.paths.values():
        for i, step in enumerate(path.steps):
            later = [s for s in path.steps[i + 1 :] if s in marks.get(step, ()) and s != step]
            if later:
                out.append(
                    Problem(
                        "warning",
                        "path-order",
                        f"path {path.id!r}: step {step!r} cannot be obtained "
                        f"before {', '.join(repr(s) for s in later)}, which come later in the path",
                        pack=path.pack,
                        key=f"paths.{path.id}.steps",
                    )
                )
    total = len(catalog.concepts)
    for unlock in catalog.unlocks:
        if unlock.after > total:
            out.append(
                Problem(
                    "warning",
                    "unlock-never",
                    f"unlock after {unlock.after} discoveries never fires: the catalog has only {total} concepts",
                    pack=unlock.pack,
                    key="unlocks",
                )
            )
    for recipe in catalog.recipes:
        if set(recipe.outputs) <= set(recipe.preconditions):
            out.append(
                Problem(
                    "warning",
                    "useless-recipe",
                    f"recipe {' + '.join(recipe.inputs)} yields nothing its inputs do not already include",
                    pack=recipe.pack,
                    key=f"recipes[{recipe.index}]",
                )
            )
    return out

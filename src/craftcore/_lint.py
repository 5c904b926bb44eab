"""Content lint: warnings about a catalog that loads but could teach better."""

from __future__ import annotations

from typing import TYPE_CHECKING

from craftcore._problems import Problem

if TYPE_CHECKING:
    from craftcore._catalog import Catalog
    from craftcore._model import Category, Concept, Hint, LearningPath, Recipe, Unlock

__all__ = ["landmarks", "lint", "located"]


def located(
    catalog: Catalog,
    item: Concept | Category | LearningPath | Recipe | Hint | Unlock,
    sub: str,
    code: str,
    message: str,
) -> Problem:
    """A warning about one definition, with its pack, file, key and line (as far as the catalog knows them)."""
    file, key, line = catalog.locate(item, sub)
    return Problem("warning", code, message, pack=item.pack, file=file, key=key, line=line)


_located = located


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
                _located(
                    catalog,
                    hint,
                    "",
                    "hint-is-recipe",
                    f"hint for {' + '.join(key)} is never shown: that combination is a recipe",
                )
            )
    marks = landmarks(catalog)
    for path in catalog.paths.values():
        for i, step in enumerate(path.steps):
            later = [s for s in path.steps[i + 1 :] if s in marks.get(step, ()) and s != step]
            if later:
                out.append(
                    _located(
                        catalog,
                        path,
                        "steps",
                        "path-order",
                        f"path {path.id!r}: step {step!r} cannot be obtained "
                        f"before {', '.join(repr(s) for s in later)}, which come later in the path",
                    )
                )
    total = len(catalog.concepts)
    for unlock in catalog.unlocks:
        if unlock.after > total:
            out.append(
                _located(
                    catalog,
                    unlock,
                    "after",
                    "unlock-never",
                    f"unlock after {unlock.after} discoveries never fires: the catalog has only {total} concepts",
                )
            )
    for recipe in catalog.recipes:
        if set(recipe.outputs) <= set(recipe.preconditions):
            out.append(
                _located(
                    catalog,
                    recipe,
                    "",
                    "useless-recipe",
                    f"recipe {' + '.join(recipe.inputs)} yields nothing its inputs do not already include",
                )
            )
    return out

"""Test helpers for pack authors and embedders (plain functions: use them from pytest or anything else).

>>> from craftcore.testing import check_pack, play_everything
>>> import craftcore_foundations      # an installed pack
>>> catalog = check_pack(craftcore_foundations.PACK_DIR)   # the folder, and the installed packs it requires
>>> game = play_everything(catalog)   # every concept discovered by real combine calls
>>> len(game.discovered) == len(catalog.concepts)
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from craftcore._catalog import Catalog
from craftcore._game import Game
from craftcore._lint import located
from craftcore._loader import Installed, load_catalog
from craftcore._problems import Problem
from craftcore._results import CombineResult

__all__ = ["check_pack", "content_problems", "play_everything", "play_to"]

_URL = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s]*)?$")


def check_pack(*pack_dirs: str | os.PathLike[str], installed: Installed = "required", strict: bool = True) -> Catalog:
    """Load packs the way the game does and fail on any error (and, with ``strict``, on any warning).

    :param installed: which installed packs to load as well; by default only those the given packs require, so a
        pack that builds on an installed pack is checked together with it, and nothing else gets in the way.

    :raises craftcore.PackError: with every problem, when a pack has errors.
    :raises AssertionError: when ``strict`` and the catalog has lint warnings (they are listed).
    """
    catalog = load_catalog(*pack_dirs, installed=installed)
    if strict:
        warnings = catalog.problems()
        assert not warnings, "pack warnings:\n" + "\n".join(f"  {w}" for w in warnings)
    return catalog


def play_to(game: Game, target: str, *, budget: float = 5.0) -> list[CombineResult]:
    """Discover ``target`` by executing its plan with real :meth:`Game.combine` calls; the results, in order.

    :raises AssertionError: when a planned step fails to fire or the target is not discovered at the end.
    """
    results = []
    for step in game.plan(target, budget=budget):
        result = game.combine(*step.inputs)
        assert result.success, f"planned step {' + '.join(step.inputs)} failed: {result.hint}"
        results.append(result)
    assert target in game.discovered, f"{target!r} not discovered after executing its plan"
    return results


def play_everything(catalog: Catalog, *, targets: Iterable[str] | None = None) -> Game:
    """A new game on ``catalog`` in which every concept (or every one of ``targets``) is discovered by playing.

    :raises AssertionError: naming the first concept that cannot be discovered through combine calls.
    """
    game = Game(catalog, clock=lambda: 0.0)
    for cid in targets if targets is not None else catalog.concepts:
        if cid not in game.discovered:
            play_to(game, cid)
    return game


def content_problems(catalog: Catalog, packs: Iterable[str] | None = None) -> list[Problem]:
    """Content-quality lint for teaching packs: what a reviewer would flag, as warnings with file, key and line.

    Every concept needs a description, properties and at least one resource with a well-formed URL; every recipe a
    ``why``; every path steps. Limited to the given pack ids when ``packs`` is given.
    """
    wanted = set(packs) if packs is not None else {p.id for p in catalog.packs}
    out: list[Problem] = []
    for c in catalog.concepts.values():
        if c.pack not in wanted:
            continue
        if len(c.description.strip()) < 20:
            out.append(located(catalog, c, "description", "content", f"concept {c.id!r} has no real description"))
        if not c.properties:
            out.append(located(catalog, c, "", "content", f"concept {c.id!r} has no properties"))
        if not c.resources:
            out.append(located(catalog, c, "", "content", f"concept {c.id!r} has no resources"))
        for i, r in enumerate(c.resources):
            if not _URL.match(r.url):
                out.append(
                    located(
                        catalog,
                        c,
                        f"resources[{i}].url",
                        "content",
                        f"concept {c.id!r} resource {r.title!r} has a malformed URL {r.url!r}",
                    )
                )
            if not r.title.strip():
                message = f"concept {c.id!r} has a resource without a title"
                out.append(located(catalog, c, f"resources[{i}].title", "content", message))
    for recipe in catalog.recipes:
        if recipe.pack in wanted and not (recipe.why and recipe.why.strip()):
            message = f"recipe {' + '.join(recipe.inputs)} has no why"
            out.append(located(catalog, recipe, "", "content", message))
    for p in catalog.paths.values():
        if p.pack in wanted and not p.steps:
            out.append(located(catalog, p, "steps", "content", f"path {p.id!r} has no steps"))
    return out

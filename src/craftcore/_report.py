"""The guessability report: how hard each concept is to find for a player who has no wiki.

Definitions (docs/pack-format.md, "The guessability report", says the same for authors):

* **round**: the breadth-first layers of discovery. Round 0 holds the start concepts; round ``r + 1`` holds what
  the concepts of rounds ``0..r`` make in one combination (and the unlocks their number fires) that is not held yet.
* **held**: the concepts of the rounds before a concept's own round: what a player holds when the concept first
  becomes one combination away, having found everything that could be found before it.
* **tries**: the combinations a player can try among the held concepts: every multiset of ``MIN_INPUTS`` to
  ``MAX_INPUTS`` held concepts, ``sum over k of C(h + k - 1, k)`` for ``h`` held concepts.
* **successes**: how many of those combinations make the concept (distinct input multisets of its recipes whose
  inputs and ``requires`` are all held).
* **expected tries**: for a guesser who tries those combinations in a uniformly random order without repeating one,
  the expected number of tries up to the first success: ``(tries + 1) / (successes + 1)``.
* **near misses**: the likely failed combinations: the held-concept combinations one concept away from a successful
  one (one concept left out, one added, or one replaced by another held concept) that are not recipes themselves.
  **hinted**: how many near misses have a pack hint.
* **wiki**: a concept is flagged as likely to send a player to a wiki when its expected tries exceed the threshold
  (:data:`WIKI_TRIES` by default) and none of its near misses has a hint.
* **depth**: the fewest combine steps that obtain it in a new game (the exact planner's optimum).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Collection, Iterable, Sequence

import attrs

from craftcore._catalog import Catalog
from craftcore._planning import plan_for
from craftcore._rules import MAX_INPUTS, MIN_INPUTS

__all__ = [
    "WIKI_TRIES",
    "ConceptReport",
    "PackSummary",
    "Report",
    "expected_tries",
    "report",
    "rounds",
    "tries",
]

#: Expected random tries above which a concept with no hinted near miss is flagged (about an hour of guessing at a
#: try every few seconds).
WIKI_TRIES = 1000.0


@attrs.frozen
class ConceptReport:
    id: str
    name: str
    pack: str
    level: int
    #: Fewest combine steps from a new game (``depth_optimal`` False: only a lower bound was proven in the budget).
    depth: int
    depth_optimal: bool
    #: How many recipes make it.
    recipes: int
    round: int
    held: int
    tries: int
    successes: int
    #: ``None`` when no combination makes it from the held concepts (it comes from an unlock).
    expected_tries: float | None
    near_misses: int
    hinted: int
    wiki: bool


@attrs.frozen
class PackSummary:
    pack: str
    concepts: int
    max_depth: int
    median_depth: float
    median_expected_tries: float | None
    max_expected_tries: float | None
    #: Concepts with at least one hinted near miss.
    hinted_concepts: int
    wiki: tuple[str, ...]


@attrs.frozen
class Report:
    concepts: tuple[ConceptReport, ...]
    packs: tuple[PackSummary, ...]
    wiki_tries: float


def tries(held: int) -> int:
    """The number of multisets of ``MIN_INPUTS`` to ``MAX_INPUTS`` items drawn from ``held`` kinds.

    >>> tries(3)  # 3 singles, 6 pairs, 10 triples, 15 quadruples
    34
    """
    return sum(math.comb(held + k - 1, k) for k in range(MIN_INPUTS, MAX_INPUTS + 1)) if held else 0


def expected_tries(total: int, successes: int) -> float | None:
    """Expected tries up to the first success, trying ``total`` combinations in random order without repeats.

    >>> expected_tries(9, 1), expected_tries(9, 9)
    (5.0, 1.0)
    """
    if successes <= 0:
        return None
    return (total + 1) / (successes + 1)


def rounds(catalog: Catalog) -> dict[str, int]:
    """Each reachable concept's round (see the module documentation)."""
    held: dict[str, int] = {}
    fired: set[int] = set()
    current = list(dict.fromkeys(catalog.starts))
    number = 0
    while current:
        for cid in current:
            held[cid] = number
        number += 1
        new: dict[str, None] = {}
        for recipe in catalog.recipes:
            if all(p in held for p in recipe.preconditions):
                new.update((o, None) for o in recipe.outputs if o not in held)
        for i, unlock in enumerate(catalog.unlocks):
            if i not in fired and unlock.after <= len(held):
                fired.add(i)
                new.update((o, None) for o in unlock.outputs if o not in held)
        current = list(new)
    return held


def report(
    catalog: Catalog, *, packs: Collection[str] | None = None, wiki_tries: float = WIKI_TRIES, budget: float = 2.0
) -> Report:
    """The guessability report of the concepts of ``packs`` (default: every pack of the catalog)."""
    wanted = set(packs) if packs is not None else {p.id for p in catalog.packs}
    order = rounds(catalog)
    by_round: dict[int, list[str]] = {}
    for cid, r in order.items():
        by_round.setdefault(r, []).append(cid)
    held_before: list[str] = []
    held_at: dict[int, list[str]] = {}
    for r in sorted(by_round):
        held_at[r] = list(held_before)
        held_before += by_round[r]
    out = []
    for cid, concept in catalog.concepts.items():
        if concept.pack not in wanted or concept.start or cid not in order:
            continue
        r = order[cid]
        held = held_at[r]
        held_set = set(held)
        keys = {recipe.inputs for recipe in catalog.made_by(cid) if all(p in held_set for p in recipe.preconditions)}
        total = tries(len(held))
        misses = _near_misses(catalog, keys, held) if keys else set()
        hinted = sum(1 for m in misses if catalog.hint_for(m) is not None)
        expected = expected_tries(total, len(keys))
        plan = plan_for(catalog, catalog.starts, cid, budget=budget)
        out.append(
            ConceptReport(
                id=cid,
                name=concept.name,
                pack=concept.pack,
                level=concept.level,
                depth=len(plan.steps) if plan.optimal else math.ceil(plan.lower_bound),
                depth_optimal=plan.optimal,
                recipes=len(catalog.made_by(cid)),
                round=r,
                held=len(held),
                tries=total,
                successes=len(keys),
                expected_tries=expected,
                near_misses=len(misses),
                hinted=hinted,
                wiki=expected is not None and expected > wiki_tries and hinted == 0,
            )
        )
    return Report(tuple(out), tuple(_summaries(out, catalog)), wiki_tries)


def _near_misses(catalog: Catalog, keys: Iterable[tuple[str, ...]], held: Sequence[str]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for key in keys:
        size = len(key)
        if size > MIN_INPUTS:
            for i in range(size):
                found.add(key[:i] + key[i + 1 :])
        if size < MAX_INPUTS:
            for c in held:
                found.add(tuple(sorted((*key, c))))
        for i in range(size):
            rest = key[:i] + key[i + 1 :]
            for c in held:
                if c != key[i]:
                    found.add(tuple(sorted((*rest, c))))
    return {m for m in found if not catalog.recipes_for(m)}


def _summaries(concepts: Sequence[ConceptReport], catalog: Catalog) -> list[PackSummary]:
    out = []
    for info in catalog.packs:
        mine = [c for c in concepts if c.pack == info.id]
        if not mine:
            continue
        expected = [c.expected_tries for c in mine if c.expected_tries is not None]
        depths = [c.depth for c in mine]
        out.append(
            PackSummary(
                pack=info.id,
                concepts=len(mine),
                max_depth=max(depths),
                median_depth=float(statistics.median(depths)),
                median_expected_tries=float(statistics.median(expected)) if expected else None,
                max_expected_tries=max(expected) if expected else None,
                hinted_concepts=sum(1 for c in mine if c.hinted),
                wiki=tuple(c.id for c in mine if c.wiki),
            )
        )
    return out

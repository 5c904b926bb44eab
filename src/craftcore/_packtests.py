"""Running the ``[[tests]]`` tables of packs: each one a claim about the catalog, checked through the public API.

The same function serves ``craftcore test`` and the pytest plugin, so a pack's tests mean the same everywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence

import attrs

from craftcore._catalog import Catalog
from craftcore._errors import CraftError
from craftcore._game import Game
from craftcore._lint import landmarks
from craftcore._model import Concept, Hint, PackTest
from craftcore._packfile import read_pack
from craftcore._problems import Problem
from craftcore._reachability import fixed_point
from craftcore._rules import MIN_INPUTS
from craftcore._sources import PackSource

__all__ = ["TestOutcome", "describe", "near_misses", "read_tests", "run_test", "run_tests", "spoilers"]

#: Seconds of planner search a ``max_steps`` test may use before it reports that it could not decide.
PLAN_BUDGET = 5.0


@attrs.frozen
class TestOutcome:
    """The result of one pack test."""

    __test__ = False  # not a pytest test class

    test: PackTest
    passed: bool
    #: Why it failed (empty when it passed).
    message: str = ""

    @property
    def where(self) -> str:
        """``file:line`` of the test's table."""
        return f"{self.test.file}:{self.test.line}" if self.test.line else str(self.test.file or self.test.pack)


def read_tests(pack_dir: str | os.PathLike[str]) -> tuple[list[PackTest], list[Problem]]:
    """The tests of the pack in a folder, with their places, and any problem reading the folder."""
    files, problems = PackSource.from_directory(pack_dir).read()
    if not files:
        return [], problems
    pack, more, _ = read_pack(files, source="folder", location=os.fspath(pack_dir))
    return (list(pack.tests) if pack is not None else []), [*problems, *more]


def describe(test: PackTest) -> str:
    """A one-line statement of what a test claims."""
    if test.name:
        return test.name
    combo = " + ".join(test.inputs)
    return {
        "reachable": lambda: f"reachable: {', '.join(test.concepts)}",
        "max_steps": lambda: f"{test.target} in at most {test.max_steps} steps",
        "playable": lambda: f"path {test.path} is playable in order",
        "fails": lambda: f"{combo} fails",
        "gives": lambda: f"{combo} gives {', '.join(test.concepts)}",
        "hints": lambda: f"hints of {test.pack} do not name what their combination nearly makes",
    }[test.kind]()


def run_tests(catalog: Catalog, tests: Iterable[PackTest], *, budget: float = PLAN_BUDGET) -> list[TestOutcome]:
    return [run_test(catalog, t, budget=budget) for t in tests]


def run_test(catalog: Catalog, test: PackTest, *, budget: float = PLAN_BUDGET) -> TestOutcome:
    """Check one test against a catalog (that holds the test's pack)."""
    try:
        message = _CHECKS[test.kind](catalog, test, budget)
    except CraftError as exc:  # an unknown id in a catalog without the test's pack, or an unreachable target
        message = str(exc)
    return TestOutcome(test, not message, message)


def _reachable(catalog: Catalog, test: PackTest, budget: float) -> str:
    reachable = catalog.reachable()
    missing = [c for c in test.concepts if c not in reachable]
    return f"cannot be obtained from the start concepts: {', '.join(missing)}" if missing else ""


def _max_steps(catalog: Catalog, test: PackTest, budget: float) -> str:
    assert test.target is not None and test.max_steps is not None
    plan = Game(catalog, clock=lambda: 0.0).plan(test.target, budget=budget)
    most = test.max_steps
    if plan.optimal:
        return "" if len(plan.steps) <= most else f"the optimum takes {len(plan.steps)} steps, more than {most}"
    if len(plan.steps) <= most:
        return ""  # the optimum is at most this plan's length
    if plan.lower_bound > most:
        return f"the optimum takes at least {plan.lower_bound} steps (proven), more than {most}"
    return (
        f"undecided within {budget:g} s of search: the best plan found takes {len(plan.steps)} steps and the "
        f"optimum at least {plan.lower_bound}"
    )


def _playable(catalog: Catalog, test: PackTest, budget: float) -> str:
    assert test.path is not None
    steps = catalog.path(test.path).steps
    for i, step in enumerate(steps):
        later = set(steps[i + 1 :]) - {step}
        usable = [r for r in catalog.recipes if later.isdisjoint(r.preconditions)]
        usable = [attrs.evolve(r, outputs=tuple(o for o in r.outputs if o not in later)) for r in usable]
        reachable = fixed_point(catalog.starts, usable, catalog.unlocks)
        if step not in reachable:
            blocked = sorted(later & {p for r in catalog.made_by(step) for p in r.preconditions})
            why = f": every recipe for it needs {', '.join(blocked)}" if blocked else ""
            return f"step {i + 1} ({step}) cannot be obtained without a later step of the path{why}"
    game = Game(catalog, clock=lambda: 0.0)
    for i, step in enumerate(steps):
        if step in game.discovered:
            continue
        for planned in game.plan(step, budget=budget).steps:
            result = game.combine(*planned.inputs)
            if not result.success:
                return f"step {i + 1} ({step}): the planned combination {' + '.join(planned.inputs)} failed"
    return ""


def _fails(catalog: Catalog, test: PackTest, budget: float) -> str:
    combo = " + ".join(test.inputs)
    made = catalog.recipes_for(test.inputs)
    if made:
        outputs = sorted({c for r in made for c in r.outputs})
        return f"{combo} is a recipe (of pack {made[0].pack}) giving {', '.join(outputs)}"
    return _unobtainable(catalog, test.inputs)


def _gives(catalog: Catalog, test: PackTest, budget: float) -> str:
    combo = " + ".join(test.inputs)
    made = catalog.recipes_for(test.inputs)
    outputs = {c for r in made for c in r.outputs}
    if outputs != set(test.concepts):
        extra, lacking = sorted(outputs - set(test.concepts)), sorted(set(test.concepts) - outputs)
        parts = []
        if extra:
            parts.append(f"also gives {', '.join(extra)}")
        if lacking:
            parts.append(f"does not give {', '.join(lacking)}")
        packs = sorted({r.pack for r in made})
        where = f" (recipes of {', '.join(packs)})" if packs else " (it is not a recipe)"
        return f"{combo} {'; '.join(parts)}{where}"
    return _unobtainable(catalog, test.inputs)


def _unobtainable(catalog: Catalog, inputs: Sequence[str]) -> str:
    reachable = catalog.reachable()
    missing = sorted({c for c in inputs if c not in reachable})
    return f"the test proves nothing: {', '.join(missing)} cannot be obtained" if missing else ""


def _hints(catalog: Catalog, test: PackTest, budget: float) -> str:
    marks = landmarks(catalog)
    found = [
        (hint, named)
        for hint in catalog.hints.values()
        if hint.pack == test.pack
        for named in spoilers(catalog, hint, marks)
    ]
    if not found:
        return ""
    parts = [f"the hint for {' + '.join(h.inputs)} names {catalog.concepts[c].name} ({c})" for h, c in found[:5]]
    more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
    return "; ".join(parts) + more


def near_misses(catalog: Catalog, inputs: Sequence[str]) -> list[str]:
    """The concepts a failed combination nearly makes: the outputs of the recipes whose inputs hold all of its inputs
    and more (it is incomplete), or are held in it (it has too much), or differ from it in exactly one concept."""
    key = tuple(sorted(inputs))
    out: dict[str, None] = {}
    for first in dict.fromkeys(key):
        for recipe in catalog.used_in(first):
            if recipe.inputs != key and _one_apart(recipe.inputs, key):
                out.update(dict.fromkeys(recipe.outputs))
    if len(key) > MIN_INPUTS:  # recipes made only of part of the combination
        for recipe in catalog.recipes:
            if len(recipe.inputs) < len(key) and _contains(key, recipe.inputs):
                out.update(dict.fromkeys(recipe.outputs))
    return [c for c in out if c not in key]


def _contains(big: Sequence[str], small: Sequence[str]) -> bool:
    rest = list(big)
    for c in small:
        if c not in rest:
            return False
        rest.remove(c)
    return True


def _one_apart(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one multiset holds the other, or they differ by one concept replaced."""
    if _contains(a, b) or _contains(b, a):
        return True
    if len(a) != len(b):
        return False
    rest = list(b)
    for c in a:
        if c in rest:
            rest.remove(c)
    return len(rest) == 1


def spoilers(catalog: Catalog, hint: Hint, marks: Mapping[str, frozenset[str]] | None = None) -> list[str]:
    """The concepts a hint's combination nearly makes (:func:`near_misses`) that the hint's text names (by name,
    alias or id, as whole words, case-insensitive). The combination's own concepts may be named, and so may every
    concept a player holding them must already have found (their landmarks, see :func:`craftcore._lint.landmarks`):
    naming what the player knows gives nothing away."""
    if marks is None:
        marks = landmarks(catalog)
    held = set().union(*(marks.get(c, frozenset()) for c in hint.inputs))
    text = hint.text.casefold()
    for cid in hint.inputs:  # naming an input is fine, and "Attention" inside "Standard Attention" is not a spoiler
        for word in _words(catalog.concepts[cid]):
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
    return [
        c
        for c in near_misses(catalog, hint.inputs)
        if c not in held and any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in _words(catalog.concepts[c]))
    ]


def _words(concept: Concept) -> list[str]:
    words = {
        concept.name.casefold(),
        concept.id,
        concept.id.replace("_", " "),
        *(a.casefold() for a in concept.aliases),
    }
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


_CHECKS = {
    "reachable": _reachable,
    "max_steps": _max_steps,
    "playable": _playable,
    "fails": _fails,
    "gives": _gives,
    "hints": _hints,
}

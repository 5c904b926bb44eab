"""Cross-pack checks: pack order, unknown and duplicate ids, visibility, reachability.

Every check appends to one list of problems, so an author sees all of them at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

import attrs

from craftcore._model import Concept, Pack, Recipe
from craftcore._packfile import SourceMap
from craftcore._problems import Problem, did_you_mean
from craftcore._reachability import fixed_point_indexed, needs_index

__all__ = ["LoadedPack", "check_packs", "order_packs", "unreachable_reasons"]


@attrs.frozen
class LoadedPack:
    """A pack together with where its definitions came from."""

    pack: Pack
    sources: SourceMap = attrs.field(factory=SourceMap, eq=False)


def order_packs(loaded: Sequence[LoadedPack], problems: list[Problem]) -> list[LoadedPack]:
    """Drop duplicate and broken packs (recording why) and order the rest by ``requires``, then by id.

    The result never depends on the order packs were found in.
    """
    by_id: dict[str, LoadedPack] = {}
    for item in sorted(loaded, key=lambda lp: (lp.pack.id, lp.pack.info.location)):
        pid = item.pack.id
        if pid in by_id:
            problems.append(
                Problem(
                    "error",
                    "duplicate-pack",
                    f"pack {pid!r} is loaded twice: from "
                    f"{by_id[pid].pack.info.location} and from {item.pack.info.location}",
                    pack=pid,
                    file=item.pack.info.location,
                    key="pack.id",
                )
            )
            continue
        by_id[pid] = item
    missing: set[str] = set()
    for pid, item in by_id.items():
        for need in item.pack.info.requires:
            if need not in by_id:
                problems.append(
                    Problem(
                        "error",
                        "missing-pack",
                        f"pack {pid!r} requires pack {need!r}, which is not loaded",
                        pack=pid,
                        file=_pack_file(item),
                        key="pack.requires",
                        line=_pack_line(item, "pack.requires"),
                        suggestions=did_you_mean(need, by_id),
                    )
                )
                missing.add(pid)
    indegree = dict.fromkeys(by_id, 0)
    dependents: dict[str, list[str]] = {pid: [] for pid in by_id}
    for pid, item in by_id.items():
        for need in set(item.pack.info.requires):
            if need in by_id:
                indegree[pid] += 1
                dependents[need].append(pid)
    ready = [pid for pid, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        pid = heapq.heappop(ready)
        ordered.append(pid)
        for dep in dependents[pid]:
            indegree[dep] -= 1
            if indegree[dep] == 0:
                heapq.heappush(ready, dep)
    for pid in sorted(set(by_id) - set(ordered)):
        problems.append(
            Problem(
                "error",
                "requires-cycle",
                f"pack {pid!r} is part of a cycle of requires",
                pack=pid,
                file=_pack_file(by_id[pid]),
                key="pack.requires",
            )
        )
    return [by_id[pid] for pid in ordered]


def _pack_file(item: LoadedPack) -> str | None:
    for file, locator in item.sources.locators.items():
        if "pack" in locator.tables:
            return file
    return item.pack.info.location or None


def _pack_line(item: LoadedPack, key: str) -> int | None:
    locator = item.sources.locators.get(_pack_file(item) or "")
    return locator.line_of(key) if locator else None


def _visible_packs(ordered: Sequence[LoadedPack]) -> dict[str, frozenset[str]]:
    requires = {lp.pack.id: set(lp.pack.info.requires) for lp in ordered}
    visible: dict[str, frozenset[str]] = {}
    for lp in ordered:  # requires come first, so their closures are ready
        seen = {lp.pack.id}
        for need in requires[lp.pack.id]:
            seen |= visible.get(need, frozenset({need}))
        visible[lp.pack.id] = frozenset(seen)
    return visible


def check_packs(
    ordered: Sequence[LoadedPack],
    problems: list[Problem],
    *,
    check_reachable: bool = True,
    indexed: tuple[Sequence[Recipe], Mapping[str, Sequence[int]], Sequence[int]] | None = None,
) -> frozenset[str] | None:
    """Append every cross-pack problem of ``ordered`` (as returned by :func:`order_packs`) to ``problems``.

    :param indexed: all recipes of ``ordered`` in order, with their :func:`~craftcore._reachability.needs_index`,
        when the caller has built them already.
    :returns: the concepts reachable from the start set, when that was computed.
    """
    visible = _visible_packs(ordered)
    owner: dict[str, dict[str, str]] = {"categories": {}, "concepts": {}, "paths": {}}
    defined_by: dict[str, LoadedPack] = {}
    for lp in ordered:
        defined_by[lp.pack.id] = lp
        for kind, items in (
            ("categories", lp.pack.categories),
            ("concepts", lp.pack.concepts),
            ("paths", lp.pack.paths),
        ):
            for item in items:
                first = owner[kind].get(item.id)
                if first is not None:
                    file, key, line = lp.sources.locate(kind, item.id)
                    first_file, _, first_line = defined_by[first].sources.locate(kind, item.id)
                    place = f"{first_file}:{first_line}" if first_line else (first_file or "?")
                    problems.append(
                        Problem(
                            "error",
                            "duplicate-id",
                            f"{kind[:-1]} {item.id!r} is already defined by pack {first!r} (at {place})",
                            pack=lp.pack.id,
                            file=file,
                            key=key,
                            line=line,
                        )
                    )
                else:
                    owner[kind][item.id] = lp.pack.id
        for kind, ident in lp.sources.broken:
            if kind in owner:
                owner[kind].setdefault(ident, lp.pack.id)
    for lp in ordered:
        _check_references(lp, visible[lp.pack.id], owner, problems)
        _check_renames(lp, owner["concepts"], problems)
    _check_added_outputs(ordered, problems)
    starts = [c.id for lp in ordered for c in lp.pack.concepts if c.start]
    if not starts:
        problems.append(Problem("error", "no-start", "no concept has start = true: a game would begin empty"))
    broken = any(lp.sources.broken for lp in ordered)
    if check_reachable and not broken:
        return _check_reachability(ordered, problems, indexed)
    return None


def _check_references(
    lp: LoadedPack, visible: frozenset[str], owner: Mapping[str, Mapping[str, str]], problems: list[Problem]
) -> None:
    pack = lp.pack
    concept_owner, category_owner = owner["concepts"], owner["categories"]
    # Fast pass: every id referenced anywhere in the pack, checked once each (a big pack names each id many times).
    refs = set(chain.from_iterable(r.inputs for r in pack.recipes))
    refs.update(chain.from_iterable(r.outputs for r in pack.recipes))
    refs.update(chain.from_iterable(r.requires for r in pack.recipes))
    refs.update(chain.from_iterable(p.steps for p in pack.paths))
    refs.update(chain.from_iterable(h.inputs for h in pack.hints))
    refs.update(chain.from_iterable(u.outputs for u in pack.unlocks))
    refs.update(pack.renames.values())
    for test in pack.tests:
        refs.update((*test.concepts, *test.inputs, *((test.target,) if test.target else ())))
    bad = {i for i in refs if concept_owner.get(i) not in visible}
    bad_categories = {c.category for c in pack.concepts if category_owner.get(c.category) not in visible}
    bad_paths = {t.path for t in pack.tests if t.path is not None and owner["paths"].get(t.path) not in visible}
    if not bad and not bad_categories and not bad_paths:
        return

    def ref(kind: str, ident: str, where: tuple[str, str], sub: str, what: str) -> None:
        table = owner[kind]
        home = table.get(ident)
        if home is not None and home in visible:
            return
        file, key, line = lp.sources.locate(where[0], where[1], sub)
        if home is None:
            near = did_you_mean(ident, [i for i, p in table.items() if p in visible])
            problems.append(
                Problem(
                    "error",
                    "unknown-id",
                    f"unknown {what} {ident!r}",
                    pack=pack.id,
                    file=file,
                    key=key,
                    line=line,
                    suggestions=near,
                )
            )
        else:
            problems.append(
                Problem(
                    "error",
                    "not-required",
                    f"{what} {ident!r} belongs to pack {home!r}, which pack {pack.id!r} does not require",
                    pack=pack.id,
                    file=file,
                    key=key,
                    line=line,
                )
            )

    # Slow pass, only when something is wrong: report each occurrence with its place.
    for concept in pack.concepts:
        if concept.category in bad_categories:
            ref("categories", concept.category, ("concepts", concept.id), "category", "category")
    for i, recipe in enumerate(pack.recipes):
        for field in ("inputs", "outputs", "requires"):
            for cid in getattr(recipe, field):
                if cid in bad:
                    ref("concepts", cid, ("recipes", str(i)), field, "concept")
    for path in pack.paths:
        for cid in path.steps:
            if cid in bad:
                ref("concepts", cid, ("paths", path.id), "steps", "concept")
    for i, hint in enumerate(pack.hints):
        for cid in hint.inputs:
            if cid in bad:
                ref("concepts", cid, ("hints", str(i)), "inputs", "concept")
    for i, unlock in enumerate(pack.unlocks):
        for cid in unlock.outputs:
            if cid in bad:
                ref("concepts", cid, ("unlocks", str(i)), "outputs", "concept")
    for old, new in pack.renames.items():
        if new in bad:
            ref("concepts", new, ("renames", old), "", "concept")
    for i, test in enumerate(pack.tests):
        for field in ("concepts", "inputs", "target"):
            value = getattr(test, field)
            for cid in (value,) if isinstance(value, str) else value or ():
                if cid in bad:
                    sub = {"concepts": test.kind if test.kind == "reachable" else "gives"}.get(field, field)
                    ref("concepts", cid, ("tests", str(i)), sub, "concept")
        if test.path in bad_paths:
            ref("paths", test.path, ("tests", str(i)), "path", "learning path")


def _check_renames(lp: LoadedPack, concept_owner: Mapping[str, str], problems: list[Problem]) -> None:
    """A renamed id must be gone: a save naming it could not tell the old concept from the new one."""
    for old in lp.pack.renames:
        if old in concept_owner:
            file, key, line = lp.sources.locate("renames", old)
            problems.append(
                Problem(
                    "error",
                    "bad-rename",
                    f"{old!r} is renamed, but pack {concept_owner[old]!r} still defines a concept with that id",
                    pack=lp.pack.id,
                    file=file,
                    key=key,
                    line=line,
                )
            )


def _check_added_outputs(ordered: Sequence[LoadedPack], problems: list[Problem]) -> None:
    """Warn where a pack's recipe has the inputs of another pack's recipe: the two merge, so the later pack adds
    outputs to a combination it does not own (every game that makes the first pack's concept gets them too)."""
    first: dict[tuple[str, ...], Recipe] = {}
    for lp in ordered:
        for recipe in lp.pack.recipes:
            earlier = first.setdefault(recipe.inputs, recipe)
            if earlier.pack == recipe.pack:
                continue
            added = [c for c in recipe.outputs if c not in earlier.outputs]
            if not added:
                continue
            file, key, line = lp.sources.locate("recipes", str(recipe.index))
            problems.append(
                Problem(
                    "warning",
                    "adds-outputs",
                    f"{' + '.join(recipe.inputs)} is already a recipe of pack {earlier.pack!r} "
                    f"(giving {', '.join(earlier.outputs)}): this recipe adds {', '.join(added)} to it, so every "
                    "game that makes that combination discovers them too; use inputs of your own",
                    pack=lp.pack.id,
                    file=file,
                    key=key,
                    line=line,
                )
            )


def _check_reachability(
    ordered: Sequence[LoadedPack],
    problems: list[Problem],
    indexed: tuple[Sequence[Recipe], Mapping[str, Sequence[int]], Sequence[int]] | None,
) -> frozenset[str]:
    concepts = [c for lp in ordered for c in lp.pack.concepts]
    if indexed is None:
        recipes: Sequence[Recipe] = [r for lp in ordered for r in lp.pack.recipes]
        indexed = (recipes, *needs_index(recipes))
    recipes, needs, counts = indexed
    unlocks = [u for lp in ordered for u in lp.pack.unlocks]
    starts = {c.id for c in concepts if c.start}
    reachable = fixed_point_indexed(starts, recipes, needs, counts, unlocks)
    if len(reachable) >= len(concepts) and all(c.id in reachable for c in concepts):
        return reachable
    reasons = unreachable_reasons(concepts, recipes, reachable, unlocks)
    located = {c.id: lp for lp in ordered for c in lp.pack.concepts}
    for cid, (severity, reason) in reasons.items():
        lp = located[cid]
        file, key, line = lp.sources.locate("concepts", cid)
        code = "never-produced" if severity == "warning" else "unreachable"
        problems.append(
            Problem(
                severity,  # type: ignore[arg-type]
                code,
                f"concept {cid!r} cannot be reached from the start set: {reason}",
                pack=lp.pack.id,
                file=file,
                key=key,
                line=line,
            )
        )
    return reachable


def unreachable_reasons(
    concepts: Iterable[Concept], recipes: Sequence[Recipe], reachable: frozenset[str], unlocks: Iterable[object] = ()
) -> dict[str, tuple[str, str]]:
    """For each unreachable concept: ``(severity, reason)``, naming the inputs its recipes can never obtain."""
    makers: dict[str, list[Recipe]] = {}
    for recipe in recipes:
        for made in recipe.outputs:
            makers.setdefault(made, []).append(recipe)
    unlocked = {made for u in unlocks for made in getattr(u, "outputs", ())}
    out: dict[str, tuple[str, str]] = {}
    for concept in concepts:
        if concept.id in reachable:
            continue
        ways = makers.get(concept.id, [])
        if not ways:
            if concept.id in unlocked:
                out[concept.id] = ("error", "its unlock never fires (too few concepts can be discovered)")
            else:
                out[concept.id] = ("warning", "no recipe produces it and it is not a start concept")
            continue
        parts = []
        for recipe in ways[:4]:
            lacking = sorted(c for c in recipe.preconditions if c not in reachable)
            parts.append(f"{' + '.join(recipe.inputs)} lacks {', '.join(repr(c) for c in lacking)}")
        more = f" (and {len(ways) - 4} more recipes)" if len(ways) > 4 else ""
        out[concept.id] = ("error", "; ".join(parts) + more)
    return out

"""Content diffs between two catalogs (two versions of a pack), and what they do to existing saves."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from craftcore._catalog import Catalog
from craftcore._errors import CraftError, SaveError
from craftcore._game import Game
from craftcore._planning import plan_for
from craftcore._saves import read_save

__all__ = ["CatalogDiff", "Change", "SaveImpact", "diff", "path_optimum", "save_impact"]

#: The concept fields a diff compares (``pack`` is where it lives, not what it says).
_CONCEPT_FIELDS = ("name", "level", "category", "description", "start", "properties", "resources", "aliases")


@attrs.frozen
class Change:
    """One difference: ``kind`` (concept, recipe, hint, path, optimum), ``key`` (an id, or the combination),
    ``what`` (added, removed, changed) and, for changes, the fields with their old and new values."""

    kind: str
    key: str
    what: str
    fields: tuple[tuple[str, Any, Any], ...] = ()


@attrs.frozen
class CatalogDiff:
    changes: tuple[Change, ...]

    def of(self, kind: str, what: str | None = None) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind and (what is None or c.what == what))


@attrs.frozen
class SaveImpact:
    """What a new catalog does to one save."""

    file: str
    #: ``ok`` (loads, nothing lost), ``breaks`` (would stop loading), ``old-broken`` (does not load on the old catalog
    #: either) or ``unreadable``.
    status: str
    reason: str = ""
    #: Concepts discovered in the old game that the new one would not have (after renames).
    lost: tuple[str, ...] = ()
    #: The steps of the save that still replay on the new catalog, before the first that does not.
    replayable_steps: int = 0
    steps: int = 0


def _fmt(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _fmt(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_fmt(v) for v in value]
    if attrs.has(type(value)):
        return {k: _fmt(v) for k, v in attrs.asdict(value, recurse=False).items()}
    return value


def diff(old: Catalog, new: Catalog, *, budget: float = 2.0) -> CatalogDiff:
    """Everything that differs between two catalogs: concepts, recipes (by input multiset and ``requires``), hints,
    learning paths, and the optimum (fewest combine steps to play each learning path in order)."""
    out: list[Change] = []
    _keyed(out, "concept", old.concepts, new.concepts, _CONCEPT_FIELDS)
    _keyed(out, "recipe", _recipes(old), _recipes(new), ("outputs", "why"))
    _keyed(out, "hint", _hints(old), _hints(new), ("text",))
    _keyed(out, "path", old.paths, new.paths, ("name", "description", "steps"))
    for pid in old.paths.keys() & new.paths.keys():
        before, after = path_optimum(old, pid, budget=budget), path_optimum(new, pid, budget=budget)
        if before != after:
            out.append(Change("optimum", pid, "changed", (("steps", before, after),)))
    renamed = [(o, n) for o, n in new.renames.items() if old.renames.get(o) != n]
    out += [Change("rename", o, "added", (("to", None, n),)) for o, n in renamed]
    return CatalogDiff(tuple(out))


def _keyed(out: list[Change], kind: str, old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str]) -> None:
    for key in old.keys() - new.keys():
        out.append(Change(kind, key, "removed"))
    for key in new.keys() - old.keys():
        out.append(Change(kind, key, "added"))
    for key in old.keys() & new.keys():
        changed = tuple(
            (f, _fmt(getattr(old[key], f)), _fmt(getattr(new[key], f)))
            for f in fields
            if getattr(old[key], f) != getattr(new[key], f)
        )
        if changed:
            out.append(Change(kind, key, "changed", changed))
    out.sort(key=lambda c: (c.kind, c.key))


@attrs.frozen
class _RecipeView:
    outputs: tuple[str, ...]
    why: tuple[str, ...]


def _recipes(catalog: Catalog) -> dict[str, _RecipeView]:
    """Recipes by combination (and ``requires``): the outputs of every recipe sharing them, and their whys."""
    out: dict[str, tuple[set[str], list[str]]] = {}
    for r in catalog.recipes:
        key = " + ".join(r.inputs) + (f" (requires {', '.join(sorted(r.requires))})" if r.requires else "")
        outputs, whys = out.setdefault(key, (set(), []))
        outputs.update(r.outputs)
        if r.why:
            whys.append(r.why)
    return {k: _RecipeView(tuple(sorted(o)), tuple(w)) for k, (o, w) in out.items()}


def _hints(catalog: Catalog) -> dict[str, Any]:
    return {" + ".join(k): h for k, h in catalog.hints.items()}


def path_optimum(catalog: Catalog, path_id: str, *, budget: float = 2.0) -> int | None:
    """Combine steps to discover a learning path's steps in order, each by its optimal plan from where the previous
    left a new game (``None`` when a step cannot be reached)."""
    have: set[str] = set(catalog.starts)
    total = 0
    for step in catalog.paths[path_id].steps:
        if step in have:
            continue
        try:
            plan = plan_for(catalog, have, step, budget=budget)
        except CraftError:
            return None
        total += len(plan.steps)
        for s in plan.steps:
            have.update(s.outputs)
    return total


def save_files(folder: str | os.PathLike[str]) -> list[pathlib.Path]:
    """The save files in a folder: ``*.json`` and ``*.toml``, sorted."""
    root = pathlib.Path(folder)
    return sorted(p for p in root.iterdir() if p.is_file() and p.suffix in (".json", ".toml"))


def save_impact(path: str | os.PathLike[str], old: Catalog, new: Catalog) -> SaveImpact:
    """Whether a save that loads on ``old`` still loads on ``new`` (with ``Game.load``), and what it would lose."""
    name = os.fspath(path)
    try:
        data = read_save(name)
    except SaveError as exc:
        return SaveImpact(name, "unreadable", str(exc))
    try:
        before = Game.from_dict(data, old, clock=lambda: 0.0)
    except SaveError as exc:
        return SaveImpact(name, "old-broken", f"does not load on the old packs either: {exc}")
    steps = len(before.steps)
    try:
        after = Game.load(name, new, clock=lambda: 0.0)
    except SaveError as exc:
        kept = _replayable(before, new)
        lost = tuple(c for c in before.discovered if new.renames.get(c, c) not in kept.discovered)
        return SaveImpact(name, "breaks", str(exc), lost, len(kept.steps), steps)
    lost = tuple(c for c in before.discovered if new.renames.get(c, c) not in after.discovered)
    return SaveImpact(name, "ok" if not lost else "loses", "", lost, steps, steps)


def _replayable(game: Game, new: Catalog) -> Game:
    """A game on ``new`` with the longest prefix of ``game``'s steps that replays exactly."""
    replay = Game(new, clock=lambda: 0.0)
    rename = new.renames
    for step in game.steps:
        inputs = [rename.get(c, c) for c in step.inputs]
        try:
            result = replay.combine(*inputs)
        except CraftError:
            break
        if set(result.new) != {rename.get(c, c) for c in step.new}:
            if result.new:
                replay.undo()
            break
    return replay

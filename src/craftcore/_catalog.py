"""The catalog: every loaded pack merged into one frozen, indexed body of content."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from craftcore._checks import LoadedPack, check_packs, order_packs
from craftcore._errors import PackError, UnknownConcept, UnknownPath
from craftcore._frozenmap import FrozenMap
from craftcore._model import (
    DEFAULT_GAME,
    Category,
    Concept,
    GameInfo,
    Hint,
    LearningPath,
    Pack,
    PackInfo,
    Recipe,
    Unlock,
)
from craftcore._packfile import SourceMap
from craftcore._problems import Problem
from craftcore._reachability import fixed_point_indexed, needs_index

if TYPE_CHECKING:
    import pluggy

    from craftcore._planner import Planner
    from craftcore._results import PlanStep

__all__ = ["Catalog"]


@attrs.define
class _Index:
    """Lookups derived from a catalog's content, built on first use (never part of equality or of ``evolve``)."""

    by_key: dict[tuple[str, ...], list[Recipe]]
    #: Integer adjacency for games: positions (in ``Catalog.recipes``) of the recipes that need / make each concept,
    #: and each recipe's number of distinct preconditions and outputs.
    needs_ix: dict[str, list[int]]
    makes_ix: dict[str, list[int]]
    pre_count: list[int]
    out_count: list[int]
    cache: dict[str, Any] = attrs.Factory(dict)


def _build_index(recipes: Sequence[Recipe]) -> _Index:
    needs, pre_count = needs_index(recipes)
    by_key: dict[tuple[str, ...], list[Recipe]] = {}
    made_by: dict[str, list[int]] = {}
    out_count = []
    for i, recipe in enumerate(recipes):
        bucket = by_key.get(recipe.inputs)
        if bucket is None:
            by_key[recipe.inputs] = [recipe]
        else:
            bucket.append(recipe)
        outputs = recipe.outputs
        for out in outputs:
            made = made_by.get(out)
            if made is None:
                made_by[out] = [i]
            else:
                made.append(i)
        out_count.append(len(outputs))
    return _Index(by_key=by_key, needs_ix=needs, makes_ix=made_by, pre_count=pre_count, out_count=out_count)


@attrs.frozen(repr=False)
class Catalog:
    """All content of the loaded packs. Immutable; build it with :func:`craftcore.load_catalog` or
    :meth:`from_packs` (which check the content). The constructor and :func:`attrs.evolve` take the fields as they
    are, unchecked; every lookup is derived from them on first use, so such a catalog still answers consistently.

    Two catalogs built from the same packs are equal whatever order the packs were found in.
    """

    #: The packs, ordered by ``requires`` and then by id.
    packs: tuple[PackInfo, ...]
    categories: FrozenMap[str, Category]
    concepts: FrozenMap[str, Concept]
    recipes: tuple[Recipe, ...]
    paths: FrozenMap[str, LearningPath]
    #: Hints by their sorted input tuple.
    hints: FrozenMap[tuple[str, ...], Hint]
    unlocks: tuple[Unlock, ...]
    #: The start concepts, in pack order.
    starts: tuple[str, ...]
    #: What the game is called and how it greets the player (from the packs' ``[game]`` tables).
    game: GameInfo = DEFAULT_GAME
    #: Old concept id -> its new id, from the packs' ``[renames]`` tables: saves naming an old id load onto the new.
    renames: FrozenMap[str, str] = attrs.field(factory=FrozenMap)
    #: Warnings found while loading (errors stop a load).
    warnings: tuple[Problem, ...] = attrs.field(default=(), eq=False)
    _plugins: pluggy.PluginManager | None = attrs.field(default=None, eq=False)
    #: pack id -> where each of its definitions came from (for messages with file and line)
    _sources: Mapping[str, SourceMap] = attrs.field(factory=dict, eq=False, repr=False)
    _built: _Index | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def _index(self) -> _Index:
        """The derived lookups, built from the content on first use."""
        built = self._built
        if built is None:
            built = _build_index(self.recipes)
            object.__setattr__(self, "_built", built)
        return built

    @classmethod
    def from_packs(
        cls,
        packs: Iterable[Pack | LoadedPack],
        *,
        plugins: pluggy.PluginManager | None = None,
        require_reachable: bool = True,
    ) -> Catalog:
        """Check and merge packs.

        :param packs: in any order; they are ordered by ``requires`` and then by id.
        :param plugins: the plugin manager whose event and scoring hooks games on this catalog call.
        :param require_reachable: treat concepts unreachable from the start set as errors (the default). ``False``
            skips that check, for tools and tests that study unfinished packs.
        :raises PackError: with every problem found, when there is any error.
        """
        problems: list[Problem] = []
        loaded = [p if isinstance(p, LoadedPack) else LoadedPack(p) for p in packs]
        ordered = order_packs(loaded, problems)
        recipes = tuple(r for lp in ordered for r in lp.pack.recipes)
        index = _build_index(recipes)
        reachable = check_packs(
            ordered, problems, check_reachable=require_reachable, indexed=(recipes, index.needs_ix, index.pre_count)
        )
        if any(p.severity == "error" for p in problems):
            raise PackError(sorted(problems, key=lambda p: p.severity != "error"))
        catalog = cls._merge(
            [lp.pack for lp in ordered],
            plugins=plugins,
            warnings=tuple(problems),
            index=index,
            sources={lp.pack.id: lp.sources for lp in ordered},
        )
        if reachable is not None:
            index.cache["reachable"] = reachable
        return catalog

    @classmethod
    def _merge(
        cls,
        ordered: Sequence[Pack],
        *,
        plugins: pluggy.PluginManager | None,
        warnings: tuple[Problem, ...],
        index: _Index | None = None,
        sources: Mapping[str, SourceMap] | None = None,
    ) -> Catalog:
        concepts = {c.id: c for p in ordered for c in p.concepts}
        recipes = tuple(r for p in ordered for r in p.recipes)
        if index is None:
            index = _build_index(recipes)
        hints: dict[tuple[str, ...], Hint] = {}
        for pack in ordered:
            for hint in pack.hints:
                hints.setdefault(hint.inputs, hint)
        games = [p.game for p in ordered if p.game is not None]
        catalog = cls(
            packs=tuple(p.info for p in ordered),
            categories=FrozenMap({c.id: c for p in ordered for c in p.categories}),
            concepts=FrozenMap(concepts),
            recipes=recipes,
            paths=FrozenMap({lp.id: lp for p in ordered for lp in p.paths}),
            hints=FrozenMap(hints),
            unlocks=tuple(u for p in ordered for u in p.unlocks),
            starts=tuple(c.id for c in concepts.values() if c.start),
            game=games[-1] if games else DEFAULT_GAME,
            renames=FrozenMap({old: new for p in ordered for old, new in p.renames.items()}),
            warnings=warnings,
            plugins=plugins,
            sources=dict(sources or {}),
        )
        object.__setattr__(catalog, "_built", index)
        return catalog

    def locate(
        self, item: Concept | Category | LearningPath | Recipe | Hint | Unlock, sub: str = ""
    ) -> tuple[str | None, str | None, int | None]:
        """Where a definition (or one of its keys, ``sub``) is written: ``(file, key path, line)``, as far as known.

        Catalogs loaded from files know every place; catalogs built in code know none (``(None, None, None)``).
        """
        sources = self._sources.get(item.pack)
        if sources is None:
            return None, None, None
        if isinstance(item, Recipe | Hint | Unlock):
            kind = {Recipe: "recipes", Hint: "hints", Unlock: "unlocks"}[type(item)]
            return sources.locate(kind, str(item.index), sub)
        kind = {Concept: "concepts", Category: "categories", LearningPath: "paths"}[type(item)]
        return sources.locate(kind, item.id, sub)

    # ---------------------------------------------------------------------------------------------------- queries

    def __repr__(self) -> str:
        packs = ", ".join(f"{p.id} {p.version}" for p in self.packs)
        return f"<Catalog [{packs}]: {len(self.concepts)} concepts, {len(self.recipes)} recipes>"

    @property
    def plugins(self) -> pluggy.PluginManager | None:
        """The plugin manager the catalog was loaded with (``None`` for catalogs built without one)."""
        return self._plugins

    def concept(self, concept_id: str) -> Concept:
        """The concept with this id.

        :raises UnknownConcept: with close matches as suggestions.
        """
        try:
            return self.concepts[concept_id]
        except KeyError:
            raise UnknownConcept(concept_id, self._suggest(concept_id)) from None

    def _suggest(self, text: str) -> tuple[str, ...]:
        ids = difflib.get_close_matches(text, list(self.concepts), n=3, cutoff=0.6)
        names = self._names()
        by_name = difflib.get_close_matches(text.casefold(), list(names), n=3, cutoff=0.6)
        return tuple(dict.fromkeys([*ids, *(names[n] for n in by_name)]))[:3]

    def _names(self) -> dict[str, str]:
        """Every concept's name and aliases, case-folded, to its id (names win over another concept's alias)."""
        names: dict[str, str] | None = self._index.cache.get("names")
        if names is None:
            names = {}
            for c in self.concepts.values():
                for alias in c.aliases:
                    names.setdefault(alias.casefold(), c.id)
            names.update({c.name.casefold(): c.id for c in self.concepts.values()})
            self._index.cache["names"] = names
        return names

    def resolve(self, text: str, *, among: Collection[str] | None = None, fuzzy: bool = False) -> str:
        """The id of the concept ``text`` names: its id, name or an alias in any case, or an unambiguous prefix.

        >>> catalog.resolve("moe")            # doctest: +SKIP
        'mixture_of_experts'

        :param among: the concepts that make sense here (a player's discovered ones): prefixes and fuzzy matches
            are looked for among these only, and so are the suggestions of an error, so an answer never names a
            concept outside them. An exact id, name or alias still resolves to any concept.
        :param fuzzy: also accept word prefixes (``kv opt``) and one clear close match (a typo).
        :raises UnknownConcept: when nothing matches (close matches as ``suggestions``), or when several concepts
            match (``ambiguous=True``, the candidates as ``suggestions``).
        """
        from craftcore._names import resolve_concept

        return resolve_concept(self, text, among=among, fuzzy=fuzzy)

    def resolve_path(self, text: str) -> str:
        """The id of the learning path ``text`` names: its id or name in any case, or an unambiguous prefix.

        :raises UnknownPath: when nothing or several paths match.
        """
        from craftcore._names import resolve_path

        return resolve_path(self, text)

    def path(self, path_id: str) -> LearningPath:
        """The learning path with this id.

        :raises UnknownPath: with close matches as suggestions.
        """
        try:
            return self.paths[path_id]
        except KeyError:
            raise UnknownPath(path_id, difflib.get_close_matches(path_id, list(self.paths), n=3)) from None

    def search(self, text: str, *, limit: int = 10) -> tuple[Concept, ...]:
        """Concepts whose id, name, aliases, category or description mention ``text`` (case-insensitive), best
        first."""
        folded = text.casefold().strip()[:200]
        if not folded:
            return ()
        scored = []
        for c in self.concepts.values():
            if folded in c.id or folded in c.name.casefold():
                scored.append((0, c.name.casefold().find(folded), c.id))
            elif any(folded in a.casefold() for a in c.aliases):
                scored.append((0, 0, c.id))
            elif folded in c.category or folded in c.description.casefold():
                scored.append((1, 0, c.id))
        scored.sort()
        return tuple(self.concepts[cid] for _, _, cid in scored[:limit])

    def recipes_for(self, inputs: Iterable[str]) -> tuple[Recipe, ...]:
        """The recipes whose input multiset is exactly ``inputs`` (in any order)."""
        return tuple(self._index.by_key.get(tuple(sorted(inputs)), ()))

    def made_by(self, concept_id: str) -> tuple[Recipe, ...]:
        """The recipes that produce a concept."""
        recipes = self.recipes
        return tuple(recipes[i] for i in self._index.makes_ix.get(concept_id, ()))

    def used_in(self, concept_id: str) -> tuple[Recipe, ...]:
        """The recipes that need a concept, as an input or in ``requires``."""
        recipes = self.recipes
        return tuple(recipes[i] for i in self._index.needs_ix.get(concept_id, ()))

    def hint_for(self, inputs: Iterable[str]) -> Hint | None:
        """The pack hint written for this combination, if any."""
        hint: Hint | None = self.hints.get(tuple(sorted(inputs)))
        return hint

    def reachable(self, start: Iterable[str] | None = None) -> frozenset[str]:
        """Every concept obtainable from ``start`` (default: the start set), including ``start`` itself."""
        index = self._index
        if start is None:
            cached = index.cache.get("reachable")
            if cached is None:
                cached = index.cache["reachable"] = fixed_point_indexed(
                    self.starts, self.recipes, index.needs_ix, index.pre_count, self.unlocks
                )
            return cached
        return fixed_point_indexed(start, self.recipes, index.needs_ix, index.pre_count, self.unlocks)

    def problems(self) -> tuple[Problem, ...]:
        """Lint findings of the loaded catalog (warnings only: a catalog with errors does not load)."""
        cached = self._index.cache.get("problems")
        if cached is None:
            from craftcore._lint import lint

            cached = self._index.cache["problems"] = (*self.warnings, *lint(self))
        return cached

    def planner(self) -> tuple[Planner, dict[str, int], tuple[PlanStep, ...]]:
        """The planner over this catalog (built on first use), the concept -> fact map, and the planning actions.

        A planning action is one combine call: the recipes sharing an input multiset fire together, so each distinct
        ``(inputs, requires)`` pair becomes one action whose outputs are those of every recipe with these inputs
        whose own ``requires`` it satisfies.
        """
        cached = self._index.cache.get("planner")
        if cached is None:
            from craftcore._planner import Planner, Task
            from craftcore._results import PlanStep

            fact = {cid: i for i, cid in enumerate(self.concepts)}
            actions: dict[tuple[tuple[str, ...], frozenset[str]], None] = {}
            for recipe in self.recipes:
                actions.setdefault((recipe.inputs, frozenset(recipe.requires)), None)
            steps = []
            for inputs, requires in actions:
                outs = {c for r in self._index.by_key[inputs] if requires.issuperset(r.requires) for c in r.outputs}
                steps.append(PlanStep(inputs, tuple(sorted(outs)), tuple(sorted(requires))))
            task = Task(
                n_facts=len(fact),
                pre=tuple(tuple(sorted({fact[c] for c in (*s.inputs, *s.requires)})) for s in steps),
                add=tuple(tuple(sorted(fact[c] for c in s.outputs)) for s in steps),
            )
            cached = self._index.cache["planner"] = (Planner(task), fact, tuple(steps))
        return cached

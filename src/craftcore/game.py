"""The game: one player's state over a catalog. The only mutable object in craftcore."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

import pluggy

from craftcore.catalog import Catalog
from craftcore.errors import CraftError, NotDiscovered, UnknownConcept
from craftcore.feedback import failure_hint
from craftcore.model import Concept, Recipe
from craftcore.results import Attempt, CombineResult, Discovery, PathProgress, Plan, Prerequisites, Step

__all__ = ["MAX_ATTEMPTS", "MAX_INPUTS", "AvailableView", "Game", "level_for_score", "score_for_level"]

#: Most concepts one combination may take.
MAX_INPUTS: Final = 4
#: Failed combinations a game remembers by default.
MAX_ATTEMPTS: Final = 1000


def score_for_level(level: int) -> int:
    """The score at which ``level`` is reached: ``50 * level * (level - 1)`` (level 1 at 0)."""
    return 50 * level * (level - 1)


def level_for_score(score: int) -> int:
    """The overall level for a score: the largest ``k >= 1`` with ``50 * k * (k - 1) <= score``.

    Level 2 takes 100 points, level 3 300, level 4 600, level 5 1000: each level costs 100 points more than the last,
    so advancing needs ever harder discoveries (a concept is worth ``10 * its star level`` by default).
    """
    k = 1
    while 50 * (k + 1) * k <= score:
        k += 1
    return k


def _relevel(level: int, score: int) -> int:
    """:func:`level_for_score`, starting the search from a known level (a step changes the level by little)."""
    while score_for_level(level + 1) <= score:
        level += 1
    while level > 1 and score < score_for_level(level):
        level -= 1
    return level


class AvailableView:
    """The combinations that would discover something new right now (a live view, like ``dict.keys()``).

    Iterating yields sorted input tuples; ``in`` accepts inputs in any order.
    """

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[tuple[str, ...], int]) -> None:
        self._keys = keys

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._keys)

    def __contains__(self, inputs: object) -> bool:
        if not isinstance(inputs, tuple | list):
            return False
        return tuple(sorted(inputs)) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def count(self) -> int:
        """How many combinations would discover something new."""
        return len(self._keys)

    def __repr__(self) -> str:
        return f"<AvailableView ({len(self._keys)} combinations)>"


class Game:
    """One player's discovery game on a :class:`~craftcore.catalog.Catalog`.

    A game *is* its discovery log: score, level, progress and :meth:`available` derive from the steps in it, so
    :meth:`undo` and loading a save replay the log exactly. Nothing on a game is meant to be set directly; change it
    with :meth:`combine` and :meth:`undo` only. The mappings it hands out are read-only views.

    >>> game = Game.new(installed=False)
    >>> game.combine("linear_algebra", "calculus", "probability").new
    ('neural_networks',)

    :param catalog: the content.
    :param clock: returns the current time in seconds since the epoch (inject one for deterministic tests).
    :param plugins: extra plugin objects listening to this game's events (besides the catalog's plugins).
    :param max_attempts: how many failed combinations to remember (the oldest are forgotten first), so a player who
        tries everything cannot make the game, or its save, grow without bound.
    """

    def __init__(self, catalog: Catalog, *, clock: Callable[[], float] = time.time,
                 plugins: Iterable[object] = (), max_attempts: int = MAX_ATTEMPTS) -> None:
        if max_attempts < 0:
            raise ValueError(f"max_attempts must be 0 or more, got {max_attempts}")
        self.catalog: Final = catalog
        self.max_attempts: Final = max_attempts
        self._clock = clock
        self._hook = _hook_relay(catalog, plugins)
        self.started: float = clock()
        self._reset()
        self._discover_starts()

    @classmethod
    def new(cls, *pack_dirs: str | os.PathLike[str], installed: bool = True, clock: Callable[[], float] = time.time,
            plugins: Iterable[object] = ()) -> Game:
        """A game on the built-in pack, the installed packs (unless ``installed=False``) and the given folders."""
        from craftcore.loader import load_catalog

        return cls(load_catalog(*pack_dirs, installed=installed, plugins=plugins), clock=clock)

    # ------------------------------------------------------------------------------------------------- state

    def _reset(self) -> None:
        index = self.catalog._index
        self._discovered: dict[str, Discovery] = {}
        self._steps: list[Step] = []
        self._attempts: list[Attempt] = []
        self._missing = list(index.pre_count)
        self._undone = list(index.out_count)
        self._open: dict[tuple[str, ...], int] = {}
        #: combinations whose every recipe has fired and whose outputs are all discovered (answers that are final)
        self._repeats: dict[tuple[str, ...], CombineResult] = {}
        self._score = 0
        self._level = 1
        self._per_level = dict.fromkeys(range(1, 6), 0)
        self._unlocks = sorted(self.catalog.unlocks, key=lambda u: u.after)
        self._next_unlock = 0

    def _discover_starts(self) -> None:
        for cid in self.catalog.starts:
            self._record(cid, 0, self.started, "start")
        self._fire_unlocks(0, self.started, [])
        self._level = level_for_score(self._score)

    def _record(self, concept_id: str, step: int, when: float, source: Literal["start", "recipe", "unlock"],
                inputs: tuple[str, ...] = (), recipe: Recipe | None = None) -> Discovery:
        """Add a discovery and update every derived quantity incrementally."""
        concept = self.catalog.concepts[concept_id]
        discovery = Discovery(concept_id, step, when, source, inputs, recipe)
        points = self._points(concept, discovery)
        if points != 0:
            discovery = Discovery(concept_id, step, when, source, inputs, recipe, points)
        self._discovered[discovery.concept] = discovery
        self._score += points
        self._per_level[concept.level] = self._per_level.get(concept.level, 0) + 1
        index = self.catalog._index
        recipes = self.catalog.recipes
        missing, undone, opened = self._missing, self._undone, self._open
        for r in index.needs_ix.get(discovery.concept, ()):
            missing[r] -= 1
            if missing[r] == 0 and undone[r] > 0:
                key = recipes[r].inputs
                opened[key] = opened.get(key, 0) + 1
        for r in index.makes_ix.get(discovery.concept, ()):
            undone[r] -= 1
            if missing[r] == 0 and undone[r] == 0:
                key = recipes[r].inputs
                if opened[key] == 1:
                    del opened[key]
                else:
                    opened[key] -= 1
        return discovery

    def _points(self, concept: Concept, discovery: Discovery) -> int:
        if self._hook.points is not None:
            value = self._hook.points(concept=concept, discovery=discovery)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise CraftError(f"scoring plugin returned {value!r} for {concept.id!r}; expected an int")
                return value
        return concept.level * 10

    def _fire_unlocks(self, step: int, when: float, new: list[str]) -> None:
        pending = self._unlocks
        while self._next_unlock < len(pending) and pending[self._next_unlock].after <= len(self._discovered):
            unlock = pending[self._next_unlock]
            self._next_unlock += 1
            for cid in unlock.outputs:
                if cid not in self._discovered:
                    self._record(cid, step, when, "unlock")
                    new.append(cid)

    # ------------------------------------------------------------------------------------------------- playing

    def combine(self, *concepts: str) -> CombineResult:
        """Combine discovered concepts (1 to 4, in any order, repeats allowed).

        :returns: what the combination gave. On a failure ``new`` is empty and ``hint`` says why; a combination
            that fires but discovers nothing new is a repeat (``success`` is true, ``new`` empty).
        :raises UnknownConcept: an input is not a concept of the catalog (with close matches).
        :raises NotDiscovered: an input has not been discovered yet.
        :raises CraftError: fewer than 1 or more than 4 inputs.
        """
        discovered = self._discovered
        for cid in concepts:
            if cid not in discovered:
                self._reject(concepts)
        key = tuple(sorted(concepts))
        repeat = self._repeats.get(key)
        if repeat is not None:  # a spent recipe: the answer cannot change until an undo
            if self._hook.tried is not None:
                self._hook.tried(game=self, result=repeat)
            return repeat
        if not 0 < len(concepts) <= MAX_INPUTS:
            raise CraftError(f"a combination takes 1 to {MAX_INPUTS} concepts, got {len(concepts)}")
        candidates = self.catalog._index.by_key.get(key, ())
        fired = [r for r in candidates if all(q in discovered for q in r.requires)]
        when = self._clock()
        if not fired:
            return self._fail(key, when)
        new: list[str] = []
        step = len(self._steps) + 1
        level = self._level
        for recipe in fired:
            for cid in recipe.outputs:
                if cid not in discovered:
                    self._record(cid, step, when, "recipe", key, recipe)
                    new.append(cid)
        outputs = tuple(dict.fromkeys(c for r in fired for c in r.outputs))
        if not new:
            result = CombineResult(key, (), outputs, tuple(fired))
            if len(fired) == len(candidates):
                self._repeats[key] = result
        else:
            self._fire_unlocks(step, when, new)
            self._steps.append(Step(step, key, when, tuple(new)))
            self._level = _relevel(self._level, self._score)
            points = sum(discovered[c].points for c in new)
            result = CombineResult(key, tuple(new), outputs, tuple(fired), None, points,
                                   self._level if self._level > level else None)
        self._emit(result, level)
        return result

    def _reject(self, concepts: tuple[str, ...]) -> None:
        for cid in concepts:
            if cid not in self.catalog.concepts:
                raise UnknownConcept(cid, self.catalog._suggest(cid))
        raise NotDiscovered(c for c in concepts if c not in self._discovered)

    def _fail(self, key: tuple[str, ...], when: float) -> CombineResult:
        attempts = self._attempts
        attempts.append(Attempt(key, when, len(self._steps)))
        if len(attempts) > self.max_attempts:
            del attempts[: len(attempts) - self.max_attempts]
        result = CombineResult(key, hint=failure_hint(self.catalog, key, self._discovered))
        self._emit(result, self._level)
        return result

    def _emit(self, result: CombineResult, level_before: int) -> None:
        hook = self._hook
        if hook.tried is not None:
            hook.tried(game=self, result=result)
        if result.new and hook.discovered is not None:
            for cid in result.new:
                hook.discovered(game=self, concept=self.catalog.concepts[cid], discovery=self._discovered[cid])
        if hook.level is not None:
            for level in range(level_before + 1, self._level + 1):
                hook.level(game=self, level=level)

    def undo(self) -> Step:
        """Take back the last step that discovered something (and the failed attempts made after it).

        :returns: the step taken back.
        :raises CraftError: when there is nothing to undo.
        """
        if not self._steps:
            raise CraftError("nothing to undo: no combination has discovered anything yet")
        last = self._steps[-1]
        steps = self._steps[:-1]
        attempts = [a for a in self._attempts if a.after_step < last.number]
        self._replay(steps, attempts)
        return last

    def _replay(self, steps: Iterable[Step], attempts: Iterable[Attempt]) -> None:
        """Rebuild the state from a log (used by undo and by loading saves, which check the result)."""
        self._reset()
        self._discover_starts()
        hook, self._hook = self._hook, _Relay()
        self._hook.points = hook.points  # scoring still applies; events are not sent again
        clock = self._clock
        try:
            for step in steps:
                self._clock = _fixed(step.time)
                try:
                    result = self.combine(*step.inputs)
                except CraftError as exc:
                    raise _ReplayError(step, str(exc)) from None
                if result.new != step.new:
                    raise _ReplayError(step, f"{' + '.join(step.inputs)} discovers {list(result.new)}, "
                                             f"not {list(step.new)}")
            self._attempts = list(attempts)
        finally:
            self._clock, self._hook = clock, hook

    def copy(self) -> Game:
        """An independent copy of the game (same catalog, clock and plugins)."""
        other = Game.__new__(Game)
        other.__dict__.update(self.__dict__)
        for name in ("_discovered", "_open", "_per_level", "_repeats"):
            setattr(other, name, dict(getattr(self, name)))
        for name in ("_steps", "_attempts", "_missing", "_undone"):
            setattr(other, name, list(getattr(self, name)))
        return other

    # ------------------------------------------------------------------------------------------------- queries

    @property
    def discovered(self) -> Mapping[str, Discovery]:
        """Discovered concepts in discovery order, with how and when (a read-only live view)."""
        return MappingProxyType(self._discovered)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The log: every combine call that discovered something."""
        return tuple(self._steps)

    @property
    def attempts(self) -> tuple[Attempt, ...]:
        """Failed combinations, oldest first (failures teach constraints)."""
        return tuple(self._attempts)

    def available(self) -> AvailableView:
        """The combinations (sorted input tuples) that would discover something new now."""
        return AvailableView(self._open)

    @property
    def score(self) -> int:
        """Difficulty-weighted progress: by default 10 points per star of each discovered concept."""
        return self._score

    @property
    def level(self) -> int:
        """Overall advancement, from the score (see :func:`level_for_score`)."""
        return self._level

    @property
    def next_level_at(self) -> int:
        """The score at which the next level is reached."""
        return score_for_level(self._level + 1)

    def progress(self) -> Mapping[int, tuple[int, int]]:
        """Completion per difficulty level: ``{level: (discovered, total)}`` for levels 1 to 5."""
        totals = self.catalog._index.cache.get("level_totals")
        if totals is None:
            totals = dict.fromkeys(range(1, 6), 0)
            for concept in self.catalog.concepts.values():
                totals[concept.level] += 1
            self.catalog._index.cache["level_totals"] = totals
        return MappingProxyType({lv: (self._per_level.get(lv, 0), totals[lv]) for lv in range(1, 6)})

    @property
    def complete(self) -> bool:
        """Whether every reachable concept has been discovered."""
        return len(self._discovered) >= len(self.catalog.reachable())

    def is_final(self, concept_id: str) -> bool:
        """Whether the concept can no longer lead to anything new in this game (every recipe using it is spent)."""
        self.catalog.concept(concept_id)
        index = self.catalog._index
        return all(self._undone[r] == 0 for r in index.needs_ix.get(concept_id, ()))

    def feedback(self, *concepts: str) -> str | None:
        """What the game would say about this combination now: the pack's hint or generated advice for a failure,
        ``None`` when the combination fires. Records nothing.

        :raises UnknownConcept: an input is not a concept of the catalog.
        """
        for cid in concepts:
            self.catalog.concept(cid)
        key = tuple(sorted(concepts))
        if any(all(q in self._discovered for q in r.requires) for r in self.catalog._index.by_key.get(key, ())):
            return None
        return failure_hint(self.catalog, key, self._discovered)

    def leads_to(self, concept_id: str) -> tuple[Recipe, ...]:
        """Recipes using the concept whose every input and requirement the player has discovered."""
        return tuple(r for r in self.catalog.used_in(concept_id)
                     if all(c in self._discovered for c in r.preconditions))

    def path_progress(self, path_id: str) -> PathProgress:
        """How far the game is along a learning path.

        :raises UnknownConcept: for an unknown path id (with close matches).
        """
        path = self.catalog.paths.get(path_id)
        if path is None:
            import difflib

            raise UnknownConcept(path_id, difflib.get_close_matches(path_id, list(self.catalog.paths)))
        done = tuple(s for s in path.steps if s in self._discovered)
        nxt = next((s for s in path.steps if s not in self._discovered), None)
        return PathProgress(path, done, nxt)

    def plan(self, target: str, *, budget: float = 1.0) -> Plan:
        """The fewest combine actions that obtain ``target`` from the current state, in an executable order.

        :param budget: seconds of search; when it runs out the best plan found is returned with
            ``optimal=False`` and its proven ``lower_bound``.
        :raises UnknownConcept: ``target`` is not a concept.
        :raises Unreachable: no sequence of combinations obtains it from here.
        """
        from craftcore.planning import plan_for

        self.catalog.concept(target)
        return plan_for(self.catalog, self._discovered, target, budget=budget)

    def prerequisites(self, target: str, *, budget: float = 1.0) -> Prerequisites:
        """Everything ``target`` depends on along its optimal plan from the start set, in layers."""
        from craftcore.planning import prerequisites

        self.catalog.concept(target)
        return prerequisites(self.catalog, target, budget=budget)

    # ------------------------------------------------------------------------------------------------- saving

    def to_dict(self) -> dict[str, Any]:
        """The game as plain data (JSON and TOML safe): the log, the packs it was played with, and when."""
        from craftcore.saves import game_to_dict

        return game_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], catalog: Catalog, *, clock: Callable[[], float] = time.time,
                  plugins: Iterable[object] = (), max_attempts: int = MAX_ATTEMPTS) -> Game:
        """Rebuild a game from :meth:`to_dict` data, checking every step against the rules.

        :raises SaveError: malformed data, an unknown format version, packs that are not loaded, or a log that
            the rules do not allow.
        """
        from craftcore.saves import game_from_dict

        return game_from_dict(cls, data, catalog, clock=clock, plugins=plugins, max_attempts=max_attempts)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the game atomically: JSON, or TOML when the file name ends in ``.toml``."""
        from craftcore.saves import write_save

        write_save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], catalog: Catalog, *, clock: Callable[[], float] = time.time,
             plugins: Iterable[object] = (), max_attempts: int = MAX_ATTEMPTS) -> Game:
        """Read a save written by :meth:`save` (an untrusted file: everything is checked).

        :raises SaveError: the file cannot be read, is malformed or corrupt, or does not fit the catalog.
        """
        from craftcore.saves import read_save

        return cls.from_dict(read_save(path), catalog, clock=clock, plugins=plugins, max_attempts=max_attempts)

    # ------------------------------------------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (self.catalog == other.catalog and self.started == other.started and self._steps == other._steps
                and self._attempts == other._attempts)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        packs = ",".join(p.id for p in self.catalog.packs)
        return (f"<Game [{packs}] {len(self._discovered)}/{len(self.catalog.concepts)} discovered, "
                f"score {self._score}, level {self._level}>")


class _ReplayError(CraftError):
    """A logged step that the rules do not allow (raised while replaying a log)."""

    def __init__(self, step: Step, message: str) -> None:
        self.step = step
        super().__init__(f"step {step.number}: {message}")


def _fixed(value: float) -> Callable[[], float]:
    return lambda: value


class _Relay:
    """The hook callers a game uses, or ``None`` where no plugin listens (an empty hook is never called)."""

    __slots__ = ("discovered", "level", "points", "tried")

    def __init__(self, pm: pluggy.PluginManager | None = None) -> None:
        hook = pm.hook if pm is not None else None

        def caller(name: str) -> Any:
            if hook is None:
                return None
            h = getattr(hook, name)
            return h if h.get_hookimpls() else None

        self.tried = caller("craftcore_combination_tried")
        self.discovered = caller("craftcore_concept_discovered")
        self.level = caller("craftcore_level_reached")
        self.points = caller("craftcore_points")


def _hook_relay(catalog: Catalog, plugins: Iterable[object]) -> _Relay:
    plugins = list(plugins)
    if not plugins:
        return _Relay(catalog.plugins)
    from craftcore.plugins import PluginManager, PluginOrigin

    pm = PluginManager()
    if catalog.plugins is not None:
        for name, plugin in catalog.plugins.list_name_plugin():
            if plugin is not None:
                pm.register(plugin, name=name)
    for index, plugin in enumerate(plugins):
        pm.add(plugin, PluginOrigin(f"game-plugin-{index}", "plugin"))
    pm.check_pending()
    return _Relay(pm)


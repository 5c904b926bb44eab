"""The game: one player's state over a catalog. The only mutable object in craftcore."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs
import pluggy

from craftcore._catalog import Catalog
from craftcore._errors import (
    CraftError,
    InvalidCombination,
    NotDiscovered,
    NothingToUndo,
    PluginError,
    ReviewError,
    UnknownConcept,
)
from craftcore._feedback import failure_hint
from craftcore._help import Help, HelpStats, help_stats
from craftcore._mastery import MasteryProgress, mastery_progress
from craftcore._model import Concept, Recipe
from craftcore._problems import Problem
from craftcore._results import (
    Attempt,
    CombineResult,
    Discovery,
    NextStep,
    PathProgress,
    Plan,
    Prerequisites,
    Step,
    Suggestion,
)
from craftcore._review import (
    Mastery,
    Review,
    ReviewBook,
    ReviewCard,
    ReviewResult,
    build_card,
    card_ids,
    concept_mastery,
    grade,
    is_right,
)
from craftcore._rules import LEVELS, MAX_INPUTS, MIN_INPUTS, default_points, level_for_score, relevel, score_for_level

if TYPE_CHECKING:
    from craftcore._planning import Cost

__all__ = ["MAX_ATTEMPTS", "AvailableView", "DiscoveredView", "Game"]

_T = TypeVar("_T")

#: Failed combinations a game remembers by default.
MAX_ATTEMPTS: Final = 1000


@attrs.define
class _State:
    """Everything that changes as a game is played: the log and what derives from it incrementally.

    A game holds exactly one; undo and loading build a new one and swap it in only when the replay succeeded.
    """

    discovered: dict[str, Discovery]
    steps: list[Step]
    attempts: list[Attempt]
    #: per recipe (by position): preconditions not discovered yet, and outputs not discovered yet
    missing: list[int]
    undone: list[int]
    #: combinations (sorted inputs) that would discover something now -> how many recipes make that so
    open: dict[tuple[str, ...], int]
    #: combinations whose every recipe has fired and whose outputs are all discovered (answers that are final)
    repeats: dict[tuple[str, ...], CombineResult]
    score: int
    level: int
    per_level: dict[int, int]
    next_unlock: int
    #: the review log and the card states folded from it
    book: ReviewBook = attrs.Factory(ReviewBook)
    #: every hint, plan and undo given, oldest first
    help: list[Help] = attrs.Factory(list)

    @classmethod
    def empty(cls, catalog: Catalog) -> _State:
        index = catalog._index
        return cls({}, [], [], list(index.pre_count), list(index.out_count), {}, {}, 0, 1, dict.fromkeys(LEVELS, 0), 0)

    def copy(self) -> _State:
        return _State(
            dict(self.discovered),
            list(self.steps),
            list(self.attempts),
            list(self.missing),
            list(self.undone),
            dict(self.open),
            dict(self.repeats),
            self.score,
            self.level,
            dict(self.per_level),
            self.next_unlock,
            self.book.copy(),
            list(self.help),
        )


class DiscoveredView(Mapping[str, Discovery]):
    """The discovered concepts in discovery order, with how and when (a read-only live view of one game).

    It reads the game's current state on every access, so it stays true after :meth:`Game.undo` and loading.
    """

    __slots__ = ("_game",)

    def __init__(self, game: Game) -> None:
        self._game = game

    def __getitem__(self, concept_id: str) -> Discovery:
        return self._game._state.discovered[concept_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._game._state.discovered)

    def __len__(self) -> int:
        return len(self._game._state.discovered)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._game._state.discovered

    def __repr__(self) -> str:
        return f"<DiscoveredView ({len(self)} concepts)>"


class AvailableView:
    """The combinations that would discover something new right now (a live view of one game, like python-chess's
    legal-move generator: it holds the game, not a copy, so it stays true after every change, undo and load).

    Iterating yields sorted input tuples; ``in`` accepts inputs in any order.
    """

    __slots__ = ("_game",)

    def __init__(self, game: Game) -> None:
        self._game = game

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(list(self._game._state.open))

    def __contains__(self, inputs: object) -> bool:
        if not isinstance(inputs, tuple | list) or not all(isinstance(c, str) for c in inputs):
            return False
        return tuple(sorted(inputs)) in self._game._state.open

    def __len__(self) -> int:
        return len(self._game._state.open)

    def __bool__(self) -> bool:
        return bool(self._game._state.open)

    def count(self) -> int:
        """How many combinations would discover something new."""
        return len(self._game._state.open)

    def __repr__(self) -> str:
        return f"<AvailableView ({len(self)} combinations)>"


class Game:
    """One player's discovery game on a :class:`~craftcore.Catalog`.

    A game *is* its discovery log: score, level, progress and :meth:`available` derive from the steps in it, so
    :meth:`undo` and loading a save replay the log exactly. Nothing on a game is meant to be set directly; change it
    with :meth:`combine` and :meth:`undo` only. The views it hands out (:attr:`discovered`, :meth:`available`) are
    read-only and live.

    :param catalog: the content.
    :param clock: returns the current time in seconds since the epoch (inject one for deterministic tests).
    :param plugins: extra plugin objects listening to this game's events (besides the catalog's plugins).
    :param max_attempts: how many failed combinations to remember (the oldest are forgotten first), so a player who
        tries everything cannot make the game, or its save, grow without bound.
    :raises PluginError: a plugin cannot be registered or implements a hook that does not exist.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        clock: Callable[[], float] = time.time,
        plugins: Iterable[object] = (),
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        if max_attempts < 0:
            raise ValueError(f"max_attempts must be 0 or more, got {max_attempts}")
        self.catalog: Final = catalog
        self.max_attempts: Final = max_attempts
        self._clock = clock
        self._hook = _hook_relay(catalog, plugins)
        self.started: float = clock()
        self._state = self._fresh_state()

    @classmethod
    def new(
        cls,
        *packs: str | os.PathLike[str],
        installed: bool = True,
        clock: Callable[[], float] = time.time,
        plugins: Iterable[object] = (),
    ) -> Game:
        """A game on the installed packs (unless ``installed=False``) and the given pack folders."""
        from craftcore._loader import load_catalog

        return cls(load_catalog(*packs, installed=installed, plugins=plugins), clock=clock)

    @classmethod
    def from_log(
        cls,
        catalog: Catalog,
        steps: Iterable[Step],
        attempts: Iterable[Attempt] = (),
        *,
        started: float,
        clock: Callable[[], float] = time.time,
        plugins: Iterable[object] = (),
        max_attempts: int = MAX_ATTEMPTS,
        reviews: Iterable[Review] = (),
        help: Iterable[Help] = (),
    ) -> Game:
        """The game that a log describes, rebuilt by replaying every step through the rules.

        Events are not sent for the replayed steps. Only the newest ``max_attempts`` attempts are kept. Reviews are
        replayed in order after the step they followed, and graded again (their ``correct`` is recomputed).

        :param started: when the game began (the start concepts' discovery time).
        :raises CraftError: a step that the rules do not allow (its ``step`` attribute names it), an attempt made
            with concepts not discovered by then, or a review of a card the game did not have then (``review``).
        """
        game = cls(catalog, clock=lambda: started, plugins=plugins, max_attempts=max_attempts)
        game._replay(steps, attempts, reviews, help)
        game._clock = clock
        return game

    # ------------------------------------------------------------------------------------------------- state

    def _fresh_state(self) -> _State:
        """A state holding only the start concepts (and the unlocks they trigger)."""
        state = self._state = _State.empty(self.catalog)
        for cid in self.catalog.starts:
            self._record(cid, 0, self.started, "start")
        self._fire_unlocks(0, self.started, [])
        state.level = level_for_score(state.score)
        return state

    def _record(
        self,
        concept_id: str,
        step: int,
        when: float,
        source: Literal["start", "recipe", "unlock"],
        inputs: tuple[str, ...] = (),
        recipe: Recipe | None = None,
    ) -> Discovery:
        """Add a discovery and update every derived quantity incrementally."""
        state = self._state
        concept = self.catalog.concepts[concept_id]
        discovery = Discovery(concept_id, step, when, source, inputs, recipe)
        points = self._points(concept, discovery)
        if points != 0:
            discovery = Discovery(concept_id, step, when, source, inputs, recipe, points)
        state.discovered[discovery.concept] = discovery
        state.score += points
        state.per_level[concept.level] = state.per_level.get(concept.level, 0) + 1
        index = self.catalog._index
        recipes = self.catalog.recipes
        missing, undone, opened = state.missing, state.undone, state.open
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
                    raise PluginError(
                        [
                            Problem(
                                "error",
                                "plugin-result",
                                f"scoring plugin returned {value!r} for {concept.id!r}; expected an int",
                            )
                        ],
                        plugin="craftcore_points",
                    )
                return value
        return default_points(concept.level)

    def _fire_unlocks(self, step: int, when: float, new: list[str]) -> None:
        state = self._state
        pending = self.catalog._index.cache.get("unlocks_in_order")
        if pending is None:
            pending = self.catalog._index.cache["unlocks_in_order"] = sorted(
                self.catalog.unlocks, key=lambda u: u.after
            )
        while state.next_unlock < len(pending) and pending[state.next_unlock].after <= len(state.discovered):
            unlock = pending[state.next_unlock]
            state.next_unlock += 1
            for cid in unlock.outputs:
                if cid not in state.discovered:
                    self._record(cid, step, when, "unlock")
                    new.append(cid)

    # ------------------------------------------------------------------------------------------------- playing

    def combine(self, *concepts: str) -> CombineResult:
        """Combine discovered concepts (1 to 4, in any order, repeats allowed).

        :returns: what the combination gave. On a failure ``new`` is empty and ``hint`` says why; a combination
            that fires but discovers nothing new is a repeat (``success`` is true, ``new`` empty).
        :raises InvalidCombination: fewer than 1 or more than 4 inputs.
        :raises UnknownConcept: an input is not a concept of the catalog (with close matches).
        :raises NotDiscovered: an input has not been discovered yet.
        """
        state = self._state
        discovered = state.discovered
        if not MIN_INPUTS <= len(concepts) <= MAX_INPUTS:
            raise InvalidCombination(
                len(concepts), f"a combination takes {MIN_INPUTS} to {MAX_INPUTS} concepts, got {len(concepts)}"
            )
        for cid in concepts:
            if cid not in discovered:
                self._reject(concepts)
        key = tuple(sorted(concepts))
        repeat = state.repeats.get(key)
        if repeat is not None:  # a spent recipe: the answer cannot change until an undo
            if self._hook.tried is not None:
                self._hook.tried(game=self, result=repeat)
            return repeat
        candidates = self.catalog._index.by_key.get(key, ())
        fired = [r for r in candidates if all(q in discovered for q in r.requires)]
        when = self._clock()
        if not fired:
            return self._fail(key, when)
        new: list[str] = []
        step = len(state.steps) + 1
        level = state.level
        for recipe in fired:
            for cid in recipe.outputs:
                if cid not in discovered:
                    self._record(cid, step, when, "recipe", key, recipe)
                    new.append(cid)
        outputs = tuple(dict.fromkeys(c for r in fired for c in r.outputs))
        if not new:
            result = CombineResult(key, (), outputs, tuple(fired))
            if len(fired) == len(candidates):
                state.repeats[key] = result
        else:
            self._fire_unlocks(step, when, new)
            state.steps.append(Step(step, key, when, tuple(new)))
            state.level = relevel(state.level, state.score)
            points = sum(discovered[c].points for c in new)
            result = CombineResult(
                key, tuple(new), outputs, tuple(fired), None, points, state.level if state.level > level else None
            )
        self._emit(result, level)
        return result

    def _reject(self, concepts: tuple[str, ...]) -> None:
        for cid in concepts:
            if cid not in self.catalog.concepts:
                raise UnknownConcept(cid, self.catalog._suggest(cid) if isinstance(cid, str) else ())
        raise NotDiscovered(c for c in concepts if c not in self._state.discovered)

    def _fail(self, key: tuple[str, ...], when: float) -> CombineResult:
        state = self._state
        hint = failure_hint(self.catalog, key, state.discovered)
        attempts = state.attempts
        attempts.append(Attempt(key, when, len(state.steps), hint))
        if len(attempts) > self.max_attempts:
            del attempts[: len(attempts) - self.max_attempts]
        result = CombineResult(key, hint=hint)
        self._emit(result, state.level)
        return result

    def _emit(self, result: CombineResult, level_before: int) -> None:
        hook = self._hook
        if hook.tried is not None:
            hook.tried(game=self, result=result)
        if result.new and hook.discovered is not None:
            discovered = self._state.discovered
            for cid in result.new:
                hook.discovered(game=self, concept=self.catalog.concepts[cid], discovery=discovered[cid])
        if hook.level is not None:
            for level in range(level_before + 1, self._state.level + 1):
                hook.level(game=self, level=level)

    def undo(self) -> Step:
        """Take back the last step that discovered something (and the failed attempts made after it).

        All or nothing: if the replay is interrupted (a plugin raising, Ctrl-C), the game is left as it was.

        :returns: the step taken back.
        :raises NothingToUndo: when no combination has discovered anything yet.
        """
        state = self._state
        if not state.steps:
            raise NothingToUndo("nothing to undo: no combination has discovered anything yet")
        last = state.steps[-1]
        attempts = [a for a in state.attempts if a.after_step < last.number]
        reviews = [r for r in state.book.log if r.after_step < last.number]
        helps = [h for h in state.help if h.after_step < last.number]
        helps.append(Help("undo", self._clock(), last.number - 1, (last.inputs,)))
        self._replay(state.steps[:-1], attempts, reviews, helps)
        return last

    def _replay(
        self,
        steps: Iterable[Step],
        attempts: Iterable[Attempt],
        reviews: Iterable[Review] = (),
        helps: Iterable[Help] = (),
    ) -> None:
        """Rebuild the state from a log, swapping it in only when every step replayed (events are not sent again).

        :raises CraftError: a step or attempt the rules do not allow (the game is unchanged).
        """
        old_state, hook, clock = self._state, self._hook, self._clock
        quiet = _Relay()
        quiet.points = hook.points  # scoring still applies; events are not sent again
        self._hook = quiet
        pending = list(reviews)
        done = 0
        try:
            self._fresh_state()
            for step in steps:
                done = self._replay_reviews(pending, done, len(self._state.steps))
                self._clock = _fixed(step.time)
                try:
                    result = self.combine(*step.inputs)
                except CraftError as exc:
                    raise _ReplayError(step, str(exc)) from None
                if result.new != step.new:
                    raise _ReplayError(
                        step, f"{' + '.join(step.inputs)} discovers {list(result.new)}, not {list(step.new)}"
                    )
            done = self._replay_reviews(pending, done, len(self._state.steps))
            if done < len(pending):
                raise _ReplayError(
                    None,
                    f"review {done}: made after step {pending[done].after_step}, which is not in the log",
                    review=done,
                )
            state = self._state
            state.help = list(helps)
            kept = list(attempts)
            for i, attempt in enumerate(kept):
                late = [
                    c
                    for c in attempt.inputs
                    if c not in state.discovered or state.discovered[c].step > attempt.after_step
                ]
                if late:
                    raise _ReplayError(
                        None,
                        f"attempt {i}: {', '.join(map(repr, late))} not discovered by step {attempt.after_step}",
                        attempt=i,
                    )
            state.attempts = kept[len(kept) - self.max_attempts :] if self.max_attempts else []
        except BaseException:
            self._state = old_state
            raise
        finally:
            self._clock, self._hook = clock, hook

    def _replay_reviews(self, pending: list[Review], done: int, after_step: int) -> int:
        """Replay the logged reviews made after ``after_step`` steps (grading them again); returns how many are done."""
        state = self._state
        while done < len(pending) and pending[done].after_step <= after_step:
            review = pending[done]
            if review.after_step != after_step:
                raise _ReplayError(None, f"review {done}: out of order (after step {review.after_step})", review=done)
            card = build_card(self.catalog, state.discovered, review.card)
            if card is None:
                raise _ReplayError(None, f"review {done}: no card {review.card!r} at this point", review=done)
            correct = is_right(card, review.answer)
            try:
                state.book.record(self.catalog, state.discovered, attrs.evolve(review, correct=correct))
            except ReviewError as exc:
                raise _ReplayError(None, f"review {done}: {exc}", review=done) from None
            done += 1
        return done

    def copy(self) -> Game:
        """An independent copy of the game (same catalog, clock and plugins)."""
        other = Game.__new__(Game)
        other.__dict__.update(self.__dict__)
        other._state = self._state.copy()
        return other

    # ------------------------------------------------------------------------------------------------- reading input

    def parse_combination(self, text: str) -> tuple[str, ...]:
        """The concept ids of a combination as a person types it: ``mamba + standard + moe``, ``A, B``, or one name.

        Names, ids and aliases are read in any case; prefixes and close spellings are looked for among the
        discovered concepts only, so neither the answer nor an error ever names a concept the player has not
        found. A name the game prints (even one with a comma) reads back as that concept.

        :raises InvalidCombination: nothing, or more than 4 concepts.
        :raises UnknownConcept: a part names no discovered concept, or several (``ambiguous``; the candidates are
            discovered concepts).
        """
        from craftcore._names import parse_combination

        return parse_combination(self.catalog, text, among=self._state.discovered)

    def suggest(self, *, toward: str | None = None, budget: float = 1.0, record: bool = True) -> Suggestion | None:
        """A next move for a player who asks for help: a combination that discovers something now.

        With ``toward`` (a concept id, or a learning path id), the first step of the optimal plan toward it (for a
        path, the plan that discovers all its remaining steps; ``target`` is then its next step); otherwise the
        available combination whose easiest result is the lowest star level, preferring what was discovered last.
        Unless ``record`` is false, the hint is counted in :attr:`help` (the same hint twice in a row counts once).

        :returns: the suggestion, or ``None`` when nothing new can be discovered.
        :raises UnknownConcept: ``toward`` is neither a concept nor a path.
        """
        state = self._state
        if not state.open:
            return None
        catalog = self.catalog
        target = toward
        goals: tuple[str, ...] = (toward,) if toward is not None else ()
        if toward is not None and toward in catalog.paths:
            target = self.path_progress(toward).next
            # the whole rest of the path at once: its fewest combinations, not those of one step after another
            goals = tuple(c for c in catalog.paths[toward].steps if c not in state.discovered)
        if target is not None:
            catalog.concept(target)
            if target not in state.discovered:
                plan = None
                for wanted in (goals, (target,)):  # a path step that cannot be reached must not hide the others
                    try:
                        plan = self.plan(*wanted, budget=budget, record=False)
                        break
                    except CraftError:
                        continue
                if plan is not None and plan.steps and tuple(plan.steps[0].inputs) in state.open:
                    why = "the first step of the shortest route" + (
                        " through the rest of the path" if len(goals) > 1 else ""
                    )
                    found = Suggestion(tuple(plan.steps[0].inputs), target, why)
                    return self._helped("hint", (found.inputs,), target, found, record)
        discovered = state.discovered

        def rank(inputs: tuple[str, ...]) -> tuple[int, int, tuple[str, ...]]:
            levels = [
                catalog.concepts[o].level for r in catalog.recipes_for(inputs) for o in r.outputs if o not in discovered
            ]
            recent = max(discovered[c].step for c in inputs)
            return (min(levels, default=9), -recent, inputs)

        found = Suggestion(min(state.open, key=rank), None, "something new can be found this way")
        return self._helped("hint", (found.inputs,), None, found, record)

    def _helped(
        self,
        kind: Literal["hint", "plan"],
        inputs: tuple[tuple[str, ...], ...],
        target: str | None,
        given: _T,
        record: bool,
    ) -> _T:
        """Count a piece of help (unless it repeats the last one) and hand it on."""
        if record:
            state = self._state
            entry = Help(kind, self._clock(), len(state.steps), inputs, target)
            if not state.help or attrs.evolve(state.help[-1], time=entry.time) != entry:
                state.help.append(entry)
        return given

    # ------------------------------------------------------------------------------------------------- queries

    @property
    def discovered(self) -> DiscoveredView:
        """Discovered concepts in discovery order, with how and when (a read-only live view)."""
        return DiscoveredView(self)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The log: every combine call that discovered something."""
        return tuple(self._state.steps)

    @property
    def attempts(self) -> tuple[Attempt, ...]:
        """Failed combinations, oldest first (failures teach constraints), each with what the game said then."""
        return tuple(self._state.attempts)

    def available(self) -> AvailableView:
        """The combinations (sorted input tuples) that would discover something new now (a live view)."""
        return AvailableView(self)

    @property
    def score(self) -> int:
        """Difficulty-weighted progress: by default 10 points per star of each discovered concept."""
        return self._state.score

    @property
    def level(self) -> int:
        """Overall advancement, from the score (see :func:`craftcore.level_for_score`)."""
        return self._state.level

    @property
    def next_level_at(self) -> int:
        """The score at which the next level is reached."""
        return score_for_level(self._state.level + 1)

    def progress(self) -> Mapping[int, tuple[int, int]]:
        """Completion per difficulty level: ``{level: (discovered, total)}`` for every star level."""
        totals = self.catalog._index.cache.get("level_totals")
        if totals is None:
            totals = dict.fromkeys(LEVELS, 0)
            for concept in self.catalog.concepts.values():
                totals[concept.level] = totals.get(concept.level, 0) + 1
            self.catalog._index.cache["level_totals"] = totals
        per_level = self._state.per_level
        return MappingProxyType({lv: (per_level.get(lv, 0), totals.get(lv, 0)) for lv in LEVELS})

    @property
    def complete(self) -> bool:
        """Whether every reachable concept has been discovered."""
        return len(self._state.discovered) >= len(self.catalog.reachable())

    def is_final(self, concept_id: str) -> bool:
        """Whether the concept can no longer lead to anything new in this game (every recipe using it is spent)."""
        self.catalog.concept(concept_id)
        undone = self._state.undone
        return all(undone[r] == 0 for r in self.catalog._index.needs_ix.get(concept_id, ()))

    def feedback(self, *concepts: str) -> str | None:
        """What the game would say about this combination now: the pack's hint or generated advice for a failure,
        ``None`` when the combination fires. Records nothing.

        :raises UnknownConcept: an input is not a concept of the catalog.
        """
        for cid in concepts:
            self.catalog.concept(cid)
        key = tuple(sorted(concepts))
        discovered = self._state.discovered
        if any(all(q in discovered for q in r.requires) for r in self.catalog._index.by_key.get(key, ())):
            return None
        return failure_hint(self.catalog, key, discovered)

    def leads_to(self, concept_id: str) -> tuple[Recipe, ...]:
        """Recipes using the concept whose every input and requirement the player has discovered."""
        discovered = self._state.discovered
        return tuple(r for r in self.catalog.used_in(concept_id) if all(c in discovered for c in r.preconditions))

    def path_progress(self, path_id: str) -> PathProgress:
        """How far the game is along a learning path.

        :raises UnknownPath: for an unknown path id (with close matches).
        """
        path = self.catalog.path(path_id)
        discovered = self._state.discovered
        done = tuple(s for s in path.steps if s in discovered)
        nxt = next((s for s in path.steps if s not in discovered), None)
        return PathProgress(path, done, nxt)

    def plan(self, *targets: str, budget: float = 1.0, cost: Cost | None = None, record: bool = True) -> Plan:
        """The fewest combine actions that obtain every one of ``targets`` from the current state, in an executable
        order (one target, or several: the plan then obtains all of them).

        Unless ``record`` is false, a plan with steps is counted in :attr:`help` (the discoveries it names then
        count as guided).

        :param budget: seconds of search; when it runs out the best plan found is returned with
            ``optimal=False`` and its proven ``lower_bound``.
        :param cost: minimise a per-concept cost instead of the number of combinations: a mapping concept id ->
            non-negative number (missing ids cost 0), or the name of a numeric concept property. A plan then costs
            the summed cost of the concepts it discovers (``plan.cost``).
        :raises UnknownConcept: a target is not a concept.
        :raises Unreachable: no sequence of combinations obtains them from here.
        :raises ValueError: no target, or a cost that is negative or not a number.
        """
        from craftcore._planning import plan_for

        for target in targets:
            self.catalog.concept(target)
        found = plan_for(self.catalog, self._state.discovered, *targets, budget=budget, cost=cost)
        if not found.steps:
            return found
        return self._helped("plan", tuple(tuple(s.inputs) for s in found.steps), found.target, found, record)

    def best_next(self, *targets: str, budget: float = 1.0) -> NextStep | None:
        """The discovery available now that shortens the optimal plan to ``targets`` the most, with its reason;
        None when every target is discovered.

        :raises UnknownConcept: a target is not a concept.
        :raises Unreachable: some target cannot be obtained from here.
        """
        from craftcore._planning import best_next

        if not targets:
            raise ValueError("best_next needs at least one target")
        for target in targets:
            self.catalog.concept(target)
        return best_next(self.catalog, self._state.discovered, *targets, budget=budget)

    def prerequisites(self, target: str, *, budget: float = 1.0) -> Prerequisites:
        """Everything ``target`` depends on along its optimal plan from the start set, in layers."""
        from craftcore._planning import prerequisites

        self.catalog.concept(target)
        return prerequisites(self.catalog, target, budget=budget)

    # ------------------------------------------------------------------------------------------------- learning

    @property
    def reviews(self) -> tuple[Review, ...]:
        """The review log: every card answered, oldest first."""
        return tuple(self._state.book.log)

    @property
    def help(self) -> tuple[Help, ...]:
        """Every hint (:meth:`suggest`), plan (:meth:`plan`) and undo given, oldest first."""
        return tuple(self._state.help)

    def help_stats(self) -> HelpStats:
        """Unaided and guided discoveries, and how much help was asked for."""
        return help_stats(self._state.steps, self._state.help)

    def _card_ids(self) -> Iterator[str]:
        catalog = self.catalog
        for discovery in self._state.discovered.values():
            yield from card_ids(catalog, discovery)

    def review_cards(self) -> tuple[ReviewCard, ...]:
        """Every review card the player's discoveries give, in discovery order."""
        return tuple(self._card(cid) for cid in self._card_ids())

    def _card(self, card_id: str) -> ReviewCard:
        card = build_card(self.catalog, self._state.discovered, card_id)
        if card is None:
            raise ReviewError(card_id, f"this game has no card {card_id!r} (is its concept discovered?)")
        return card

    def review_queue(self, now: float | None = None, *, limit: int | None = None) -> tuple[ReviewCard, ...]:
        """The cards to review at ``now`` (default: the game's clock): reviewed cards that are due, earliest first,
        then the cards never reviewed, in discovery order.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, got {limit}")
        now = self._clock() if now is None else now
        book = self._state.book
        due: list[tuple[float, str]] = []
        new: list[str] = []
        for cid in self._card_ids():
            when = book.due(cid)
            if when is None:
                new.append(cid)
            elif when <= now:
                due.append((when, cid))
        ids = [cid for _, cid in sorted(due)] + new
        return tuple(self._card(cid) for cid in ids[:limit])

    def answer(
        self, card: ReviewCard | str, answer: str | int | Sequence[str | int], now: float | None = None
    ) -> ReviewResult:
        """Answer a review card, logging the review and scheduling the card again (FSRS).

        :param card: the card (or its id); it is read again as it stands now, so a stale card still counts.
        :param answer: option numbers (from 1), options, or concept names; a sequence for cards that want every
            right option (``pick_all``).
        :param now: when (default: the game's clock); not before the last review.
        :raises ReviewError: the game has no such card, or ``now`` is before the last review or out of range.
        """
        state = self._state
        card_id = card if isinstance(card, str) else card.id
        current = self._card(card_id)
        now = self._clock() if now is None else now
        reading = attrs.evolve(current, options=card.options) if isinstance(card, ReviewCard) else current
        given, correct = grade(self.catalog, state.discovered, reading, answer)
        credited = state.book.record(
            self.catalog, state.discovered, Review(card_id, now, given, len(state.steps), correct)
        )
        due = state.book.due(card_id)
        assert due is not None
        return ReviewResult(current, correct, given, due, credited, self._mastery_of(current.concept, now))

    def _mastery_of(self, concept_id: str, now: float) -> Mastery:
        return concept_mastery(card_ids(self.catalog, self._state.discovered[concept_id]), self._state.book, now)

    def mastery(self, now: float | None = None) -> Mapping[str, Mastery]:
        """Each discovered concept's mastery at ``now``: ``discovered``, ``practised`` or ``mastered`` (the rule is
        documented in docs/api.md; it falls back when reviews are overdue)."""
        now = self._clock() if now is None else now
        return MappingProxyType({cid: self._mastery_of(cid, now) for cid in self._state.discovered})

    def mastery_progress(self, now: float | None = None) -> MasteryProgress:
        """Discovery and mastery counted per category and per learning path."""
        return mastery_progress(self.catalog, self.mastery(now))

    # ------------------------------------------------------------------------------------------------- saving

    def to_dict(self) -> dict[str, Any]:
        """The game as plain data (JSON and TOML safe): the log, the packs it was played with, and when."""
        from craftcore._saves import game_to_dict

        return game_to_dict(self)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        catalog: Catalog,
        *,
        clock: Callable[[], float] = time.time,
        plugins: Iterable[object] = (),
        max_attempts: int = MAX_ATTEMPTS,
    ) -> Game:
        """Rebuild a game from :meth:`to_dict` data, checking every step against the rules.

        :raises SaveError: malformed data, an unknown format version, packs that are not loaded, or a log that
            the rules do not allow.
        """
        from craftcore._saves import game_from_dict

        return game_from_dict(cls, data, catalog, clock=clock, plugins=plugins, max_attempts=max_attempts)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the game atomically: JSON, or TOML when the file name ends in ``.toml``."""
        from craftcore._saves import write_save

        write_save(self, path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        catalog: Catalog,
        *,
        clock: Callable[[], float] = time.time,
        plugins: Iterable[object] = (),
        max_attempts: int = MAX_ATTEMPTS,
    ) -> Game:
        """Read a save written by :meth:`save` (an untrusted file: everything is checked).

        :raises SaveError: the file cannot be read, is malformed or corrupt, or does not fit the catalog.
        """
        from craftcore._saves import game_from_dict, read_save

        data = read_save(path)
        return game_from_dict(
            cls, data, catalog, clock=clock, plugins=plugins, max_attempts=max_attempts, source=os.fspath(path)
        )

    # ------------------------------------------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (
            self.catalog == other.catalog
            and self.started == other.started
            and self._state.steps == other._state.steps
            and self._state.attempts == other._state.attempts
            and self._state.book.log == other._state.book.log
        )  # the help log is not compared: an undo adds to it, yet leaves the game where it was

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        packs = ",".join(p.id for p in self.catalog.packs)
        state = self._state
        return (
            f"<Game [{packs}] {len(state.discovered)}/{len(self.catalog.concepts)} discovered, "
            f"score {state.score}, level {state.level}>"
        )


class _ReplayError(CraftError):
    """A logged step or attempt that the rules do not allow (raised while replaying a log)."""

    def __init__(
        self, step: Step | None, message: str, *, attempt: int | None = None, review: int | None = None
    ) -> None:
        self.step = step
        self.attempt = attempt
        self.review = review
        super().__init__(f"step {step.number}: {message}" if step is not None else message)


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
    from craftcore._plugins import PluginManager, PluginOrigin

    pm = PluginManager()
    if catalog.plugins is not None:
        for name, plugin in catalog.plugins.list_name_plugin():
            if plugin is not None:
                pm.register(plugin, name=name)
    for index, plugin in enumerate(plugins):
        name = getattr(plugin, "__name__", None) or f"game-plugin-{index}"
        try:
            pm.add(plugin, PluginOrigin(str(name), "plugin"))
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(
                [Problem("error", "plugin-register", f"cannot register plugin {name!r}: {exc}")], plugin=str(name)
            ) from None
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        raise PluginError([Problem("error", "plugin-hook", f"plugin {name!r}: {exc}")], plugin=name) from None
    return _Relay(pm)

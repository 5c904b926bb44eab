"""Review cards made from a game's own discoveries, scheduled with FSRS from the game's review log.

The engine knows no game, so cards use only the catalog's generic data:

* **recipe recall** (``recipe:<concept>``): the recipe that discovered the concept with one input hidden,
  ``? + PagedAttention → vLLM``; any discovered concept that completes a recipe making it is right;
* **prerequisite recall** (``prerequisite:<concept>``): everything the discovering recipe needed (its inputs and
  requirements), chosen among discovered concepts;
* **fact recall** (``fact:<concept>:<property>``): a property of a concept that cites at least one resource,
  multiple choice, the distractors being the same property of sibling concepts (same category); the card carries
  the resource, to show after answering.

Card states are a fold of the review log through the FSRS scheduler (the ``fsrs`` package, without fuzzing, so the
same log always gives the same states). Implicit repetition (the rule behind :data:`CREDIT_DEPTH`): a correct
answer on a recipe or prerequisite card of a concept counts as a successful review of the recipe and prerequisite
cards of the concepts it was made from in this game (its discovering recipe's inputs and requirements, and theirs,
:data:`CREDIT_DEPTH` levels down), for each such card that has been reviewed before and not in the last
:data:`CREDIT_GAP` seconds. FSRS grows stability in proportion to what has been forgotten, so the credit is
partial by construction: a fresh card gains little, an overdue one a lot. New cards are never credited, and a
wrong answer takes nothing from the prerequisites.

Mastery of a concept, from the states of its cards at a moment:

* ``mastered``: every card of the concept has been reviewed, each last answer was right, each card's stability is
  at least :data:`MASTERED_STABILITY_DAYS` and none is overdue (retrievability at least the scheduler's desired
  retention, :data:`RETENTION`);
* ``practised``: otherwise, some card's last answer was right and its retrievability is at least
  :data:`PRACTISED_RETRIEVABILITY`;
* ``discovered``: otherwise (never reviewed, or forgotten).

So mastery falls back on its own when reviews are overdue: past its due date a card's retrievability drops below
the retention, and further below the practised threshold as the days pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final, Literal

import attrs
import fsrs

from craftcore._errors import ReviewError, UnknownConcept
from craftcore._model import Resource

if TYPE_CHECKING:
    from craftcore._catalog import Catalog
    from craftcore._results import Discovery

__all__ = [
    "CREDIT_DEPTH",
    "CREDIT_GAP",
    "MASTERED_STABILITY_DAYS",
    "PRACTISED_RETRIEVABILITY",
    "RETENTION",
    "CardKind",
    "Mastery",
    "Review",
    "ReviewBook",
    "ReviewCard",
    "ReviewResult",
    "build_card",
    "card_ids",
    "concept_mastery",
    "grade",
    "is_right",
]

CardKind = Literal["recipe", "prerequisite", "fact"]
Mastery = Literal["discovered", "practised", "mastered"]

#: How many levels of prerequisites a correct recall refreshes (implicit repetition).
CREDIT_DEPTH: Final = 2
#: A card receives implicit credit at most once in this many seconds (a day).
CREDIT_GAP: Final = 86_400.0
#: The probability of recall the scheduler plans for: a card is due when its retrievability falls to this.
RETENTION: Final = 0.9
#: Stability (days) every card of a concept needs for the concept to be mastered (Anki calls a card with an interval
#: of 21 days or more "mature").
MASTERED_STABILITY_DAYS: Final = 21.0
#: Retrievability under which a practised concept falls back to merely discovered.
PRACTISED_RETRIEVABILITY: Final = 0.7
#: Most choices a card offers.
MAX_OPTIONS: Final = 4
#: Latest time a review may carry (the last second of year 9999, the end of :class:`datetime.datetime`).
MAX_TIME: Final = 253_402_300_799.0

_SCHEDULER: Final = fsrs.Scheduler(desired_retention=RETENTION, enable_fuzzing=False)


@attrs.frozen
class ReviewCard:
    """One question about the player's own discoveries (see :meth:`craftcore.Game.review_queue`)."""

    #: Stable id: ``recipe:<concept>``, ``prerequisite:<concept>`` or ``fact:<concept>:<property>``.
    id: str
    kind: CardKind
    #: The concept the card is about.
    concept: str
    #: The question, in words.
    question: str
    #: The choices: concept ids (recipe and prerequisite cards) or property values (fact cards), in a stable order.
    options: tuple[str, ...]
    #: The right options: one of them is enough (``pick_all`` false), or all of them are needed.
    answers: tuple[str, ...]
    pick_all: bool = False
    #: Recipe cards: the inputs shown beside the blank. Fact cards: the property asked about.
    shown: tuple[str, ...] = ()
    #: Where the fact comes from, to show after answering (fact cards).
    source: Resource | None = None


@attrs.frozen
class Review:
    """One answered card: an entry of the game's review log."""

    card: str
    #: Seconds since the epoch.
    time: float
    #: What was answered: option ids or values (or the raw text, when it named no option).
    answer: tuple[str, ...]
    #: How many steps had been made when it was answered.
    after_step: int
    correct: bool


@attrs.frozen
class ReviewResult:
    """What :meth:`craftcore.Game.answer` gave."""

    card: ReviewCard
    correct: bool
    #: The answer as understood (option ids or values).
    given: tuple[str, ...]
    #: When the card is due again (seconds since the epoch).
    due: float
    #: Cards refreshed by implicit repetition (prerequisites of the concept along its discovery route).
    credited: tuple[str, ...]
    #: The concept's mastery after the answer.
    mastery: Mastery

    @property
    def source(self) -> Resource | None:
        """Where the fact comes from (fact cards)."""
        return self.card.source


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _rank(card_id: str, value: str) -> bytes:
    return hashlib.sha256(f"{card_id}\0{value}".encode()).digest()


# ----------------------------------------------------------------------------------------------------- making cards


def card_ids(catalog: Catalog, discovery: Discovery) -> tuple[str, ...]:
    """The ids of every card a discovered concept gives (fixed once it is discovered)."""
    cid = discovery.concept
    ids: list[str] = []
    recipe = discovery.recipe
    if recipe is not None:
        if len(recipe.inputs) >= 2:
            ids.append(f"recipe:{cid}")
        ids.append(f"prerequisite:{cid}")
    ids.extend(_fact_ids(catalog, cid))
    return tuple(ids)


def _fact_ids(catalog: Catalog, cid: str) -> tuple[str, ...]:
    """The fact cards of a concept: they depend on the catalog only, so they are worked out once per catalog."""
    cache: dict[str, tuple[str, ...]] = catalog._index.cache.setdefault("review_facts", {})
    ids = cache.get(cid)
    if ids is None:
        concept = catalog.concepts[cid]
        ids = cache[cid] = tuple(
            f"fact:{cid}:{key}" for key in concept.properties if concept.resources and _fact_options(catalog, cid, key)
        )
    return ids


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def _fact_options(catalog: Catalog, cid: str, key: str) -> tuple[str, ...]:
    """The right value and up to three distractors: the same property of sibling concepts, else of any concept."""
    cache: dict[tuple[str, str], tuple[str, ...]] = catalog._index.cache.setdefault("review_fact_options", {})
    found = cache.get((cid, key))
    if found is None:
        found = cache[cid, key] = _work_out_fact_options(catalog, cid, key)
    return found


def _work_out_fact_options(catalog: Catalog, cid: str, key: str) -> tuple[str, ...]:
    concept = catalog.concepts[cid]
    if key not in concept.properties:
        return ()
    right = _value(concept.properties[key])
    card_id = f"fact:{cid}:{key}"
    for pool in (
        [c for c in catalog.concepts.values() if c.category == concept.category],
        list(catalog.concepts.values()),
    ):
        others = sorted(
            {_value(c.properties[key]) for c in pool if c.id != cid and key in c.properties} - {right},
            key=lambda v: _rank(card_id, v),
        )
        if others:
            return tuple(sorted([right, *others[: MAX_OPTIONS - 1]], key=lambda v: _rank(card_id, v)))
    return ()


def _distractors(
    catalog: Catalog, discovered: Collection[str], card_id: str, concept: str, exclude: Collection[str], count: int
) -> list[str]:
    category = catalog.concepts[concept].category
    pool = [c for c in discovered if c != concept and c not in exclude]
    near = [c for c in pool if catalog.concepts[c].category == category]
    near.sort(key=lambda c: _rank(card_id, c))
    if len(near) >= count:
        return near[:count]
    far = [c for c in pool if catalog.concepts[c].category != category]
    far.sort(key=lambda c: _rank(card_id, c))
    return [*near, *far][:count]


def _completions(catalog: Catalog, discovered: Collection[str], target: str, shown: tuple[str, ...]) -> set[str]:
    """The discovered concepts that, added to ``shown``, make a recipe that yields ``target`` now."""
    found: set[str] = set()
    for recipe in catalog.made_by(target):
        if len(recipe.inputs) != len(shown) + 1 or not all(q in discovered for q in recipe.requires):
            continue
        rest = list(recipe.inputs)
        try:
            for c in shown:
                rest.remove(c)
        except ValueError:
            continue
        if rest[0] in discovered:
            found.add(rest[0])
    return found


def build_card(catalog: Catalog, discovered: Mapping[str, Discovery], card_id: str) -> ReviewCard | None:
    """The card with this id as it reads now, or ``None`` when the game has no such card."""
    kind, _, rest = card_id.partition(":")
    cid, _, key = rest.partition(":")
    discovery = discovered.get(cid)
    if discovery is None or card_id not in card_ids(catalog, discovery):
        return None
    concept = catalog.concepts[cid]
    names = catalog.concepts
    if kind == "fact":
        options = _fact_options(catalog, cid, key)
        return ReviewCard(
            card_id,
            "fact",
            cid,
            f"{concept.name}, {key.replace('_', ' ')}: which is right?",
            options,
            (_value(concept.properties[key]),),
            shown=(key,),
            source=concept.resources[0],
        )
    recipe = discovery.recipe
    assert recipe is not None  # card_ids gives recipe and prerequisite cards only for recipe discoveries
    if kind == "recipe":
        hidden = max(set(recipe.inputs), key=lambda c: (names[c].level, c))
        shown = list(recipe.inputs)
        shown.remove(hidden)
        right = _completions(catalog, discovered, cid, tuple(shown))
        right.add(hidden)
        wrong = _distractors(catalog, discovered, card_id, cid, {*right, *shown}, MAX_OPTIONS - 1)
        options = tuple(sorted([hidden, *wrong], key=lambda c: _rank(card_id, c)))
        needs = f" (knowing {', '.join(names[c].name for c in recipe.requires)})" if recipe.requires else ""
        blank = " + ".join(["?", *(names[c].name for c in shown)])
        return ReviewCard(
            card_id,
            "recipe",
            cid,
            f"{blank} → {concept.name}{needs}: which concept completes the recipe?",
            options,
            tuple(sorted(right)),
            shown=tuple(shown),
        )
    needed = recipe.preconditions
    wrong = _distractors(catalog, discovered, card_id, cid, needed, max(1, MAX_OPTIONS - len(needed)))
    return ReviewCard(
        card_id,
        "prerequisite",
        cid,
        f"What does {concept.name} need? Choose every concept it is made from.",
        tuple(sorted([*needed, *wrong], key=lambda c: _rank(card_id, c))),
        needed,
        pick_all=True,
    )


def _understand(catalog: Catalog, discovered: Collection[str], card: ReviewCard, text: str | int) -> str:
    """One answer part as an option: its number (from 1), an option itself, or (concept cards) a concept name."""
    if isinstance(text, int) or (text.strip().isascii() and text.strip().isdigit() and len(text.strip()) <= 6):
        number = int(text)
        if 1 <= number <= len(card.options):
            return card.options[number - 1]
        return str(text)
    stripped = text.strip()
    if card.kind == "fact":
        folded = stripped.casefold()
        return next((o for o in card.options if o.casefold() == folded), stripped)
    if stripped in discovered:
        return stripped
    try:
        return catalog.resolve(stripped, among=discovered)
    except UnknownConcept:
        return stripped


def grade(
    catalog: Catalog,
    discovered: Collection[str],
    card: ReviewCard,
    answer: str | int | Sequence[str | int],
) -> tuple[tuple[str, ...], bool]:
    """The answer as understood (sorted, without repeats) and whether it is right."""
    parts: Iterable[str | int] = [answer] if isinstance(answer, str | int) else answer
    given = tuple(sorted({_understand(catalog, discovered, card, p) for p in parts}))
    return given, is_right(card, given)


def is_right(card: ReviewCard, given: tuple[str, ...]) -> bool:
    """Whether an understood answer is right."""
    if card.pick_all:
        return set(given) == set(card.answers)
    return len(given) == 1 and given[0] in card.answers


# ----------------------------------------------------------------------------------------------------- scheduling


class ReviewBook:
    """The review log and the card states folded from it: the one home of scheduling and implicit credit."""

    __slots__ = ("cards", "last_right", "log")

    def __init__(self) -> None:
        self.log: list[Review] = []
        self.cards: dict[str, fsrs.Card] = {}
        #: Whether each reviewed card's last answer (or credit) was right.
        self.last_right: dict[str, bool] = {}

    def copy(self) -> ReviewBook:
        other = ReviewBook()
        other.log = list(self.log)
        other.cards = dict(self.cards)  # fsrs cards are replaced, never changed in place
        other.last_right = dict(self.last_right)
        return other

    def snapshot(self) -> dict[str, tuple[object, ...]]:
        """The card states as comparable plain values (for tests and debugging)."""
        return {
            cid: (c.state, c.step, c.stability, c.difficulty, c.due, c.last_review, self.last_right[cid])
            for cid, c in sorted(self.cards.items())
        }

    def due(self, card_id: str) -> float | None:
        """When a reviewed card is due (``None`` for a card never reviewed: it is new)."""
        card = self.cards.get(card_id)
        return None if card is None else card.due.timestamp()

    def last_time(self) -> float | None:
        return self.log[-1].time if self.log else None

    def record(self, catalog: Catalog, discovered: Mapping[str, Discovery], review: Review) -> tuple[str, ...]:
        """Append a review to the log and update the states it changes; returns the cards credited."""
        last = self.last_time()
        if not 0 <= review.time <= MAX_TIME:
            raise ReviewError(review.card, f"review time {review.time} is out of range")
        if last is not None and review.time < last:
            raise ReviewError(review.card, f"review time {review.time} is before the last review ({last})")
        when = _dt(review.time)
        self.log.append(review)
        self._rate(review.card, review.correct, when)
        if not review.correct or review.card.startswith("fact:"):
            return ()
        credited: list[str] = []
        for concept in _route(discovered, review.card.partition(":")[2], CREDIT_DEPTH):
            for kind in ("recipe", "prerequisite"):
                cid = f"{kind}:{concept}"
                state = self.cards.get(cid)
                if state is None or state.last_review is None:
                    continue
                if when - state.last_review < timedelta(seconds=CREDIT_GAP):
                    continue
                self._rate(cid, True, when)
                credited.append(cid)
        return tuple(credited)

    def _rate(self, card_id: str, right: bool, when: datetime) -> None:
        card = self.cards.get(card_id)
        if card is None:
            card = fsrs.Card(card_id=0, due=when)
        rating = fsrs.Rating.Good if right else fsrs.Rating.Again
        self.cards[card_id], _ = _SCHEDULER.review_card(card, rating, when)
        self.last_right[card_id] = right

    def retrievability(self, card_id: str, now: float) -> float:
        card = self.cards.get(card_id)
        return 0.0 if card is None else float(_SCHEDULER.get_card_retrievability(card, _dt(now)))


def _route(discovered: Mapping[str, Discovery], concept: str, depth: int) -> list[str]:
    """The concepts a concept was made from in this game, level by level, ``depth`` levels down."""
    seen = {concept}
    order: list[str] = []
    layer = [concept]
    for _ in range(depth):
        following: list[str] = []
        for c in layer:
            d = discovered.get(c)
            if d is None or d.recipe is None:
                continue
            for p in d.recipe.preconditions:
                if p not in seen:
                    seen.add(p)
                    following.append(p)
        order.extend(following)
        layer = following
    return order


def concept_mastery(ids: Iterable[str], book: ReviewBook, now: float) -> Mastery:
    """A concept's mastery from the states of its cards (the rule is in this module's docstring)."""
    ids = tuple(ids)
    mastered = bool(ids)
    practised = False
    for cid in ids:
        card = book.cards.get(cid)
        if card is None:
            mastered = False
            continue
        right = book.last_right[cid]
        recall = book.retrievability(cid, now)
        if right and recall >= PRACTISED_RETRIEVABILITY:
            practised = True
        if not right or recall < RETENTION or (card.stability or 0.0) < MASTERED_STABILITY_DAYS:
            mastered = False
    if mastered:
        return "mastered"
    return "practised" if practised else "discovered"

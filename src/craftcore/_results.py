"""Small frozen value objects that :class:`~craftcore._game.Game` returns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, overload

import attrs

from craftcore._model import LearningPath, Recipe

__all__ = [
    "Attempt",
    "CombineResult",
    "Discovery",
    "NextStep",
    "PathProgress",
    "Plan",
    "PlanStep",
    "Prerequisites",
    "Step",
    "Suggestion",
]


@attrs.frozen
class Discovery:
    """How and when a concept was discovered."""

    concept: str
    #: 0 for the start concepts, otherwise the number of the combine step that discovered it.
    step: int
    #: Seconds since the epoch (from the game's clock).
    time: float
    #: ``start``, ``recipe`` or ``unlock``.
    source: Literal["start", "recipe", "unlock"]
    #: The combination that discovered it (empty for start concepts and unlocks).
    inputs: tuple[str, ...] = ()
    #: The recipe that produced it, for ``source == "recipe"``.
    recipe: Recipe | None = attrs.field(default=None, eq=False)
    #: Points it earned.
    points: int = 0


@attrs.frozen
class Step:
    """One combine call that discovered something: an entry of the game's log."""

    number: int
    inputs: tuple[str, ...]
    time: float
    #: Everything discovered by this step, unlocks included, in discovery order.
    new: tuple[str, ...]


@attrs.frozen
class Attempt:
    """A combination that discovered nothing and is not a recipe (a failure worth remembering)."""

    inputs: tuple[str, ...]
    time: float
    #: How many steps had been made when it was tried.
    after_step: int
    #: What the game answered then (a pack hint or generated advice), kept so a failure log shows what was said.
    hint: str | None = attrs.field(default=None, eq=False)


@attrs.frozen
class CombineResult:
    """What one :meth:`~craftcore._game.Game.combine` call gave."""

    #: The inputs, sorted.
    inputs: tuple[str, ...]
    #: Concepts discovered by this call, in order (unlocks it triggered included); empty on a failure or a repeat.
    new: tuple[str, ...] = ()
    #: Everything the recipes that fired produce, new or already known; empty on a failure.
    outputs: tuple[str, ...] = ()
    #: The recipes that fired.
    recipes: tuple[Recipe, ...] = attrs.field(default=(), eq=False)
    #: Feedback when nothing fired: the pack's hint for this combination, or generated advice.
    hint: str | None = None
    #: Points gained by this call.
    points: int = 0
    #: The new overall level, when this call raised it.
    level_up: int | None = None

    @property
    def success(self) -> bool:
        """Whether the combination is a recipe that fired (even if it discovered nothing new)."""
        return bool(self.outputs)

    @property
    def why(self) -> tuple[str, ...]:
        """The ``why`` of each recipe that fired (the real relationships behind the discovery)."""
        return tuple(r.why for r in self.recipes if r.why)


@attrs.frozen
class PlanStep:
    """One combine action of a plan."""

    #: What to combine (sorted).
    inputs: tuple[str, ...]
    #: What it yields that the plan had not obtained before.
    outputs: tuple[str, ...]
    #: Concepts that must be discovered for it to fire besides the inputs (already obtained by earlier steps).
    requires: tuple[str, ...] = ()


def _targets(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen
class Plan(Sequence[PlanStep]):
    """The cheapest combine actions that obtain ``targets`` from a game's state, in an executable order.

    Unweighted, a plan's cost is its number of steps; with weights (``Game.plan(..., cost=...)``) it is the summed
    weight of the concepts the steps discover. ``optimal`` says the cost is proven minimal; otherwise ``lower_bound``
    is the best proven bound on it. Never claimed optimal without proof.
    """

    #: The concepts to obtain (a single id is accepted and stored as a 1-tuple).
    targets: tuple[str, ...] = attrs.field(converter=_targets)
    steps: tuple[PlanStep, ...]
    optimal: bool
    #: A proven lower bound on the optimal cost (never above :attr:`cost`).
    lower_bound: float
    #: The plan's cost under the weights it was planned with; None for an unweighted plan (the cost is its length).
    weighted_cost: float | None = None

    @property
    def target(self) -> str:
        """The target of a one-target plan (for several targets: the first of :attr:`targets`)."""
        return self.targets[0]

    @property
    def cost(self) -> float:
        """What the plan minimises: its number of steps, or its summed weight when planned with weights."""
        return len(self.steps) if self.weighted_cost is None else self.weighted_cost

    @overload
    def __getitem__(self, index: int) -> PlanStep: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[PlanStep]: ...
    def __getitem__(self, index: int | slice) -> PlanStep | Sequence[PlanStep]:
        return self.steps[index]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[PlanStep]:
        return iter(self.steps)

    @property
    def gap(self) -> float:
        """Cost over lower bound (1.0 when proven optimal)."""
        return self.cost / self.lower_bound if self.lower_bound else 1.0


@attrs.frozen
class NextStep:
    """The discovery available now that shortens the optimal plan to some targets the most (``Game.best_next``)."""

    #: What to combine (sorted).
    inputs: tuple[str, ...]
    #: What it discovers.
    outputs: tuple[str, ...]
    #: The targets it was chosen for.
    targets: tuple[str, ...]
    #: The plan length to the targets before this step (a proven optimum when ``optimal``).
    before: int
    #: The plan length after it: ``before - 1`` (no single step can shorten a plan by more).
    after: int
    #: True when ``before`` is proven optimal, so the step is provably on a shortest way.
    optimal: bool
    #: Why, in one sentence.
    reason: str


@attrs.frozen
class Prerequisites:
    """Everything a target depends on along its optimal plan from the start set, in layers.

    Layer 0 holds the start concepts used; a concept sits one layer above the deepest input it is made from.
    """

    target: str
    layers: tuple[tuple[str, ...], ...]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self.layers)

    @property
    def concepts(self) -> tuple[str, ...]:
        """All of them, layer by layer."""
        return tuple(c for layer in self.layers for c in layer)


@attrs.frozen
class PathProgress:
    """How far a game is along a learning path."""

    path: LearningPath
    done: tuple[str, ...]
    #: The first step not discovered yet, or ``None`` when the path is complete.
    next: str | None

    @property
    def complete(self) -> bool:
        return self.next is None

    @property
    def fraction(self) -> float:
        return len(self.done) / len(self.path.steps) if self.path.steps else 1.0


@attrs.frozen
class Suggestion:
    """A next move offered to a player who asks for help (:meth:`craftcore.Game.suggest`).

    It names what to combine, never what the combination gives.
    """

    #: The combination to try (sorted ids, all discovered).
    inputs: tuple[str, ...]
    #: The concept the suggestion leads toward, when one was asked for.
    toward: str | None
    #: Why this combination, in a short phrase.
    reason: str

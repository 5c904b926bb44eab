"""Counted help: every hint, plan and undo a player asks for, and which discoveries it guided.

A help record names the step it helped: ``after_step`` is how many steps had been made when it was given, so the
help is for step ``after_step + 1`` onward. A discovering step counts as *guided* when an earlier hint or plan
(given before the step) named its combination or one of the concepts it discovered; every other discovering step
is *unaided*. Undos are counted but guide nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import attrs

from craftcore._results import Step

__all__ = ["HELP_KINDS", "Help", "HelpKind", "HelpStats", "guided_steps", "help_stats"]

HelpKind = Literal["hint", "plan", "undo"]
HELP_KINDS: Final = ("hint", "plan", "undo")


@attrs.frozen
class Help:
    """One piece of help given to the player: an entry of the game's help log."""

    kind: HelpKind
    #: Seconds since the epoch.
    time: float
    #: How many steps had been made when it was given (it helps the next one).
    after_step: int
    #: The combinations it named: a hint's one, a plan's steps, the step an undo took back.
    inputs: tuple[tuple[str, ...], ...] = ()
    #: The concept it led toward (hints asked toward a goal, plans), if any.
    target: str | None = None


@attrs.frozen
class HelpStats:
    """How a game's discoveries were made (:meth:`craftcore.Game.help_stats`)."""

    #: Discovering steps made without a hint or plan that named them.
    unaided: int
    #: Discovering steps made after a hint or plan for them.
    guided: int
    hints: int
    plans: int
    undos: int


def guided_steps(steps: Sequence[Step], helps: Sequence[Help]) -> frozenset[int]:
    """The numbers of the steps that a hint or plan given before them named."""
    guided: set[int] = set()
    combos: set[tuple[str, ...]] = set()
    targets: set[str] = set()
    pending = sorted((h for h in helps if h.kind != "undo"), key=lambda h: h.after_step)
    i = 0
    for step in steps:
        while i < len(pending) and pending[i].after_step < step.number:
            combos.update(pending[i].inputs)
            target = pending[i].target
            if target is not None:
                targets.add(target)
            i += 1
        if step.inputs in combos or any(c in targets for c in step.new):
            guided.add(step.number)
    return frozenset(guided)


def help_stats(steps: Sequence[Step], helps: Sequence[Help]) -> HelpStats:
    guided = len(guided_steps(steps, helps))
    count = {kind: sum(1 for h in helps if h.kind == kind) for kind in HELP_KINDS}
    return HelpStats(len(steps) - guided, guided, count["hint"], count["plan"], count["undo"])

"""Value types of the planner: a delete-free :class:`Task` and its :class:`Solution`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs


def _check_lists(name: str, rows: tuple[tuple[int, ...], ...], n_facts: int) -> None:
    for a, row in enumerate(rows):
        for i, f in enumerate(row):
            if not 0 <= f < n_facts:
                raise ValueError(f"{name}[{a}] names fact {f!r}, outside 0..{n_facts - 1}")
            if i and row[i - 1] >= f:
                raise ValueError(f"{name}[{a}] = {row!r} is not strictly increasing")


@attrs.frozen
class Task:
    """A delete-free task over the integer facts ``0..n_facts-1``.

    Action ``a`` is applicable once every fact of ``pre[a]`` holds; applying it makes every fact of ``add[a]`` hold
    for good (nothing is ever deleted).  Both rows are strictly increasing tuples of fact ids.
    """

    n_facts: int
    #: ``pre[a]``: the preconditions of action ``a``, distinct and sorted.
    pre: tuple[tuple[int, ...], ...]
    #: ``add[a]``: the add effects of action ``a``, distinct and sorted.
    add: tuple[tuple[int, ...], ...]

    def __attrs_post_init__(self) -> None:
        if self.n_facts < 0:
            raise ValueError(f"n_facts must be >= 0, got {self.n_facts!r}")
        if len(self.pre) != len(self.add):
            raise ValueError(f"pre has {len(self.pre)} rows but add has {len(self.add)}")
        _check_lists("pre", self.pre, self.n_facts)
        _check_lists("add", self.add, self.n_facts)

    @property
    def n_actions(self) -> int:
        """The number of actions."""
        return len(self.pre)

    @classmethod
    def from_lists(cls, n_facts: int, pre: Iterable[Iterable[int]], add: Iterable[Iterable[int]]) -> Task:
        """Build a task from unsorted rows that may repeat facts (each row is deduplicated and sorted)."""
        return cls(
            n_facts,
            tuple(tuple(sorted(set(row))) for row in pre),
            tuple(tuple(sorted(set(row))) for row in add),
        )


@attrs.frozen
class Solution:
    """A plan found by :meth:`Planner.solve`, with what is proven about it."""

    #: Action ids, executable in this order from the initial facts; each adds at least one new fact.
    actions: tuple[int, ...]
    #: True only when proven optimal, that is when the plan's cost equals ``lower_bound``.
    optimal: bool
    #: A proven lower bound on the cost of an optimal plan (never above the plan's cost).
    lower_bound: float
    #: An effort counter (search nodes), for benchmarks.
    expanded: int = 0
    #: The plan's cost under the weights it was solved with; None when unweighted (the cost is the length).
    cost: float | None = None

    def __len__(self) -> int:
        return len(self.actions)


def replay(task: Task, init: Iterable[int], actions: Sequence[int]) -> set[int] | None:
    """Execute ``actions`` from ``init``; the facts reached, or None if some action is inapplicable or adds nothing."""
    state = set(init)
    for a in actions:
        if not state.issuperset(task.pre[a]) or state.issuperset(task.add[a]):
            return None
        state.update(task.add[a])
    return state

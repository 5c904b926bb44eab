"""Optimal delete-free planning: the fewest combine actions that discover given concepts.

Discovery is monotone, so "how do I get X in the fewest combines" is optimal delete-free planning.  :class:`Planner`
precomputes indexes for one :class:`Task` and answers many queries with :meth:`Planner.solve`.

Modules: :mod:`.task` (the task and its solution), :mod:`.local` (the relevant subtask of a query), :mod:`.relaxed`
(h_max, h_add, relaxed plans, fact landmarks), :mod:`.lmcut` (LM-cut landmarks), :mod:`.dominance` (actions another
can replace), :mod:`.search` (branch and bound, unit costs), :mod:`.weighted` (A* for per-fact weights), :mod:`.exact`
(the optional CP-SAT engine) and :mod:`.cuts` (its landmark cuts), :mod:`.planner` (the pipeline that chooses between
them).
"""

from __future__ import annotations

from .planner import Planner
from .task import Solution, Task

__all__ = ["Planner", "Solution", "Task"]

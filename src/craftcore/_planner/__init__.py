"""Optimal delete-free planning: the fewest combine actions that discover given concepts.

Discovery is monotone, so "how do I get X in the fewest combines" is optimal delete-free planning.  :class:`Planner`
precomputes indexes for one :class:`Task` and answers many queries with :meth:`Planner.solve`.
"""

from __future__ import annotations

from .planner import Planner
from .task import Solution, Task

__all__ = ["Planner", "Solution", "Task"]

"""Per-task indexes and the per-query relevant subtask ("local task") with compact numbering.

A :class:`LocalTask` keeps only the facts and actions that matter for one query: actions reachable from the initial
facts that add a fact relevant to the goals (backward over add effects) and not initially true.  Initial facts are
dropped from preconditions and add effects, so every local fact starts false and every local action adds something.
"""

from __future__ import annotations

from collections.abc import Iterable

from .task import Task


class TaskIndex:
    """Indexes of a :class:`Task` built once and shared by every query."""

    __slots__ = ("achievers", "add", "n_facts", "pre", "users")

    def __init__(self, task: Task) -> None:
        self.n_facts = task.n_facts
        self.pre = task.pre
        self.add = task.add
        users: list[list[int]] = [[] for _ in range(task.n_facts)]
        achievers: list[list[int]] = [[] for _ in range(task.n_facts)]
        for a, row in enumerate(task.pre):
            for f in row:
                users[f].append(a)
        for a, row in enumerate(task.add):
            for f in row:
                achievers[f].append(a)
        #: ``users[f]``: the actions with precondition ``f``.
        self.users = users
        #: ``achievers[f]``: the actions adding ``f``.
        self.achievers = achievers

    def reachable(self, init: set[int]) -> tuple[bytearray, bytearray]:
        """Forward reachability from ``init``: (fact flags, action flags)."""
        pre, add, users = self.pre, self.add, self.users
        seen = bytearray(self.n_facts)
        fired = bytearray(len(pre))
        missing = [len(row) for row in pre]
        stack = list(init)
        for f in stack:
            seen[f] = 1
        for a, m in enumerate(missing):
            if not m:
                fired[a] = 1
                for f in add[a]:
                    if not seen[f]:
                        seen[f] = 1
                        stack.append(f)
        while stack:
            f = stack.pop()
            for a in users[f]:
                m = missing[a] - 1
                missing[a] = m
                if not m:
                    fired[a] = 1
                    for g in add[a]:
                        if not seen[g]:
                            seen[g] = 1
                            stack.append(g)
        return seen, fired


class LocalTask:
    """A delete-free subtask whose facts all start false; goals are local fact ids.

    ``orig[a]`` maps local action ``a`` back to the task's action id.
    """

    __slots__ = ("achievers", "add", "goals", "n_actions", "n_facts", "orig", "pre", "users")

    def __init__(
        self, n_facts: int, pre: list[list[int]], add: list[list[int]], goals: list[int], orig: list[int]
    ) -> None:
        self.n_facts = n_facts
        self.n_actions = len(pre)
        self.pre = pre
        self.add = add
        self.goals = goals
        self.orig = orig
        users: list[list[int]] = [[] for _ in range(n_facts)]
        achievers: list[list[int]] = [[] for _ in range(n_facts)]
        for a, row in enumerate(pre):
            for f in row:
                users[f].append(a)
        for a, row in enumerate(add):
            for f in row:
                achievers[f].append(a)
        self.users = users
        self.achievers = achievers

    @classmethod
    def build(cls, index: TaskIndex, init: Iterable[int], goals: Iterable[int]) -> LocalTask | None:
        """The relevant subtask of a query, or None when some goal is unreachable."""
        init_set = set(init)
        goal_list = sorted(set(goals) - init_set)
        seen, fired = index.reachable(init_set)
        if not all(seen[g] for g in goal_list):
            return None
        relevant = bytearray(index.n_facts)
        used = bytearray(len(index.pre))
        stack = list(goal_list)
        for g in stack:
            relevant[g] = 1
        achievers, pre = index.achievers, index.pre
        while stack:
            f = stack.pop()
            for a in achievers[f]:
                if fired[a] and not used[a]:
                    used[a] = 1
                    for p in pre[a]:
                        if not relevant[p] and p not in init_set:
                            relevant[p] = 1
                            stack.append(p)
        return cls.from_actions(index, init_set, goal_list, [a for a in range(len(pre)) if used[a]], relevant)

    @classmethod
    def from_actions(
        cls, index: TaskIndex, init: set[int], goals: list[int], actions: list[int], relevant: bytearray
    ) -> LocalTask:
        """Renumber: facts of ``relevant`` outside ``init`` become local facts, in order of first appearance."""
        local: dict[int, int] = {}
        for g in goals:
            local.setdefault(g, len(local))
        pre_rows: list[list[int]] = []
        add_rows: list[list[int]] = []
        orig: list[int] = []
        for a in actions:
            row = [f for f in index.add[a] if relevant[f] and f not in init]
            if not row:
                continue
            add_rows.append([local.setdefault(f, len(local)) for f in row])
            pre_rows.append([local.setdefault(f, len(local)) for f in index.pre[a] if f not in init])
            orig.append(a)
        return cls(len(local), pre_rows, add_rows, [local[g] for g in goals], orig)

    def restrict(self, keep: Iterable[int], true: Iterable[int] = ()) -> LocalTask:
        """The subtask with only the actions ``keep`` (local ids of this task), where the facts ``true`` hold from the
        start; made relevant again and renumbered (goals that hold are dropped)."""
        holds = bytearray(self.n_facts)
        for f in true:
            holds[f] = 1
        keep_list = [a for a in sorted(set(keep)) if not all(holds[f] for f in self.add[a])]
        relevant = bytearray(self.n_facts)
        used = bytearray(self.n_actions)
        allowed = bytearray(self.n_actions)
        for a in keep_list:
            allowed[a] = 1
        # forward reachability among the kept actions first, so unreachable ones go too
        seen = bytearray(self.n_facts)
        missing = [sum(1 for f in self.pre[a] if not holds[f]) if allowed[a] else -1 for a in range(self.n_actions)]
        stack: list[int] = []
        for f in range(self.n_facts):
            if holds[f]:
                seen[f] = 1
        for a in keep_list:
            if not missing[a]:
                missing[a] = -1
                for f in self.add[a]:
                    if not seen[f]:
                        seen[f] = 1
                        stack.append(f)
        fired = [a for a in keep_list if missing[a] < 0]
        while stack:
            f = stack.pop()
            for a in self.users[f]:
                if missing[a] > 0:
                    missing[a] -= 1
                    if not missing[a]:
                        fired.append(a)
                        for g in self.add[a]:
                            if not seen[g]:
                                seen[g] = 1
                                stack.append(g)
        ok = bytearray(self.n_actions)
        for a in fired:
            ok[a] = 1
        goals = [g for g in self.goals if not holds[g]]
        stack = list(goals)
        for g in stack:
            relevant[g] = 1
        while stack:
            f = stack.pop()
            for a in self.achievers[f]:
                if ok[a] and not used[a]:
                    used[a] = 1
                    for p in self.pre[a]:
                        if not relevant[p] and not holds[p]:
                            relevant[p] = 1
                            stack.append(p)
        local: dict[int, int] = {}
        for g in goals:
            local.setdefault(g, len(local))
        pre_rows: list[list[int]] = []
        add_rows: list[list[int]] = []
        orig: list[int] = []
        for a in range(self.n_actions):
            if not used[a]:
                continue
            row = [f for f in self.add[a] if relevant[f]]
            if not row:
                continue
            add_rows.append([local.setdefault(f, len(local)) for f in row])
            pre_rows.append([local.setdefault(f, len(local)) for f in self.pre[a] if not holds[f]])
            orig.append(self.orig[a])
        return LocalTask(len(local), pre_rows, add_rows, [local[g] for g in goals], orig)

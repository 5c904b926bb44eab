"""Landmarks that cut off a set of actions which does not reach the goals (Haslum, Slaney & Thiébaux, ICAPS 2012).

For any set of facts ``S`` that holds initially (local facts all start false, so any ``S`` does) but does not contain
every goal, the actions applicable in ``S`` that add a fact outside ``S`` form a *landmark*: every plan leaves ``S``
somewhere, and the first action to do so is one of them.  Given actions ``chosen`` that do not reach the goals on
their own, :meth:`Cuts.landmark` builds ``S`` from what they reach and *saturates* it (every fact joins unless the
chosen actions would then reach every goal), so that the landmark is small and ``chosen`` misses it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from .local import LocalTask
from .relaxed import INF, closure, h_add, masks


class Cuts:
    """Saturated-set landmarks over one local task."""

    def __init__(self, lt: LocalTask) -> None:
        self.lt = lt
        self.pre_mask, self.add_mask, self.goal = masks(lt)
        value, _ = h_add(lt)
        # facts are offered to the saturated set cheapest first, so the cut falls close to the goals
        self.rank = [v if v < INF else math.inf for v in value]

    def reached(self, actions: Iterable[int]) -> int:
        """The facts (a bitset) that ``actions`` reach on their own."""
        return closure(actions, self.pre_mask, self.add_mask)

    def landmark(self, chosen: Sequence[int], reached: int) -> list[int]:
        """A landmark that ``chosen`` misses, given the facts it reaches (``reached``, not every goal)."""
        pre = self.lt.pre
        # chosen actions not yet applicable, and what each still misses
        missing: dict[int, set[int]] = {}
        for a in chosen:
            pm = self.pre_mask[a]
            if pm & reached != pm:
                missing[a] = {p for p in pre[a] if not reached >> p & 1}
        # only these facts can change what the chosen actions reach: every other fact joins the set at once
        out: set[int] = {g for g in self.lt.goals if not reached >> g & 1}
        for need in missing.values():
            out |= need
        goals_out = {g for g in self.lt.goals if g in out}
        for f in sorted(out, key=self.rank.__getitem__):
            if f not in out:
                continue  # joined as an effect of an earlier trial
            joined = self._trial(f, out, missing)
            if goals_out <= joined:
                continue  # the chosen actions would reach every goal: f stays out
            out -= joined
            goals_out -= joined
            for a in list(missing):
                missing[a] -= joined
                if not missing[a]:
                    del missing[a]
        members = set(chosen)
        return sorted(
            {a for f in out for a in self.lt.achievers[f] if a not in members and not any(p in out for p in pre[a])}
        )

    def _trial(self, f: int, out: set[int], missing: dict[int, set[int]]) -> set[int]:
        """The facts of ``out`` that join the set if ``f`` does (its closure under the chosen actions)."""
        joined = {f}
        stack = [f]
        left = {a: len(need) for a, need in missing.items()}
        add = self.lt.add
        while stack:
            g = stack.pop()
            for a, need in missing.items():
                if g in need:
                    left[a] -= 1
                    if not left[a]:
                        for h in add[a]:
                            if h in out and h not in joined:
                                joined.add(h)
                                stack.append(h)
        return joined

    def several(self, chosen: Sequence[int], prefer: set[int], limit: int) -> list[list[int]]:
        """Up to ``limit`` landmarks: cut ``chosen`` off, then extend it by one action of the cut (applicable ones
        first, then those of ``prefer``) and cut again, until the extended set reaches the goals."""
        found: list[list[int]] = []
        extended = list(chosen)
        reached = self.reached(extended)
        while len(found) < limit and self.goal & reached != self.goal:
            cut = self.landmark(extended, reached)
            found.append(cut)
            if not cut:
                break  # the goals are unreachable (a solver given this cut answers "infeasible")
            extended.append(self._pick(cut, reached, prefer))
            reached = self.reached(extended)
        return found

    def _pick(self, cut: Sequence[int], reached: int, prefer: set[int]) -> int:
        """The action of ``cut`` an extension takes: one applicable in ``reached`` if any, then one of ``prefer``."""
        pre_mask = self.pre_mask

        def key(a: int) -> tuple[bool, bool, int]:
            return (pre_mask[a] & reached != pre_mask[a], a not in prefer, a)

        return min(cut, key=key)

"""The path query: optimal plans over a catalog, and the prerequisite view built on them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from craftcore._errors import Unreachable
from craftcore._results import Plan, PlanStep, Prerequisites

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = ["plan_for", "prerequisites"]


def plan_for(catalog: Catalog, have: Collection[str], target: str, *, budget: float = 1.0) -> Plan:
    """The fewest combine actions that obtain ``target`` from the concepts in ``have``.

    One action is one combine call: recipes with the same inputs fire together, so they are planned as one action.
    Concepts behind an unlock that has not fired are not planned for.

    :raises Unreachable: no sequence of combinations obtains ``target`` from ``have``.
    """
    if target in have:
        return Plan(target, (), True, 0)
    planner, fact, actions = catalog.planner()
    solution = planner.solve((fact[c] for c in have if c in fact), (fact[target],), budget=budget)
    if solution is None:
        raise Unreachable(target, "none of the recipes that make it can be completed from what is discovered")
    obtained = set(have)
    steps = []
    for a in solution.actions:
        action = actions[a]
        outs = tuple(c for c in action.outputs if c not in obtained)
        obtained.update(outs)
        steps.append(PlanStep(action.inputs, outs, action.requires))
    return Plan(target, tuple(steps), solution.optimal, solution.lower_bound)


def prerequisites(catalog: Catalog, target: str, *, budget: float = 1.0) -> Prerequisites:
    """Everything ``target`` depends on along its optimal plan from the start set, grouped in layers."""
    plan = plan_for(catalog, catalog.starts, target, budget=budget)
    depth: dict[str, int] = {}
    used: set[str] = {target}
    for step in reversed(plan.steps):
        if used.intersection(step.outputs):
            used.update(step.inputs, step.requires)
    for cid in catalog.starts:
        depth[cid] = 0
    for step in plan.steps:
        level = 1 + max((depth.get(c, 0) for c in (*step.inputs, *step.requires)), default=0)
        for out in step.outputs:
            depth.setdefault(out, level)
    layers: dict[int, list[str]] = {}
    for cid in _ordered(used, plan, catalog.starts):
        layers.setdefault(depth.get(cid, 0), []).append(cid)
    return Prerequisites(target, tuple(tuple(layers[k]) for k in sorted(layers)))


def _ordered(used: set[str], plan: Plan, starts: Iterable[str]) -> list[str]:
    order = [c for c in starts if c in used]
    for step in plan.steps:
        order += [c for c in step.outputs if c in used]
    return list(dict.fromkeys(order))

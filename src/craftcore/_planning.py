"""The path query: optimal plans over a catalog, the prerequisite view built on them, and the best next discovery."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from craftcore._errors import Unreachable
from craftcore._results import NextStep, Plan, PlanStep, Prerequisites

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = ["Cost", "best_next", "plan_for", "prerequisites", "weights_for"]

#: A per-concept cost: a mapping concept id -> non-negative number (missing ids cost 0), or the name of a numeric
#: concept property (concepts without it cost 0).
Cost = Mapping[str, float] | str


def weights_for(catalog: Catalog, cost: Cost) -> list[float]:
    """One weight per planner fact (the catalog's concepts, in order) for ``cost``.

    :raises ValueError: a negative or non-numeric cost, or a property that no concept has as a number.
    """
    weights: list[float] = []
    if isinstance(cost, str):
        found = False
        for concept in catalog.concepts.values():
            value = concept.properties.get(cost, 0)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"property {cost!r} of {concept.id!r} is not a number: {value!r}")
            found = found or cost in concept.properties
            weights.append(float(value))
        if not found:
            raise ValueError(f"no concept has a property {cost!r}")
    else:
        unknown = sorted(set(cost) - set(catalog.concepts))
        if unknown:
            raise ValueError(f"costs for unknown concepts: {', '.join(unknown[:5])}")
        weights = [float(cost.get(cid, 0.0)) for cid in catalog.concepts]
    bad = [w for w in weights if not (w >= 0 and math.isfinite(w))]
    if bad:
        raise ValueError(f"costs must be finite and non-negative, got {bad[0]!r}")
    return weights


def plan_for(
    catalog: Catalog,
    have: Collection[str],
    *targets: str,
    budget: float = 1.0,
    cost: Cost | None = None,
    engine: str = "auto",
) -> Plan:
    """The fewest combine actions (or, with ``cost``, the cheapest) that obtain every concept of ``targets`` from
    the concepts in ``have``.

    One action is one combine call: recipes with the same inputs fire together, so they are planned as one action.
    Concepts behind an unlock that has not fired are not planned for. With ``cost``, a plan costs the summed cost of
    the concepts it discovers (by-products included).

    :raises Unreachable: no sequence of combinations obtains every target from ``have``.
    """
    if not targets:
        raise ValueError("plan_for needs at least one target")
    targets = tuple(dict.fromkeys(targets))
    weights = weights_for(catalog, cost) if cost is not None else None
    if all(t in have for t in targets):
        return Plan(targets, (), True, 0, 0.0 if weights is not None else None)
    planner, fact, actions = catalog.planner()
    solution = planner.solve(
        (fact[c] for c in have if c in fact), [fact[t] for t in targets], budget=budget, weights=weights, engine=engine
    )
    if solution is None:
        missing = [t for t in targets if t not in have]
        name = missing[0] if len(missing) == 1 else ", ".join(missing)
        raise Unreachable(name, "none of the recipes that make it can be completed from what is discovered")
    # A combination fires every recipe with its inputs whose requires are held when it is made, which may be more
    # than the planning action assumed: replay the real outputs, and cost them.
    obtained = set(have)
    steps = []
    for a in solution.actions:
        action = actions[a]
        fired = [r for r in catalog.recipes_for(action.inputs) if obtained.issuperset(r.requires)]
        outs = tuple(dict.fromkeys(c for r in fired for c in r.outputs if c not in obtained))
        obtained.update(outs)
        steps.append(PlanStep(action.inputs, outs, action.requires))
    optimal, plan_cost, lower = solution.optimal, solution.cost, solution.lower_bound
    granted = _unlockable(catalog, have, len(steps))
    if granted and optimal:
        # the planner does not plan through unlocks; a plan that makes these fire might be shorter (or cheaper), and
        # every such plan is a plan when they are held from the start: that relaxation's bound is the real one
        relaxed = planner.solve(
            {fact[c] for c in (*have, *granted) if c in fact},
            [fact[t] for t in targets],
            budget=budget,
            weights=weights,
            engine=engine,
        )
        lower = min(lower, relaxed.lower_bound) if relaxed is not None else lower
        optimal = lower >= (solution.cost if solution.cost is not None else len(solution.actions))
    if weights is not None:
        index = {cid: i for i, cid in enumerate(catalog.concepts)}
        real = sum(weights[index[c]] for step in steps for c in step.outputs)
        # the model's costs never exceed the real ones, so its bound stays a bound; a by-product it did not foresee
        # makes the plan dearer than the model thought, and then its optimality is not proven
        optimal = optimal and abs(real - (plan_cost or 0.0)) <= 1e-9
        plan_cost = real
    return Plan(targets, tuple(steps), optimal, lower, plan_cost)


def _unlockable(catalog: Catalog, have: Collection[str], length: int) -> set[str]:
    """The concepts that unlocks not yet fired (``after`` above ``len(have)``) could grant before the last of
    ``length`` combinations, whatever the combinations: each discovers at most the outputs of every recipe with its
    inputs, and granted concepts count too."""
    if not catalog.unlocks or length < 2:
        return set()
    widest: int | None = catalog._index.cache.get("widest")
    if widest is None:
        widest = catalog._index.cache["widest"] = max(
            (
                len({c for r in catalog.recipes_for(key) for c in r.outputs})
                for key in {r.inputs for r in catalog.recipes}
            ),
            default=0,
        )
    ceiling = len(have) + (length - 1) * widest
    granted: set[str] = set()
    for unlock in sorted(catalog.unlocks, key=lambda u: u.after):
        if unlock.after <= len(have):
            continue  # fired already
        if unlock.after > ceiling + len(granted):
            break
        granted.update(c for c in unlock.outputs if c not in have)
    return granted


def best_next(catalog: Catalog, have: Collection[str], *targets: str, budget: float = 1.0) -> NextStep | None:
    """The discovery available now that shortens the optimal plan to ``targets`` the most; None when every target is
    discovered.

    No single step shortens a plan by more than one (the rest of a plan after it is a plan from before it), so the
    best steps are exactly the first steps of the optimal plans: among the steps of an optimal plan that can be made
    now, the one that discovers a target, else the one that discovers the most.

    :raises Unreachable: some target cannot be obtained from ``have``.
    """
    plan = plan_for(catalog, have, *targets, budget=budget)
    if not plan.steps:
        return None
    ready = [s for s in plan.steps if set(s.inputs) | set(s.requires) <= set(have)]
    goal = set(plan.targets)
    step = max(ready, key=lambda s: (bool(goal.intersection(s.outputs)), len(s.outputs)))
    length = len(plan.steps)
    names = ", ".join(catalog.concepts[t].name for t in plan.targets)
    made = ", ".join(catalog.concepts[c].name for c in step.outputs)
    if plan.optimal:
        reason = (
            f"it discovers {made} and is a first step of a shortest way to {names}: "
            f"{length - 1} combination{'s' if length != 2 else ''} left after it instead of {length}"
        )
    else:
        reason = (
            f"it discovers {made} and is a first step of the best plan found to {names} ({length} combinations, "
            f"at least {math.ceil(plan.lower_bound)} needed); {length - 1} left after it"
        )
    return NextStep(step.inputs, step.outputs, plan.targets, length, length - 1, plan.optimal, reason)


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
    for cid in _ordered(used, plan.steps, catalog.starts):
        layers.setdefault(depth.get(cid, 0), []).append(cid)
    return Prerequisites(target, tuple(tuple(layers[k]) for k in sorted(layers)))


def _ordered(used: set[str], steps: Sequence[PlanStep], starts: Iterable[str]) -> list[str]:
    order = [c for c in starts if c in used]
    for step in steps:
        order += [c for c in step.outputs if c in used]
    return list(dict.fromkeys(order))

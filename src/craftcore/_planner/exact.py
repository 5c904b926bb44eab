"""The optional exact engine: delete-free planning as a CP-SAT model (needs ``ortools``, the ``exact`` extra).

The model is that of Imai & Fukunaga (2015) over a pruned local task: a Boolean ``u[a]`` per action (used), a Boolean
``e[a, f]`` per add effect (``a`` is the first achiever of ``f``), ``x[f] = sum_a e[a, f] <= 1`` (``f`` is obtained
and needed) and an integer time label ``t[f]``:

- every goal, and every fact landmark of the goals, is obtained: ``x[g] = 1``;
- a used action's preconditions are obtained: ``u[a] -> x[p]``;
- a first achiever comes after its preconditions: ``e[a, f] -> t[f] >= t[p] + 1`` (no cycles);
- a used action first-achieves something (true of every plan with no useless action);
- LM-cut's landmarks as clauses, and the proven lower bound as a linear constraint, to help the solver's bound.

Time labels count actions: ``t[f]`` lies in ``[h_max(f), UB - gd(f)]`` (``gd``: the fewest actions from ``f`` to a
goal), valid for every plan no longer than ``UB`` in which each action is needed. The best known plan is the hint.
With per-fact weights the objective is the weight of every fact some used action adds (``y[f] >= u[a]``).

With unit costs the time labels are left out and cycles are cut lazily instead (:func:`_solve_with_cuts`, the
implicit-hitting-set idea of Haslum, Slaney & Thiébaux 2012 over this richer model): measured on the public
Infinite Craft list, 40 targets at 9 s, 92.5% proven (median 2.6 s) against 77.5% (3.9 s) with time labels; on
Little Alchemy 2's hardest tenth, the same within noise.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from typing import Any

from .cuts import Cuts
from .local import LocalTask
from .relaxed import INF, bits, executable_order, fact_landmarks, goal_distance, h_max
from .search import complete

#: Is the exact engine installed (``pip install craftcore[exact]``)? Checked without importing it: OR-Tools takes
#: about a second to import, paid only by the first query that needs it.
AVAILABLE = importlib.util.find_spec("ortools") is not None


def cp_model() -> Any:
    """The CP-SAT module (imported on first use)."""
    from ortools.sat.python import cp_model as module

    return module


#: CP-SAT workers: the machines craftcore targets have few cores, and a game shares them.
WORKERS = 1


def _weights(weights: Sequence[float]) -> tuple[list[int], int, bool]:
    """Integer weights for the solver: (scaled weights, scale, exact) — exact when no rounding happened."""
    if all(float(w).is_integer() for w in weights):
        return [int(w) for w in weights], 1, True
    scale = 10**6
    scaled = [round(w * scale) for w in weights]
    exact = all(math.isclose(s, w * scale, rel_tol=0, abs_tol=1e-6) for s, w in zip(scaled, weights, strict=True))
    return scaled, scale, exact


def solve_exact(
    lt: LocalTask,
    best: list[int],
    lower: float,
    landmarks: Sequence[Sequence[int]],
    clock: Callable[[], float],
    deadline: float,
    *,
    fact_cost: Sequence[float] | None = None,
) -> tuple[list[int], float, bool] | None:
    """Improve ``best`` (local action ids, executable) with CP-SAT until optimal or ``deadline``.

    Unit costs unless ``fact_cost`` (one weight per local fact) is given: then a plan costs the weights of the facts
    its actions add (by-products included, so ``lt`` should keep every add effect). Returns ``(plan, lower bound,
    proven)``, or None when the engine is not installed or had no time.
    """
    if not AVAILABLE or deadline - clock() <= 0.005:
        return None
    if fact_cost is None:
        return _solve_with_cuts(lt, best, int(lower), landmarks, clock, deadline)
    cp = cp_model()
    model = cp.CpModel()
    u, scale, exact_weights, n_terms = _build(model, lt, best, lower, landmarks, fact_cost)
    solver = _solver(cp, deadline - clock())
    status = solver.solve(model)
    if status not in (cp.OPTIMAL, cp.FEASIBLE, cp.UNKNOWN):  # pragma: no cover - never expected
        return None
    # without a solution (time ran out first) the plan stays, but the solver's bound still holds: the best plan is a
    # solution of the model, so the model's optimum is the task's
    chosen = [a for a in range(lt.n_actions) if solver.boolean_value(u[a])] if status != cp.UNKNOWN else best
    bound = solver.best_objective_bound
    if not math.isfinite(bound):
        bound = lower
    bound = bound / scale if exact_weights else (bound - 0.5 * n_terms) / scale
    return chosen, max(lower, bound), status == cp.OPTIMAL and exact_weights


def _solver(cp: Any, seconds: float) -> Any:
    """A CP-SAT solver set up for these models, with ``seconds`` of wall-clock time."""
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.001, seconds)
    solver.parameters.num_workers = WORKERS
    solver.parameters.linearization_level = 2  # the LP relaxation over every constraint: its bound is the proof
    # presolve in one pass, without probing or symmetry detection: on these models a full presolve costs more
    # than the search it saves (Infinite Craft, 12 targets: median 4.2 s -> 2.0 s, all proven either way)
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    return solver


#: Landmarks added per round of :func:`_solve_with_cuts` (one per extension of the solution towards a plan).
CUTS_PER_ROUND = 10


def _solve_with_cuts(
    lt: LocalTask,
    best: list[int],
    lower: int,
    landmarks: Sequence[Sequence[int]],
    clock: Callable[[], float],
    deadline: float,
) -> tuple[list[int], float, bool]:
    """Unit costs: the first-achiever model without time labels, its cycles cut lazily by landmarks.

    Without time labels a solution may be *cyclic* (facts that only support each other), so the model is a
    relaxation: its optimum is a lower bound, and an optimal solution whose actions reach the goals on their own is
    an optimal plan.  When they do not, saturated-set landmarks that they miss (:class:`~.cuts.Cuts`) are added and
    the model is solved again, hinted with the last solution; its bound never drops, so each round's optimum is a
    proven lower bound.  Every solution is also completed into a plan, which may improve ``best``; the model only
    admits solutions shorter than ``best``, so "infeasible" proves ``best`` optimal.
    """
    cp = cp_model()
    model = cp.CpModel()
    u = _build(model, lt, best, lower, landmarks, None, timed=False)[0]  # (admits only plans shorter than best)
    cuts = Cuts(lt)
    pre_mask, add_mask, goal = cuts.pre_mask, cuts.add_mask, cuts.goal
    bounded = len(best)
    while lower < len(best) and clock() < deadline:
        if len(best) < bounded:  # a completed solution improved best: only shorter plans from now on
            model.add(sum(u) <= len(best) - 1)
            bounded = len(best)
        solver = _solver(cp, deadline - clock())
        status = solver.solve(model)
        if status == cp.INFEASIBLE:
            return best, len(best), True  # no solution shorter than best, so no plan either
        if status != cp.OPTIMAL:
            bound = solver.best_objective_bound
            if math.isfinite(bound):
                lower = max(lower, math.ceil(bound - 1e-9))
            break
        chosen = [a for a in range(lt.n_actions) if solver.boolean_value(u[a])]
        lower = max(lower, len(chosen))
        if goal & cuts.reached(chosen) == goal:
            ordered = executable_order(chosen, pre_mask, add_mask, goal)
            assert ordered is not None
            return ordered, len(ordered), True
        for cut in cuts.several(chosen, set(best), CUTS_PER_ROUND):
            model.add_bool_or([u[a] for a in cut])
        plan = complete(lt, chosen, pre_mask, add_mask, goal)
        if plan is not None and len(plan) < len(best):
            best = plan
        model.clear_hints()
        members = set(chosen)
        for a in range(lt.n_actions):
            model.add_hint(u[a], a in members)
    return best, min(lower, len(best)), lower >= len(best)


def _build(
    model: Any,
    lt: LocalTask,
    best: list[int],
    lower: float,
    landmarks: Sequence[Sequence[int]],
    fact_cost: Sequence[float] | None,
    *,
    timed: bool = True,
) -> tuple[list[Any], int, bool, int]:
    """Fill ``model`` (see the module docstring); returns the action literals, the weight scale, whether the weights
    are exact, and the number of objective terms.

    ``timed=False`` leaves out the time labels (and so the acyclicity constraints): the model is then a relaxation
    whose solutions may hold cycles (see :func:`_solve_with_cuts`); the windows of the time labels still decide which
    facts can be obtained early enough."""
    hm, _, _ = h_max(lt)
    gd = goal_distance(lt)
    n_facts, pre, add = lt.n_facts, lt.pre, lt.add
    # unit costs: only plans shorter than best (if there are none, the model is infeasible and best is optimal)
    horizon = min(len(best) - 1, lt.n_actions) if fact_cost is None else lt.n_actions
    t: list[Any] = []
    alive = bytearray(n_facts)
    for f in range(n_facts):
        lo, hi = hm[f], horizon - (gd[f] if gd[f] < INF else horizon)
        alive[f] = 1 if hm[f] < INF and lo <= hi else 0
        t.append(model.new_int_var(lo, hi, f"t{f}") if alive[f] and timed else None)
    u = [model.new_bool_var(f"u{a}") for a in range(lt.n_actions)]
    e_of: list[list[tuple[int, Any]]] = [[] for _ in range(n_facts)]
    for a in range(lt.n_actions):
        targets = [f for f in add[a] if alive[f] and f not in pre[a]]
        if not targets or not all(alive[p] for p in pre[a]):
            model.add(u[a] == 0)
            continue
        if len(targets) == 1:
            lits = [(targets[0], u[a])]
        else:
            lits = [(f, model.new_bool_var(f"e{a}_{f}")) for f in targets]
            for _, lit in lits:
                model.add_implication(lit, u[a])
            model.add_bool_or([lit for _, lit in lits]).only_enforce_if(u[a])
        for f, lit in lits:
            e_of[f].append((a, lit))
            if timed:
                for p in pre[a]:
                    model.add(t[f] >= t[p] + 1).only_enforce_if(lit)
    x: list[Any] = []
    for f in range(n_facts):
        if not e_of[f]:
            x.append(None)
            continue
        xf = model.new_bool_var(f"x{f}")
        model.add(sum(lit for _, lit in e_of[f]) == xf)
        x.append(xf)
    # every plan obtains the goals and their fact landmarks
    fact_lm = fact_landmarks(lt)
    needed = 0
    for g in lt.goals:
        needed |= fact_lm[g] if fact_lm[g] >= 0 else 1 << g
    for f in bits(needed):
        if x[f] is None:  # no achiever can come early enough: no plan is shorter than best
            model.add_bool_or([])  # (an empty clause: the solver answers "infeasible" at once)
            continue
        model.add(x[f] == 1)
    for a in range(lt.n_actions):
        for p in pre[a]:
            if x[p] is None:
                model.add(u[a] == 0)
            else:
                model.add_implication(u[a], x[p])
    for lm in landmarks:
        model.add_bool_or([u[a] for a in lm])
    scale, exact_weights, n_terms = 1, True, 0
    if fact_cost is None:
        model.add(sum(u) >= math.ceil(lower))
        model.add(sum(u) <= len(best) - 1)
        model.minimize(sum(u))
    else:
        # y[f]: some used action adds f (each obtained fact is paid for once)
        weights, scale, exact_weights = _weights(fact_cost)
        terms = []
        for f in range(n_facts):
            if weights[f] == 0 or not lt.achievers[f]:
                continue
            y = model.new_bool_var(f"y{f}")
            for a in lt.achievers[f]:
                model.add_implication(u[a], y)
            terms.append(weights[f] * y)
        n_terms = len(terms)
        model.minimize(sum(terms))
    in_best = set(best)
    for a in range(lt.n_actions):
        model.add_hint(u[a], a in in_best)
    held: set[int] = set()
    for pos, a in enumerate(best, start=1):
        for f in add[a]:
            if f not in held:
                held.add(f)
                if t[f] is not None:
                    model.add_hint(t[f], min(max(pos, hm[f]), horizon))
    return u, scale, exact_weights, n_terms

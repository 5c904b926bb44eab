"""Benchmark the optimal planner on synthetic worlds and print a markdown table.

Usage::

    python benchmarks/bench_planner.py            # the default run (about 5 minutes)
    python benchmarks/bench_planner.py --quick    # a smoke run (under 20 s)
    python benchmarks/bench_planner.py --full     # every LA2-like target and 200 IC-like targets (15+ minutes)

For each world every target (or a seeded random sample of them) is solved from the start concepts with a time
budget; the table gives the share proven optimal, solve times, and the mean gap (plan length / lower bound) of the
targets not proven, next to the plan lengths and the relaxed-plan (h_add) length the planner must never exceed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import worlds

from craftcore._planner import Planner
from craftcore._planner.local import LocalTask, TaskIndex
from craftcore._planner.relaxed import extract, h_add, masks, remove_redundant


def h_add_plan_length(index: TaskIndex, init: list[int], goal: int) -> int:
    """The length of the cleaned-up h_add relaxed plan, the baseline the planner must match or beat."""
    lt = LocalTask.build(index, init, [goal])
    assert lt is not None
    pre_mask, add_mask, goal_mask = masks(lt)
    value, sup = h_add(lt)
    return len(remove_redundant(extract(lt, value, sup), pre_mask, add_mask, goal_mask))


def pct(values: list[float] | list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(
    name: str, world: worlds.World, n_targets: int | None, budget: float, seed: int, verbose: bool, engine: str = "auto"
) -> dict[str, object]:
    task, index = worlds.to_task(world)
    t0 = time.perf_counter()
    planner = Planner(task)
    build = time.perf_counter() - t0
    init = [index[s] for s in world.starts]
    targets = [index[c] for c in world.concepts if c not in world.starts]
    if n_targets is not None and n_targets < len(targets):
        targets = random.Random(seed).sample(targets, n_targets)
    tidx = TaskIndex(task)
    times, lengths, gaps = [], [], []
    proven = worse = 0
    for goal in targets:
        start = time.perf_counter()
        sol = planner.solve(init, [goal], budget=budget, engine=engine)
        elapsed = time.perf_counter() - start
        assert sol is not None
        times.append(elapsed)
        lengths.append(len(sol.actions))
        if sol.optimal:
            proven += 1
        else:
            gaps.append(len(sol.actions) / max(1, sol.lower_bound))
        if len(sol.actions) > h_add_plan_length(tidx, init, goal):
            worse += 1
        if verbose:
            print(
                f"  {world.concepts[goal]} len={len(sol.actions)} lb={sol.lower_bound} "
                f"opt={sol.optimal} t={elapsed:.3f}s effort={sol.expanded}",
                file=sys.stderr,
            )
    return {
        "world": name,
        "concepts": len(world.concepts),
        "recipes": len(world.recipes),
        "targets": len(targets),
        "budget": budget,
        "proven": 100.0 * proven / len(targets),
        "median": statistics.median(times),
        "p90": pct(times, 0.9),
        "max": max(times),
        "gap": statistics.mean(gaps) if gaps else 1.0,
        "len_median": statistics.median(lengths),
        "len_p90": pct(lengths, 0.9),
        "len_max": max(lengths),
        "worse": worse,
        "build": build,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of under 20 seconds")
    parser.add_argument("--full", action="store_true", help="every LA2-like target and 200 IC-like targets")
    parser.add_argument("--seed", type=int, default=0, help="world and sampling seed")
    parser.add_argument("--verbose", action="store_true", help="one line per target on stderr")
    parser.add_argument("--engine", choices=("auto", "search", "exact"), default="auto", help="see Planner.solve")
    args = parser.parse_args(argv)
    if args.quick:
        plan = [
            ("small (200)", worlds.small_world(args.seed), None, 1.0),
            ("LA2-like", worlds.little_alchemy_2_like(args.seed), 12, 1.0),
            ("IC-like 10k", worlds.infinite_craft_like(args.seed), 2, 2.0),
        ]
    else:
        plan = [
            ("small (200)", worlds.small_world(args.seed), None, 1.0),
            ("LA2-like", worlds.little_alchemy_2_like(args.seed), None if args.full else 150, 1.0),
            ("IC-like 10k", worlds.infinite_craft_like(args.seed), 200 if args.full else 60, 2.0),
        ]
    rows = [run(name, world, n, budget, args.seed, args.verbose, args.engine) for name, world, n, budget in plan]
    print(
        "| world | concepts | recipes | targets | budget | proven | median | p90 | max | gap (unproven) "
        "| plan length median / p90 / max | longer than h_add plan |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['world']} | {r['concepts']} | {r['recipes']} | {r['targets']} | {r['budget']:.0f} s "
            f"| {r['proven']:.1f}% | {r['median'] * 1000:.0f} ms | {r['p90'] * 1000:.0f} ms "
            f"| {r['max'] * 1000:.0f} ms | {r['gap']:.3f} | {r['len_median']:.0f} / {r['len_p90']} / {r['len_max']} "
            f"| {r['worse']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark the planner on real crafting data: Little Alchemy 2 (every target) and Infinite Craft (a fixed sample).

Usage::

    python benchmarks/bench_realdata.py                       # every LA2 target, 300 IC targets (about 30 minutes)
    python benchmarks/bench_realdata.py --quick               # 30 LA2 and 10 IC targets
    python benchmarks/bench_realdata.py --datasets DIR --csv per-target.csv --engine search
    python benchmarks/bench_realdata.py --only ic --ic 40 --budget-ic 8

The datasets are not part of the project: ``--datasets`` or ``$CRAFTCORE_DATASETS`` names their folder (default:
``../shared/datasets`` beside the project). They are converted into pack folders (``realdata.py``) in a temporary
folder and loaded with ``craftcore.load_catalog``; each target is planned from the four starts with a time budget
and the plan is replayed. "Ratio" is plan length over the proven lower bound: an upper bound on the plan's ratio to
the optimum (1.00 when proven).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realdata

from craftcore._planner.task import replay


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(
    name: str,
    folder: Path,
    n_targets: int | None,
    budget: float,
    seed: int,
    engine: str,
    rows: list[dict[str, object]],
    verbose: bool,
) -> dict[str, object]:
    catalog = realdata.load_alone(folder)
    planner, fact, _ = catalog.planner()
    init = [fact[s] for s in catalog.starts]
    reachable = catalog.reachable()
    # reachable by recipes alone: the planner does not plan through an unlock that has not fired
    solvable = [c for c in sorted(catalog.concepts) if c in reachable and c not in catalog.starts]
    targets = solvable
    if n_targets is not None and n_targets < len(targets):
        targets = sorted(random.Random(seed).sample(targets, n_targets))
    times: list[float] = []
    cpus: list[float] = []
    ratios: list[float] = []
    lengths: list[int] = []
    proven = 0
    for target in targets:
        start, cpu = time.perf_counter(), time.process_time()
        sol = planner.solve(init, [fact[target]], budget=budget, engine=engine)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if sol is None:
            continue  # behind the unlock
        reached = replay(planner.task, init, sol.actions)
        assert reached is not None and fact[target] in reached, target
        assert sol.lower_bound <= len(sol.actions)
        ratio = len(sol.actions) / max(1, sol.lower_bound)
        times.append(elapsed)
        cpus.append(cpu)
        ratios.append(ratio)
        lengths.append(len(sol.actions))
        proven += sol.optimal
        row = {
            "world": name,
            "target": target,
            "length": len(sol.actions),
            "lower_bound": sol.lower_bound,
            "proven": sol.optimal,
            "seconds": round(elapsed, 4),
            "cpu_seconds": round(cpu, 4),
        }
        rows.append(row)
        if verbose:
            print("  " + " ".join(f"{k}={v}" for k, v in row.items()), file=sys.stderr, flush=True)
    n = len(times)
    return {
        "world": name,
        "concepts": len(catalog.concepts),
        "recipes": len(catalog.recipes),
        "targets": n,
        "budget": budget,
        "proven": 100.0 * proven / n,
        "median": statistics.median(times),
        "p90": pct(times, 0.9),
        "max": max(times),
        "cpu_median": statistics.median(cpus),
        "over_10s": sum(1 for t in times if t > 10.0),
        "ratio_median": statistics.median(ratios),
        "ratio_max": max(ratios),
        "len": f"{statistics.median(lengths):.0f} / {pct([float(x) for x in lengths], 0.9):.0f} / {max(lengths)}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=None, help="the datasets folder ($CRAFTCORE_DATASETS)")
    parser.add_argument("--quick", action="store_true", help="30 LA2 and 10 IC targets")
    parser.add_argument("--la2", type=int, default=None, help="LA2 targets (default: all)")
    parser.add_argument("--ic", type=int, default=300, help="IC targets, a seeded random sample (default 300)")
    parser.add_argument("--budget-la2", type=float, default=3.0, help="seconds per LA2 target (default 3)")
    parser.add_argument("--budget-ic", type=float, default=9.0, help="seconds per IC target (default 9)")
    parser.add_argument("--engine", choices=("auto", "search", "exact"), default="auto")
    parser.add_argument("--seed", type=int, default=11, help="sampling seed")
    parser.add_argument("--only", choices=("la2", "ic"), default=None)
    parser.add_argument("--csv", type=Path, default=None, help="write one row per target here")
    parser.add_argument("--verbose", action="store_true", help="one line per target on stderr")
    args = parser.parse_args(argv)
    folder = args.datasets or realdata.datasets_dir()
    if folder is None:
        print("datasets not found: pass --datasets or set CRAFTCORE_DATASETS", file=sys.stderr)
        return 2
    n_la2, n_ic = (30, 10) if args.quick else (args.la2, args.ic)
    rows: list[dict[str, object]] = []
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "la2"):
            la2 = realdata.little_alchemy_pack(folder / realdata.LA2_FILE, Path(tmp) / "la2")
            results.append(
                run("Little Alchemy 2", la2, n_la2, args.budget_la2, args.seed, args.engine, rows, args.verbose)
            )
        if args.only in (None, "ic"):
            ic = realdata.infinite_craft_pack(folder / realdata.IC_FILE, Path(tmp) / "ic")
            results.append(run("Infinite Craft", ic, n_ic, args.budget_ic, args.seed, args.engine, rows, args.verbose))
    from craftcore._planner import exact

    load = os.getloadavg()
    print(f"engine: {args.engine} (CP-SAT installed: {exact.AVAILABLE}); load average at the end: {load[0]:.1f}")
    print(
        "| world | concepts / recipes | targets | budget | proven | median (CPU) | p90 | max | over 10 s "
        "| ratio median / max | plan length median / p90 / max |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['world']} | {r['concepts']:,} / {r['recipes']:,} | {r['targets']} | {r['budget']:.0f} s "
            f"| {r['proven']:.1f}% | {r['median']:.3f} s ({r['cpu_median']:.3f} s) "
            f"| {r['p90']:.3f} s | {r['max']:.3f} s | {r['over_10s']} "
            f"| {r['ratio_median']:.2f} / {r['ratio_max']:.2f} | {r['len']} |"
        )
    if args.csv is not None:
        with args.csv.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

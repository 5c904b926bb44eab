"""Engine benchmarks for the performance targets of docs/performance.md (everything but the planner).

Every target is a ratio of two timings taken in the same run, each the best of several repeats, so a shared, noisy
machine moves both sides alike.  Prints one markdown table.

    python benchmarks/bench_engine.py            # full run (1k, 10k, 100k concepts; 1M recipes), a few minutes
    python benchmarks/bench_engine.py --quick    # smoke run (< 20 s), used by the test suite so it cannot rot
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from packgen import write_pack  # noqa: E402
from worlds import World, generate_world  # noqa: E402

import craftcore  # noqa: E402
from craftcore._checks import LoadedPack, check_packs, order_packs  # noqa: E402
from craftcore._model import Category, Concept, Pack, PackInfo, Recipe  # noqa: E402
from craftcore._reachability import fixed_point_indexed, needs_index  # noqa: E402

Row = tuple[str, str, str, str]


def best(fn: Callable[[], object], repeats: int = 5) -> float:
    """Best wall time of ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        if gc.isenabled():
            gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def world_catalog(world: World, folder: pathlib.Path) -> craftcore.Catalog:
    write_pack(world, folder)
    return craftcore.load_catalog(folder, installed=False, cache=False)


# ------------------------------------------------------------------------------------------- 1. combine per call


def bench_combine(catalog: craftcore.Catalog, calls: int = 20_000) -> tuple[float, float, float]:
    """Per-call time of a repeat combine, of a bare dict lookup of the sorted inputs, and of a failing combine."""
    game = craftcore.Game(catalog, clock=lambda: 0.0)
    while game.available():  # discover everything, so every recipe is a repeat
        for combo in list(game.available()):
            game.combine(*combo)
    rng = random.Random(0)
    repeats = [tuple(reversed(r.inputs)) for r in rng.sample(catalog.recipes, min(2000, len(catalog.recipes)))]
    keys = (repeats * (calls // len(repeats) + 1))[:calls]
    table = {r.inputs: r for r in catalog.recipes}

    def lookups() -> None:
        get = table.get
        for k in keys:
            get(tuple(sorted(k)))

    def combines() -> None:
        combine = game.combine
        for k in keys:
            combine(*k)

    known = list(game.discovered)
    fails = []
    while len(fails) < 500:
        pair = tuple(sorted(rng.sample(known, 2)))
        if not catalog.recipes_for(pair):
            fails.append(pair)

    def failures() -> None:
        for k in fails:
            game.combine(*k)

    base = best(lookups) / calls
    return best(combines) / calls, base, best(failures, 3) / len(fails)


# --------------------------------------------------------------------------- 2. bookkeeping per discovery


def bench_bookkeeping(catalog: craftcore.Catalog) -> tuple[float, float, float, float]:
    """Mean time per discovery early and late in a full play, and a from-scratch recomputation (the seed's rescan of
    every pair of discovered concepts) early and late."""
    game = craftcore.Game(catalog, clock=lambda: 0.0)
    plan: list[tuple[str, ...]] = []
    while game.available():
        for combo in list(game.available()):
            if game.combine(*combo).new:
                plan.append(combo)
    n = len(plan)
    tenth = max(1, n // 10)

    def replay(upto: int) -> tuple[craftcore.Game, float, float]:
        g = craftcore.Game(catalog, clock=lambda: 0.0)
        start = time.perf_counter()
        for combo in plan[:tenth]:
            g.combine(*combo)
        early = (time.perf_counter() - start) / tenth
        for combo in plan[tenth : upto - tenth]:
            g.combine(*combo)
        start = time.perf_counter()
        for combo in plan[upto - tenth : upto]:
            g.combine(*combo)
        late = (time.perf_counter() - start) / tenth
        return g, early, late

    runs = [replay(n) for _ in range(3)]
    early = min(r[1] for r in runs)
    late = min(r[2] for r in runs)

    def rescan(g: craftcore.Game) -> None:
        known = list(g.discovered)
        by_key = {r.inputs for r in catalog.recipes}
        found = 0
        for i, a in enumerate(known):
            for b in known[i:]:
                key = (a, b) if a <= b else (b, a)
                found += key in by_key

    def game_after(k: int) -> craftcore.Game:
        g = craftcore.Game(catalog, clock=lambda: 0.0)
        for combo in plan[:k]:
            g.combine(*combo)
        return g

    small, large = game_after(min(n, 300)), game_after(min(n, 3000))  # a rescan is quadratic: larger is too slow
    return early, late, best(lambda: rescan(small), 3), best(lambda: rescan(large), 1)


# ------------------------------------------------------------------------------------------------- 3. loading


def bench_loading(folder: pathlib.Path) -> tuple[float, float, float]:
    """tomllib alone on the pack's files, a cold load (no cache), and a warm load from the compiled cache."""
    files = sorted(folder.glob("*.toml"))

    def parse() -> None:
        for f in files:
            tomllib.loads(f.read_text(encoding="utf-8"))

    with tempfile.TemporaryDirectory() as cache:
        os.environ["CRAFTCORE_CACHE_DIR"] = cache
        craftcore.load_catalog(folder, installed=False)  # fills the cache
        warm = best(lambda: craftcore.load_catalog(folder, installed=False), 3)
    cold = best(lambda: craftcore.load_catalog(folder, installed=False, cache=False), 3)
    return best(parse, 3), cold, warm


# ---------------------------------------------------------------------------------------- 4. reachability, check


def in_memory_pack(world: World) -> Pack:
    starts = set(world.starts)
    concepts = tuple(
        Concept(c, c, 2, "mathematics", "synthetic", "synthetic", start=c in starts) for c in world.concepts
    )
    recipes = tuple(Recipe(inputs, outputs, "synthetic", index=i) for i, (inputs, outputs) in enumerate(world.recipes))
    category = Category("mathematics", "Synthetic", "generated", "synthetic")
    return Pack(
        PackInfo("synthetic", "Synthetic", "1.0.0", "generated"),
        categories=(category,),
        concepts=concepts,
        recipes=recipes,
    )


def bench_reachability(world: World) -> tuple[int, float, float, float]:
    """The recipe index (built once per catalog), the fixed point over it, and every cross-pack check together
    (references, duplicates, reachability with reasons), with the collector paused as the loader pauses it."""
    pack = in_memory_pack(world)
    recipes = pack.recipes
    gc.disable()
    try:
        index = best(lambda: needs_index(recipes), 3)
        needs, counts = needs_index(recipes)
        reach = best(lambda: fixed_point_indexed(world.starts, recipes, needs, counts), 3)

        def check() -> None:
            problems: list[craftcore.Problem] = []
            ordered = order_packs([LoadedPack(pack)], problems)
            check_packs(ordered, problems, indexed=(recipes, needs, counts))
            assert not [p for p in problems if p.severity == "error"], problems[:3]

        checked = best(check, 3)
    finally:
        gc.enable()
    return len(recipes), index, reach, checked


# --------------------------------------------------------------------------------------------------- 6. memory


def peak_memory_mb(n_concepts: int, recipes_per_concept: float) -> float:
    """Peak resident memory (MB) of a fresh process that writes nothing and loads the world's pack (cold)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp) / "pack"
        write_pack(generate_world(n_concepts, recipes_per_concept=recipes_per_concept, seed=3), folder)
        # VmHWM (not ru_maxrss, which Linux carries over from the parent across exec) is this process's own peak
        code = (
            "import re, craftcore; "
            f"c = craftcore.load_catalog({str(folder)!r}, installed=False, cache=False); "
            "status = open('/proc/self/status').read(); "
            "print(len(c.recipes), re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
        ).stdout.split()
        return int(out[1]) / 1024


# ------------------------------------------------------------------------------- 5. plans on the shipped packs


def bench_shipped_plans() -> tuple[int, int, float, float]:
    """Plan every concept of the five shipped packs from the start set: (concepts, proven optimal, median s, max s).

    Each plan is timed cold (a fresh catalog per concept would measure the loader, so the catalog is shared, but the
    first call's one-off planner build is excluded by a warm-up query)."""
    packs = HERE.parent / "packs"
    dirs = [
        packs / n / "src" / f"craftcore_{n}" / "pack" for n in ("foundations", "attention", "moe", "ssm", "production")
    ]
    catalog = craftcore.load_catalog(*dirs, installed=False, cache=False)
    game = craftcore.Game(catalog, clock=lambda: 0.0)
    game.plan("neural_networks")
    times, proven = [], 0
    for target in catalog.concepts:
        start = time.perf_counter()
        plan = game.plan(target, budget=1.0)
        times.append(time.perf_counter() - start)
        proven += plan.optimal
    times.sort()
    return len(times), proven, times[len(times) // 2], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    args = parser.parse_args()
    sizes = [1_000, 3_000] if args.quick else [1_000, 10_000, 100_000]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        combine_times = {}
        for n in sizes:
            world = generate_world(n, recipes_per_concept=2.3, seed=1)
            folder = pathlib.Path(tmp) / f"w{n}"
            catalog = world_catalog(world, folder)
            per_call, lookup, fail = bench_combine(catalog)
            combine_times[n] = per_call
            rows.append(
                (
                    f"combine, repeat ({n:,} concepts)",
                    f"{per_call * 1e6:.2f} µs",
                    f"{per_call / lookup:.1f}x a dict lookup ({lookup * 1e6:.2f} µs)",
                    "≤ 5x",
                )
            )
            rows.append(
                (
                    f"combine, failure ({n:,} concepts)",
                    f"{fail * 1e6:.2f} µs",
                    f"{fail / lookup:.1f}x a dict lookup",
                    "(feedback is generated)",
                )
            )
            early, late, scan_small, scan_full = bench_bookkeeping(catalog)
            rows.append(
                (
                    f"discovery bookkeeping ({n:,})",
                    f"{early * 1e6:.1f} → {late * 1e6:.1f} µs",
                    f"late/early {late / early:.2f}; seed-style rescan of all pairs: {scan_small * 1e3:.1f} ms at "
                    f"300 discovered, {scan_full * 1e3:.0f} ms at 3,000",
                    "flat",
                )
            )
            parse, cold, warm = bench_loading(folder)
            rows.append(
                (
                    f"load ({n:,} concepts, {len(catalog.recipes):,} recipes)",
                    f"{cold:.3f} s",
                    f"{cold / parse:.2f}x tomllib ({parse:.3f} s)",
                    "≤ 1.3x",
                )
            )
            rows.append((f"reload from cache ({n:,})", f"{warm:.3f} s", f"{warm / cold:.1%} of cold", "≤ 10%"))
        first, last = sizes[0], sizes[-1]
        rows.append(
            (
                f"combine flatness {first:,} → {last:,}",
                "",
                f"{combine_times[last] / combine_times[first]:.2f}x",
                "≤ 1.5x",
            )
        )
        for n_recipes_target, n in [(40_000, 17_000)] if args.quick else [(100_000, 43_000), (1_000_000, 430_000)]:
            world = generate_world(n, recipes_per_concept=2.33, seed=2)
            count, index, reach, check = bench_reachability(world)
            rows.append(
                (
                    f"reachability ({count:,} recipes)",
                    f"{reach:.3f} s",
                    f"recipe index {index:.3f} s (built once per catalog); all checks incl. reachability {check:.3f} s",
                    "≤ 2 s at 1M, linear",
                )
            )
            del n_recipes_target
        count, proven, median, worst = bench_shipped_plans()
        rows.append(
            (
                f"plan() on the shipped packs ({count} concepts)",
                f"median {median * 1e3:.1f} ms, max {worst * 1e3:.1f} ms",
                f"{proven}/{count} proven optimal",
                "≤ 20 ms each, all proven",
            )
        )
        mem_n = 10_000 if args.quick else 100_000
        rows.append(
            (
                f"peak memory ({mem_n:,} concepts, {int(mem_n * 3):,} recipes)",
                f"{peak_memory_mb(mem_n, 3.0):.0f} MB",
                "cold load in a fresh process",
                "≤ 400 MB",
            )
        )
    print("| measurement | value | ratio / detail | target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()

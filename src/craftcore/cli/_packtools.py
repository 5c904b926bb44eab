"""Commands for pack authors that study content: test (a pack's ``[[tests]]``), report (guessability), diff."""

from __future__ import annotations

import argparse
import os
import pathlib
import time
from typing import Any

from craftcore import Catalog, load_catalog, to_data
from craftcore._packtests import describe, read_tests, run_tests
from craftcore.cli import _jsonout as jsonout
from craftcore.cli._console import CliError, Console

__all__ = ["cmd_diff", "cmd_report", "cmd_test"]


def _folders(args: argparse.Namespace) -> tuple[list[str], Catalog]:
    """The pack folders asked for (default: every installed pack's) and their catalog with what they require."""
    dirs = list(args.dirs)
    if not dirs:
        installed = load_catalog(installed=True, blocked=args.block)
        dirs = [p.location for p in installed.packs if p.location and os.path.isdir(p.location)]
        return dirs, installed
    for d in dirs:
        if not os.path.isdir(d):
            raise CliError(f"{d}: not a pack folder")
    return dirs, load_catalog(*dirs, installed=False if args.no_installed else "required", blocked=args.block)


# --------------------------------------------------------------------------------------------------------- test


def cmd_test(args: argparse.Namespace, console: Console) -> int:
    began = time.perf_counter()
    dirs, catalog = _folders(args)
    tests = []
    for d in dirs:
        found, _ = read_tests(d)  # reading problems stopped load_catalog already
        tests += found
    outcomes = run_tests(catalog, tests, budget=args.budget)
    failed = [o for o in outcomes if not o.passed]
    if args.json:
        console.json(
            {
                "ok": not failed,
                "passed": len(outcomes) - len(failed),
                "failed": len(failed),
                "tests": [
                    {
                        "pack": o.test.pack,
                        "file": o.test.file,
                        "line": o.test.line,
                        "key": o.test.key,
                        "kind": o.test.kind,
                        "name": describe(o.test),
                        "passed": o.passed,
                        "message": o.message or None,
                    }
                    for o in outcomes
                ],
            }
        )
        return 1 if failed else 0
    style = console.style
    for o in outcomes:
        verdict = style.good("PASSED") if o.passed else style.bad("FAILED")
        console.print(f"{o.where}: {verdict} {describe(o.test)}")
    if failed:
        console.print()
        console.print(style.bad(f"failures ({len(failed)}):"))
        for o in failed:
            console.print(f"  {o.where}: {o.test.key}: {describe(o.test)}")
            console.print(f"      {o.message}")
    seconds = time.perf_counter() - began
    summary = f"{len(outcomes) - len(failed)} passed, {len(failed)} failed in {seconds:.2f}s"
    if not outcomes:
        summary = f"no [[tests]] tables in {', '.join(dirs) or 'the installed packs'}"
    console.print(f"{style.bad('FAILED') if failed else style.good('OK')}: {summary}")
    return 1 if failed else 0


# --------------------------------------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from craftcore._report import report

    dirs, catalog = _folders(args)
    given = {os.path.abspath(d) for d in dirs}
    packs = [p.id for p in catalog.packs if p.location and os.path.abspath(p.location) in given]
    result = report(catalog, packs=packs, wiki_tries=args.wiki_tries, budget=args.budget)
    if args.json:
        console.json(to_data(result))
        return 0
    if args.concepts:
        console.print(
            f"{'concept':<32} {'depth':>5} {'recipes':>7} {'held':>5} {'tries':>12} {'succ':>4} "
            f"{'expected':>12} {'near':>6} {'hinted':>6}"
        )
        for c in result.concepts:
            expected = f"{c.expected_tries:,.0f}" if c.expected_tries is not None else "-"
            depth = f"{c.depth}" if c.depth_optimal else f">={c.depth}"
            flag = "  wiki?" if c.wiki else ""
            console.print(
                f"{c.id:<32} {depth:>5} {c.recipes:>7} {c.held:>5} {c.tries:>12,} {c.successes:>4} "
                f"{expected:>12} {c.near_misses:>6} {c.hinted:>6}{flag}"
            )
        console.print()
    console.lines(summary_table(result))
    return 0


def summary_table(result: Any) -> list[str]:
    """The per-pack summary as a Markdown table (the same text docs/packs-report.md holds)."""

    def num(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    lines = [
        "| pack | concepts | depth (median / max) | expected random tries (median / max) | with a hinted near miss "
        "| likely to send a player to a wiki |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in result.packs:
        wiki = f"{len(s.wiki)}: {', '.join(s.wiki)}" if s.wiki else "none"
        lines.append(
            f"| {s.pack} | {s.concepts} | {s.median_depth:g} / {s.max_depth} | "
            f"{num(s.median_expected_tries)} / {num(s.max_expected_tries)} | {s.hinted_concepts} | {wiki} |"
        )
    return lines


# --------------------------------------------------------------------------------------------------------- diff


def _side(text: str, args: argparse.Namespace) -> Catalog:
    """A folder, or the id of an installed pack (its installed version)."""
    if os.path.isdir(text):
        return load_catalog(text, installed=False if args.no_installed else "required", blocked=args.block)
    installed = load_catalog(installed=True, blocked=args.block)
    info = next((p for p in installed.packs if p.id == text), None)
    if info is None or not info.location:
        ids = ", ".join(p.id for p in installed.packs)
        raise CliError(f"{text}: neither a pack folder nor an installed pack ({ids})")
    return load_catalog(info.location, installed="required", blocked=args.block)


def cmd_diff(args: argparse.Namespace, console: Console) -> int:
    from craftcore._diff import diff, save_files, save_impact

    old, new = _side(args.old, args), _side(args.new, args)
    result = diff(old, new, budget=args.budget)
    impacts = []
    if args.saves is not None:
        if not pathlib.Path(args.saves).is_dir():
            raise CliError(f"{args.saves}: not a folder of saves")
        impacts = [save_impact(p, old, new) for p in save_files(args.saves)]
    breaking = [i for i in impacts if i.status in ("breaks", "loses")]
    if args.json:
        console.json(
            {
                "old": [jsonout.pack_json(p) for p in old.packs],
                "new": [jsonout.pack_json(p) for p in new.packs],
                "changes": to_data(list(result.changes)),
                "saves": to_data(impacts),
            }
        )
        return 1 if breaking else 0
    if not result.changes:
        console.print("no content changes")
    titles = {
        "concept": "concepts",
        "recipe": "recipes",
        "hint": "hints",
        "path": "learning paths",
        "optimum": "combine steps to play each learning path in order",
        "rename": "renames",
    }
    for kind, title in titles.items():
        group = result.of(kind)
        if not group:
            continue
        console.print(console.style.bold(f"{title} ({len(group)}):"))
        for c in group:
            sign = {"added": "+", "removed": "-", "changed": "~"}[c.what]
            if kind == "rename":
                console.print(f"  {sign} {c.key} -> {c.fields[0][2]}")
                continue
            console.print(f"  {sign} {c.key}  {c.what}")
            for field, before, after in c.fields:
                console.print(f"      {field}: {_short(before)} -> {_short(after)}")
    if impacts:
        console.print(console.style.bold(f"saves ({len(impacts)}):"))
        for i in impacts:
            line = f"  {i.file}: {i.status}"
            if i.status == "breaks":
                line += f" after {i.replayable_steps} of {i.steps} steps: {i.reason}"
            elif i.reason:
                line += f": {i.reason}"
            if i.lost:
                line += f"; loses {len(i.lost)} discoveries: {', '.join(i.lost[:8])}" + (
                    " ..." if len(i.lost) > 8 else ""
                )
            console.print(line)
    return 1 if breaking else 0


def _short(value: Any, width: int = 100) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 3] + "..."

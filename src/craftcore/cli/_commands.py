"""The one-shot game commands: combine, info, path, stats, available (sharing one save file)."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Collection

from craftcore import Catalog, Game, InvalidCombination, NotDiscovered, UnknownConcept
from craftcore._saves import write_save
from craftcore.cli import _jsonout as jsonout
from craftcore.cli import _render as render
from craftcore.cli._console import CliError, Console
from craftcore.cli._names import describe_unknown
from craftcore.cli._session import IDLE_SECONDS, catalog_from, estimate_played, last_move, open_game_played, save_path

__all__ = ["cmd_available", "cmd_combine", "cmd_info", "cmd_path", "cmd_stats", "concept_arg", "not_discovered"]


def concept_arg(catalog: Catalog, text: str, among: Collection[str] | None = None) -> str:
    """Resolve a concept typed on the command line, or fail with one line naming the candidates.

    With ``among`` (the discovered concepts) inexact readings look there first, then at every concept.
    """
    try:
        return catalog.resolve(text, among=among, fuzzy=True)
    except UnknownConcept as exc:
        if among is not None and not exc.ambiguous:
            return concept_arg(catalog, text)
        raise CliError(describe_unknown(catalog, exc), kind="unknown-concept") from None


def not_discovered(
    catalog: Catalog, exc: NotDiscovered, typed: str, where: str = "`craftcore available` lists what you can combine"
) -> str:
    """One line for a combination with undiscovered inputs. Only those whose name or id the player typed in full
    are named; an alias or a close spelling of an undiscovered concept is never spelled out."""
    folded = typed.casefold()
    named = [
        render.name(catalog, c)
        for c in exc.concept_ids
        if c in folded.replace(" ", "_") or render.name(catalog, c).casefold() in folded
    ]
    what = ", ".join(named) if len(named) == len(exc.concept_ids) else "a concept you typed"
    return f"not discovered yet: {what} ({where})"


def _game(args: argparse.Namespace, console: Console) -> tuple[Game, str | None, float | None]:
    catalog = catalog_from(args)
    save = save_path(args, console.env)
    game, played = open_game_played(catalog, save)
    return game, save, estimate_played(game) if played is None else played


def cmd_combine(args: argparse.Namespace, console: Console) -> int:
    game, save, played = _game(args, console)
    catalog = game.catalog
    typed = " + ".join(args.concepts)
    before = last_move(game)
    try:
        result = game.combine(*game.parse_combination(typed))
    except InvalidCombination as exc:
        raise CliError(str(exc), status=2, kind="invalid-combination") from None
    except UnknownConcept as exc:
        raise CliError(describe_unknown(catalog, exc), kind="unknown-concept") from None
    except NotDiscovered as exc:
        raise CliError(not_discovered(catalog, exc, typed), kind="not-discovered") from None
    changed = bool(result.new) or not result.success
    if save is not None and changed:  # a one-shot move is played from the last move on (a long pause capped)
        played = (played or 0.0) + min(max(time.time() - before, 0.0), IDLE_SECONDS)
        write_save(game, save, played=played)
    if args.json:
        console.json(jsonout.combine_json(game, result, save if changed else None))
    else:
        console.lines(render.result_lines(console.style, game, result))
    return 0


def cmd_info(args: argparse.Namespace, console: Console) -> int:
    game, _, _ = _game(args, console)
    cid = concept_arg(game.catalog, args.concept, game.discovered)
    if args.json:
        console.json(jsonout.info_json(game, cid))
    else:
        console.lines(render.concept_details(console.style, game, cid))
    return 0


def cmd_path(args: argparse.Namespace, console: Console) -> int:
    game, save, played = _game(args, console)
    ids = list(dict.fromkeys(concept_arg(game.catalog, text) for text in args.concepts))
    plan = game.plan(*ids, budget=args.budget)
    prerequisites = game.prerequisites(ids[0], budget=args.budget) if len(ids) == 1 else None
    if save is not None and plan.steps and os.path.isfile(save):
        write_save(game, save, played=played)  # the plan counts as help
    if args.json:
        console.json(jsonout.path_json(game, plan, prerequisites))
    else:
        console.lines(render.plan_lines(console.style, game, plan, prerequisites))
    return 0


def cmd_stats(args: argparse.Namespace, console: Console) -> int:
    game, _, played = _game(args, console)
    now = time.time()
    from craftcore.cli._learn import learning_json, learning_lines

    if args.json:
        console.json({**jsonout.stats_json(game, now, played), "learning": learning_json(game, now)})
        return 0
    console.lines(render.stats_lines(console.style, game, now, played))
    console.lines(learning_lines(console, game, now))
    if game.catalog.paths:
        console.print("Learning paths:")
        for pid in game.catalog.paths:
            console.lines("  " + line for line in render.path_lines(console.style, game, pid, full=False))
    return 0


def cmd_available(args: argparse.Namespace, console: Console) -> int:
    game, _, _ = _game(args, console)
    if args.json:
        console.json(jsonout.available_json(game))
        return 0
    console.lines(available_lines(console, game))
    return 0


def available_lines(console: Console, game: Game, limit: int | None = None) -> list[str]:
    combos = list(game.available())
    if not combos:
        if game.complete:
            return ["Nothing left to discover: you have found every reachable concept."]
        return ["No combination discovers anything new right now."]
    count = len(combos)
    lines = [f"{count} combination{'s' if count != 1 else ''} would discover something new:"]
    shown = combos if limit is None else combos[:limit]
    for number, inputs in enumerate(shown, 1):
        lines.append(f"  {number:>3}. {render.combination(game.catalog, inputs)}")
    if len(shown) < count:
        lines.append(console.style.dim(f"  ... and {count - len(shown)} more"))
    return lines

"""The learning commands: review (spaced repetition of your own discoveries), verify (a route code, offline) and
daily (the day's challenge)."""

from __future__ import annotations

import argparse
import datetime
import pathlib
import time
from collections.abc import Callable
from typing import Any

import craftcore
from craftcore import Game, ReviewCard, ReviewResult
from craftcore._codes import MAX_CODE_CHARS
from craftcore.cli import _render as render
from craftcore.cli._console import CliError, Console
from craftcore.cli._session import add_pack_options, add_save_option, catalog_from, open_game, save_path

__all__ = ["add_learn_commands", "cmd_daily", "cmd_review", "cmd_verify", "learning_json", "learning_lines"]


def add_learn_commands(command: Any, json_opt: argparse.ArgumentParser, save_help: str) -> None:
    """Register ``review``, ``verify`` and ``daily`` with the parser's ``command`` helper."""
    from craftcore.cli._app import _lazy

    p = command(
        "review",
        _lazy("learn", "cmd_review"),
        "review what you discovered: due cards (recipes, prerequisites, facts), scheduled with FSRS",
        "craftcore review --save my-game.json --quiz",
        parents=[json_opt],
    )
    p.add_argument("--quiz", action="store_true", help="ask the due cards one by one (an empty answer stops)")
    p.add_argument("--card", metavar="ID", help="answer this card (with --answer)")
    p.add_argument("--answer", metavar="TEXT", help="option numbers or names, separated by commas")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="cards to show or ask (default 10)")
    add_save_option(p, save_help + "; reviews are saved in it")
    add_pack_options(p)

    p = command(
        "verify",
        _lazy("learn", "cmd_verify"),
        "replay a route code offline: its steps, the optimum and the par",
        "craftcore verify CC1-...",
        parents=[json_opt],
    )
    p.add_argument("code", metavar="CODE", help="the route code (- reads it from standard input)")
    p.add_argument("--budget", type=float, default=2.0, metavar="SECONDS", help="time to prove the optimum")
    add_pack_options(p)

    p = command(
        "daily",
        _lazy("learn", "cmd_daily"),
        "today's challenge: a target chosen from the date and the packs; your result and a code to share",
        "craftcore daily --save daily.json",
        parents=[json_opt],
    )
    p.add_argument("--date", metavar="YYYY-MM-DD", help="another day's challenge (default: today, UTC)")
    p.add_argument("--budget", type=float, default=2.0, metavar="SECONDS", help="time to prove each optimum")
    p.add_argument(
        "--save", metavar="FILE", default=None, help="the challenge's own game (created when missing); play it there"
    )
    add_pack_options(p)


# ----------------------------------------------------------------------------------------------------- review


def _card_json(game: Game, card: ReviewCard) -> dict[str, Any]:
    catalog = game.catalog
    return {
        "id": card.id,
        "kind": card.kind,
        "concept": card.concept,
        "question": card.question,
        "options": [
            {"number": n, "value": o, "name": render.name(catalog, o) if card.kind != "fact" else o}
            for n, o in enumerate(card.options, 1)
        ],
        "pick_all": card.pick_all,
    }


def _result_json(game: Game, result: ReviewResult) -> dict[str, Any]:
    source = result.source
    return {
        "card": result.card.id,
        "correct": result.correct,
        "given": list(result.given),
        "answers": list(result.card.answers),
        "due": result.due,
        "credited": list(result.credited),
        "mastery": result.mastery,
        "source": None if source is None else {"title": source.title, "url": source.url, "kind": source.kind},
    }


def _card_lines(console: Console, game: Game, card: ReviewCard, number: int | None = None) -> list[str]:
    style = console.style
    head = f"{number}. " if number is not None else ""
    lines = [style.bold(f"{head}{card.question}") + style.dim(f"  [{card.id}]")]
    for n, option in enumerate(card.options, 1):
        label = option if card.kind == "fact" else render.name(game.catalog, option)
        lines.append(f"   {n}) {label}")
    if card.pick_all:
        lines.append(style.dim("   (choose every right option, separated by commas)"))
    return lines


def _result_lines(console: Console, game: Game, result: ReviewResult, now: float) -> list[str]:
    style = console.style
    card = result.card
    names = [a if card.kind == "fact" else render.name(game.catalog, a) for a in card.answers]
    lines = [style.good("Right.") if result.correct else style.bad("Not quite.") + f" The answer: {', '.join(names)}"]
    if result.source is not None:
        lines.append(style.dim(f"Source: {result.source.title} <{result.source.url}>"))
    if result.credited:
        lines.append(style.dim(f"Also refreshed: {', '.join(result.credited)}"))
    lines.append(style.dim(f"Next review in {render.format_duration(max(0.0, result.due - now))}; {result.mastery}."))
    return lines


def _split(card: ReviewCard, text: str) -> list[str]:
    if not card.pick_all:
        return [text]
    return [part for part in text.replace("+", ",").split(",") if part.strip()]


def cmd_review(args: argparse.Namespace, console: Console) -> int:
    catalog = catalog_from(args)
    save = save_path(args, console.env)
    game = open_game(catalog, save)
    now = time.time()
    if args.card is not None or args.answer is not None:
        if args.card is None or args.answer is None:
            raise CliError("--card and --answer go together", status=2)
        card = next((c for c in game.review_cards() if c.id == args.card), None)
        if card is None:
            raise CliError(f"no card {args.card!r} in this game (see `craftcore review`)", kind="review")
        result = game.answer(card, _split(card, args.answer), now)
        if save is not None:
            game.save(save)
        if args.json:
            console.json(_result_json(game, result))
        else:
            console.lines(_result_lines(console, game, result, now))
        return 0
    queue = game.review_queue(now, limit=max(0, args.limit))
    if args.quiz:
        return _quiz(console, game, queue, save)
    if args.json:
        console.json({"due": [_card_json(game, c) for c in queue], **learning_json(game, now)})
        return 0
    if not queue:
        console.print("Nothing to review right now: discover something, or come back later.")
    for number, card in enumerate(queue, 1):
        console.lines(_card_lines(console, game, card, number))
    if queue:
        console.print(console.style.dim("Answer with: craftcore review --card ID --answer N (or --quiz)"))
    return 0


def _quiz(console: Console, game: Game, queue: tuple[ReviewCard, ...], save: str | None) -> int:
    def saved() -> bool:
        if save is None:
            return False
        game.save(save)
        return True

    play_review(console, game, saved, queue)
    return 0


def play_review(
    console: Console, game: Game, saved: Callable[[], bool], queue: tuple[ReviewCard, ...] | None = None
) -> None:
    """Ask the due cards one by one until an empty answer (the play menu's review, and ``review --quiz``)."""
    if queue is None:
        queue = game.review_queue(time.time(), limit=10)
    if not queue:
        console.print("Nothing to review right now: discover something, or come back later.")
        return
    right = 0
    asked = 0
    for card in queue:
        console.lines(_card_lines(console, game, card))
        try:
            text = console.ask("answer> ").strip()
        except EOFError:
            break
        if not text or text.lower() in {"q", "quit"}:
            break
        now = time.time()
        result = game.answer(card, _split(card, text), now)
        asked += 1
        right += result.correct
        saved()
        console.lines(_result_lines(console, game, result, now))
        console.print()
    console.print(f"Reviewed {asked} card{'s' if asked != 1 else ''}, {right} right.")


def play_challenge(console: Console, game: Game, *, budget: float = 2.0) -> None:
    """Today's challenge, and this game's result on it (the play menu's challenge)."""
    challenge = craftcore.daily_challenge(game.catalog, _date(None), budget=budget)
    name = render.name(game.catalog, challenge.target)
    console.print(console.style.bold(f"Daily challenge {challenge.date}: discover {name}") + f" (par {challenge.par})")
    result = craftcore.challenge_result(game, challenge)
    if result.code is None:
        console.print(f"Play it in a game of its own: craftcore daily --save daily-{challenge.date}.json")
    else:
        console.print(console.style.good(f"This game: {result.summary}"))
        console.print(f"Share it: {result.code}")


def learning_json(game: Game, now: float) -> dict[str, Any]:
    """Mastery per category and path, and counted help (for ``review --json`` and ``stats --json``)."""
    progress = game.mastery_progress(now)
    stats = game.help_stats()

    def counts(c: craftcore.MasteryCount) -> dict[str, int]:
        return {"total": c.total, "discovered": c.discovered, "practised": c.practised, "mastered": c.mastered}

    return {
        "mastery": {
            "categories": {k: counts(v) for k, v in progress.categories.items()},
            "paths": {k: counts(v) for k, v in progress.paths.items()},
        },
        "help": {
            "unaided": stats.unaided,
            "guided": stats.guided,
            "hints": stats.hints,
            "plans": stats.plans,
            "undos": stats.undos,
        },
        "reviews": len(game.reviews),
    }


def learning_lines(console: Console, game: Game, now: float) -> list[str]:
    """Mastery per category and counted help, as lines."""
    style = console.style
    progress = game.mastery_progress(now)
    stats = game.help_stats()
    lines = [
        f"Discoveries: {stats.unaided} unaided, {stats.guided} guided "
        f"({stats.hints} hints, {stats.plans} plans, {stats.undos} undos); {len(game.reviews)} reviews",
        "Mastery (discovered / practised / mastered of total):",
    ]
    for cat, c in progress.categories.items():
        label = render.category_name(game.catalog, cat)
        lines.append(f"  {label:<28} {c.discovered:>3} / {c.practised:>3} / {c.mastered:>3} of {c.total}")
    for pid, c in progress.paths.items():
        label = game.catalog.paths[pid].name
        lines.append(
            style.dim(f"  path {label:<23} {c.discovered:>3} / {c.practised:>3} / {c.mastered:>3} of {c.total}")
        )
    return lines


# ----------------------------------------------------------------------------------------------------- challenges


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    catalog = catalog_from(args)
    code = console.stdin.read(MAX_CODE_CHARS + 1) if args.code == "-" else args.code
    check = craftcore.verify_route(code, catalog, budget=args.budget)
    route = check.route
    if args.json:
        console.json(
            {
                "valid": True,
                "targets": list(route.targets),
                "steps": [list(s) for s in route.steps],
                "discovered": list(check.discovered),
                "optimum": check.optimum,
                "par": check.par,
                "hints": route.hints,
                "date": route.date,
                "packs": [{"id": i, "version": v} for i, v in route.packs],
            }
        )
        return 0
    targets = ", ".join(render.name(catalog, t) for t in route.targets)
    daily = f" (daily challenge {route.date})" if route.date else ""
    console.print(console.style.good(f"Valid route to {targets}{daily}: {check.steps} steps"))
    for number, (inputs, new) in enumerate(zip(route.steps, check.discoveries, strict=True), 1):
        made = ", ".join(render.name(catalog, c) for c in new)
        console.print(f"  {number:>3}. {render.combination(catalog, inputs)} → {made}")
    optimum = "not proven" if check.optimum is None else f"{check.optimum} steps"
    par = "" if check.par is None else f", par {check.par}"
    console.print(f"Optimum: {optimum}{par}; {route.hints} hint{'s' if route.hints != 1 else ''} used.")
    return 0


def _date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.datetime.now(datetime.UTC).date()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--date: {text!r} is not a date (YYYY-MM-DD)", status=2) from None


def cmd_daily(args: argparse.Namespace, console: Console) -> int:
    catalog = catalog_from(args)
    challenge = craftcore.daily_challenge(catalog, _date(args.date), budget=args.budget)
    save = args.save
    result = None
    if save is not None:
        created = not pathlib.Path(save).exists()
        game = open_game(catalog, save)
        if created:
            game.save(save)
        result = craftcore.challenge_result(game, challenge)
    if args.json:
        data: dict[str, Any] = {
            "date": challenge.date,
            "target": challenge.target,
            "optimum": challenge.optimum,
            "par": challenge.par,
        }
        if result is not None:
            data.update(
                solved=result.steps is not None,
                steps=result.steps,
                hints=result.hints,
                summary=result.summary,
                code=result.code,
            )
        console.json(data)
        return 0
    name = render.name(catalog, challenge.target)
    console.print(console.style.bold(f"Daily challenge {challenge.date}: discover {name}") + f" (par {challenge.par})")
    if result is None:
        console.print(f"Play it in a game of its own: craftcore daily --save daily-{challenge.date}.json")
    elif result.code is None:
        console.print(f"Not solved yet ({len(game.steps)} steps so far). Play: craftcore play --save {save}")
    else:
        console.print(console.style.good(f"Solved: {result.summary}"))
        console.print(f"Share it: {result.code}")
    return 0

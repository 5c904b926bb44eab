"""Text formatting for the command line: colour, stars, wrapping, and the views of concepts, results and stats.

Nothing here prints: every function returns text (a list of lines or a string) so the same views serve the
interactive game and the one-shot commands, and tests compare plain strings.
"""

from __future__ import annotations

import datetime
import math
import os
import shutil
import textwrap
from collections.abc import Iterable, Mapping
from typing import IO, Any

import attrs

from craftcore import (
    Catalog,
    CombineResult,
    Concept,
    CraftError,
    Game,
    Plan,
    Prerequisites,
    Problem,
    level_for_score,
)

__all__ = [
    "Style",
    "combination",
    "concept_details",
    "discovered_by_category",
    "failure_lines",
    "format_duration",
    "next_level_score",
    "path_left",
    "path_lines",
    "plan_lines",
    "result_lines",
    "stats_lines",
]

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}
_EMOJI = {"new": "✨ ", "level": "🎉 ", "hint": "💡 ", "fail": "❌ ", "saved": "💾 ", "path": "🧭 ", "undo": "↩️  "}


@attrs.frozen
class Style:
    """How to decorate text: ANSI colour and emoji only for a terminal that wants them."""

    color: bool = False
    emoji: bool = False
    #: The star character: ``★`` when the output can encode it, ``*`` otherwise.
    star: str = "★"
    width: int = 88

    @classmethod
    def for_stream(cls, stream: IO[str], env: Mapping[str, str] | None = None, mode: str = "auto") -> Style:
        """The style for ``stream``: decorated when it is a terminal, ``NO_COLOR`` is unset and TERM is not dumb.

        :param mode: ``auto``, ``always`` or ``never`` (the ``--color`` option).
        """
        env = os.environ if env is None else env
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if mode == "always":
            fancy = True
        elif mode == "never":
            fancy = False
        else:
            fancy = tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "★─".encode(encoding)
            star = "★"
        except (UnicodeEncodeError, LookupError):
            star = "*"
        width = 88
        if tty:
            columns = env.get("COLUMNS", "")
            width = int(columns) if columns.isdigit() else shutil.get_terminal_size((88, 24)).columns
        return cls(color=fancy, emoji=fancy and star == "★", star=star, width=max(40, min(width, 120)))

    def paint(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\033[{codes}m{text}\033[0m"

    def bold(self, text: str) -> str:
        return self.paint(text, "bold")

    def dim(self, text: str) -> str:
        return self.paint(text, "dim")

    def good(self, text: str) -> str:
        return self.paint(text, "bold", "green")

    def bad(self, text: str) -> str:
        return self.paint(text, "bold", "red")

    def note(self, text: str) -> str:
        return self.paint(text, "cyan")

    def stars(self, level: int) -> str:
        return self.paint(self.star * level, "yellow")

    def icon(self, name: str) -> str:
        return _EMOJI.get(name, "") if self.emoji else ""

    def wrap(self, text: str, indent: str = "", first: str | None = None) -> list[str]:
        """``text`` wrapped to the style's width (paragraphs kept)."""
        first = indent if first is None else first
        return textwrap.wrap(
            text,
            width=self.width,
            initial_indent=first,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [first.rstrip()]

    def bar(self, done: int, total: int, width: int = 20) -> str:
        filled = round(width * done / total) if total else width
        full, empty = ("█", "░") if self.star == "★" else ("#", ".")
        return self.paint(full * filled, "green") + self.dim(empty * (width - filled))


# ----------------------------------------------------------------------------------------------------- small parts


def name(catalog: Catalog, cid: str) -> str:
    concept = catalog.concepts.get(cid)
    return concept.name if concept is not None else cid


def combination(catalog: Catalog, inputs: Iterable[str]) -> str:
    """``A + B + C`` with concept names."""
    return " + ".join(name(catalog, c) for c in inputs)


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_time(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")


def format_value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def next_level_score(score: int) -> int:
    """The smallest score that reaches the next level (found with :func:`craftcore.level_for_score` alone)."""
    level = level_for_score(score)
    low, high = score, max(score, 1) * 2 + 100
    while level_for_score(high) <= level:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if level_for_score(mid) > level:
            high = mid
        else:
            low = mid
    return high


def category_name(catalog: Catalog, category: str) -> str:
    found = catalog.categories.get(category)
    return found.name if found is not None else category


def concept_heading(style: Style, catalog: Catalog, concept: Concept) -> str:
    return (
        f"{style.bold(concept.name)} {style.stars(concept.level)} "
        f"{style.dim('(' + concept.id + ', ' + category_name(catalog, concept.category) + ')')}"
    )


def _properties(style: Style, concept: Concept, indent: str) -> list[str]:
    lines = []
    for key, value in concept.properties.items():
        wrapped = style.wrap(format_value(value), indent + "    ", first=f"{indent}  {key}: ")
        wrapped[0] = wrapped[0].replace(f"{key}:", f"{style.note(key)}:", 1)
        lines += wrapped
    return lines


# ----------------------------------------------------------------------------------------------------- views


def result_lines(style: Style, game: Game, result: CombineResult) -> list[str]:
    """What to tell the player after a combine call."""
    catalog = game.catalog
    combo = combination(catalog, result.inputs)
    lines: list[str]
    if not result.success:
        lines = [f"{style.icon('fail')}{style.bad('No discovery:')} {combo} does not combine."]
        if result.hint:
            hint = style.wrap(result.hint, "      ", first="Hint: ")
            lines += [style.icon("hint") + hint[0], *hint[1:]]
        return lines
    if not result.new:
        known = ", ".join(name(catalog, c) for c in result.outputs)
        return [f"{combo} gives {known}, which you have already discovered."]
    lines = []
    why = result.why
    for cid in result.new:
        concept = catalog.concepts[cid]
        discovery = game.discovered[cid]
        how = "" if discovery.source == "recipe" else style.dim(" (unlocked)")
        heading = concept_heading(style, catalog, concept)
        lines.append(f"{style.icon('new')}{style.good('New discovery:')} {heading}{how}")
        lines += style.wrap(concept.description, "   ")
        if concept.properties:
            lines.append("   properties:")
            lines += _properties(style, concept, "   ")
    for text in why:
        lines += style.wrap(text, "     ", first="Why: ")
    lines.append(f"+{result.points} points: score {game.score}, level {game.level}.")
    if result.level_up:
        lines.append(f"{style.icon('level')}{style.good(f'Level up! You reached level {result.level_up}.')}")
    return lines


def concept_details(style: Style, game: Game, cid: str, *, how_to_path: str = "`craftcore path`") -> list[str]:
    """Everything about one concept: description, properties, resources, how and when it was found, where it leads.

    :param how_to_path: how this frontend shows the way to a concept (``option 7`` in the game).
    """
    catalog = game.catalog
    concept = catalog.concepts[cid]
    lines = [concept_heading(style, catalog, concept)]
    lines += style.wrap(concept.description, "  ")
    if concept.properties:
        lines.append("properties:")
        lines += _properties(style, concept, "")
    if concept.resources:
        lines.append("resources:")
        for r in concept.resources:
            lines.append(f"  [{r.kind}] {r.title}")
            lines.append(f"      {style.note(r.url)}")
    discovery = game.discovered.get(cid)
    if discovery is None:
        lines.append(style.dim(f"Not discovered yet: {how_to_path} shows how to get there."))
        return lines
    when = format_time(discovery.time)
    if discovery.source == "start":
        lines.append(f"You started with it ({when}).")
    elif discovery.source == "unlock":
        lines.append(f"Unlocked at step {discovery.step}, {when}.")
    else:
        lines.append(
            f"Discovered at step {discovery.step}, {when}: {combination(catalog, discovery.inputs)} "
            f"(+{discovery.points} points)."
        )
        if discovery.recipe is not None and discovery.recipe.why:
            lines += style.wrap(discovery.recipe.why, "  ", first="  why: ")
    leads = game.leads_to(cid)
    if not catalog.used_in(cid):
        lines.append("A final concept: no combination uses it.")
    elif game.is_final(cid):
        lines.append("Leads to nothing new any more (every combination using it is spent).")
    if leads:
        lines.append("With what you know, it leads to:")
        for recipe in leads:
            outs = ", ".join(
                name(catalog, o) if o in game.discovered else "? (not discovered yet)" for o in recipe.outputs
            )
            extra = f" (with {combination(catalog, recipe.requires)} known)" if recipe.requires else ""
            lines.append(f"  {combination(catalog, recipe.inputs)}{extra} -> {outs}")
    return lines


def discovered_by_category(style: Style, game: Game) -> list[str]:
    catalog = game.catalog
    groups: dict[str, list[str]] = {}
    for cid in game.discovered:
        groups.setdefault(catalog.concepts[cid].category, []).append(cid)
    totals: dict[str, int] = {}
    for concept in catalog.concepts.values():
        totals[concept.category] = totals.get(concept.category, 0) + 1
    order = [c for c in catalog.categories if c in groups] + sorted(c for c in groups if c not in catalog.categories)
    lines = [f"Discovered {len(game.discovered)} of {len(catalog.concepts)} concepts."]
    for category in order:
        members = sorted(groups[category], key=lambda c: (catalog.concepts[c].level, catalog.concepts[c].name))
        lines.append(style.bold(f"{category_name(catalog, category)} ({len(members)}/{totals[category]})"))
        for cid in members:
            concept = catalog.concepts[cid]
            pad = " " * (5 - concept.level)
            discovery = game.discovered[cid]
            when = "start" if discovery.source == "start" else f"step {discovery.step}, {format_time(discovery.time)}"
            lines.append(
                f"  {style.stars(concept.level)}{pad} {concept.name} {style.dim('(' + cid + ')')}  {style.dim(when)}"
            )
    return lines


def stats_lines(style: Style, game: Game, now: float, played: float | None = None) -> list[str]:
    """Score, level, progress per star level, combinations and time.

    :param played: seconds actually played (kept by the frontend across sessions); without it, the time since the
        game started is shown as such.
    """
    catalog = game.catalog
    total = len(catalog.concepts)
    found = len(game.discovered)
    lines = [
        f"Score: {style.bold(str(game.score))}   Level: {style.bold(str(game.level))} "
        f"(next level at {next_level_score(game.score)} points)",
        f"Discovered: {found} of {total} concepts ({100 * found // max(total, 1)}%)"
        + (" - everything reachable!" if game.complete else ""),
        "Progress per difficulty level:",
    ]
    for level, (done, of) in game.progress().items():
        if not of:
            continue
        pad = " " * (5 - level)
        lines.append(f"  {style.stars(level)}{pad} {done:>4}/{of:<4} {style.bar(done, of)} {100 * done // of:>3}%")
    lines.append(f"Combinations: {len(game.steps)} discovering, {len(game.attempts)} failed")
    if played is None:
        lines.append(
            f"Time since the game started: {format_duration(now - game.started)} ({format_time(game.started)})"
        )
    else:
        lines.append(f"Time played: {format_duration(played)} (the game started {format_time(game.started)})")
    return lines


def plan_quality(plan: Plan) -> str:
    """What is proven of a plan's length, in words."""
    return "the fewest possible" if plan.optimal else f"at least {math.ceil(plan.lower_bound)} are needed"


def plan_lines(style: Style, game: Game, plan: Plan, prerequisites: Prerequisites | None) -> list[str]:
    catalog = game.catalog
    targets = [catalog.concepts[t] for t in plan.targets]
    heading = ", ".join(concept_heading(style, catalog, t) for t in targets)
    lines = [f"{style.icon('path')}Learning path to {heading}"]
    if not plan.steps:
        lines.append(f"You have discovered {' and '.join(t.name for t in targets)} already.")
    else:
        quality = plan_quality(plan)
        lines.append(
            f"{len(plan.steps)} combination{'s' if len(plan.steps) != 1 else ''} from where you are ({quality}):"
        )
        for number, step in enumerate(plan.steps, 1):
            outs = ", ".join(name(catalog, o) for o in step.outputs)
            extra = f"  (needs {combination(catalog, step.requires)} known)" if step.requires else ""
            lines.append(f"  {number:>2}. {combination(catalog, step.inputs)} -> {style.bold(outs)}{extra}")
    if prerequisites is not None:
        known = " ✓" if style.star == "★" else " (known)"
        lines.append(f"Prerequisites, from the start concepts up ({known.strip()} = discovered):")
        for depth, layer in enumerate(prerequisites.layers):
            marks = [name(catalog, c) + (known if c in game.discovered else "") for c in layer]
            lines += style.wrap(", ".join(marks), "      ", first=f"  {depth:>2}: ")
    return lines


def path_left(game: Game, path_id: str, budget: float) -> Plan | None:
    """The plan that discovers every remaining step of a learning path at once, or None when none is left or some
    step cannot be obtained from here."""
    steps = [c for c in game.catalog.paths[path_id].steps if c not in game.discovered]
    if not steps:
        return None
    try:
        return game.plan(*steps, budget=budget, record=False)
    except CraftError:
        return None


def path_lines(style: Style, game: Game, path_id: str, *, full: bool, left: Plan | None = None) -> list[str]:
    """A learning path: a line of progress, or (``full``) its steps too and, given ``left`` (the plan that discovers
    every remaining step at once), how many combinations finishing it takes."""
    catalog = game.catalog
    progress = game.path_progress(path_id)
    path = progress.path
    done, total = len(progress.done), len(path.steps)
    head = f"{style.bold(path.name)} {style.dim('(' + path.id + ')')}  {done}/{total} {style.bar(done, total, 10)}"
    nxt = style.good("complete") if progress.next is None else f"next: {name(catalog, progress.next)}"
    if not full:
        return [head, f"    {nxt}"]
    lines = [head, *style.wrap(path.description, "  ")]
    for number, cid in enumerate(path.steps, 1):
        if cid in game.discovered:
            mark = style.good("✓" if style.star == "★" else "x")
        else:
            mark = style.paint(">", "bold", "yellow") if cid == progress.next else " "
        lines.append(f"  [{mark}] {number:>2}. {name(catalog, cid)}")
    lines.append(f"  {nxt}")
    if left is not None and left.steps:
        n = len(left.steps)
        lines.append(f"  {n} combination{'s' if n != 1 else ''} to finish it from here ({plan_quality(left)})")
    return lines


def failure_lines(style: Style, game: Game) -> list[str]:
    catalog = game.catalog
    attempts = game.attempts
    if not attempts:
        return ["No failed combinations yet."]
    lines = [f"{len(attempts)} failed combination{'s' if len(attempts) != 1 else ''} (they teach constraints):"]
    for attempt in attempts:
        lines.append(f"  after step {attempt.after_step:>3}: {combination(catalog, attempt.inputs)}")
        if attempt.hint is not None:  # what the game said then, not what it would say now
            lines += style.wrap(attempt.hint, "            ", first="      hint: ")
    return lines


def problem_line(problem: Problem) -> str:
    return str(problem)

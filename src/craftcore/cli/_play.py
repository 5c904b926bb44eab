"""The interactive game: the seed's numbered menu plus learning paths, hints, undo and the failure log."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Collection

import craftcore
from craftcore import Catalog, CraftError, Game, NotDiscovered, SaveError, UnknownConcept, Unreachable
from craftcore.cli import _render as render
from craftcore.cli._commands import available_lines, not_discovered
from craftcore.cli._console import Console
from craftcore.cli._names import Completer, describe_unknown, parse_combination, resolve, resolve_path
from craftcore.cli._session import catalog_from, open_game, save_path

__all__ = ["MENU", "Play", "cmd_play"]

TITLE = "LLM Efficiency InfiniteCraft"
DEFAULT_SAVE = "craftcore-save.json"

#: (key, word, label): the seed's numbers first, then the additions.
MENU: tuple[tuple[str, str, str], ...] = (
    ("1", "available", "Available combinations"),
    ("2", "combine", "Combine concepts"),
    ("3", "discovered", "Discovered concepts"),
    ("4", "stats", "Statistics"),
    ("5", "search", "Search concepts"),
    ("6", "details", "Concept details"),
    ("7", "path", "Learning path to a concept"),
    ("8", "save", "Save game"),
    ("9", "load", "Load game"),
    ("p", "paths", "Learning paths: progress and next step"),
    ("h", "hint", "Hint: what to try next"),
    ("u", "undo", "Undo the last discovery"),
    ("f", "failed", "Failed combinations"),
    ("r", "review", "Review what you discovered (spaced repetition)"),
    ("c", "challenge", "Today's challenge"),
    ("?", "help", "Show this menu"),
    ("0", "exit", "Exit"),
)
_ALIASES = {
    "q": "exit",
    "quit": "exit",
    "menu": "help",
    "h?": "help",
    "info": "details",
    "stat": "stats",
    "statistics": "stats",
    "concepts": "discovered",
    "list": "discovered",
    "find": "search",
}


def cmd_play(args: argparse.Namespace, console: Console) -> int:
    catalog = catalog_from(args)
    save = save_path(args, console.env)
    game = open_game(catalog, save)
    return Play(console, game, save, budget=args.budget).run()


class Play:
    """One interactive session: reads choices from the console until exit, end of input or Ctrl-C."""

    def __init__(self, console: Console, game: Game, save: str | None, *, budget: float = 1.0) -> None:
        self.console = console
        self.style = console.style
        self.game = game
        self.save = save
        self.budget = budget
        self.following: str | None = None
        self._hinted: tuple[str, ...] | None = None
        self.completer = Completer(game.catalog)
        self._actions: dict[str, Callable[[str], bool | None]] = {
            "available": self.do_available,
            "combine": self.do_combine,
            "discovered": self.do_discovered,
            "stats": self.do_stats,
            "search": self.do_search,
            "details": self.do_details,
            "path": self.do_path,
            "save": self.do_save,
            "load": self.do_load,
            "paths": self.do_paths,
            "hint": self.do_hint,
            "undo": self.do_undo,
            "failed": self.do_failed,
            "review": self.do_review,
            "challenge": self.do_challenge,
            "help": self.do_help,
            "exit": self.do_exit,
        }
        self._keys = {key: word for key, word, _ in MENU} | {word: word for _, word, _ in MENU} | _ALIASES

    @property
    def catalog(self) -> Catalog:
        return self.game.catalog

    # ------------------------------------------------------------------------------------------------- loop

    def run(self) -> int:
        self.console.use_readline(self.completer)
        self.banner()
        self.do_help("")
        status = 0
        busy = False  # a command is running: if it is interrupted, what it did is not saved
        try:
            while True:
                self.completer.pool, self.completer.extra = self.game.discovered, [w for _, w, _ in MENU]
                line = self.console.ask(self.style.bold("\nchoice [0-9 p h u f, ? menu]> "))
                busy = True
                if self.dispatch(line) is False:
                    break
                busy = False
        except EOFError:
            pass
        except KeyboardInterrupt:
            self.console.print()
            status = 130
        if busy and status == 130 and self.save is not None:
            self.console.print(f"Not saved: the last command was interrupted; {self.save} keeps the last saved game.")
            self.save = None
            self.console.print("Goodbye!")
            return status
        self.leave()
        return status

    def dispatch(self, line: str) -> bool | None:
        """Run one menu line (``2``, ``combine``, ``2 A + B``, or ``A + B``); ``False`` means exit."""
        line = line.strip()
        if not line:
            return None
        head, _, rest = line.partition(" ")
        word = self._keys.get(head.casefold())
        if word is None:
            if "+" in line:
                self.do_combine(line)
                return None
            self.console.print(f"Unknown choice {head!r}: type a number or letter from the menu (? shows it).")
            return None
        return self._actions[word](rest.strip())

    def ask(self, prompt: str, *, pool: Collection[str] | None = None) -> str:
        self.completer.pool = pool
        self.completer.extra = ()
        return self.console.ask(prompt).strip()

    def banner(self) -> None:
        game, catalog = self.game, self.catalog
        packs = ", ".join(f"{p.name} {p.version}" for p in catalog.packs)
        self.console.print(self.style.bold(f"{TITLE}") + self.style.dim(f"  (craftcore {craftcore.__version__})"))
        self.console.lines(self.style.wrap(packs, "       ", first="Packs: "))
        if game.steps or game.attempts:
            self.console.print(
                f"Resumed {self.save}: {len(game.discovered)} of {len(catalog.concepts)} concepts "
                f"discovered, score {game.score}, level {game.level}."
            )
        else:
            starts = [render.name(catalog, c) for c in catalog.starts]
            listed = ", ".join(starts[:-1]) + (" and " if len(starts) > 1 else "") + starts[-1]
            self.console.print(f"New game: you start with {listed}. Combine them to discover more.")
        if self.save:
            self.console.print(self.style.dim(f"Saving to {self.save} after every discovery."))

    def leave(self) -> None:
        if self.save is not None:
            if self.autosave():
                self.console.print(f"{self.style.icon('saved')}Game saved to {self.save}.")
        elif self.game.steps:
            self.console.print("Not saved (use option 8, or start with --save FILE).")
        self.console.print("Goodbye!")

    def autosave(self) -> bool:
        if self.save is None:
            return False
        try:
            self.game.save(self.save)
        except OSError as exc:
            self.console.warn(f"cannot save to {self.save}: {exc.strerror or exc}")
            return False
        return True

    # ------------------------------------------------------------------------------------------------- helpers

    def concept(self, text: str, prompt: str, *, discovered_first: bool = True) -> str | None:
        """A concept from ``text`` or, when empty, from a prompt; ``None`` (after saying why) when there is none."""
        if not text:
            text = self.ask(prompt, pool=None)
            if not text:
                return None
        try:
            return resolve(self.catalog, text, among=self.game.discovered if discovered_first else None)
        except UnknownConcept as exc:
            self.console.print(describe_unknown(self.catalog, exc))
            return None

    # ------------------------------------------------------------------------------------------------- actions

    def do_help(self, _: str) -> None:
        self.console.print(self.style.bold("Menu"))
        for key, _word, label in MENU:
            self.console.print(f"  {self.style.bold(key)}  {label}")
        self.console.print(self.style.dim("  A + B at the prompt combines directly; names, ids and prefixes work."))

    def do_exit(self, _: str) -> bool:
        return False

    def do_available(self, _: str) -> None:
        self.console.lines(available_lines(self.console, self.game, limit=30))

    def do_combine(self, text: str) -> None:
        if not text:
            text = self.ask("Combine (1-4 concepts separated by +, Tab completes): ", pool=self.game.discovered)
            if not text:
                return
        try:
            ids = parse_combination(self.catalog, text, among=self.game.discovered)
            if not ids:
                self.console.print("Type the concepts to combine, separated by +.")
                return
            result = self.game.combine(*ids)
        except UnknownConcept as exc:
            self.console.print(describe_unknown(self.catalog, exc))
            return
        except NotDiscovered as exc:
            self.console.print(not_discovered(self.catalog, exc))
            return
        except CraftError as exc:
            self.console.print(str(exc))
            return
        self.console.lines(render.result_lines(self.style, self.game, result))
        if result.new:
            self._hinted = None
            if self.following is not None:
                progress = self.game.path_progress(self.following)
                if set(result.new) & set(progress.path.steps):
                    self.console.lines(render.path_lines(self.style, self.game, self.following, full=False))
        if result.new or not result.success:
            self.autosave()

    def do_discovered(self, _: str) -> None:
        self.console.lines(render.discovered_by_category(self.style, self.game))

    def do_stats(self, _: str) -> None:
        self.console.lines(render.stats_lines(self.style, self.game, time.time()))

    def do_search(self, text: str) -> None:
        if not text:
            text = self.ask("Search for: ")
            if not text:
                return
        hits = self.catalog.search(text, limit=20)
        if not hits:
            self.console.print(f"No concept mentions {text!r}.")
            return
        for concept in hits:
            known = "" if concept.id in self.game.discovered else self.style.dim("  (not discovered yet)")
            pad = " " * (5 - concept.level)
            self.console.print(
                f"  {self.style.stars(concept.level)}{pad} {concept.name} "
                f"{self.style.dim('(' + concept.id + ')')}{known}"
            )

    def do_details(self, text: str) -> None:
        cid = self.concept(text, "Concept: ")
        if cid is not None:
            self.console.lines(render.concept_details(self.style, self.game, cid))

    def do_path(self, text: str) -> None:
        cid = self.concept(text, "Learning path to which concept? ", discovered_first=False)
        if cid is None:
            return
        try:
            plan = self.game.plan(cid, budget=self.budget)
            prerequisites = self.game.prerequisites(cid, budget=self.budget)
        except Unreachable as exc:
            self.console.print(str(exc))
            return
        self.console.lines(render.plan_lines(self.style, self.game, plan, prerequisites))

    def do_save(self, text: str) -> None:
        target = text or self.ask(f"Save to [{self.save or DEFAULT_SAVE}]: ") or self.save or DEFAULT_SAVE
        previous, self.save = self.save, target
        if self.autosave():
            self.console.print(f"{self.style.icon('saved')}Saved to {target}; later discoveries are saved there too.")
        else:
            self.save = previous

    def do_load(self, text: str) -> None:
        source = text or self.ask(f"Load from [{self.save or DEFAULT_SAVE}]: ") or self.save or DEFAULT_SAVE
        try:
            game = Game.load(source, self.catalog, clock=time.time)
        except SaveError as exc:
            self.console.print(f"Cannot load: {exc}")
            return
        self.game, self.save, self._hinted = game, source, None
        self.console.print(
            f"Loaded {source}: {len(game.discovered)} of {len(self.catalog.concepts)} concepts "
            f"discovered, score {game.score}, level {game.level}."
        )

    def do_paths(self, text: str) -> None:
        if not self.catalog.paths:
            self.console.print("The loaded packs define no learning paths.")
            return
        if not text:
            for pid in self.catalog.paths:
                self.console.lines(render.path_lines(self.style, self.game, pid, full=False))
            text = self.ask("Show and follow which path? (Enter to go back) ")
            if not text:
                return
        try:
            pid = resolve_path(self.catalog, text)
        except UnknownConcept as exc:
            self.console.print(describe_unknown(self.catalog, exc, "learning path"))
            return
        self.following = pid
        self.console.lines(render.path_lines(self.style, self.game, pid, full=True))
        self.console.print(self.style.dim("Hints (h) now lead along this path."))

    def do_hint(self, _: str) -> None:
        available = list(self.game.available())
        if not available:
            self.console.lines(available_lines(self.console, self.game))
            return
        combo = self._hint_combination(available)
        catalog = self.catalog
        if combo != self._hinted:
            self._hinted = combo
            others = len(combo) - 1
            tail = f" with {others} other concept{'s' if others != 1 else ''} you know" if others else " on its own"
            self.console.print(
                f"{self.style.icon('hint')}Try {render.name(catalog, combo[0])}{tail}. "
                "(Ask again for the whole combination.)"
            )
        else:
            self.console.print(f"{self.style.icon('hint')}Try {render.combination(catalog, combo)}.")

    def _hint_combination(self, available: list[tuple[str, ...]]) -> tuple[str, ...]:
        game = self.game
        if self.following is not None:
            progress = game.path_progress(self.following)
            if progress.next is not None:
                try:
                    plan = game.plan(progress.next, budget=self.budget)
                except (Unreachable, CraftError):
                    plan = None
                if plan is not None and plan.steps:
                    return plan.steps[0].inputs

        def newest(inputs: tuple[str, ...]) -> tuple[int, int]:
            levels = [
                self.catalog.concepts[o].level
                for r in self.catalog.recipes_for(inputs)
                for o in r.outputs
                if o not in game.discovered
            ]
            recent = max(game.discovered[c].step for c in inputs)
            return (min(levels, default=9), -recent)

        return min(available, key=newest)

    def do_undo(self, _: str) -> None:
        try:
            step = self.game.undo()
        except CraftError as exc:
            self.console.print(str(exc).capitalize())
            return
        lost = ", ".join(render.name(self.catalog, c) for c in step.new)
        self.console.print(
            f"{self.style.icon('undo')}Took back step {step.number}: "
            f"{render.combination(self.catalog, step.inputs)} (forgot {lost}). "
            f"Score {self.game.score}, level {self.game.level}."
        )
        self._hinted = None
        self.autosave()

    def do_failed(self, _: str) -> None:
        self.console.lines(render.failure_lines(self.style, self.game))

    # ------------------------------------------------------------------------------------------------- learning

    def do_review(self, _: str) -> None:
        from craftcore.cli._learn import play_review

        play_review(self.console, self.game, self.autosave)

    def do_challenge(self, _: str) -> None:
        from craftcore.cli._learn import play_challenge

        play_challenge(self.console, self.game, budget=self.budget)

"""The interactive game: the seed's numbered menu plus learning paths, hints, undo, checkpoints and the failure log."""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import time
from collections.abc import Callable, Collection, Mapping

import craftcore
from craftcore import (
    Catalog,
    CraftError,
    Game,
    InvalidCombination,
    NotDiscovered,
    SaveError,
    UnknownConcept,
    UnknownPath,
    Unreachable,
)
from craftcore._rules import MAX_INPUTS, MIN_INPUTS
from craftcore._saves import write_save
from craftcore.cli import _render as render
from craftcore.cli._commands import available_lines, not_discovered
from craftcore.cli._console import CliError, Console
from craftcore.cli._names import Completer, describe_unknown
from craftcore.cli._session import (
    IDLE_SECONDS,
    catalog_from,
    check_writable,
    data_dir,
    estimate_played,
    load_game,
    open_game_played,
    save_path,
)

__all__ = ["CHECKPOINT_NAME", "MENU", "Play", "checkpoint_dir", "cmd_play"]

#: Checkpoint names: letters, digits, ``-``, ``_``, ``.`` and spaces, not starting with a dot, at most 64.
CHECKPOINT_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_. -]{0,63}")
#: Where the line mode tells the player to look (the one-shot commands name their own commands).
HOW_TO_LIST = "option 1 lists what you can combine"
HOW_TO_PATH = "option 7"

#: (key, word, label): the seed's numbers first, then the additions.
MENU: tuple[tuple[str, str, str], ...] = (
    ("1", "available", "Available combinations"),
    ("2", "combine", "Combine concepts"),
    ("3", "discovered", "Discovered concepts"),
    ("4", "stats", "Statistics"),
    ("5", "search", "Search concepts"),
    ("6", "details", "Concept details"),
    ("7", "path", "Learning path to a concept"),
    ("8", "save", "Save a checkpoint (a named copy; the autosave goes on)"),
    ("9", "load", "Load a checkpoint or a save"),
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
    "checkpoint": "save",
}


def cmd_play(args: argparse.Namespace, console: Console) -> int:
    catalog = catalog_from(args)
    save = save_path(args, console.env)
    if save is not None:
        check_writable(save)
    game, played = open_game_played(catalog, save)
    if getattr(args, "tui", False):
        try:
            from craftcore.cli._tui import run_tui
        except ImportError as exc:
            raise CliError(
                f"the full-screen mode needs Textual ({exc}): pip install 'craftcore[tui]'", kind="missing-extra"
            ) from None
        return run_tui(game, save, played=played, budget=args.budget, env=console.env)
    return Play(console, game, save, budget=args.budget, played=played).run()


class PlayClock:
    """Time actually played: the time between inputs, a long pause counting as :data:`IDLE_SECONDS`."""

    def __init__(self, played: float, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self._played = played
        self._last = now()

    def tick(self) -> None:
        current = self.now()
        self._played += min(max(current - self._last, 0.0), IDLE_SECONDS)
        self._last = current

    @property
    def played(self) -> float:
        return self._played


def checkpoint_dir(save: str | None, env: Mapping[str, str]) -> pathlib.Path:
    """Where checkpoints go: beside the save (``my-game.checkpoints/``), else in the data folder."""
    if save is not None:
        path = pathlib.Path(save)
        return path.with_name(path.stem + ".checkpoints")
    return data_dir(env) / "checkpoints"


class Play:
    """One interactive session: reads choices from the console until exit, end of input or Ctrl-C."""

    def __init__(
        self,
        console: Console,
        game: Game,
        save: str | None,
        *,
        budget: float = 1.0,
        played: float | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.style = console.style
        self.game = game
        self.save = save
        self.budget = budget
        self.clock = PlayClock(estimate_played(game) if played is None else played, now)
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
        self.completer.keys = frozenset(self._keys)

    @property
    def catalog(self) -> Catalog:
        return self.game.catalog

    @property
    def checkpoints(self) -> pathlib.Path:
        return checkpoint_dir(self.save, self.console.env)

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
                self.clock.tick()
                if self.dispatch(line) is False:
                    break
                busy = False
        except EOFError:
            pass
        except KeyboardInterrupt:
            self.console.print()
            status = 130
        self.clock.tick()
        if busy and status == 130 and self.save is not None:
            self.console.print(f"Not saved: the last command was interrupted; {self.save} keeps the last saved game.")
            self.save = None
            self.console.print("Goodbye!")
            return status
        self.leave()
        return status

    def dispatch(self, line: str) -> bool | None:
        """Run one menu line (``2``, ``combine``, ``2 A + B``, or ``A + B`` / a name alone to combine);
        ``False`` means exit."""
        line = line.strip()
        if not line:
            return None
        head, _, rest = line.partition(" ")
        word = self._keys.get(head.casefold())
        if word is None or (word in ("hint", "help") and rest):  # "h" alone is the menu; "H100 GPU" is a name
            self.combine_text(line, menu=True)
            return None
        return self._actions[word](rest.strip())

    def ask(self, prompt: str, *, pool: Collection[str] | None = None) -> str:
        """A sub-prompt's answer (stripped); Ctrl-C and Ctrl-D leave the sub-prompt: an empty answer."""
        return self.ask_or_leave(prompt, pool=pool) or ""

    def ask_or_leave(self, prompt: str, *, pool: Collection[str] | None = None) -> str | None:
        """A sub-prompt's answer (stripped), or ``None`` when the player left it with Ctrl-C or Ctrl-D."""
        self.completer.pool = pool
        self.completer.extra = ()
        try:
            return self.console.ask(prompt).strip()
        except KeyboardInterrupt:
            self.console.print()
            return None
        except EOFError:
            return None
        finally:
            self.clock.tick()

    def banner(self) -> None:
        game, catalog = self.game, self.catalog
        info = catalog.game
        packs = ", ".join(f"{p.name} {p.version}" for p in catalog.packs)
        self.console.print(self.style.bold(info.title) + self.style.dim(f"  (craftcore {craftcore.__version__})"))
        self.console.lines(self.style.wrap(packs, "       ", first="Packs: "))
        if game.steps or game.attempts:
            self.console.print(
                f"Resumed {self.save}: {len(game.discovered)} of {len(catalog.concepts)} concepts "
                f"discovered, score {game.score}, level {game.level}."
            )
        else:
            if info.intro:
                self.console.lines(self.style.wrap(info.intro))
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
            self.console.print("Not saved (start with --save FILE to keep your game; option 8 keeps a checkpoint).")
        self.console.print("Goodbye!")

    def write(self, path: str | pathlib.Path) -> bool:
        try:
            write_save(self.game, path, played=self.clock.played)
        except OSError as exc:
            self.console.warn(f"cannot save to {path}: {exc.strerror or exc}")
            return False
        return True

    def autosave(self) -> bool:
        return self.save is not None and self.write(self.save)

    # ------------------------------------------------------------------------------------------------- helpers

    def concept(self, text: str, prompt: str, *, discovered_first: bool = True) -> str | None:
        """A concept from ``text`` or from a prompt, asking again while the answer is unknown or ambiguous; ``None``
        when the player gives up (an empty answer, Ctrl-C or Ctrl-D)."""
        while True:
            if not text:
                text = self.ask(prompt)
                if not text:
                    return None
            try:
                return self._resolve(text, discovered_first)
            except UnknownConcept as exc:
                self.console.print(describe_unknown(self.catalog, exc))
            text = ""
            prompt = "Which one? (Enter to go back) "

    def _resolve(self, text: str, discovered_first: bool) -> str:
        if discovered_first:
            try:
                return self.catalog.resolve(text, among=self.game.discovered, fuzzy=True)
            except UnknownConcept as exc:
                if exc.ambiguous:
                    raise
        return self.catalog.resolve(text, fuzzy=True)

    # ------------------------------------------------------------------------------------------------- actions

    def do_help(self, _: str) -> None:
        self.console.print(self.style.bold("Menu"))
        for key, _word, label in MENU:
            self.console.print(f"  {self.style.bold(key)}  {label}")
        self.console.print(
            self.style.dim("  A + B at the prompt combines directly (a name alone too); names, ids and prefixes work.")
        )

    def do_exit(self, _: str) -> bool:
        return False

    def do_available(self, _: str) -> None:
        self.console.lines(available_lines(self.console, self.game, limit=30))

    def do_combine(self, text: str) -> None:
        self.combine_text(text)

    def combine_text(self, text: str, *, menu: bool = False) -> None:
        """Read a combination and combine it, asking again while a name is unknown or ambiguous.

        :param menu: the text was typed at the menu prompt: a line that names nothing is an unknown menu choice.
        """
        prompt = f"Combine ({MIN_INPUTS}-{MAX_INPUTS} concepts separated by +, Tab completes; Enter to go back): "
        while True:
            if not text:
                text = self.ask(prompt, pool=self.game.discovered)
                if not text:
                    return
            try:
                ids = self.game.parse_combination(text.rstrip(". "))
                result = self.game.combine(*ids)
            except UnknownConcept as exc:
                if menu and not exc.ambiguous and not exc.suggestions and "+" not in text:
                    self.console.print(
                        f"Unknown choice {text!r}: type a number or letter from the menu (? shows it), "
                        "or the names of discovered concepts to combine."
                    )
                    return
                if exc.ambiguous or exc.suggestions or not exc.concept_id.strip():
                    self.console.print(describe_unknown(self.catalog, exc))
                else:
                    self.console.print(f"You have discovered no concept called {exc.concept_id!r}.")
            except NotDiscovered as exc:
                self.console.print(not_discovered(self.catalog, exc, text, HOW_TO_LIST))
            except InvalidCombination as exc:
                self.console.print(f"{str(exc).capitalize()}.")
            else:
                self.show_result(result)
                return
            text, menu = "", False
            prompt = "Combine (try again; Enter to go back): "

    def show_result(self, result: craftcore.CombineResult) -> None:
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
        self.clock.tick()
        self.console.lines(render.stats_lines(self.style, self.game, time.time(), self.clock.played))

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
            self.console.lines(render.concept_details(self.style, self.game, cid, how_to_path=HOW_TO_PATH))

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

    # ------------------------------------------------------------------------------------------------- checkpoints

    def list_checkpoints(self) -> list[pathlib.Path]:
        folder = self.checkpoints
        try:
            found = [p for p in folder.iterdir() if p.suffix == ".json" and p.is_file()]
        except OSError:
            return []
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))

    def do_save(self, text: str) -> None:
        if not text:
            default = f"step-{len(self.game.steps)}"
            answer = self.ask_or_leave(f"Checkpoint name [{default}] (Ctrl-C to go back): ", pool=())
            if answer is None:
                return
            text = answer or default
        keeps = f"your game keeps saving to {self.save}" if self.save else "this game is not autosaved"
        if "/" in text or os.sep in text or text.endswith((".json", ".toml")):  # a file of the player's choosing
            try:
                check_writable(text)
            except CliError as exc:
                self.console.print(f"{exc.message[0].upper()}{exc.message[1:]}.")
                return
            if self.write(text):
                self.console.print(f"{self.style.icon('saved')}Saved to {text} (a fixed copy; {keeps}).")
            return
        if not CHECKPOINT_NAME.fullmatch(text):
            self.console.print(
                f"{text[:80]!r} is not a checkpoint name: use up to 64 letters, digits, spaces, '-', '_' or '.', "
                "not starting with '.'."
            )
            return
        folder = self.checkpoints
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.console.warn(f"cannot create {folder}: {exc.strerror or exc}")
            return
        target = folder / f"{text}.json"
        if self.write(target):
            self.console.print(f"{self.style.icon('saved')}Checkpoint {text!r} saved to {target} ({keeps}).")

    def do_load(self, text: str) -> None:
        checkpoints = self.list_checkpoints()
        if not text:
            if checkpoints:
                self.console.print(f"Checkpoints in {self.checkpoints}:")
                for number, path in enumerate(checkpoints, 1):
                    when = render.format_time(path.stat().st_mtime)
                    self.console.print(f"  {number:>2}. {path.stem}  {self.style.dim(when)}")
            else:
                self.console.print(f"No checkpoints yet in {self.checkpoints} (option 8 saves one).")
            text = self.ask("Load which? (number, name or a save file; Enter to go back) ")
            if not text:
                return
        source = self._checkpoint_path(text, checkpoints)
        try:
            game, _ = load_game(str(source), self.catalog)
        except SaveError as exc:
            self.console.print(f"Cannot load: {exc}")
            return
        self.game, self._hinted = game, None
        keeps = f"; your game keeps saving to {self.save}" if self.save else ""
        self.console.print(
            f"Loaded {source}: {len(game.discovered)} of {len(self.catalog.concepts)} concepts "
            f"discovered, score {game.score}, level {game.level}{keeps}."
        )

    def _checkpoint_path(self, text: str, checkpoints: list[pathlib.Path]) -> pathlib.Path:
        if text.isdigit() and 1 <= int(text) <= len(checkpoints):
            return checkpoints[int(text) - 1]
        named = [p for p in checkpoints if p.stem == text]
        return named[0] if named else pathlib.Path(text)

    # ------------------------------------------------------------------------------------------------- more actions

    def do_paths(self, text: str) -> None:
        if not self.catalog.paths:
            self.console.print("The loaded packs define no learning paths.")
            return
        if not text:
            for pid in self.catalog.paths:
                self.console.lines(render.path_lines(self.style, self.game, pid, full=False))
        prompt = "Show and follow which path? (Enter to go back) "
        while True:
            if not text:
                text = self.ask(prompt)
                if not text:
                    return
            try:
                pid = self.catalog.resolve_path(text)
                break
            except UnknownPath as exc:
                self.console.print(describe_unknown(self.catalog, exc))
            text = ""
        self.following = pid
        left = render.path_left(self.game, pid, self.budget)
        self.console.lines(render.path_lines(self.style, self.game, pid, full=True, left=left))
        self.console.print(self.style.dim("Hints (h) now lead along this path."))

    def do_hint(self, _: str) -> None:
        suggestion = self.game.suggest(toward=self.following, budget=self.budget)
        if suggestion is None:
            self.console.lines(available_lines(self.console, self.game))
            return
        combo = suggestion.inputs
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

"""The full-screen mode, ``craftcore play --tui``: the same game as the line mode on Textual (the ``tui`` extra).

Cards of the discovered concepts grouped by category (a tree: arrows and Enter, or the mouse), a combination tray,
a details pane (why, properties, resources), hints, plans and learning paths, and a line to type combinations the way
the line mode reads them. It calls the same library methods as the line mode and writes the same saves.
"""

from __future__ import annotations

import pathlib
import time
from collections.abc import Callable, Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, RichLog, Static, Tree
from textual.widgets.tree import TreeNode

from craftcore import (
    CombineResult,
    CraftError,
    Game,
    InvalidCombination,
    NotDiscovered,
    NothingToUndo,
    UnknownConcept,
    UnknownPath,
    Unreachable,
)
from craftcore._rules import MAX_INPUTS
from craftcore._saves import write_save
from craftcore.cli import _render as render
from craftcore.cli._commands import not_discovered
from craftcore.cli._names import describe_unknown
from craftcore.cli._play import CHECKPOINT_NAME, checkpoint_dir
from craftcore.cli._render import Style
from craftcore.cli._session import IDLE_SECONDS, estimate_played, load_game

__all__ = ["CraftApp", "run_tui"]

#: How this frontend points at its own ways (messages shared with the other frontends name them).
HOW_TO_LIST = "the cards on the left are what you can combine"
HOW_TO_PATH = "`path NAME` in the command line"

_PLAIN = Style(color=False, emoji=False, star="★", width=60)


def run_tui(
    game: Game, save: str | None, *, played: float | None = None, budget: float = 1.0, env: Mapping[str, str]
) -> int:
    """Run the full-screen game until the player quits; the game is saved on the way out."""
    app = CraftApp(game, save, played=played, budget=budget, env=env)
    app.run()
    app.tick()
    if save is not None:  # however the app ended (Ctrl+Q saves too), keep the time played; OSError: one-line error
        write_save(app.game, save, played=app.played)
    return 0


class CraftApp(App[None]):
    """The game in full screen. ``game`` is played in place; ``save`` (if any) is written after every move."""

    TITLE = "craftcore"
    CSS = """
    #cards { width: 38%; border: round $accent; }
    #side { width: 62%; }
    #tray { height: 3; border: round $success; padding: 0 1; }
    #tray-text { width: 1fr; }
    #tray Button { min-width: 10; height: 1; border: none; margin: 0 0 0 1; }
    #details { height: 1fr; border: round $primary; padding: 0 1; }
    #log { height: 12; border: round $secondary; overflow-x: hidden; }
    #main { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "combine", "Combine"),
        Binding("ctrl+x", "clear", "Clear tray"),
        Binding("f2", "hint", "Hint"),
        Binding("f3", "follow", "Next path"),
        Binding("f4", "undo", "Undo"),
        Binding("f5", "checkpoint", "Checkpoint"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        game: Game,
        save: str | None,
        *,
        played: float | None = None,
        budget: float = 1.0,
        env: Mapping[str, str] | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.game = game
        self.save = save
        self.budget = budget
        self.env = env or {}
        self.tray: list[str] = []
        self.following: str | None = None
        self.shown: str | None = None
        self._hinted: tuple[str, ...] | None = None
        self._now = now
        self._played = estimate_played(game) if played is None else played
        self._last = now()
        self.title = game.catalog.game.title

    # ------------------------------------------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            yield Tree("Discovered", id="cards")
            with Vertical(id="side"):
                with Horizontal(id="tray"):
                    yield Static(id="tray-text")
                    yield Button("Combine", id="combine", variant="success")
                    yield Button("Clear", id="clear")
                with VerticalScroll(id="details"):
                    yield Static(id="details-text")
                yield RichLog(id="log", wrap=True, markup=False, min_width=20)
        yield Input(
            placeholder="A + B (or one name) to combine · path NAME · follow PATH · hint · undo · save/load NAME",
            id="command",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.status()
        self.refresh_cards()
        self.refresh_tray()
        intro = self.game.catalog.game.intro
        self.show_text([intro] if intro else [], f"{self.title}: click a card (or Enter on it) to add it to the tray.")
        self.query_one("#cards", Tree).focus()

    # ------------------------------------------------------------------------------------------------- views

    def status(self) -> str:
        game = self.game
        return (
            f"score {game.score} · level {game.level} · "
            f"{len(game.discovered)}/{len(game.catalog.concepts)} discovered · played "
            f"{render.format_duration(self.played)}"
        )

    def refresh_cards(self) -> None:
        tree: Tree[str] = self.query_one("#cards", Tree)
        tree.clear()
        tree.root.expand()
        catalog = self.game.catalog
        groups: dict[str, list[str]] = {}
        for cid in self.game.discovered:
            groups.setdefault(catalog.concepts[cid].category, []).append(cid)
        order = [c for c in catalog.categories if c in groups] + sorted(
            c for c in groups if c not in catalog.categories
        )
        for category in order:
            total = sum(1 for c in catalog.concepts.values() if c.category == category)
            branch = tree.root.add(
                f"{render.category_name(catalog, category)} ({len(groups[category])}/{total})", expand=True
            )
            members = sorted(groups[category], key=lambda c: (catalog.concepts[c].level, catalog.concepts[c].name))
            for cid in members:
                concept = catalog.concepts[cid]
                branch.add_leaf(f"{'★' * concept.level} {concept.name}", data=cid)

    def refresh_tray(self) -> None:
        names = " + ".join(render.name(self.game.catalog, c) for c in self.tray)
        text = names or f"(empty: pick up to {MAX_INPUTS} cards)"
        self.query_one("#tray-text", Static).update(Text(f"Tray: {text}"))
        self.sub_title = self.status()

    def show_text(self, lines: list[str], heading: str = "") -> None:
        body = "\n".join([heading, *lines] if heading else lines)
        self.query_one("#details-text", Static).update(Text(body))

    def say(self, lines: list[str]) -> None:
        log = self.query_one("#log", RichLog)
        for line in lines:
            log.write(Text(line))

    def show_concept(self, cid: str) -> None:
        self.shown = cid
        self.show_text(render.concept_details(_PLAIN, self.game, cid, how_to_path=HOW_TO_PATH))

    # ------------------------------------------------------------------------------------------------- time and saves

    @property
    def played(self) -> float:
        return self._played

    def tick(self) -> None:
        current = self._now()
        self._played += min(max(current - self._last, 0.0), IDLE_SECONDS)
        self._last = current

    def write(self, path: str | pathlib.Path) -> bool:
        try:
            write_save(self.game, path, played=self.played)
        except OSError as exc:
            self.say([f"Cannot save to {path}: {exc.strerror or exc}"])
            return False
        return True

    def autosave(self) -> None:
        if self.save is not None:
            self.write(self.save)

    # ------------------------------------------------------------------------------------------------- events

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        node: TreeNode[str] = event.node
        if node.data is None:
            return
        self.tick()
        self.add_to_tray(node.data)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node.data is not None and event.control.has_focus:  # not when the cards are rebuilt
            self.show_concept(event.node.data)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "combine":
            self.action_combine()
        elif event.button.id == "clear":
            self.action_clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.input.value = ""
        self.tick()
        self.command(event.value.strip())

    def add_to_tray(self, cid: str) -> None:
        self.show_concept(cid)
        if len(self.tray) >= MAX_INPUTS:
            self.say([f"The tray holds at most {MAX_INPUTS} concepts: combine (Ctrl+G) or clear it (Ctrl+X)."])
            return
        self.tray.append(cid)
        self.refresh_tray()

    def command(self, text: str) -> None:
        """One line typed at the bottom: a combination, a name, or a word command."""
        if not text:
            return
        head, _, rest = text.partition(" ")
        word = head.casefold()
        if word == "path" and rest:
            self.plan_to(rest)
        elif word == "follow":
            self.follow(rest)
        elif word == "hint" and not rest:
            self.action_hint()
        elif word == "undo" and not rest:
            self.action_undo()
        elif word == "save":
            self.checkpoint(rest.strip() or f"step-{len(self.game.steps)}")
        elif word == "load" and rest:
            self.load(rest.strip())
        else:
            self.combine_text(text)

    def combine_text(self, text: str) -> None:
        try:
            ids = self.game.parse_combination(text.rstrip(". "))
        except InvalidCombination as exc:
            self.say([f"{str(exc).capitalize()}."])
            return
        except UnknownConcept as exc:
            if exc.ambiguous or exc.suggestions or not exc.concept_id.strip():
                self.say([describe_unknown(self.game.catalog, exc)])
            else:
                self.say([f"You have discovered no concept called {exc.concept_id!r}."])
            return
        self.combine(ids, text)

    def combine(self, ids: tuple[str, ...] | list[str], typed: str) -> None:
        try:
            result = self.game.combine(*ids)
        except NotDiscovered as exc:
            self.say([not_discovered(self.game.catalog, exc, typed, HOW_TO_LIST)])
            return
        except CraftError as exc:
            self.say([str(exc)])
            return
        self.after(result)

    def after(self, result: CombineResult) -> None:
        self.say(["", *render.result_lines(_PLAIN, self.game, result)])
        if result.new:
            self._hinted = None
            self.refresh_cards()
            self.show_concept(result.new[0])
        if result.new or not result.success:
            self.autosave()
        self.refresh_tray()

    def plan_to(self, text: str) -> None:
        catalog = self.game.catalog
        try:
            cid = catalog.resolve(text, fuzzy=True)
            plan = self.game.plan(cid, budget=self.budget)
            prerequisites = self.game.prerequisites(cid, budget=self.budget)
        except UnknownConcept as exc:
            self.say([describe_unknown(catalog, exc)])
            return
        except Unreachable as exc:
            self.say([str(exc)])
            return
        self.show_text(render.plan_lines(_PLAIN, self.game, plan, prerequisites))

    def follow(self, text: str) -> None:
        catalog = self.game.catalog
        if not catalog.paths:
            self.say(["The loaded packs define no learning paths."])
            return
        if not text.strip():
            lines: list[str] = []
            for pid in catalog.paths:
                lines += render.path_lines(_PLAIN, self.game, pid, full=False)
            self.show_text(lines, "Learning paths (follow NAME, or F3 for the next one):")
            return
        try:
            pid = catalog.resolve_path(text)
        except UnknownPath as exc:
            self.say([describe_unknown(catalog, exc)])
            return
        self.following = pid
        self._hinted = None
        left = render.path_left(self.game, pid, self.budget)
        self.show_text(
            [*render.path_lines(_PLAIN, self.game, pid, full=True, left=left), "", "Hints (F2) now lead along it."]
        )

    # ------------------------------------------------------------------------------------------------- actions

    def action_combine(self) -> None:
        self.tick()
        if not self.tray:
            self.say(["The tray is empty: pick cards first (click, or Enter on a card)."])
            return
        ids, self.tray = list(self.tray), []
        self.combine(ids, "")
        self.refresh_tray()

    def action_clear(self) -> None:
        self.tray = []
        self.refresh_tray()

    def action_hint(self) -> None:
        """The first time, one concept to start from; asked again, the whole combination, put in the tray."""
        self.tick()
        suggestion = self.game.suggest(toward=self.following, budget=self.budget)
        catalog = self.game.catalog
        if suggestion is None:
            self.say(["Nothing new can be discovered from here."])
            return
        combo = suggestion.inputs
        if combo != self._hinted:
            self._hinted = combo
            others = len(combo) - 1
            tail = f" with {others} other concept{'s' if others != 1 else ''} you know" if others else " on its own"
            self.say([f"Hint: try {render.name(catalog, combo[0])}{tail}. (F2 again for the whole combination.)"])
            return
        self.tray = list(combo)
        self.refresh_tray()
        self.say([f"Hint: try {render.combination(catalog, combo)} (now in the tray: Ctrl+G combines)."])

    def action_follow(self) -> None:
        """Follow the next learning path (in the catalog's order)."""
        paths = list(self.game.catalog.paths)
        if not paths:
            self.say(["The loaded packs define no learning paths."])
            return
        index = (paths.index(self.following) + 1) % len(paths) if self.following in paths else 0
        self.follow(paths[index])

    def action_undo(self) -> None:
        self.tick()
        try:
            step = self.game.undo()
        except NothingToUndo as exc:
            self.say([str(exc).capitalize()])
            return
        lost = ", ".join(render.name(self.game.catalog, c) for c in step.new)
        self.say(
            [f"Took back step {step.number}: {render.combination(self.game.catalog, step.inputs)} (forgot {lost})."]
        )
        self.tray = [c for c in self.tray if c in self.game.discovered]
        self._hinted = None
        self.refresh_cards()
        self.refresh_tray()
        self.autosave()

    def action_checkpoint(self) -> None:
        self.checkpoint(f"step-{len(self.game.steps)}")

    def checkpoint(self, name: str) -> None:
        if not CHECKPOINT_NAME.fullmatch(name):
            self.say([f"{name[:80]!r} is not a checkpoint name (letters, digits, spaces, '-', '_', '.')."])
            return
        folder = checkpoint_dir(self.save, self.env)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.say([f"Cannot create {folder}: {exc.strerror or exc}"])
            return
        target = folder / f"{name}.json"
        if self.write(target):
            self.say([f"Checkpoint {name!r} saved to {target}."])

    def load(self, text: str) -> None:
        """Load a checkpoint (by name) or a save file; the autosave file stays the autosave file."""
        named = checkpoint_dir(self.save, self.env) / f"{text}.json"
        source = named if named.is_file() else pathlib.Path(text)
        try:
            game, _ = load_game(str(source), self.game.catalog)
        except CraftError as exc:
            self.say([f"Cannot load: {exc}"])
            return
        self.game, self.tray, self._hinted = game, [], None
        self.refresh_cards()
        self.refresh_tray()
        self.say([f"Loaded {source}: {len(game.discovered)} of {len(game.catalog.concepts)} concepts discovered."])

    async def action_quit(self) -> None:
        self.tick()
        self.autosave()
        self.exit()

"""The full-screen mode (``craftcore play --tui``), driven by Textual's Pilot, plus one snapshot of its screen."""

from __future__ import annotations

import asyncio
import functools
import io
import json
import pathlib
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RichLog, Static, Tree

import craftcore
from craftcore.cli import main
from craftcore.cli._tui import CraftApp

from .conftest import FOUNDATIONS_DIR

FOUNDATIONS = ["--no-installed", "--pack", str(FOUNDATIONS_DIR)]
SIZE = (120, 36)


def synchronous(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no pytest-asyncio needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture(scope="module")
def catalog() -> craftcore.Catalog:
    return craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)


def new_app(catalog: craftcore.Catalog, save: str | None = None, **kwargs: Any) -> CraftApp:
    game = craftcore.Game(catalog, clock=lambda: 1_700_000_000.0)
    return CraftApp(game, save, now=lambda: 0.0, env=kwargs.pop("env", {}), **kwargs)


def text_of(app: CraftApp, selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def log_of(app: CraftApp) -> str:
    """What the log pane says, with its wrapping undone (words joined by single spaces)."""
    return " ".join(" ".join(line.text for line in app.query_one("#log", RichLog).lines).split())


def cards(app: CraftApp) -> dict[str, list[str]]:
    tree = app.query_one("#cards", Tree)
    return {str(branch.label): [str(leaf.label) for leaf in branch.children] for branch in tree.root.children}


async def type_line(pilot: Pilot[None], text: str) -> None:
    command = pilot.app.query_one("#command", Input)
    command.focus()
    command.value = text
    await pilot.press("enter")
    await pilot.pause()


@synchronous
async def test_cards_are_grouped_by_category_and_picked_with_the_keyboard(
    catalog: craftcore.Catalog, tmp_path: pathlib.Path
) -> None:
    save = tmp_path / "g.json"
    app = new_app(catalog, str(save))
    async with app.run_test(size=SIZE) as pilot:
        assert cards(app) == {"Mathematics (3/7)": ["★ Calculus", "★ Linear Algebra", "★ Probability"]}
        await pilot.press("down", "down", "enter", "down", "enter", "down", "enter")
        assert app.tray == ["calculus", "linear_algebra", "probability"]
        assert "Tray: Calculus + Linear Algebra + Probability" in text_of(app, "#tray-text")
        assert text_of(app, "#details-text").startswith("Probability ★ (probability, Mathematics)")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "neural_networks" in app.game.discovered and app.tray == []
        assert "New discovery: Neural Networks" in log_of(app) and "Why:" in log_of(app)
        assert "Deep learning (1/14)" in cards(app)
        assert "why:" in text_of(app, "#details-text") and "resources:" in text_of(app, "#details-text")
    data = json.loads(save.read_text(encoding="utf-8"))
    assert len(data["steps"]) == 1 and "played" in data


@synchronous
async def test_the_mouse_picks_cards_and_presses_combine(catalog: craftcore.Catalog) -> None:
    app = new_app(catalog)
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one("#cards", Tree)
        maths = tree.root.children[0]
        for leaf in maths.children[::2]:  # Calculus and Probability
            await pilot.click("#cards", offset=(12, leaf.line + 1))  # +1: the border
            await pilot.pause()
        assert app.tray == ["calculus", "probability"]
        await pilot.click("#combine")
        await pilot.pause()
        assert "optimization" in app.game.discovered


@synchronous
async def test_typed_combinations_read_like_the_line_mode(catalog: craftcore.Catalog) -> None:
    app = new_app(catalog)
    async with app.run_test(size=SIZE) as pilot:
        await type_line(pilot, "calc + prob")
        assert "optimization" in app.game.discovered
        await type_line(pilot, "a + b + c + d + e")
        assert "A combination takes at most 4 concepts, got 5." in log_of(app)
        await type_line(pilot, "neural + prob")  # a prefix of an undiscovered concept: not named
        assert "You have discovered no concept called 'neural'." in log_of(app)
        assert "Neural Networks" not in log_of(app)
        await type_line(pilot, "Neural Networks + calculus")
        assert "not discovered yet: Neural Networks (the cards on the left are what you can combine)" in log_of(app)
        assert not app.game.attempts  # nothing guessed, nothing recorded


@synchronous
async def test_the_tray_holds_at_most_four(catalog: craftcore.Catalog) -> None:
    app = new_app(catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", *["enter"] * 5)
        assert app.tray == ["calculus"] * 4
        assert "The tray holds at most 4 concepts" in log_of(app)
        await pilot.press("ctrl+x")
        assert app.tray == []


@synchronous
async def test_hints_plans_and_learning_paths(catalog: craftcore.Catalog) -> None:
    app = new_app(catalog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert "(F2 again for the whole combination.)" in log_of(app)
        await pilot.press("f2")
        suggestion = app.game.suggest()
        assert suggestion is not None and app.tray == list(suggestion.inputs)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert len(app.game.discovered) == 4
        await type_line(pilot, "path roofline")
        assert "Learning path to Roofline Model" in text_of(app, "#details-text")
        await type_line(pilot, "path attention")
        assert "unknown concept 'attention'" in log_of(app)
        await type_line(pilot, "follow module_0")
        assert app.following == "module_0" and "Hints (F2) now lead along it." in text_of(app, "#details-text")
        await pilot.press("f3")
        assert app.following == "module_1"
        await type_line(pilot, "follow nope")
        assert "unknown learning path 'nope'" in log_of(app)


@synchronous
async def test_undo_checkpoint_and_load(catalog: craftcore.Catalog, tmp_path: pathlib.Path) -> None:
    save = tmp_path / "g.json"
    app = new_app(catalog, str(save))
    async with app.run_test(size=SIZE) as pilot:
        await type_line(pilot, "calculus + probability")
        await pilot.press("f5")
        checkpoint = tmp_path / "g.checkpoints" / "step-1.json"
        assert checkpoint.exists() and f"Checkpoint'step-1'savedto{checkpoint}." in log_of(app).replace(" ", "")
        await pilot.press("f4")
        await pilot.pause()
        assert "Took back step 1" in log_of(app) and "optimization" not in app.game.discovered
        await type_line(pilot, "save ../escape")
        assert "is not a checkpoint name" in log_of(app)
        await type_line(pilot, "load step-1")
        assert "optimization" in app.game.discovered and f"Loaded{checkpoint}" in log_of(app).replace(" ", "")
        await type_line(pilot, "load /nonexistent/x.json")
        assert "Cannot load:" in log_of(app)
        await pilot.press("ctrl+q")
    assert len(json.loads(save.read_text(encoding="utf-8"))["steps"]) == 1  # the autosave file, still the autosave


@synchronous
async def test_title_and_intro_come_from_the_packs(catalog: craftcore.Catalog) -> None:
    app = new_app(catalog)
    async with app.run_test(size=SIZE):
        assert app.title == catalog.game.title
        if catalog.game.intro:
            assert catalog.game.intro in text_of(app, "#details-text")


def test_play_tui_runs_the_app_with_the_same_save(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    ran: list[CraftApp] = []
    monkeypatch.setattr(CraftApp, "run", lambda self, *a, **k: ran.append(self))
    save = tmp_path / "g.json"
    main(["play", *FOUNDATIONS, "--save", str(save)], stdin=io.StringIO("2 calculus + probability\n0\n"), env={})
    out, err = io.StringIO(), io.StringIO()
    status = main(["play", "--tui", *FOUNDATIONS, "--save", str(save)], stdout=out, stderr=err, env={})
    assert (status, err.getvalue()) == (0, "")
    (app,) = ran
    assert app.save == str(save) and "optimization" in app.game.discovered


def test_play_tui_without_textual_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "craftcore.cli._tui", None)  # import fails as if Textual were missing
    out, err = io.StringIO(), io.StringIO()
    status = main(["play", "--tui", *FOUNDATIONS], stdout=out, stderr=err, env={})
    assert status == 1 and out.getvalue() == ""
    assert "pip install 'craftcore[tui]'" in err.getvalue() and err.getvalue().count("\n") == 1


def test_snapshot_after_a_discovery(snap_compare: Callable[..., bool], monkeypatch: pytest.MonkeyPatch) -> None:
    # on the engine's own small test game, so that content changes to the shipped packs leave the picture alone
    monkeypatch.setenv("TZ", "UTC")  # discovery times are shown in local time
    time.tzset()
    elements = craftcore.load_catalog(pathlib.Path(__file__).parent / "packs" / "elements", installed=False)

    async def discover(pilot: Pilot[None]) -> None:
        await type_line(pilot, "water + fire")
        await pilot.press("f2")

    assert snap_compare(new_app(elements), terminal_size=SIZE, run_before=discover)

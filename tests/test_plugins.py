"""Plugins: fresh managers, built-ins through the same hook, failures reported by name; every hook documented and
tested (a test named test_hook_<name> per hook)."""

from __future__ import annotations

import inspect
import pathlib
import re
from importlib.metadata import EntryPoint

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore import Game, PackError
from craftcore import _plugins as plugins_module
from craftcore._plugins import make_plugin_manager

ROOT = pathlib.Path(__file__).resolve().parent.parent
HOOKS = sorted(name for name in dir(make_plugin_manager(installed=False).hook) if name.startswith("craftcore_"))


def test_every_hook_is_documented_with_its_signature() -> None:
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    pm = make_plugin_manager(installed=False)
    for name in HOOKS:
        args = ", ".join(getattr(pm.hook, name).spec.argnames)
        assert f"### {name}({args})" in docs, name


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    assert f"test_hook_{hook}" in globals(), f"write test_hook_{hook}"


def test_hook_craftcore_packs() -> None:
    class Extra:
        @craftcore.hookimpl
        def craftcore_packs(self):
            return [
                craftcore.PackSource.from_text(
                    "extra.toml",
                    """
[pack]
id = "extra"
name = "Extra"
version = "0.1.0"
description = "Adds one concept."
requires = ["foundations"]
[concepts.gizmo]
name = "Gizmo"
level = 2
category = "mathematics"
description = "Made from calculus alone."
[[recipes]]
inputs = ["calculus", "calculus", "calculus", "calculus"]
outputs = ["gizmo"]
why = "test"
""",
                )
            ]

    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, plugins=[Extra()])
    assert "gizmo" in catalog.concepts
    info = {p.id: p for p in catalog.packs}
    assert info["foundations"].source == "folder" and info["extra"].source == "plugin"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    @craftcore.hookimpl
    def craftcore_combination_tried(self, result):
        self.calls.append(("tried", result.inputs, result.success))

    @craftcore.hookimpl
    def craftcore_concept_discovered(self, game, concept, discovery):
        self.calls.append(("discovered", concept.id, discovery.step, game.discovered[concept.id] == discovery))

    @craftcore.hookimpl
    def craftcore_level_reached(self, level):
        self.calls.append(("level", level))


def test_hook_craftcore_combination_tried(foundations) -> None:
    rec = Recorder()
    game = Game(foundations, plugins=[rec])
    game.combine("calculus", "calculus")
    game.combine("linear_algebra", "calculus", "probability")
    tried = [c for c in rec.calls if c[0] == "tried"]
    assert tried == [
        ("tried", ("calculus", "calculus"), False),
        ("tried", ("calculus", "linear_algebra", "probability"), True),
    ]


def test_hook_craftcore_concept_discovered(foundations) -> None:
    rec = Recorder()
    game = Game(foundations, plugins=[rec])
    game.combine("linear_algebra", "calculus", "probability")
    assert ("discovered", "neural_networks", 1, True) in rec.calls
    assert not any(c[0] == "discovered" and c[1] == "calculus" for c in rec.calls)


def test_hook_craftcore_level_reached(foundations) -> None:
    rec = Recorder()
    from craftcore.testing import play_everything

    game = Game(foundations, plugins=[rec])
    full = play_everything(foundations)
    for step in full.steps:
        game.combine(*step.inputs)
    levels = [c[1] for c in rec.calls if c[0] == "level"]
    assert levels == list(range(2, game.level + 1))


def test_hook_craftcore_points(foundations) -> None:
    class Flat:
        @craftcore.hookimpl
        def craftcore_points(self, concept):
            return 1

    class Abstain:
        @craftcore.hookimpl
        def craftcore_points(self, concept, discovery):
            return None

    game = Game(foundations, plugins=[Flat(), Abstain()])
    assert game.score == 3
    game.combine("linear_algebra", "calculus", "probability")
    assert game.score == 4
    game.combine("calculus", "probability")
    game.undo()
    assert game.score == 4
    assert Game.from_dict(game.to_dict(), foundations, plugins=[Flat()]).score == 4


def test_each_catalog_gets_a_fresh_manager() -> None:
    one = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    two = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    assert one.plugins is not two.plugins


def test_any_pack_can_be_blocked_and_no_pack_is_special() -> None:
    catalog = craftcore.load_catalog(blocked=["production"])
    assert "production" not in {p.id for p in catalog.packs} and "foundations" in {p.id for p in catalog.packs}
    with pytest.raises(PackError, match="no concept has start = true"):
        craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, blocked=["foundations"])
    with pytest.raises(PackError, match="no concept has start = true"):
        craftcore.load_catalog(installed=False)


def test_plugin_faults_are_plugin_errors_naming_the_plugin() -> None:
    class Typo:
        __name__ = "typo_plugin"

        @craftcore.hookimpl
        def craftcore_combination_tryed(self, result):
            pass

    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    for attempt in (
        lambda: craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, plugins=[Typo()]),
        lambda: craftcore.Game(catalog, plugins=[Typo()]),
    ):
        with pytest.raises(craftcore.PluginError) as info:
            attempt()
        assert info.value.plugin == "typo_plugin" and "craftcore_combination_tryed" in str(info.value)


def _fake_entry_points(*eps: EntryPoint):
    def entry_points(group: str):
        return [ep for ep in eps if ep.group == group]

    return entry_points


def test_broken_installed_plugin_is_reported_by_name_and_can_be_blocked(monkeypatch) -> None:
    broken = EntryPoint(name="broken", value="no_such_module_xyz", group="craftcore")
    monkeypatch.setattr(plugins_module, "entry_points", _fake_entry_points(broken))
    with pytest.raises(craftcore.PluginError) as info:
        craftcore.load_catalog()
    assert info.value.plugin == "broken"
    assert "error importing plugin 'broken' (no_such_module_xyz)" in str(info.value)
    assert "blocked=['broken']" in str(info.value)
    assert "foundations" in {p.id for p in craftcore.load_catalog(FOUNDATIONS_DIR, blocked=["broken"]).packs}


def test_misspelled_hook_is_an_error() -> None:
    class Typo:
        @craftcore.hookimpl
        def craftcore_combination_tryed(self, result):
            pass

    with pytest.raises(PackError, match="craftcore_combination_tryed"):
        craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, plugins=[Typo()])


def test_plugin_raising_while_listing_packs_is_reported() -> None:
    class Bad:
        @craftcore.hookimpl
        def craftcore_packs(self):
            raise RuntimeError("oops")

    with pytest.raises(PackError, match="failed to list its packs: RuntimeError: oops"):
        craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, plugins=[Bad()])


def test_hookspecs_are_fully_documented() -> None:
    from craftcore import hookspecs

    for name in HOOKS:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        params = inspect.signature(getattr(hookspecs, name)).parameters
        for param in params:
            assert re.search(rf":param {param}:", doc), (name, param)

"""Content diffs between two versions of a pack, and which saves a new version breaks."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

import craftcore
from craftcore import Game
from craftcore._diff import diff, path_optimum, save_impact
from craftcore.cli import main

from .authoring_packs import TINY, write
from .conftest import PACK_DIRS

#: Version 2 of the tiny pack: Delta's level and why change, e is removed (and its recipe), a new concept g, a
#: hint rewritten, the forward path shortened, and b + b gives f and g.
NEW = (
    TINY.replace('name = "Delta"\nlevel = 3', 'name = "Delta"\nlevel = 4')
    .replace("Alpha and Gamma make Delta.", "Delta is Alpha refined by Gamma.")
    .replace(
        '[concepts.e]\nname = "Epsilon"\nlevel = 4\ncategory = "stuff"\ndescription = "Delta alone."\n',
        '[concepts.g]\nname = "Gimel"\nlevel = 2\ncategory = "stuff"\ndescription = "Beta twice, again."\n',
    )
    .replace('[[recipes]]\ninputs = ["d"]\noutputs = ["e"]\nwhy = "Delta alone makes Epsilon."\n', "")
    .replace('inputs = ["b", "b"]\noutputs = ["f"]', 'inputs = ["b", "b"]\noutputs = ["f", "g"]')
    .replace('steps = ["c", "d", "e"]', 'steps = ["c", "d"]')
    .replace("One Alpha is enough", "A single Alpha is enough")
)


def catalogs(tmp_path: pathlib.Path, new: str = NEW) -> tuple[pathlib.Path, pathlib.Path]:
    return write(tmp_path / "old"), write(tmp_path / "new", new, version="2.0.0")


def load(folder: pathlib.Path) -> craftcore.Catalog:
    return craftcore.load_catalog(folder, installed=False, cache=False)


def test_diff_lists_added_removed_and_changed_content(tmp_path: pathlib.Path) -> None:
    old, new = (load(f) for f in catalogs(tmp_path))
    result = diff(old, new)
    summary = {(c.kind, c.key, c.what) for c in result.changes}
    assert summary == {
        ("concept", "e", "removed"),
        ("concept", "g", "added"),
        ("concept", "d", "changed"),
        ("recipe", "d", "removed"),
        ("recipe", "a + c", "changed"),
        ("recipe", "b + b", "changed"),
        ("hint", "a + a", "changed"),
        ("path", "forward", "changed"),
        ("optimum", "forward", "changed"),
    }
    (delta,) = result.of("concept", "changed")
    assert delta.fields == (("level", 3, 4),)
    (bb,) = [c for c in result.of("recipe", "changed") if c.key == "b + b"]
    assert bb.fields == (("outputs", ["f"], ["f", "g"]),)
    (ac,) = [c for c in result.of("recipe", "changed") if c.key == "a + c"]
    assert ac.fields == (("why", ["Alpha and Gamma make Delta."], ["Delta is Alpha refined by Gamma."]),)
    (optimum,) = result.of("optimum")
    assert optimum.fields == (("steps", 3, 2),)
    assert diff(old, old).changes == ()


def test_path_optimum_plays_the_steps_in_order(tmp_path: pathlib.Path) -> None:
    catalog = load(write(tmp_path / "tiny"))
    assert path_optimum(catalog, "forward") == 3
    assert path_optimum(catalog, "backward") == 2  # d first (its plan makes c on the way), then c is held


def played(catalog: craftcore.Catalog, moves: list[tuple[str, ...]]) -> Game:
    game = Game(catalog, clock=lambda: 7.0)
    for move in moves:
        game.combine(*move)
    return game


def test_saves_that_break_or_survive_a_new_version(tmp_path: pathlib.Path) -> None:
    old_dir, new_dir = catalogs(tmp_path)
    old, new = load(old_dir), load(new_dir)
    saves = tmp_path / "saves"
    saves.mkdir()
    played(old, [("a", "b"), ("a", "c")]).save(saves / "safe.json")
    played(old, [("a", "b"), ("a", "c"), ("d",)]).save(saves / "epsilon.json")
    played(old, [("a", "b"), ("b", "b")]).save(saves / "phi.toml")
    (saves / "corrupt.json").write_text('{"format_version": 1', encoding="utf-8")
    impacts = {p.name: save_impact(p, old, new) for p in sorted(saves.iterdir())}
    assert impacts["safe.json"].status == "ok" and impacts["safe.json"].lost == ()
    broken = impacts["epsilon.json"]
    assert (broken.status, broken.lost, broken.replayable_steps, broken.steps) == ("breaks", ("e",), 2, 3)
    assert "unknown concept 'd'" not in broken.reason and broken.reason
    phi = impacts["phi.toml"]  # b + b now also gives g: the recorded discovery no longer matches
    assert (phi.status, phi.lost, phi.replayable_steps) == ("breaks", ("f",), 1)
    assert "discovers ['f', 'g'], not ['f']" in phi.reason
    assert impacts["corrupt.json"].status == "unreadable"


def test_a_rename_keeps_saves_loading(tmp_path: pathlib.Path) -> None:
    renamed = TINY.replace("[concepts.d]", "[concepts.delta]").replace('"d"', '"delta"') + '\n[renames]\nd = "delta"\n'
    old_dir, new_dir = catalogs(tmp_path, renamed)
    old, new = load(old_dir), load(new_dir)
    played(old, [("a", "b"), ("a", "c"), ("d",)]).save(tmp_path / "game.json")
    assert save_impact(tmp_path / "game.json", old, new).status == "ok"
    changes = {(c.kind, c.key, c.what) for c in diff(old, new).changes}
    assert {("concept", "d", "removed"), ("concept", "delta", "added"), ("rename", "d", "added")} <= changes
    unrenamed = load(write(tmp_path / "plain", renamed.replace('d = "delta"', "")))
    impact = save_impact(tmp_path / "game.json", old, unrenamed)
    assert impact.status == "breaks" and "unknown concept 'd'" in impact.reason
    assert set(impact.lost) == {"d", "e"} and impact.replayable_steps == 1


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err, env={})
    return status, out.getvalue(), err.getvalue()


def test_diff_command(tmp_path: pathlib.Path) -> None:
    old_dir, new_dir = catalogs(tmp_path)
    saves = tmp_path / "saves"
    saves.mkdir()
    played(load(old_dir), [("a", "b"), ("a", "c"), ("d",)]).save(saves / "g.json")
    status, out, err = run("diff", str(old_dir), str(new_dir), "--no-installed")
    assert (status, err) == (0, "")
    assert "concepts (3):\n  ~ d  changed\n      level: 3 -> 4\n  - e  removed\n  + g  added\n" in out
    assert "learning paths (1):\n  ~ forward  changed\n      steps: ['c', 'd', 'e'] -> ['c', 'd']\n" in out
    assert "combine steps to play each learning path in order (1):\n  ~ forward  changed\n      steps: 3 -> 2" in out
    status, out, _ = run("diff", str(old_dir), str(new_dir), "--no-installed", "--saves", str(saves))
    assert status == 1
    assert f"{saves / 'g.json'}: breaks after 2 of 3 steps: " in out and "loses 1 discoveries: e" in out
    status, out, _ = run("diff", str(old_dir), str(new_dir), "--no-installed", "--saves", str(saves), "--json")
    data = json.loads(out)
    assert status == 1 and data["saves"][0]["status"] == "breaks" and data["saves"][0]["lost"] == ["e"]
    assert {"kind": "concept", "key": "g", "what": "added", "fields": []} in data["changes"]
    assert run("diff", str(old_dir), str(old_dir), "--no-installed")[1] == "no content changes\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_pack", "also_missing"], "neither a pack folder nor an installed pack"),
        (["{old}", "{old}", "--saves", "{missing}"], "not a folder of saves"),
    ],
)
def test_diff_command_errors(tmp_path: pathlib.Path, args: list[str], message: str) -> None:
    old_dir = write(tmp_path / "old")
    argv = [a.format(old=old_dir, missing=tmp_path / "missing") for a in args]
    status, _, err = run("diff", *argv, "--no-installed")
    assert status == 1 and message in err and err.count("\n") == 1


def test_an_installed_pack_against_its_folder_is_unchanged() -> None:
    status, out, _ = run("diff", "moe", str(PACK_DIRS["moe"]))
    assert (status, out) == (0, "no content changes\n")


def test_renaming_a_shipped_concept_with_renames_keeps_saves(tmp_path: pathlib.Path) -> None:
    """The attention pack with kv_cache renamed kv_caching everywhere: saves that found the KV cache break without
    [renames] and load with it; the diff names the change."""
    import re
    import shutil

    from craftcore.testing import play_to

    shutil.copytree(PACK_DIRS["attention"], tmp_path / "attention")
    for file in (tmp_path / "attention").glob("*.toml"):
        text = file.read_text(encoding="utf-8")
        file.write_text(re.sub(r"\bkv_cache\b", "kv_caching", text), encoding="utf-8")
    installed = craftcore.load_catalog(PACK_DIRS["attention"], installed="required")
    game = Game(installed, clock=lambda: 1.0)
    play_to(game, "kv_cache")
    game.save(tmp_path / "kv.json")
    renamed = craftcore.load_catalog(tmp_path / "attention", installed="required", cache=False)
    impact = save_impact(tmp_path / "kv.json", installed, renamed)
    assert impact.status == "breaks" and impact.lost == ("kv_cache",)
    (tmp_path / "attention" / "renames.toml").write_text('[renames]\nkv_cache = "kv_caching"\n', encoding="utf-8")
    renamed = craftcore.load_catalog(tmp_path / "attention", installed="required", cache=False)
    assert save_impact(tmp_path / "kv.json", installed, renamed).status == "ok"
    assert "kv_caching" in Game.load(tmp_path / "kv.json", renamed).discovered
    changes = {(c.kind, c.key, c.what) for c in diff(installed, renamed).changes}
    assert {
        ("concept", "kv_cache", "removed"),
        ("concept", "kv_caching", "added"),
        ("rename", "kv_cache", "added"),
    } <= (changes)

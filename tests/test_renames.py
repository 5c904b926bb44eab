"""[renames]: old saves load onto a pack whose concept ids changed; and the warning for a pack that adds outputs to
another pack's recipe."""

from __future__ import annotations

import io
import json
import pathlib

import pytest

import craftcore
from craftcore import Game, PackError, SaveError
from craftcore.cli import main

from .authoring_packs import TINY, write

RENAMED = TINY.replace("[concepts.d]", "[concepts.delta]").replace('"d"', '"delta"') + '\n[renames]\nd = "delta"\n'


def load(folder: pathlib.Path) -> craftcore.Catalog:
    return craftcore.load_catalog(folder, installed=False, cache=False)


def played(catalog: craftcore.Catalog) -> Game:
    game = Game(catalog, clock=lambda: 5.0)
    d = "d" if "d" in catalog.concepts else "delta"
    for combo in (("a", "b"), ("a", "c"), (d,), ("b", "c")):
        game.combine(*combo)
    return game


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_save_naming_an_old_id_loads_onto_the_renamed_pack(tmp_path: pathlib.Path, suffix: str) -> None:
    old = load(write(tmp_path / "old"))
    save = tmp_path / f"game{suffix}"
    played(old).save(save)
    assert "d" in save.read_text(encoding="utf-8")
    new = load(write(tmp_path / "new", RENAMED, version="1.1.0"))
    assert dict(new.renames) == {"d": "delta"}
    game = Game.load(save, new)
    assert set(game.discovered) == {"a", "b", "c", "delta", "e"}
    assert game.steps[1].new == ("delta",) and game.steps[2].inputs == ("delta",)
    assert game.attempts[0].inputs == ("b", "c")
    with pytest.raises(SaveError, match="unknown concept 'd'"):  # without the rename the same save is refused
        Game.load(save, load(write(tmp_path / "plain", RENAMED.replace('d = "delta"', ""))))


def test_renames_survive_the_pack_cache(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(tmp_path / "cache"))
    folder = write(tmp_path / "new", RENAMED)
    first = craftcore.load_catalog(folder, installed=False)
    second = craftcore.load_catalog(folder, installed=False)  # from the cache
    assert dict(second.renames) == dict(first.renames) == {"d": "delta"}


@pytest.mark.parametrize(
    ("renames", "code", "key", "message"),
    [
        ('d = "nowhere"', "unknown-id", "renames.d", "unknown concept 'nowhere'"),
        ('c = "delta"', "bad-rename", "renames.c", "'c' is renamed, but pack 'tiny' still defines a concept"),
        ('d = "d"', "bad-value", "renames.d", "'d' is renamed to itself"),
        ('Bad-Id = "delta"', "bad-id", "renames.Bad-Id", "is not lowercase snake_case"),
        ('d = "Not An Id"', "bad-id", "renames.d", "is not lowercase snake_case"),
        ("d = 3", "wrong-type", "renames.d", "expected the new id, a string"),
        ('d = { to = "delta" }', "wrong-type", "renames.d", "expected the new id, a string"),
    ],
)
def test_bad_renames_are_pack_errors_with_lines(
    tmp_path: pathlib.Path, renames: str, code: str, key: str, message: str
) -> None:
    body = RENAMED.replace('d = "delta"', renames)
    folder = write(tmp_path / "p", body)
    with pytest.raises(PackError) as caught:
        load(folder)
    problem = next(p for p in caught.value.problems if p.code == code)
    assert problem.key == key and message in problem.message
    text = (folder / "pack.toml").read_text(encoding="utf-8").splitlines()
    assert problem.line is not None and text[problem.line - 1].startswith(renames.split(" =")[0])


def test_renames_must_be_a_table(tmp_path: pathlib.Path) -> None:
    folder = write(tmp_path / "p", RENAMED.replace('[renames]\nd = "delta"', ""))
    (folder / "renames.toml").write_text('# renames as a list\nrenames = ["d"]\n', encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load(folder)
    (problem,) = caught.value.problems
    assert (problem.code, problem.key, problem.line) == ("wrong-type", "renames", 2)


def test_a_renamed_id_and_the_new_concept_both_in_a_save_is_still_one_concept(tmp_path: pathlib.Path) -> None:
    """A hostile save listing the old and the new id is replayed through the rules, which refuse the duplicate."""
    new = load(write(tmp_path / "new", RENAMED))
    data = played(new).to_dict()
    data["steps"][2]["inputs"] = ["d"]  # the old name of delta: accepted through the rename
    assert set(Game.from_dict(data, new).discovered) == set(played(new).discovered)
    data["steps"].append({"inputs": ["a", "c"], "time": 6.0, "new": ["d"]})  # rediscovering delta by its old id
    with pytest.raises(SaveError, match="impossible game"):
        Game.from_dict(data, new)


# ------------------------------------------------------------------------------------------ adds-outputs warning

EXTENSION = """
[concepts.x]
name = "Extra"
level = 3
category = "stuff"
description = "A three-star concept that another pack hangs on a first move."

[[recipes]]
inputs = ["b", "a"]
outputs = ["x"]
why = "Piggybacks on tiny's first recipe."
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err, env={})
    return status, out.getvalue(), err.getvalue()


def test_a_pack_adding_outputs_to_another_packs_recipe_is_warned_with_file_and_line(tmp_path: pathlib.Path) -> None:
    base = write(tmp_path / "tiny")
    ext = write(tmp_path / "ext", EXTENSION, pack_id="ext", requires="tiny")
    catalog = craftcore.load_catalog(base, ext, installed=False, cache=False)
    (warning,) = [p for p in catalog.problems() if p.code == "adds-outputs"]
    assert (warning.severity, warning.pack, warning.key) == ("warning", "ext", "recipes[0]")
    assert warning.file == str(ext / "pack.toml")
    lines = (ext / "pack.toml").read_text(encoding="utf-8").splitlines()
    assert lines[warning.line - 1] == "[[recipes]]"
    assert "a + b is already a recipe of pack 'tiny' (giving c): this recipe adds x" in warning.message
    status, out, _ = run("check", str(base), str(ext), "--no-installed")
    assert status == 0 and f"{ext / 'pack.toml'}:{warning.line}: warning: recipes[0]:" in out
    status, out, _ = run("check", str(base), str(ext), "--no-installed", "--strict")
    assert status == 1 and "FAILED: 0 errors, 2 warnings" in out  # with tiny's path-order warning
    status, out, _ = run("check", str(base), str(ext), "--no-installed", "--strict", "--json")
    warnings = json.loads(out)["warnings"]
    assert status == 1 and sorted(w["code"] for w in warnings) == ["adds-outputs", "path-order"]


def test_no_warning_for_a_packs_own_shared_inputs_or_the_same_outputs(tmp_path: pathlib.Path) -> None:
    own = TINY + '\n[[recipes]]\ninputs = ["a", "b"]\noutputs = ["f"]\nwhy = "Two outputs, one pack."\n'
    same = EXTENSION.replace('outputs = ["x"]', 'outputs = ["c"]')
    base = write(tmp_path / "tiny", own)
    ext = write(tmp_path / "ext", same, pack_id="ext", requires="tiny")
    catalog = craftcore.load_catalog(base, ext, installed=False, cache=False)
    assert [p.code for p in catalog.problems() if p.code == "adds-outputs"] == []


def test_the_shipped_packs_add_no_outputs_to_each_others_recipes(full_catalog: craftcore.Catalog) -> None:
    assert [str(p) for p in full_catalog.problems() if p.code == "adds-outputs"] == []


def test_renames_reach_the_review_and_help_logs(tmp_path: pathlib.Path) -> None:
    old = load(write(tmp_path / "old"))
    game = Game(old, clock=lambda: 5.0)
    game.combine("a", "b")
    game.plan("d")  # counted help naming d as its target
    game.combine("a", "c")
    (card,) = [c for c in game.review_cards() if c.concept == "d" and c.kind == "recipe"]
    game.answer(card, card.answers, now=6.0)
    game.save(tmp_path / "game.json")
    new = load(write(tmp_path / "new", RENAMED))
    loaded = Game.load(tmp_path / "game.json", new)
    assert [h.target for h in loaded.help] == ["delta"]
    assert [r.card for r in loaded.reviews] == ["recipe:delta"]
    assert loaded.reviews[0].answer == tuple(new.renames.get(a, a) for a in game.reviews[0].answer)

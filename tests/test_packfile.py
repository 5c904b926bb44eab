"""Reading one pack: TOML syntax, types, unknown keys, duplicates -- every problem at once, with file, key and line."""

from __future__ import annotations

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore import PackError

HEADER = """
[pack]
id = "demo"
name = "Demo"
version = "1.0.0"
description = "A demo pack."
requires = ["foundations"]

[categories.demo_cat]
name = "Demo"
description = "Demo things."
"""

CONCEPT = """
[concepts.widget]
name = "Widget"
level = 2
category = "demo_cat"
description = "A thing made from calculus."

[[recipes]]
inputs = ["calculus", "linear_algebra", "linear_algebra"]
outputs = ["widget"]
why = "because"
"""


def load_errors(folder) -> list[craftcore.Problem]:
    with pytest.raises(PackError) as info:
        craftcore.load_catalog(FOUNDATIONS_DIR, folder, installed=False)
    return list(info.value.problems)


def test_valid_pack_loads_and_merges_with_foundations(write_pack) -> None:
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, write_pack({"pack.toml": HEADER + CONCEPT}), installed=False)
    assert "widget" in catalog.concepts
    assert [p.id for p in catalog.packs] == ["foundations", "demo"]
    assert catalog.concepts["widget"].pack == "demo"


def test_toml_syntax_error_has_line_and_column(write_pack) -> None:
    folder = write_pack({"pack.toml": HEADER + "\n[concepts.broken\nname = 1\n"})
    (problem,) = [p for p in load_errors(folder) if p.code == "toml-syntax"]
    assert problem.file.endswith("pack.toml")
    assert problem.line == HEADER.count("\n") + 2
    assert problem.column is not None
    assert f":{problem.line}:" in str(problem)


def test_wrong_type_is_reported_with_key_path_and_line(write_pack) -> None:
    text = HEADER + CONCEPT.replace("level = 2", 'level = "2"')
    problems = load_errors(write_pack({"pack.toml": text}))
    (problem,) = [p for p in problems if p.key == "concepts.widget.level"]
    assert problem.code == "wrong-type"
    assert "integer" in problem.message
    assert problem.line == text.splitlines().index('level = "2"') + 1


def test_unknown_key_suggests_the_right_one(write_pack) -> None:
    text = HEADER + CONCEPT.replace("level = 2", "levle = 2")
    problems = load_errors(write_pack({"pack.toml": text}))
    unknown = [p for p in problems if p.code == "unknown-key"]
    assert unknown and unknown[0].key == "concepts.widget.levle"
    assert unknown[0].suggestions == ("level",)
    assert "did you mean 'level'?" in str(unknown[0])
    assert any(p.code == "missing-key" and p.key == "concepts.widget.level" for p in problems)


def test_every_problem_is_reported_in_one_pass(write_pack) -> None:
    text = (
        HEADER
        + CONCEPT.replace("level = 2", "level = 9").replace('"calculus", ', '"calculos", ')
        + """
[concepts.gadget]
name = 3
level = 1
category = "nowhere"
description = "x"

[[recipes]]
inputs = ["a", "b", "c", "d", "e"]
outputs = []
"""
    )
    codes = {p.code for p in load_errors(write_pack({"pack.toml": text}))}
    assert {"bad-level", "wrong-type", "bad-arity"} <= codes
    assert "unknown-id" in codes


def test_bad_id_version_kind_and_url(write_pack) -> None:
    text = (
        HEADER.replace('"1.0.0"', '"1.0"')
        + CONCEPT.replace(
            'description = "A thing made from calculus."',
            'description = "A thing."\nresources = [{ title = "T", url = "ftp:/x", kind = "papr" }]',
        )
        + """
[concepts.BadId]
name = "Bad"
level = 2
category = "demo_cat"
description = "x"
"""
    )
    problems = load_errors(write_pack({"pack.toml": text}))
    codes = {p.code for p in problems}
    assert {"bad-version", "bad-url", "bad-value", "bad-id"} <= codes
    kind = next(p for p in problems if p.code == "bad-value")
    assert kind.suggestions == ("paper",)


def test_duplicate_concept_across_files_names_both_places(write_pack) -> None:
    folder = write_pack({"pack.toml": HEADER + CONCEPT, "more.toml": CONCEPT.split("[[recipes]]")[0]})
    (dup,) = [p for p in load_errors(folder) if p.code == "duplicate-id"]
    assert dup.file.endswith("more.toml")
    assert "pack.toml:" in dup.message


def test_content_may_be_spread_over_files(write_pack) -> None:
    concept, recipe = CONCEPT.split("[[recipes]]")
    folder = write_pack({"pack.toml": HEADER, "concepts.toml": concept, "recipes.toml": "[[recipes]]" + recipe})
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, folder, installed=False)
    assert catalog.made_by("widget")[0].inputs == ("calculus", "linear_algebra", "linear_algebra")


def test_missing_pack_table_and_missing_folder(write_pack, tmp_path) -> None:
    problems = load_errors(write_pack({"pack.toml": CONCEPT}))
    assert any(p.code == "missing-pack-table" for p in problems)
    problems = load_errors(tmp_path / "nope")
    assert [p.code for p in problems] == ["no-pack"]


def test_pack_from_text_source() -> None:
    source = craftcore.PackSource.from_text("demo.toml", HEADER + CONCEPT)

    class Plugin:
        @craftcore.hookimpl
        def craftcore_packs(self):
            return [source]

    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, plugins=[Plugin()])
    assert catalog.packs[-1].location == "demo.toml"
    assert catalog.packs[-1].source == "plugin"


def test_pack_error_prints_readably(write_pack) -> None:
    text = HEADER + CONCEPT.replace("level = 2", "levle = 2")
    with pytest.raises(PackError) as info:
        craftcore.load_catalog(FOUNDATIONS_DIR, write_pack({"pack.toml": text}), installed=False)
    message = str(info.value)
    assert message.startswith("2 errors in content packs:")
    assert "pack.toml:" in message and "concepts.widget.levle" in message

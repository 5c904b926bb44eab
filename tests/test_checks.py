"""Cross-pack checks: ids, requires, visibility, reachability, and order independence."""

from __future__ import annotations

import random

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR
from hypothesis import given
from hypothesis import strategies as st

import craftcore
from craftcore import PackError
from craftcore._checks import LoadedPack
from craftcore._packfile import SourceFile, read_pack


def pack_text(pid: str, *, requires=("foundations",), concepts="", recipes="", extra="") -> str:
    req = ", ".join(f'"{r}"' for r in requires)
    return f"""
[pack]
id = "{pid}"
name = "{pid.title()}"
version = "1.2.3"
description = "Pack {pid}."
requires = [{req}]
{concepts}
{recipes}
{extra}
"""


def concept(cid: str, category: str = "mathematics", level: int = 2) -> str:
    return f"""
[concepts.{cid}]
name = "{cid.replace("_", " ").title()}"
level = {level}
category = "{category}"
description = "The concept {cid}."
"""


def recipe(inputs, outputs, requires=()) -> str:
    fmt = lambda xs: ", ".join(f'"{x}"' for x in xs)  # noqa: E731
    req = f"\nrequires = [{fmt(requires)}]" if requires else ""
    return f'\n[[recipes]]\ninputs = [{fmt(inputs)}]\noutputs = [{fmt(outputs)}]{req}\nwhy = "test"\n'


def errors_of(*folders) -> list[craftcore.Problem]:
    with pytest.raises(PackError) as info:
        craftcore.load_catalog(FOUNDATIONS_DIR, *folders, installed=False)
    return list(info.value.problems)


def test_unknown_id_in_recipe_gets_did_you_mean_and_location(write_pack) -> None:
    text = pack_text("alpha", concepts=concept("gizmo"), recipes=recipe(["calculus", "probabilty"], ["gizmo"]))
    problems = errors_of(write_pack({"pack.toml": text}))
    unknown = [p for p in problems if p.code == "unknown-id"]
    assert len(unknown) == 1
    assert unknown[0].suggestions[0] == "probability"
    assert unknown[0].key == "recipes[0].inputs"
    assert unknown[0].line == text.splitlines().index("[[recipes]]") + 2
    assert "did you mean 'probability'" in str(unknown[0])


def test_unreachable_concept_names_the_inputs_that_can_never_be_obtained(write_pack) -> None:
    text = pack_text(
        "alpha",
        concepts=concept("gizmo") + concept("gadget"),
        recipes=recipe(["gizmo", "calculus"], ["gadget"]) + recipe(["gadget"], ["gizmo"]),
    )
    problems = errors_of(write_pack({"pack.toml": text}))
    unreachable = {p.key: p for p in problems if p.code == "unreachable"}
    assert set(unreachable) == {"concepts.gizmo", "concepts.gadget"}
    assert "lacks 'gizmo'" in unreachable["concepts.gadget"].message


def test_concept_no_recipe_makes_is_a_warning_not_an_error(write_pack) -> None:
    text = pack_text("alpha", concepts=concept("orphan"))
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, write_pack({"pack.toml": text}), installed=False)
    assert [p.code for p in catalog.problems()] == ["never-produced"]


def test_duplicate_concept_across_packs_names_the_first_pack(write_pack) -> None:
    a = write_pack(
        {"pack.toml": pack_text("alpha", concepts=concept("gizmo"), recipes=recipe(["calculus"], ["gizmo"]))}, name="a"
    )
    b = write_pack({"pack.toml": pack_text("beta", concepts=concept("gizmo"))}, name="b")
    (dup,) = [p for p in errors_of(a, b) if p.code == "duplicate-id"]
    assert dup.pack == "beta" and "pack 'alpha'" in dup.message
    assert dup.file.endswith("pack.toml") and dup.line is not None


def test_missing_required_pack_is_named(write_pack) -> None:
    text = pack_text("alpha", requires=("foundations", "atention"))
    (missing,) = [p for p in errors_of(write_pack({"pack.toml": text})) if p.code == "missing-pack"]
    assert "requires pack 'atention'" in missing.message
    assert missing.key == "pack.requires" and missing.line == 7


def test_requires_cycle_is_reported(write_pack) -> None:
    a = write_pack({"pack.toml": pack_text("alpha", requires=("beta",))}, name="a")
    b = write_pack({"pack.toml": pack_text("beta", requires=("alpha",))}, name="b")
    codes = sorted(p.code for p in errors_of(a, b))
    assert codes == ["requires-cycle", "requires-cycle"]


def test_concepts_of_packs_not_required_are_invisible(write_pack) -> None:
    a = write_pack(
        {"pack.toml": pack_text("alpha", concepts=concept("gizmo"), recipes=recipe(["calculus"], ["gizmo"]))}, name="a"
    )
    b = write_pack(
        {"pack.toml": pack_text("beta", concepts=concept("gadget"), recipes=recipe(["gizmo"], ["gadget"]))}, name="b"
    )
    (problem,) = [p for p in errors_of(a, b) if p.code == "not-required"]
    assert "belongs to pack 'alpha', which pack 'beta' does not require" in problem.message


def test_same_pack_twice_is_an_error(write_pack) -> None:
    a = write_pack({"pack.toml": pack_text("alpha")}, name="a")
    b = write_pack({"pack.toml": pack_text("alpha")}, name="b")
    assert [p.code for p in errors_of(a, b)] == ["duplicate-pack"]


def test_recipes_with_the_same_inputs_merge_their_outputs(write_pack) -> None:
    a = write_pack(
        {
            "pack.toml": pack_text(
                "alpha", concepts=concept("gizmo"), recipes=recipe(["calculus", "calculus"], ["gizmo"])
            )
        },
        name="a",
    )
    b = write_pack(
        {
            "pack.toml": pack_text(
                "beta", concepts=concept("gadget"), recipes=recipe(["calculus", "calculus"], ["gadget"])
            )
        },
        name="b",
    )
    game = craftcore.Game(craftcore.load_catalog(FOUNDATIONS_DIR, a, b, installed=False))
    assert set(game.combine("calculus", "calculus").new) == {"gizmo", "gadget"}


def _loaded(data_packs: list[tuple[str, str]]) -> list[LoadedPack]:
    out = []
    for name, text in data_packs:
        pack, problems, where = read_pack([SourceFile(name, text)], source="text", location=name)
        assert pack is not None and not problems
        out.append(LoadedPack(pack, where))
    return out


@given(st.randoms(use_true_random=False))
def test_pack_order_never_changes_the_catalog(rnd: random.Random) -> None:
    texts = [
        ("a.toml", pack_text("zeta", concepts=concept("z1"), recipes=recipe(["calculus", "calculus"], ["z1"]))),
        (
            "b.toml",
            pack_text(
                "alpha",
                requires=("zeta",),
                concepts=concept("a1"),
                recipes=recipe(["z1"], ["a1"]) + recipe(["calculus", "calculus"], ["a1"]),
            ),
        ),
        ("c.toml", pack_text("mid", concepts=concept("m1"), recipes=recipe(["probability"], ["m1"]))),
    ]
    base = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    foundations = LoadedPack(
        read_pack(
            [
                SourceFile(f, open(f, encoding="utf-8").read())  # noqa: SIM115
                for f in sorted(str(p) for p in _foundation_files())
            ],
            source="builtin",
            location="f",
        )[0]
    )
    packs = [foundations, *_loaded(texts)]
    shuffled = packs[:]
    rnd.shuffle(shuffled)
    one = craftcore.Catalog.from_packs(packs)
    two = craftcore.Catalog.from_packs(shuffled)
    assert one == two
    assert [p.id for p in two.packs] == ["foundations", "mid", "zeta", "alpha"]
    assert len(one.concepts) == len(base.concepts) + 3


def _foundation_files():

    return sorted(FOUNDATIONS_DIR.glob("*.toml"), key=lambda p: (p.name != "pack.toml", p.name))

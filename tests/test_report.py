"""The guessability report: every figure against a brute-force count on small random catalogs, the definitions on a
pack worked by hand, the command, and the shipped packs' summary in the docs."""

from __future__ import annotations

import io
import json
import math
import pathlib
from collections import Counter
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

import craftcore
from craftcore._report import expected_tries, report, rounds, tries
from craftcore.cli import main
from craftcore.strategies import catalogs

from .authoring_packs import brute_depth, combos, fired, write
from .conftest import PACK_DIRS, ROOT


def brute_rounds(catalog: craftcore.Catalog) -> dict[str, int]:
    held = dict.fromkeys(catalog.starts, 0)
    number = 0
    while True:
        number += 1
        new = {o for m in combos(list(held)) for o in fired(catalog, m, set(held))} - held.keys()
        if not new:
            return held
        held.update(dict.fromkeys(new, number))


def one_apart(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    ca, cb = Counter(a), Counter(b)
    extra, missing = ca - cb, cb - ca
    return sorted((sum(extra.values()), sum(missing.values()))) in ([0, 1], [1, 1])


@given(catalogs(max_concepts=6, max_inputs=3))
def test_figures_match_a_brute_force_count(catalog: craftcore.Catalog) -> None:
    assume(not catalog.unlocks)
    order = brute_rounds(catalog)
    assert rounds(catalog) == order
    result = report(catalog)
    assert {c.id for c in result.concepts} == set(catalog.concepts) - set(catalog.starts)
    for c in result.concepts:
        held = [h for h, r in order.items() if r < order[c.id]]
        every = combos(held)
        good = [m for m in every if c.id in fired(catalog, m, set(held))]
        assert (c.round, c.held, c.tries, c.successes) == (order[c.id], len(held), len(every), len(good))
        misses = [m for m in every if not catalog.recipes_for(m) and any(one_apart(m, g) for g in good)]
        assert c.near_misses == len(misses)
        assert c.hinted == sum(1 for m in misses if catalog.hint_for(m) is not None)
        assert c.recipes == len(catalog.made_by(c.id))
        assert c.depth_optimal and c.depth == brute_depth(catalog, c.id)
        assert c.expected_tries == expected_tries(len(every), len(good))
        assert c.wiki == (c.expected_tries is not None and c.expected_tries > result.wiki_tries and c.hinted == 0)


@given(st.integers(0, 9), st.data())
def test_expected_tries_is_the_mean_first_success_of_a_random_order(total: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(0, total))
    if successes == 0:
        assert expected_tries(total, successes) is None
        return
    exact = sum(
        Fraction(t * math.comb(total - t, successes - 1), math.comb(total, successes))
        for t in range(1, total - successes + 2)
    )
    assert expected_tries(total, successes) == float(exact)


def test_tries_counts_multisets_of_every_allowed_size() -> None:
    for held in range(6):
        assert tries(held) == len(combos([f"c{i}" for i in range(held)]))


def test_a_small_pack_worked_by_hand(tmp_path: pathlib.Path) -> None:
    catalog = craftcore.load_catalog(write(tmp_path / "tiny"), installed=False, cache=False)
    by_id = {c.id: c for c in report(catalog).concepts}
    # round 1: a + b -> c and b + b -> f, from the two start concepts: 2 + 3 + 4 + 5 = 14 combinations
    assert (by_id["c"].round, by_id["c"].held, by_id["c"].tries, by_id["c"].successes) == (1, 2, 14, 1)
    assert by_id["c"].expected_tries == 7.5
    # d needs c: round 2, held a, b, c, f: 4 + 10 + 20 + 35 combinations, one of them a + c
    assert (by_id["d"].round, by_id["d"].held, by_id["d"].tries, by_id["d"].depth) == (2, 4, 69, 2)
    # the hints for b + c and a + a sit on near misses of a + c (one concept replaced)
    assert by_id["d"].hinted == 2 and not by_id["d"].wiki
    assert by_id["e"].depth == 3
    (summary,) = report(catalog).packs
    assert (summary.pack, summary.concepts, summary.max_depth) == ("tiny", 4, 3)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), env={}), out.getvalue()


def test_report_command_text_and_json(tmp_path: pathlib.Path) -> None:
    folder = write(tmp_path / "tiny")
    status, out = run("report", str(folder), "--no-installed", "--concepts")
    assert status == 0
    assert out.splitlines()[1].split() == ["c", "1", "1", "2", "14", "1", "8", "5", "1"]  # 7.5 printed as 8
    assert "| tiny | 4 | 1.5 / 3 | 21 / 63 | 2 | none |" in out
    status, out = run("report", str(folder), "--no-installed", "--json", "--wiki-tries", "1")
    data = json.loads(out)
    assert status == 0 and data["wiki_tries"] == 1
    # every concept is above one try; c and d have hinted near misses (a + a is next to a + b and a + c, b + c next
    # to a + c), e and f have none (c is not held yet when b + b is)
    assert {c["id"]: c["wiki"] for c in data["concepts"]} == {"c": False, "d": False, "e": True, "f": True}
    assert data["packs"][0]["wiki"] == ["e", "f"]


def test_the_docs_hold_the_shipped_packs_summary() -> None:
    """docs/packs-report.md is `craftcore report` on the shipped packs: regenerate it after content changes."""
    catalog = craftcore.load_catalog(*PACK_DIRS.values(), installed=False)
    from craftcore.cli._packtools import summary_table

    table = summary_table(report(catalog))
    docs = (ROOT / "docs" / "packs-report.md").read_text(encoding="utf-8")
    assert table[0] in docs
    for row in table[2:]:
        pack = row.split(" | ")[0]
        assert pack in docs, f"{pack} is missing from docs/packs-report.md"


def test_the_shipped_packs_report(full_catalog: craftcore.Catalog) -> None:
    result = report(full_catalog)
    assert {c.id for c in result.concepts} == set(full_catalog.concepts) - set(full_catalog.starts)
    game = craftcore.Game(full_catalog)
    for c in result.concepts[::10]:
        assert c.depth_optimal and c.depth == len(game.plan(c.id, budget=5.0).steps)
        assert c.successes >= 1 and c.tries == tries(c.held) and c.expected_tries is not None
    assert [s.pack for s in result.packs] == [p.id for p in full_catalog.packs]
    assert sum(s.concepts for s in result.packs) == len(result.concepts)


def test_report_refuses_a_meaningless_threshold(tmp_path: pathlib.Path) -> None:
    folder = str(write(tmp_path / "tiny"))
    for bad in ("nan", "inf", "-5", "0", "lots"):
        err = io.StringIO()
        status = main(["report", folder, "--no-installed", "--wiki-tries", bad], stdout=io.StringIO(), stderr=err)
        assert status == 2 and "--wiki-tries" in err.getvalue() and "Traceback" not in err.getvalue(), bad

"""[[tests]] tables: how they are read (malformed ones are pack problems with file, key and line), what each kind
checks, and `craftcore test`."""

from __future__ import annotations

import io
import json
import pathlib

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import craftcore
from craftcore import PackError
from craftcore._frozenmap import FrozenMap
from craftcore._packtests import describe, near_misses, read_tests, run_tests, spoilers
from craftcore.cli import main
from craftcore.strategies import catalogs

from .authoring_packs import TINY, brute_depth, write
from .conftest import PACK_DIRS


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err, env={})
    return status, out.getvalue(), err.getvalue()


def outcomes(folder: pathlib.Path) -> list[tuple[str, bool, str]]:
    catalog = craftcore.load_catalog(folder, installed=False, cache=False)
    tests, problems = read_tests(folder)
    assert problems == []
    return [(describe(o.test), o.passed, o.message) for o in run_tests(catalog, tests)]


PASSING = """
[[tests]]
reachable = ["c", "d", "e", "f"]

[[tests]]
target = "e"
max_steps = 3

[[tests]]
inputs = ["b", "a"]
gives = ["c"]

[[tests]]
inputs = ["b", "c"]
fails = true

[[tests]]
path = "forward"
playable = true

[[tests]]
name = "hints keep their secrets"
hints_hide_outputs = true
"""


def test_every_kind_passes_on_a_pack_that_satisfies_it(tmp_path: pathlib.Path) -> None:
    results = outcomes(write(tmp_path / "tiny", tests=PASSING))
    assert [passed for _, passed, _ in results] == [True] * 6, results
    assert [name for name, _, _ in results] == [
        "reachable: c, d, e, f",
        "e in at most 3 steps",
        "b + a gives c",
        "b + c fails",
        "path forward is playable in order",
        "hints keep their secrets",
    ]


FAILING = """
[[tests]]
reachable = ["z"]

[[tests]]
target = "e"
max_steps = 2

[[tests]]
inputs = ["a", "b"]
gives = ["c", "d"]

[[tests]]
inputs = ["a", "b"]
fails = true

[[tests]]
path = "backward"
playable = true

[[tests]]
hints_hide_outputs = true
"""

SPOILER = TINY.replace(
    "other start concept.", "other start concept to make Delta."
)  # the hint for b + c names d, which a + c makes
NEVER_MADE = """
[concepts.z]
name = "Zeta"
level = 2
category = "stuff"
description = "Nothing makes it."
"""


def test_every_kind_fails_with_a_reason(tmp_path: pathlib.Path) -> None:
    results = outcomes(write(tmp_path / "tiny", SPOILER + NEVER_MADE, tests=FAILING))
    assert [passed for _, passed, _ in results] == [False] * 6
    messages = [m for _, _, m in results]
    assert messages[0] == "cannot be obtained from the start concepts: z"
    assert messages[1] == "the optimum takes 3 steps, more than 2"
    assert messages[2] == "a + b does not give d (recipes of tiny)"
    assert messages[3] == "a + b is a recipe (of pack tiny) giving c"
    assert messages[4].startswith("step 1 (d) cannot be obtained without a later step of the path: every recipe")
    assert messages[5] == "the hint for b + c names Delta (d)"


def test_a_test_on_unobtainable_inputs_proves_nothing(tmp_path: pathlib.Path) -> None:
    tests = '[[tests]]\ninputs = ["z", "a"]\nfails = true\n'
    results = outcomes(write(tmp_path / "tiny", TINY + NEVER_MADE, tests=tests))
    assert results == [("z + a fails", False, "the test proves nothing: z cannot be obtained")]


def test_gives_is_exact_so_another_pack_adding_an_output_fails_it(tmp_path: pathlib.Path) -> None:
    base = write(tmp_path / "tiny", tests='[[tests]]\ninputs = ["a", "b"]\ngives = ["c"]\n')
    extra = """
    [concepts.x]
    name = "Extra"
    level = 3
    category = "stuff"
    description = "Added by another pack."

    [[recipes]]
    inputs = ["a", "b"]
    outputs = ["x"]
    why = "Piggybacks on tiny's first recipe."
    """
    ext = write(tmp_path / "ext", extra, pack_id="ext", requires="tiny")
    catalog = craftcore.load_catalog(base, ext, installed=False, cache=False)
    (result,) = run_tests(catalog, read_tests(base)[0])
    assert not result.passed and result.message == "a + b also gives x (recipes of ext, tiny)"


def test_max_steps_trusts_only_proven_bounds(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan that is not proven optimal decides only when its length or its lower bound settles the question."""
    folder = write(tmp_path / "tiny", tests='[[tests]]\ntarget = "e"\nmax_steps = 3\n')
    catalog = craftcore.load_catalog(folder, installed=False, cache=False)
    tests = read_tests(folder)[0]
    real = craftcore.Game.plan

    def unproven(lower: int, extra: int):  # the real plan padded with repeated steps, optimality unknown
        def plan(self, target, *, budget=1.0):
            p = real(self, target, budget=budget)
            return craftcore.Plan(p.target, p.steps + p.steps[:1] * extra, False, lower)

        return plan

    for lower, extra, verdict in [(2, 0, True), (2, 2, False), (4, 2, False)]:
        monkeypatch.setattr(craftcore.Game, "plan", unproven(lower, extra))
        (result,) = run_tests(catalog, tests)
        assert result.passed is verdict, result.message
        if not verdict:
            assert ("undecided" in result.message) is (lower <= 3)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[[tests]]\n", "a test has one of the shapes"),
        ('[[tests]]\nreachable = ["c"]\ntarget = "d"\nmax_steps = 1\n', "this one has max_steps, reachable, target"),
        ('[[tests]]\ntarget = "d"\n', "this one has target"),
        ('[[tests]]\ninputs = ["a"]\nfails = true\ngives = ["c"]\n', "this one has fails, gives, inputs"),
        ('[[tests]]\ninputs = ["a", "b"]\nfails = false\n', "fails can only be true"),
        ('[[tests]]\npath = "forward"\nplayable = false\n', "playable can only be true"),
        ("[[tests]]\nhints_hide_outputs = false\n", "hints_hide_outputs can only be true"),
        ("[[tests]]\nreachable = []\n", "reachable lists no concept"),
        ('[[tests]]\ninputs = ["a"]\ngives = []\n', "gives lists no concept"),
        ('[[tests]]\ntarget = "e"\nmax_steps = -1\n', "max_steps cannot be negative"),
        ('[[tests]]\ninputs = ["a", "a", "a", "a", "a"]\nfails = true\n', "takes 1 to 4 inputs, this one has 5"),
        ("[[tests]]\ninputs = []\nfails = true\n", "takes 1 to 4 inputs, this one has 0"),
        ('[[tests]]\nreachable = ["c"]\nfrobnicate = 1\n', "unknown key 'frobnicate'"),
        ('[[tests]]\nreachable = "c"\n', ""),
        ("[[tests]]\ntarget = 3\nmax_steps = 1\n", ""),
        ('[[tests]]\ntarget = "e"\nmax_steps = 1.5\n', ""),
        ('[[tests]]\ntarget = "e"\nmax_steps = true\n', ""),
        ("[[tests]]\ninputs = [1, 2]\nfails = true\n", ""),
        ('tests = "all of them"\n', "tests must be an array of tables"),
        ("tests = [1, 2]\n", ""),
    ],
)
def test_malformed_tests_are_pack_problems_with_file_key_and_line(
    tmp_path: pathlib.Path, table: str, message: str
) -> None:
    folder = write(tmp_path / "tiny", tests="# a comment line first\n\n" + table)
    with pytest.raises(PackError) as caught:
        craftcore.load_catalog(folder, installed=False, cache=False)
    problem = next(p for p in caught.value.problems if p.file and p.file.endswith("tests.toml"))
    assert problem.severity == "error" and message in problem.message
    assert problem.key is not None and problem.key.startswith("tests")
    # the [[tests]] header, or the line of the offending key inside the table
    key_line = {k.split(" =")[0]: n for n, k in enumerate(table.splitlines(), start=3)}
    name = problem.key.partition(".")[2].partition("[")[0]
    expected = key_line.get(name, 3)
    assert problem.line == expected, str(problem)
    assert str(problem).startswith(f"{folder / 'tests.toml'}:{expected}: error: tests")


@pytest.mark.parametrize(
    ("table", "key", "line"),
    [
        ('[[tests]]\nreachable = ["c", "nope"]\n', "tests[0].reachable", 2),
        ('[[tests]]\ntarget = "nope"\nmax_steps = 1\n', "tests[0].target", 2),
        ('[[tests]]\ninputs = ["a", "nope"]\nfails = true\n', "tests[0].inputs", 2),
        ('[[tests]]\ninputs = ["a", "b"]\ngives = ["nope"]\n', "tests[0].gives", 3),
        ('[[tests]]\npath = "nope"\nplayable = true\n', "tests[0].path", 2),
    ],
)
def test_unknown_ids_in_tests_are_reported_where_they_are(
    tmp_path: pathlib.Path, table: str, key: str, line: int
) -> None:
    folder = write(tmp_path / "tiny", tests=table)
    with pytest.raises(PackError) as caught:
        craftcore.load_catalog(folder, installed=False, cache=False)
    (problem,) = caught.value.problems
    assert (problem.code, problem.key, problem.line) == ("unknown-id", key, line)
    assert "'nope'" in problem.message


def test_near_misses_and_spoilers(tmp_path: pathlib.Path) -> None:
    catalog = craftcore.load_catalog(write(tmp_path / "tiny", SPOILER), installed=False, cache=False)
    assert set(near_misses(catalog, ["b", "c"])) == {"d", "f"}  # a + c and b + b, one concept replaced
    assert set(near_misses(catalog, ["a"])) == {"c", "d"}  # a is part of a + b and a + c
    assert set(near_misses(catalog, ["a", "b", "b"])) == {"c", "f"}  # holds a + b and b + b
    hint = catalog.hint_for(["b", "c"])
    assert hint is not None and spoilers(catalog, hint) == ["d"]
    plain = craftcore.load_catalog(write(tmp_path / "plain"), installed=False, cache=False)
    assert [spoilers(plain, h) for h in plain.hints.values()] == [[], []]


# ------------------------------------------------------------------------------------------------- the command


def test_craftcore_test_reports_pass_fail_with_file_line_and_exit_status(tmp_path: pathlib.Path) -> None:
    good = write(tmp_path / "good", tests=PASSING)
    status, out, err = run("test", str(good), "--no-installed")
    assert (status, err) == (0, "")
    assert out.count("PASSED") == 6 and "\nOK: 6 passed, 0 failed in " in out
    assert f"{good / 'tests.toml'}:2: PASSED reachable: c, d, e, f" in out
    bad = write(tmp_path / "bad", SPOILER + NEVER_MADE, tests=FAILING)
    status, out, _ = run("test", str(bad), "--no-installed")
    assert status == 1
    assert f"{bad / 'tests.toml'}:5: FAILED e in at most 2 steps" in out
    assert "tests[1]: e in at most 2 steps\n      the optimum takes 3 steps, more than 2" in out
    assert "FAILED: 0 passed, 6 failed" in out


def test_craftcore_test_json(tmp_path: pathlib.Path) -> None:
    bad = write(tmp_path / "bad", tests='[[tests]]\ninputs = ["a", "b"]\nfails = true\n')
    status, out, _ = run("test", str(bad), "--no-installed", "--json")
    data = json.loads(out)
    assert status == 1 and data["ok"] is False and (data["passed"], data["failed"]) == (0, 1)
    assert data["tests"] == [
        {
            "pack": "tiny",
            "file": str(bad / "tests.toml"),
            "line": 1,
            "key": "tests[0]",
            "kind": "fails",
            "name": "a + b fails",
            "passed": False,
            "message": "a + b is a recipe (of pack tiny) giving c",
        }
    ]


def test_craftcore_test_on_broken_or_missing_packs(tmp_path: pathlib.Path) -> None:
    broken = write(tmp_path / "broken", tests="[[tests]]\nreachable = 3\n")
    status, out, err = run("test", str(broken), "--no-installed")
    assert status == 1 and "tests.toml:2: error: tests[0].reachable" in err and "Traceback" not in err
    status, _, err = run("test", str(tmp_path / "missing"))
    assert status == 1 and "not a pack folder" in err
    status, out, _ = run("test", str(write(tmp_path / "none")), "--no-installed")
    assert status == 0 and "no [[tests]] tables" in out


def test_the_shipped_packs_pass_their_tests() -> None:
    status, out, _ = run("test", *map(str, PACK_DIRS.values()), "--no-installed")
    assert status == 0, out
    assert " 0 failed" in out and int(out.split("OK: ")[1].split(" passed")[0]) >= 40


# ------------------------------------------------------------------------------------------------- properties


def brute_playable(catalog: craftcore.Catalog, steps: tuple[str, ...]) -> bool:
    """Each step obtainable from the start concepts by combinations that never use nor make a later step."""
    import itertools

    for i, step in enumerate(steps):
        later = set(steps[i + 1 :]) - {step}
        if step in catalog.starts:
            continue
        held = set(catalog.starts) - later
        grew = True
        while grew and step not in held:
            grew = False
            for k in range(craftcore.MIN_INPUTS, craftcore.MAX_INPUTS + 1):
                for combo in itertools.combinations_with_replacement(sorted(held), k):
                    for recipe in catalog.recipes_for(combo):
                        if set(recipe.requires) <= held and later.isdisjoint(recipe.requires):
                            new = set(recipe.outputs) - held - later
                            if new:
                                held |= new
                                grew = True
        if step not in held:
            return False
    return True


@given(catalogs(max_concepts=6, max_inputs=3), st.data())
def test_kinds_agree_with_brute_force_on_random_catalogs(catalog: craftcore.Catalog, data: st.DataObject) -> None:
    from craftcore import PackTest

    assume(not catalog.unlocks and not any(s in catalog.starts for p in catalog.paths.values() for s in p.steps))
    ids = sorted(catalog.concepts)
    target = data.draw(st.sampled_from(ids))
    most = data.draw(st.integers(0, 4))
    depth = brute_depth(catalog, target)
    steps = tuple(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True)))
    combo = tuple(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3)))
    outputs = {o for r in catalog.recipes_for(combo) for o in r.outputs}
    tests = [
        (PackTest("reachable", "random", concepts=(target,)), True),
        (PackTest("max_steps", "random", target=target, max_steps=most), depth <= most),
        (PackTest("fails", "random", inputs=combo), not outputs),
        (PackTest("gives", "random", inputs=combo, concepts=tuple(sorted(outputs)) or (ids[0],)), bool(outputs)),
    ]
    playable = attrs.evolve(catalog, paths=FrozenMap({"p": craftcore.LearningPath("p", "P", "", steps, "random")}))
    tests.append((PackTest("playable", "random", path="p"), brute_playable(catalog, steps)))
    for test, expected in tests:
        (outcome,) = run_tests(playable, [test])
        assert outcome.passed is expected, (describe(test), outcome.message)

"""The public recipe lists of Infinite Craft and Little Alchemy 2, converted into packs by ``benchmarks/realdata.py``:
they load, their counts match the datasets' README, real combinations play, and plans on them replay.

The data files are not part of the project: they are read from ``$CRAFTCORE_DATASETS`` or ``../shared/datasets``
beside the project (present in CI); the tests are skipped, saying so, only when the files are absent.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
from types import ModuleType

import pytest

import craftcore
from craftcore import Game

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _realdata() -> ModuleType:
    spec = importlib.util.spec_from_file_location("craftcore_bench_realdata", ROOT / "benchmarks" / "realdata.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


realdata = _realdata()
DATASETS = pathlib.Path(os.environ.get("CRAFTCORE_DATASETS") or ROOT / ".." / "shared" / "datasets")
pytestmark = pytest.mark.skipif(
    not (DATASETS / realdata.IC_FILE).is_file() or not (DATASETS / realdata.LA2_FILE).is_file(),
    reason=f"the public datasets are not at {DATASETS} (set CRAFTCORE_DATASETS to their folder)",
)


@pytest.fixture(scope="module")
def infinite_craft(tmp_path_factory: pytest.TempPathFactory) -> craftcore.Catalog:
    folder = realdata.infinite_craft_pack(DATASETS / realdata.IC_FILE, tmp_path_factory.mktemp("ic") / "pack")
    return realdata.load_alone(folder)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def little_alchemy(tmp_path_factory: pytest.TempPathFactory) -> craftcore.Catalog:
    folder = realdata.little_alchemy_pack(DATASETS / realdata.LA2_FILE, tmp_path_factory.mktemp("la2") / "pack")
    return realdata.load_alone(folder)  # type: ignore[no-any-return]


def _id(catalog: craftcore.Catalog, name: str) -> str:
    (cid,) = [c.id for c in catalog.concepts.values() if c.name == name]
    return cid


def _replay(catalog: craftcore.Catalog, plan: craftcore.Plan) -> Game:
    game = Game(catalog, clock=lambda: 0.0)
    for step in plan:
        assert game.combine(*step.inputs).new, step
    assert set(plan.targets) <= set(game.discovered)
    return game


def test_slugs_are_valid_unique_and_deterministic() -> None:
    names = ["Fire", "fire!", "∞", "1984", "Çà va", "Fire"]
    ids = realdata.slugs(names)
    assert ids == realdata.slugs(list(reversed(names)))
    assert ids["Fire"] == "fire" and ids["fire!"] == "fire_2" and ids["∞"] == "u221e"
    assert ids["1984"] == "n1984" and ids["Çà va"] == "ca_va"
    assert all(cid[0].isalpha() and cid.replace("_", "").isalnum() and cid.islower() for cid in ids.values())


def test_infinite_craft_matches_the_dataset_facts(infinite_craft: craftcore.Catalog) -> None:
    catalog = infinite_craft
    assert [p.id for p in catalog.packs] == ["infinite_craft"]
    assert len(catalog.concepts) == 8_168
    assert len({r.inputs for r in catalog.recipes}) == 18_376
    assert len(catalog.reachable()) == 8_168
    assert sorted(catalog.concepts[c].name for c in catalog.starts) == ["Earth", "Fire", "Water", "Wind"]
    assert all(r.inputs and not set(r.outputs) & set(r.inputs) for r in catalog.recipes)  # no self-results


def test_little_alchemy_matches_the_dataset_facts(little_alchemy: craftcore.Catalog) -> None:
    catalog = little_alchemy
    assert [p.id for p in catalog.packs] == ["little_alchemy_2"]
    assert len(catalog.concepts) == 528
    keys = {r.inputs for r in catalog.recipes}
    assert len(keys) == 2_212
    assert sum(1 for k in keys if len({o for r in catalog.recipes_for(k) for o in r.outputs}) > 1) == 107
    assert sorted(catalog.starts) == ["air", "earth", "fire", "water"]
    assert len([u for u in catalog.unlocks if u.outputs == ("time",) and u.after == 100]) == 1
    assert len(_by_recipes(catalog)) == 519  # the README's count: recipes alone, no unlock
    assert len(catalog.reachable()) == 522  # time and the 2 concepts only time leads to; 6 need undefined elements


def _by_recipes(catalog: craftcore.Catalog) -> set[str]:
    have = set(catalog.starts)
    changed = True
    while changed:
        changed = False
        for r in catalog.recipes:
            if set(r.inputs) <= have and not set(r.outputs) <= have:
                have |= set(r.outputs)
                changed = True
    return have


def test_real_combinations_play(infinite_craft: craftcore.Catalog, little_alchemy: craftcore.Catalog) -> None:
    game = Game(infinite_craft)
    result = game.combine(_id(infinite_craft, "Fire"), _id(infinite_craft, "Water"))
    assert [infinite_craft.concepts[c].name for c in result.new] == ["Steam"]
    assert game.combine(_id(infinite_craft, "Fire"), _id(infinite_craft, "Wind")).new == (_id(infinite_craft, "Smoke"),)
    la2 = Game(little_alchemy)
    assert la2.combine("fire", "water").new == ("steam",)
    assert la2.combine("earth", "water").new == ("mud",)


@pytest.mark.parametrize("name", ["Steam", "Rain", "Plant", "Volcano", "Dragon"])
def test_infinite_craft_plans_replay(infinite_craft: craftcore.Catalog, name: str) -> None:
    game = Game(infinite_craft)
    plan = game.plan(_id(infinite_craft, name), budget=3.0)
    _replay(infinite_craft, plan)
    assert plan.lower_bound <= len(plan)
    if name == "Steam":
        assert plan.optimal and len(plan) == 1


@pytest.mark.parametrize("target", ["steam", "life", "human", "banana", "pencil"])
def test_little_alchemy_plans_replay(little_alchemy: craftcore.Catalog, target: str) -> None:
    plan = Game(little_alchemy).plan(target, budget=3.0)
    _replay(little_alchemy, plan)
    assert plan.lower_bound <= len(plan)


def test_little_alchemy_several_targets_and_next_step(little_alchemy: craftcore.Catalog) -> None:
    game = Game(little_alchemy)
    plan = game.plan("human", "pencil", budget=3.0)
    _replay(little_alchemy, plan)
    step = game.best_next("human", "pencil", budget=3.0)
    assert step is not None and step.before == len(plan) and step.after == len(plan) - 1


def test_real_data_benchmark_runs_and_prints_a_table() -> None:
    import subprocess
    import sys

    argv = [sys.executable, str(ROOT / "benchmarks" / "bench_realdata.py"), "--datasets", str(DATASETS)]
    argv += ["--la2", "3", "--ic", "1", "--budget-ic", "2"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(lines) == 4 and set(lines[1]) <= set("|-: ")

"""The files ``craftcore new`` writes: an installable pack distribution that passes its own checks at once."""

from __future__ import annotations

from collections.abc import Sequence

import craftcore
from craftcore.schema import SCHEMA_PATH

__all__ = ["distribution_name", "module_name", "render"]


def module_name(pack_id: str) -> str:
    return f"craftcore_{pack_id}"


def distribution_name(pack_id: str) -> str:
    return f"craftcore-{pack_id.replace('_', '-')}"


def _title(pack_id: str) -> str:
    return " ".join(w.capitalize() for w in pack_id.split("_"))


def _craftcore_floor() -> str:
    parts = str(craftcore.__version__).split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[0]}.{parts[1]}"
    return "0.1"


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist}"
version = "0.1.0"
description = "The {title} content pack for craftcore."
requires-python = ">=3.11"
dependencies = ["craftcore>={floor}"]

[project.optional-dependencies]
testing = ["pytest>=8"]

# craftcore finds installed packs through this entry-point group.
[project.entry-points.craftcore]
{pack_id} = "{module}"

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools.package-data]
{module} = ["pack/*.toml"]

# Plain `pytest` runs tests/ and the pack's own [[tests]] tables (collected by craftcore's pytest plugin);
# craftcore_packs tells the craftcore_catalog and craftcore_game fixtures which pack folder is under test.
[tool.pytest.ini_options]
testpaths = ["tests", "src/{module}/pack"]
craftcore_packs = ["src/{module}/pack"]
"""

INIT = '''\
"""The {title} pack for craftcore, registered through the ``craftcore`` entry-point group."""

from __future__ import annotations

import pathlib

import craftcore

#: The folder holding this pack's TOML files.
PACK_DIR = pathlib.Path(__file__).parent / "pack"


@craftcore.hookimpl
def craftcore_packs() -> list[craftcore.PackSource]:
    return [craftcore.PackSource.from_directory(PACK_DIR)]
'''

PACK_TOML = """\
#:schema {schema}
# The {title} pack. The format is described in craftcore's docs/pack-format.md.
# Check it with:  craftcore check {pack_dir_hint}

[pack]
id = "{pack_id}"
name = "{title}"
version = "0.1.0"
description = "A new craftcore content pack: replace this with what the pack teaches."
requires = {requires}

# Concepts may use the categories of the packs this one requires (foundations declares mathematics, attention,
# efficient_attention, linear_models, ssm, moe, optimization, production, deep_learning and systems) or new ones:
# [categories.my_category]
# name = "My category"
# description = "What the concepts in it have in common."

[concepts.{pack_id}_benchmark]
name = "{title} benchmark"
level = 2
category = "systems"
description = "A repeatable measurement of a model's speed and memory on a fixed workload: this pack's example concept, to replace with your own."
properties = {{ measures = ["latency", "throughput", "peak memory"], rule = "change one thing at a time" }}
resources = [
  {{ title = "TOML v1.0.0 specification", url = "https://toml.io/en/v1.0.0", kind = "docs" }},
]

[[recipes]]
inputs = ["{first}", "{second}"]
outputs = ["{pack_id}_benchmark"]
why = "Metrics say what to measure and a small model makes measuring cheap: together they give a benchmark to rerun after every change."

[paths.{pack_id}_first_steps]
name = "{title}: first steps"
description = "From a neural network to the pack's example benchmark."
steps = ["neural_networks", "{first}", "{second}", "{pack_id}_benchmark"]

[[hints]]
inputs = ["metrics", "probability"]
text = "Probability turns metrics into averages and percentiles; to benchmark you also need something small to measure."
"""  # noqa: E501

TESTS_TOML = """\
#:schema {schema}
# Claims about this pack that `craftcore test` and `pytest` check (docs/pack-format.md, "Tests written in the pack").

[[tests]]
reachable = ["{pack_id}_benchmark"]

[[tests]]
target = "{pack_id}_benchmark"
max_steps = 6

[[tests]]
inputs = ["{first}", "{second}"]
gives = ["{pack_id}_benchmark"]

[[tests]]
inputs = ["metrics", "probability"]
fails = true

[[tests]]
path = "{pack_id}_first_steps"
playable = true

[[tests]]
hints_hide_outputs = true
"""

TEST = '''\
"""The {title} pack loads without errors or warnings, its content is complete, and it can be played through.

These tests find the pack by its folder, so they pass before the distribution is installed; the pack's own
``[[tests]]`` tables (src/{module}/pack/tests.toml) are collected by craftcore's pytest plugin, which also gives
the fixtures ``craftcore_catalog`` and ``craftcore_game`` (the folder named by ``craftcore_packs`` in
pyproject.toml, with the installed packs it requires).
"""

from __future__ import annotations

import pathlib

import craftcore
from craftcore.testing import check_pack, content_problems, play_everything

PACK_ID = "{pack_id}"
PACK_DIR = pathlib.Path(__file__).resolve().parents[1] / "src" / "{module}" / "pack"


def test_pack_loads_without_problems() -> None:
    catalog = check_pack(PACK_DIR)  # with the installed packs it requires; fails on any error or warning
    assert PACK_ID in {{p.id for p in catalog.packs}}


def test_content_is_complete(craftcore_catalog: craftcore.Catalog) -> None:
    assert content_problems(craftcore_catalog, packs=[PACK_ID]) == []


def test_every_concept_is_discovered_by_playing(craftcore_catalog: craftcore.Catalog) -> None:
    ours = [c.id for c in craftcore_catalog.concepts.values() if c.pack == PACK_ID]
    game = play_everything(craftcore_catalog, targets=ours)
    assert set(ours) <= set(game.discovered)


def test_a_new_game_begins_with_the_start_concepts(craftcore_game: craftcore.Game) -> None:
    assert set(craftcore_game.discovered) == set(craftcore_game.catalog.starts)
'''

README = """\
# {title}

A content pack for [craftcore](https://pypi.org/project/craftcore/).

    pytest                                          # its tests (they find the pack by its folder)
    craftcore check --strict --content src/{module}/pack
    craftcore test src/{module}/pack                # the [[tests]] tables alone
    craftcore report --concepts src/{module}/pack   # how guessable each concept is
    pip install -e .                                # then `craftcore play` includes the pack

The content lives in `src/{module}/pack/*.toml`.
"""


#: Combinations of foundations concepts the example recipe may use, in order of preference: ``craftcore new`` takes
#: the first that no loaded pack uses already, so the example's exact ``gives`` test holds whatever it builds on.
EXAMPLE_INPUTS: tuple[tuple[str, str], ...] = (
    ("metrics", "tiny_models"),
    ("profiling", "tiny_models"),
    ("metrics", "profiling"),
    ("bottleneck_analysis", "tiny_models"),
)


def render(pack_id: str, requires: Sequence[str] = (), inputs: tuple[str, str] = EXAMPLE_INPUTS[0]) -> dict[str, str]:
    """The files of a new pack distribution, by path relative to its root.

    :param requires: ids of installed packs it builds on, besides ``foundations`` (whose concepts the example uses).
    :param inputs: the two concepts the example recipe combines.
    """
    module = module_name(pack_id)
    needs = list(dict.fromkeys(["foundations", *requires]))
    values = {
        "pack_id": pack_id,
        "title": _title(pack_id),
        "module": module,
        "dist": distribution_name(pack_id),
        "floor": _craftcore_floor(),
        "pack_dir_hint": f"src/{module}/pack",
        "requires": "[" + ", ".join(f'"{r}"' for r in needs) + "]",
        "schema": SCHEMA_PATH.as_uri(),
        "first": inputs[0],
        "second": inputs[1],
    }
    return {
        "pyproject.toml": PYPROJECT.format(**values),
        "README.md": README.format(**values),
        f"src/{module}/__init__.py": INIT.format(**values),
        f"src/{module}/py.typed": "",
        f"src/{module}/pack/pack.toml": PACK_TOML.format(**values),
        f"src/{module}/pack/tests.toml": TESTS_TOML.format(**values),
        f"tests/test_{pack_id}.py": TEST.format(**values),
    }

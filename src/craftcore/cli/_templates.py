"""The files ``craftcore new`` writes: an installable pack distribution that passes its own checks at once."""

from __future__ import annotations

import craftcore

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

[tool.pytest.ini_options]
testpaths = ["tests"]
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
# The {title} pack. The format is described in craftcore's docs/pack-format.md.
# Check it with:  craftcore check {pack_dir_hint}

[pack]
id = "{pack_id}"
name = "{title}"
version = "0.1.0"
description = "A new craftcore content pack: replace this with what the pack teaches."
requires = ["foundations"]

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
inputs = ["metrics", "tiny_models"]
outputs = ["{pack_id}_benchmark"]
why = "Metrics say what to measure and a small model makes measuring cheap: together they give a benchmark to rerun after every change."

[paths.{pack_id}_first_steps]
name = "{title}: first steps"
description = "From a neural network to the pack's example benchmark."
steps = ["neural_networks", "metrics", "tiny_models", "{pack_id}_benchmark"]

[[hints]]
inputs = ["metrics", "probability"]
text = "Probability turns metrics into averages and percentiles; to benchmark you also need something small to measure."
"""  # noqa: E501

TEST = '''\
"""The {title} pack loads without errors or warnings, its content is complete, and it can be played through."""

from __future__ import annotations

from craftcore.testing import check_pack, content_problems, play_everything
from {module} import PACK_DIR

PACK_ID = "{pack_id}"


def test_pack_loads_without_problems() -> None:
    # The built-in foundations pack plus this one; pass installed=True if it requires installed packs.
    catalog = check_pack(PACK_DIR)
    assert PACK_ID in {{p.id for p in catalog.packs}}


def test_content_is_complete() -> None:
    catalog = check_pack(PACK_DIR)
    assert content_problems(catalog, packs=[PACK_ID]) == []


def test_every_concept_is_discovered_by_playing() -> None:
    catalog = check_pack(PACK_DIR)
    ours = [c.id for c in catalog.concepts.values() if c.pack == PACK_ID]
    game = play_everything(catalog, targets=ours)
    assert set(ours) <= set(game.discovered)
'''

README = """\
# {title}

A content pack for [craftcore](https://pypi.org/project/craftcore/).

    pip install -e .                      # then `craftcore play` includes the pack
    craftcore check src/{module}/pack     # load and lint it
    pytest                                # its tests

The content lives in `src/{module}/pack/*.toml`.
"""


def render(pack_id: str) -> dict[str, str]:
    """The files of a new pack distribution, by path relative to its root."""
    module = module_name(pack_id)
    values = {
        "pack_id": pack_id,
        "title": _title(pack_id),
        "module": module,
        "dist": distribution_name(pack_id),
        "floor": _craftcore_floor(),
        "pack_dir_hint": f"src/{module}/pack",
    }
    return {
        "pyproject.toml": PYPROJECT.format(**values),
        "README.md": README.format(**values),
        f"src/{module}/__init__.py": INIT.format(**values),
        f"src/{module}/py.typed": "",
        f"src/{module}/pack/pack.toml": PACK_TOML.format(**values),
        f"tests/test_{pack_id}.py": TEST.format(**values),
    }

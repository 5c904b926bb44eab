"""craftcore: a headless rule engine for discovery/crafting games, with TOML content packs registered through pluggy.

>>> import craftcore
>>> game = craftcore.Game.new(installed=False)
>>> game.combine("linear_algebra", "calculus", "probability").new
('neural_networks',)
"""

from __future__ import annotations

from typing import Any

from craftcore.catalog import Catalog
from craftcore.errors import CraftError, NotDiscovered, PackError, SaveError, UnknownConcept, Unreachable
from craftcore.game import AvailableView, Game, level_for_score, score_for_level
from craftcore.hookspecs import hookimpl
from craftcore.loader import load_catalog
from craftcore.model import Category, Concept, Hint, LearningPath, Pack, PackInfo, Recipe, Resource, Unlock
from craftcore.plugins import PluginManager, make_plugin_manager
from craftcore.problems import Problem
from craftcore.results import (
    Attempt,
    CombineResult,
    Discovery,
    PathProgress,
    Plan,
    PlanStep,
    Prerequisites,
    Step,
)
from craftcore.sources import PackSource

__all__ = [
    "Attempt",
    "AvailableView",
    "Catalog",
    "Category",
    "CombineResult",
    "Concept",
    "CraftError",
    "Discovery",
    "Game",
    "Hint",
    "LearningPath",
    "NotDiscovered",
    "Pack",
    "PackError",
    "PackInfo",
    "PackSource",
    "PathProgress",
    "Plan",
    "PlanStep",
    "PluginManager",
    "Prerequisites",
    "Problem",
    "Recipe",
    "Resource",
    "SaveError",
    "Step",
    "UnknownConcept",
    "Unlock",
    "Unreachable",
    "__version__",
    "hookimpl",
    "level_for_score",
    "load_catalog",
    "make_plugin_manager",
    "score_for_level",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("craftcore")
        except PackageNotFoundError:  # running from a source tree
            return "0.0.0+unknown"
    raise AttributeError(f"module 'craftcore' has no attribute {name!r}")

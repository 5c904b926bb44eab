"""craftcore: a headless rule engine for discovery and crafting games, with TOML content packs registered through
pluggy. The engine knows no game: everything a player can discover comes from the packs loaded.

>>> import craftcore
>>> elements = craftcore.PackSource.from_text("elements.toml", '''
... [pack]
... id = "elements"
... name = "Elements"
... version = "1.0.0"
... description = "Four elements and what they make."
... [game]
... title = "Elements"
... [categories.matter]
... name = "Matter"
... description = "Things."
... [concepts.water]
... name = "Water"
... level = 1
... category = "matter"
... description = "Wet."
... start = true
... [concepts.fire]
... name = "Fire"
... level = 1
... category = "matter"
... description = "Hot."
... start = true
... [concepts.steam]
... name = "Steam"
... level = 2
... category = "matter"
... description = "Hot and wet."
... aliases = ["vapour"]
... [[recipes]]
... inputs = ["water", "fire"]
... outputs = ["steam"]
... ''')
>>> game = craftcore.Game(craftcore.load_catalog(elements, installed=False, cache=False))
>>> game.catalog.game.title, game.catalog.starts
('Elements', ('water', 'fire'))
>>> game.combine(*game.parse_combination("Fire + water")).new
('steam',)
>>> game.catalog.resolve("VAPOUR")
'steam'
"""

from __future__ import annotations

from typing import Any

from craftcore._catalog import Catalog

# Learning: review, mastery, counted help and challenges (issue 13).
from craftcore._challenge import (
    ChallengeResult,
    DailyChallenge,
    RouteCheck,
    challenge_result,
    daily_challenge,
    route_code,
    verify_route,
)
from craftcore._codes import Route, decode_route
from craftcore._errors import (
    CraftError,
    InvalidCombination,
    NotDiscovered,
    NothingToUndo,
    PackError,
    PluginError,
    ReviewError,
    RouteCodeError,
    SaveError,
    SaveWarning,
    UnknownConcept,
    UnknownPath,
    Unreachable,
)
from craftcore._game import AvailableView, DiscoveredView, Game
from craftcore._help import Help, HelpStats
from craftcore._loader import load_catalog
from craftcore._mastery import MasteryCount, MasteryProgress
from craftcore._model import (
    Category,
    Concept,
    GameInfo,
    Hint,
    LearningPath,
    Pack,
    PackInfo,
    PackTest,
    Recipe,
    Resource,
    Unlock,
)
from craftcore._plugins import PluginManager, make_plugin_manager
from craftcore._problems import Problem
from craftcore._results import (
    Attempt,
    CombineResult,
    Discovery,
    NextStep,
    PathProgress,
    Plan,
    PlanStep,
    Prerequisites,
    Step,
    Suggestion,
)
from craftcore._review import Review, ReviewCard, ReviewResult
from craftcore._rules import LEVELS, MAX_INPUTS, MIN_INPUTS, level_for_score, score_for_level
from craftcore._serialize import to_data
from craftcore._sources import PackSource
from craftcore.hookspecs import hookimpl

__all__ = [
    "LEVELS",
    "MAX_INPUTS",
    "MIN_INPUTS",
    "Attempt",
    "AvailableView",
    "Catalog",
    "Category",
    "CombineResult",
    "Concept",
    "CraftError",
    "DiscoveredView",
    "Discovery",
    "Game",
    "GameInfo",
    "Hint",
    "InvalidCombination",
    "LearningPath",
    "NextStep",
    "NotDiscovered",
    "NothingToUndo",
    "Pack",
    "PackError",
    "PackInfo",
    "PackSource",
    "PackTest",
    "PathProgress",
    "Plan",
    "PlanStep",
    "PluginError",
    "PluginManager",
    "Prerequisites",
    "Problem",
    "Recipe",
    "Resource",
    "SaveError",
    "SaveWarning",
    "Step",
    "Suggestion",
    "UnknownConcept",
    "UnknownPath",
    "Unlock",
    "Unreachable",
    "__version__",
    "hookimpl",
    "level_for_score",
    "load_catalog",
    "make_plugin_manager",
    "score_for_level",
    "to_data",
]
__all__ += [
    "ChallengeResult",
    "DailyChallenge",
    "Help",
    "HelpStats",
    "MasteryCount",
    "MasteryProgress",
    "Review",
    "ReviewCard",
    "ReviewError",
    "ReviewResult",
    "Route",
    "RouteCheck",
    "RouteCodeError",
    "challenge_result",
    "daily_challenge",
    "decode_route",
    "route_code",
    "verify_route",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("craftcore")
        except PackageNotFoundError:  # running from a source tree
            return "0.0.0+unknown"
    raise AttributeError(f"module 'craftcore' has no attribute {name!r}")

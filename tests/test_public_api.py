"""The public API is one listed surface: ``craftcore.__all__`` plus a few public modules; everything else is private
by name. Adding to the API means adding to the lists below, on purpose."""

from __future__ import annotations

import importlib
import pkgutil

import craftcore

#: Everything ``import craftcore`` offers. Changing this list is changing the public API.
PUBLIC_NAMES = [
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
#: Learning: review, mastery, counted help and challenges (issue 13).
PUBLIC_NAMES += [
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

#: Modules whose names are public: everything else in the package starts with an underscore.
PUBLIC_MODULES = {
    "craftcore",
    "craftcore.hookspecs",
    "craftcore.testing",
    "craftcore.strategies",
    "craftcore.cli",
    "craftcore.schema",
    "craftcore.__main__",
}


def test_all_is_the_listed_surface() -> None:
    assert sorted(craftcore.__all__) == sorted(PUBLIC_NAMES)
    for name in craftcore.__all__:
        assert getattr(craftcore, name) is not None


def test_every_other_module_is_private_by_name() -> None:
    public = set()
    for info in pkgutil.walk_packages(craftcore.__path__, "craftcore."):
        parts = info.name.split(".")
        if not any(p.startswith("_") and p != "__main__" for p in parts[1:]):
            public.add(info.name)
    assert public | {"craftcore"} <= PUBLIC_MODULES, f"public modules not on the list: {public - PUBLIC_MODULES}"


def test_public_modules_export_only_what_they_list() -> None:
    assert craftcore.cli.__all__ == ["main"]  # type: ignore[attr-defined]
    for name in ("craftcore.hookspecs", "craftcore.testing", "craftcore.strategies"):
        module = importlib.import_module(name)
        for exported in module.__all__:
            assert not exported.startswith("_") and hasattr(module, exported)


def test_exceptions_share_one_root_and_fit_the_builtins() -> None:
    bases = {
        craftcore.UnknownConcept: LookupError,
        craftcore.UnknownPath: LookupError,
        craftcore.NotDiscovered: ValueError,
        craftcore.InvalidCombination: ValueError,
        craftcore.NothingToUndo: IndexError,
        craftcore.Unreachable: ValueError,
        craftcore.PackError: ValueError,
        craftcore.PluginError: craftcore.PackError,
        craftcore.SaveError: ValueError,
    }
    for cls, builtin in bases.items():
        assert issubclass(cls, craftcore.CraftError) and issubclass(cls, builtin), cls

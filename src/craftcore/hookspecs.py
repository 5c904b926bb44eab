"""The hooks a craftcore plugin can implement.

Plugins are registered with pluggy under the project name ``craftcore``; installed distributions declare them in the
entry-point group ``craftcore``. Hooks are always called with keyword arguments, and an implementation may accept any
subset of a hook's arguments, so hooks only ever grow by adding arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from craftcore._game import Game
    from craftcore._model import Concept
    from craftcore._results import CombineResult, Discovery
    from craftcore._sources import PackSource

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("craftcore")
#: Decorate plugin functions with ``@craftcore.hookimpl``.
hookimpl = pluggy.HookimplMarker("craftcore")


@hookspec
def craftcore_packs() -> Iterable[PackSource]:
    """Contribute content packs.

    Called once per :func:`craftcore.load_catalog`, before any pack is read.

    :returns: the packs this plugin provides, each a :class:`craftcore.PackSource` (a folder, or TOML text with a
        name). Each pack names itself in its ``[pack]`` table, so the order plugins run in does not matter.
    """
    raise NotImplementedError


@hookspec
def craftcore_combination_tried(game: Game, result: CombineResult) -> None:
    """A player combined concepts, successfully or not.

    Called after the game's state is updated, once per :meth:`craftcore.Game.combine` that did not raise.

    :param game: the game (read it, do not change it from inside the hook).
    :param result: what the combination gave: ``result.new`` is empty on a failure or a repeat.
    """


@hookspec
def craftcore_concept_discovered(game: Game, concept: Concept, discovery: Discovery) -> None:
    """A concept was discovered (by a recipe or an unlock; start concepts do not trigger it).

    :param game: the game, already updated.
    :param concept: the concept discovered.
    :param discovery: when, in which step and by which recipe.
    """


@hookspec
def craftcore_level_reached(game: Game, level: int) -> None:
    """The player's overall level went up to ``level`` (called once per level gained).

    :param game: the game, already updated.
    :param level: the new level.
    """


@hookspec(firstresult=True)
def craftcore_points(concept: Concept, discovery: Discovery) -> int | None:
    """Change scoring: the points a discovery is worth.

    The first implementation that returns an integer wins; with none, a discovery is worth ``concept.level * 10``.
    The score is recomputed from the discovery log (on undo and load), so the answer must depend only on the two
    arguments.

    :param concept: the concept discovered.
    :param discovery: when, in which step and by which recipe it was discovered.
    :returns: the points, or ``None`` to leave the decision to other plugins or the default.
    """
    raise NotImplementedError

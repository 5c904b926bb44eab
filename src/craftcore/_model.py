"""The content model: frozen value classes that packs are made of.

These classes know nothing about TOML; :mod:`craftcore._packfile` turns files into them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from craftcore._frozenmap import FrozenMap

__all__ = [
    "Category",
    "Concept",
    "GameInfo",
    "Hint",
    "LearningPath",
    "Pack",
    "PackInfo",
    "PackTest",
    "PropertyValue",
    "Recipe",
    "Resource",
    "ResourceKind",
    "Unlock",
]

ResourceKind = Literal["paper", "code", "docs", "tutorial", "blog", "video"]
RESOURCE_KINDS: tuple[str, ...] = ("paper", "code", "docs", "tutorial", "blog", "video")
PropertyValue = str | int | float | tuple[str, ...]


_NO_PROPERTIES: FrozenMap[str, PropertyValue] = FrozenMap()


def _frozen_properties(value: Mapping[str, PropertyValue]) -> FrozenMap[str, PropertyValue]:
    if not value:
        return _NO_PROPERTIES  # immutable, so one shared empty map serves every concept without properties
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def _sorted_tuple(value: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(sorted(value))


@attrs.frozen
class Resource:
    """Where to learn more about a concept."""

    title: str
    url: str
    #: One of ``paper``, ``code``, ``docs``, ``tutorial``, ``blog``, ``video``.
    kind: ResourceKind


@attrs.frozen
class Category:
    """A knowledge domain that groups concepts (``attention``, ``ssm``, ...)."""

    id: str
    name: str
    description: str
    #: The id of the pack that declares it.
    pack: str


@attrs.frozen
class Concept:
    """Something a player can discover."""

    id: str
    name: str
    #: Difficulty from 1 (the start set) to 5 (cutting edge, hybrid and production).
    level: int
    category: str
    description: str
    #: The id of the pack that defines it.
    pack: str
    #: Discovered when a game begins.
    start: bool = False
    properties: FrozenMap[str, PropertyValue] = attrs.field(factory=FrozenMap, converter=_frozen_properties)
    resources: tuple[Resource, ...] = ()
    #: Other names players use for it ("MoE", "KV cache"); name resolution and search accept them.
    aliases: tuple[str, ...] = ()

    @property
    def stars(self) -> str:
        """The level as stars, e.g. ``★★★``."""
        return "★" * self.level


@attrs.frozen
class Recipe:
    """A combination that yields concepts: ``inputs`` is a multiset, kept sorted."""

    inputs: tuple[str, ...] = attrs.field(converter=_sorted_tuple)
    outputs: tuple[str, ...]
    pack: str
    #: Concepts that must already be discovered (they are not combined).
    requires: tuple[str, ...] = ()
    #: The real relationship the recipe encodes, shown to the player on discovery.
    why: str | None = None
    #: Position of the recipe in its pack's ``[[recipes]]`` list (0-based), for messages.
    index: int = 0
    #: Everything that must be discovered for the recipe to fire: the distinct inputs and requires, sorted (derived).
    preconditions: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        inputs, requires = self.inputs, self.requires
        if requires:
            pre = tuple(sorted({*inputs, *requires}))
        elif len(inputs) == 2:
            pre = inputs if inputs[0] != inputs[1] else inputs[:1]
        else:
            pre = tuple(dict.fromkeys(inputs))  # inputs are sorted, so this stays sorted
        object.__setattr__(self, "preconditions", pre)


@attrs.frozen
class LearningPath:
    """A predefined sequence of concepts in learning order."""

    id: str
    name: str
    description: str
    steps: tuple[str, ...]
    pack: str


@attrs.frozen
class Hint:
    """Feedback for a combination that is not a recipe."""

    inputs: tuple[str, ...] = attrs.field(converter=_sorted_tuple)
    text: str = ""
    pack: str = ""
    #: Position of the hint in its pack's ``[[hints]]`` list (0-based), for messages.
    index: int = attrs.field(default=0, eq=False)


@attrs.frozen
class Unlock:
    """Concepts granted once the player has made ``after`` discoveries (start concepts included)."""

    after: int
    outputs: tuple[str, ...]
    pack: str
    #: Position of the unlock in its pack's ``[[unlocks]]`` list (0-based), for messages.
    index: int = attrs.field(default=0, eq=False)


@attrs.frozen
class GameInfo:
    """What a game is called and how it greets the player: a pack's ``[game]`` table.

    A catalog's game is the one declared by the last pack (in ``requires`` order) that has a ``[game]`` table, so a
    pack built on another can rename the game; a catalog with none gets the neutral :data:`DEFAULT_GAME`.
    """

    title: str
    intro: str = ""
    #: The id of the pack that declares it (empty for the neutral default).
    pack: str = ""


#: The game of a catalog whose packs declare none.
DEFAULT_GAME = GameInfo(title="craftcore", intro="Combine what you have to discover something new.")


#: What a ``[[tests]]`` table claims (see docs/pack-format.md, "Tests written in the pack").
PackTestKind = Literal["reachable", "max_steps", "playable", "fails", "gives", "hints"]


@attrs.frozen
class PackTest:
    """One ``[[tests]]`` table of a pack: a claim about the catalog that ``craftcore test`` and the pytest plugin
    check (:mod:`craftcore._packtests` runs it)."""

    kind: PackTestKind
    pack: str
    #: ``reachable``: the concepts; ``gives``: the outputs expected.
    concepts: tuple[str, ...] = ()
    #: ``max_steps``: the concept and the most combine steps its optimum may take.
    target: str | None = None
    max_steps: int | None = None
    #: ``playable``: the learning path.
    path: str | None = None
    #: ``fails`` and ``gives``: the combination.
    inputs: tuple[str, ...] = ()
    #: An optional label for reports.
    name: str | None = None
    #: Where the table is: file, key path (``tests[2]``) and 1-based line.
    file: str | None = attrs.field(default=None, eq=False)
    key: str | None = attrs.field(default=None, eq=False)
    line: int | None = attrs.field(default=None, eq=False)


_NO_RENAMES: FrozenMap[str, str] = FrozenMap()


def _frozen_renames(value: Mapping[str, str]) -> FrozenMap[str, str]:
    if not value:
        return _NO_RENAMES
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@attrs.frozen
class PackInfo:
    """A pack's identity and where it was loaded from."""

    id: str
    name: str
    version: str
    description: str
    requires: tuple[str, ...] = ()
    #: ``entry point`` or ``plugin`` (contributed through the ``craftcore_packs`` hook), ``folder`` or ``text``
    #: (handed to :func:`craftcore.load_catalog` directly).
    source: str = "folder"
    #: The folder (or the name given with TOML text) it was read from.
    location: str = ""
    #: ``name version`` of the installed distribution that provides it, if any.
    distribution: str | None = None


@attrs.frozen
class Pack:
    """All the content of one pack, as read from its files."""

    info: PackInfo
    categories: tuple[Category, ...] = ()
    concepts: tuple[Concept, ...] = ()
    recipes: tuple[Recipe, ...] = ()
    paths: tuple[LearningPath, ...] = ()
    hints: tuple[Hint, ...] = ()
    unlocks: tuple[Unlock, ...] = ()
    #: The pack's ``[game]`` table, if it has one.
    game: GameInfo | None = None
    #: The pack's ``[[tests]]`` tables.
    tests: tuple[PackTest, ...] = ()
    #: ``[renames]``: old concept id -> the id that replaced it, applied to saves when they load.
    renames: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_frozen_renames)

    @property
    def id(self) -> str:
        return self.info.id

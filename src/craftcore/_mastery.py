"""Discovery and mastery counted per category and per learning path (each concept's mastery comes from
:func:`craftcore._review.concept_mastery`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from craftcore._review import Mastery

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = ["MasteryCount", "MasteryProgress", "mastery_progress"]


@attrs.frozen
class MasteryCount:
    """How many concepts of a group are known, and how well. The counts nest: mastered ⊆ practised ⊆ discovered."""

    total: int
    discovered: int
    #: Practised or mastered.
    practised: int
    mastered: int


@attrs.frozen
class MasteryProgress:
    """Discovery and mastery per category and per learning path (:meth:`craftcore.Game.mastery_progress`)."""

    categories: Mapping[str, MasteryCount]
    paths: Mapping[str, MasteryCount]


def _count(ids: Iterable[str], levels: Mapping[str, Mastery]) -> MasteryCount:
    ids = list(dict.fromkeys(ids))
    known = [levels[c] for c in ids if c in levels]
    return MasteryCount(
        len(ids),
        len(known),
        sum(1 for m in known if m != "discovered"),
        sum(1 for m in known if m == "mastered"),
    )


def mastery_progress(catalog: Catalog, levels: Mapping[str, Mastery]) -> MasteryProgress:
    """Count ``levels`` (each discovered concept's mastery) per category and per path of the catalog."""
    members: dict[str, list[str]] = {cat: [] for cat in catalog.categories}
    for concept in catalog.concepts.values():
        members.setdefault(concept.category, []).append(concept.id)
    return MasteryProgress(
        MappingProxyType({cat: _count(ids, levels) for cat, ids in members.items()}),
        MappingProxyType({pid: _count(path.steps, levels) for pid, path in catalog.paths.items()}),
    )

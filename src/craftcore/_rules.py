"""The rules of every craftcore game, in one place: inputs per combination, star levels, points and the level curve.

The loader, saves, the command line, the web app and the JSON Schema all read these values from here (a test checks
the schema's bounds against them), so changing a rule means changing this module only.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "LEVELS",
    "MAX_INPUTS",
    "MAX_LEVEL",
    "MIN_INPUTS",
    "MIN_LEVEL",
    "default_points",
    "level_for_score",
    "relevel",
    "score_for_level",
]

#: Fewest concepts one combination takes (a single concept can be a recipe: "Attention Mechanism -> Standard ...").
MIN_INPUTS: Final = 1
#: Most concepts one combination takes.
MAX_INPUTS: Final = 4
#: A concept's star level: 1 (the start set) to 5 (cutting edge).
MIN_LEVEL: Final = 1
MAX_LEVEL: Final = 5
#: Every star level, lowest first.
LEVELS: Final = tuple(range(MIN_LEVEL, MAX_LEVEL + 1))


def default_points(level: int) -> int:
    """Points a discovery of a concept at this star level is worth unless a plugin decides otherwise: ``10 * level``."""
    return 10 * level


def score_for_level(level: int) -> int:
    """The score at which the overall ``level`` is reached: ``50 * level * (level - 1)`` (level 1 at 0).

    >>> [score_for_level(k) for k in (1, 2, 3, 4, 5)]
    [0, 100, 300, 600, 1000]
    """
    return 50 * level * (level - 1)


def level_for_score(score: int) -> int:
    """The overall level for a score: the largest ``k >= 1`` with ``score_for_level(k) <= score``.

    Each level costs 100 points more than the last, so advancing needs ever harder discoveries.

    >>> level_for_score(0), level_for_score(299), level_for_score(300)
    (1, 2, 3)
    """
    return relevel(1, score)


def relevel(level: int, score: int) -> int:
    """:func:`level_for_score`, searching from a known ``level`` (one step changes the level by little)."""
    while score_for_level(level + 1) <= score:
        level += 1
    while level > 1 and score < score_for_level(level):
        level -= 1
    return level

"""The exceptions craftcore raises: one root, one class per decision a caller makes differently."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from craftcore._problems import Problem

__all__ = [
    "CraftError",
    "InvalidCombination",
    "NotDiscovered",
    "NothingToUndo",
    "PackError",
    "PluginError",
    "ReviewError",
    "RouteCodeError",
    "SaveError",
    "SaveWarning",
    "UnknownConcept",
    "UnknownPath",
    "Unreachable",
]


class CraftError(Exception):
    """Root of every error craftcore raises on purpose.

    .. versionadded:: 0.1
    """


def _suggest(suggestions: Sequence[str]) -> str:
    if not suggestions:
        return ""
    return " (did you mean " + " or ".join(repr(s) for s in suggestions) + "?)"


class UnknownConcept(CraftError, LookupError):
    """A concept id or name that the catalog does not define (or that matches several concepts).

    :ivar concept_id: what was asked for.
    :ivar suggestions: close matches, best first.
    """

    def __init__(self, concept_id: str, suggestions: Sequence[str] = (), *, ambiguous: bool = False) -> None:
        self.concept_id = concept_id
        self.suggestions = tuple(suggestions)
        self.ambiguous = ambiguous
        what = "ambiguous concept" if ambiguous else "unknown concept"
        super().__init__(f"{what} {concept_id!r}{_suggest(self.suggestions)}")

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownPath(CraftError, LookupError):
    """A learning path id or name that the catalog does not define (or that matches several paths).

    .. versionadded:: 0.2

    :ivar path_id: what was asked for.
    :ivar suggestions: close matches, best first.
    """

    def __init__(self, path_id: str, suggestions: Sequence[str] = (), *, ambiguous: bool = False) -> None:
        self.path_id = path_id
        self.suggestions = tuple(suggestions)
        self.ambiguous = ambiguous
        what = "ambiguous learning path" if ambiguous else "unknown learning path"
        super().__init__(f"{what} {path_id!r}{_suggest(self.suggestions)}")

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidCombination(CraftError, ValueError):
    """A combination with too few or too many inputs (the rule is in :mod:`craftcore._rules`).

    .. versionadded:: 0.2

    :ivar count: how many inputs were given.
    """

    def __init__(self, count: int, message: str) -> None:
        self.count = count
        super().__init__(message)


class NothingToUndo(CraftError, IndexError):
    """:meth:`Game.undo` on a game whose log has no discovering step.

    .. versionadded:: 0.2
    """


class NotDiscovered(CraftError, ValueError):
    """A combination used concepts the player has not discovered yet.

    :ivar concept_ids: the undiscovered inputs, in the order given.
    """

    def __init__(self, concept_ids: Iterable[str]) -> None:
        self.concept_ids = tuple(concept_ids)
        names = ", ".join(repr(c) for c in self.concept_ids)
        noun = "concept" if len(self.concept_ids) == 1 else "concepts"
        super().__init__(f"not discovered yet: {noun} {names}")


class Unreachable(CraftError, ValueError):
    """No sequence of combinations can obtain the concept from the game's current state.

    :ivar concept_id: the target.
    """

    def __init__(self, concept_id: str, reason: str = "") -> None:
        self.concept_id = concept_id
        self.reason = reason
        tail = f": {reason}" if reason else ""
        super().__init__(f"concept {concept_id!r} cannot be obtained from this game{tail}")


class PackError(CraftError, ValueError):
    """One or more packs are invalid. Carries every problem found, not only the first.

    :ivar problems: the findings, errors first; ``str()`` prints one per line.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = f"{len(errors)} error{'s' if len(errors) != 1 else ''} in content packs"
        super().__init__("\n".join([head + ":", *(f"  {p}" for p in self.problems)]))

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")


class PluginError(PackError):
    """A plugin failed: it could not be imported or registered, implements a hook that does not exist, or raised
    while listing its packs. Raised by :func:`craftcore.load_catalog` and :class:`craftcore.Game`.

    It is a :class:`PackError` (a catalog cannot be built without its plugins), carrying every problem found.

    .. versionadded:: 0.2

    :ivar plugin: the name of the (first) failing plugin.
    :ivar distribution: ``name version`` of the distribution that installed it, when known.
    """

    def __init__(self, problems: Iterable[Problem], *, plugin: str, distribution: str | None = None) -> None:
        self.plugin = plugin
        self.distribution = distribution
        super().__init__(problems)


class SaveError(CraftError, ValueError):
    """A save file or save dict is malformed, corrupt, from a future version, or describes an impossible game.

    :ivar where: the location inside the save (e.g. ``steps[3].inputs``), or ``(file)`` / ``(top level)`` for the
        file as a whole.
    :ivar source: the save file, when read from one.
    """

    def __init__(self, message: str, *, where: str | None = None, source: str | None = None) -> None:
        self.where = where
        self.source = source
        parts = [p for p in (source, where) if p and not p.startswith("(")]  # "(file)", "(top level)": no key
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ReviewError(CraftError, ValueError):
    """A review that cannot be made: a card this game does not have (yet), or a time before the last review.

    .. versionadded:: 0.3

    :ivar card: the card id concerned.
    """

    def __init__(self, card: str, message: str) -> None:
        self.card = card
        super().__init__(message)


class RouteCodeError(CraftError, ValueError):
    """A route code that is not one, is damaged or forged, or does not fit the loaded packs.

    .. versionadded:: 0.3

    :ivar reason: which check failed: ``format``, ``version``, ``too-long``, ``encoding``, ``checksum``,
        ``truncated``, ``too-large``, ``data`` (decoding), or ``packs``, ``start``, ``replay`` (verifying).
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class SaveWarning(UserWarning):
    """A save loaded, but not quite as written: it names a pack that is not loaded and whose concepts it never
    used (the game goes on without it). Issued with :func:`warnings.warn`.

    .. versionadded:: 0.2

    :ivar packs: the ids of the packs that are not loaded.
    """

    def __init__(self, message: str, *, packs: Sequence[str] = ()) -> None:
        self.packs = tuple(packs)
        super().__init__(message)

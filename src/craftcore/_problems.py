"""Findings about content packs: errors that stop a load and warnings that do not."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

import attrs

__all__ = ["Problem", "Severity", "did_you_mean"]

Severity = Literal["error", "warning"]


@attrs.frozen
class Problem:
    """One finding about a pack, with enough context to fix it."""

    severity: Severity
    #: A short stable identifier of the kind of problem, e.g. ``unknown-id`` or ``unreachable``.
    code: str
    #: What is wrong, in a lowercase sentence.
    message: str
    #: The pack the problem is in, when known.
    pack: str | None = None
    #: The file (path as given to the loader), when known.
    file: str | None = None
    #: Dotted key path inside the file, e.g. ``concepts.flash_attention.level`` or ``recipes[3].inputs``.
    key: str | None = None
    #: 1-based line and column, when known.
    line: int | None = None
    column: int | None = None
    #: Close matches for a misspelled id or key, best first.
    suggestions: tuple[str, ...] = ()

    def location(self) -> str:
        """``file:line:column`` as far as it is known (empty when nothing is)."""
        parts = [self.file or (f"<pack {self.pack}>" if self.pack else "")]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.location()
        key = f"{self.key}: " if self.key else ""
        hint = ""
        if self.suggestions:
            hint = " (did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?)"
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity}: {key}{self.message}{hint}"


def did_you_mean(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Close matches of ``word`` among ``candidates``, best first."""
    return tuple(difflib.get_close_matches(word, list(candidates), n=n, cutoff=0.6))

"""Reading what people type: concept and path names, and combinations such as ``mamba + standard + moe``.

Every frontend (the command line, the web app, an embedder's bot) reads text through these rules, by way of
:meth:`Catalog.resolve`, :meth:`Catalog.resolve_path` and :meth:`Game.parse_combination`.

The rules, in order: an exact id, name or alias (any case) always wins; then a prefix of an id or name, then a prefix
of each word (``kv opt``), then one clearly closest spelling (``fuzzy`` only). When the caller says which concepts make
sense (``among``, a player's discovered concepts), the inexact readings only consider those, and so do the
suggestions of an error: an answer never reveals a concept the player has not found.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Final

from craftcore._errors import InvalidCombination, UnknownConcept, UnknownPath
from craftcore._rules import MAX_INPUTS, MIN_INPUTS

if TYPE_CHECKING:
    from craftcore._catalog import Catalog
    from craftcore._model import Concept

__all__ = ["MAX_TEXT", "parse_combination", "resolve_concept", "resolve_path", "split_words"]

#: Longest text read as one name (longer text names nothing; it is never matched, so matching stays fast).
MAX_TEXT: Final = 200
#: Most suggestions an error carries.
MAX_SUGGESTIONS: Final = 8

_WORD = re.compile(r"[a-z0-9]+")
_PLUS = re.compile(r"\s*\+\s*")
_COMMA = re.compile(r"\s*,\s*")


def split_words(text: str) -> list[str]:
    """The lowercase words and numbers of ``text``."""
    return _WORD.findall(text.casefold())


def _key(folded: str) -> str:
    return folded.replace(" ", "_").replace("-", "_")


def _exact(catalog: Catalog, text: str) -> str | None:
    """The concept that ``text`` names exactly (id, name or alias, any case), if any."""
    if text in catalog.concepts:
        return text
    folded = text.strip().casefold()
    key = _key(folded)
    if key in catalog.concepts:
        return key
    return catalog._names().get(folded)


def resolve_concept(catalog: Catalog, text: str, *, among: Collection[str] | None = None, fuzzy: bool = False) -> str:
    """See :meth:`craftcore.Catalog.resolve`."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_TEXT:
        raise UnknownConcept(text)
    found = _exact(catalog, stripped)
    if found is not None:
        return found
    pool = (
        [catalog.concepts[c] for c in among if c in catalog.concepts]
        if among is not None
        else list(catalog.concepts.values())
    )
    folded = stripped.casefold()
    key = _key(folded)
    prefixed = [
        c.id
        for c in pool
        if c.id.startswith(key)
        or c.name.casefold().startswith(folded)
        or any(a.casefold().startswith(folded) for a in c.aliases)
    ]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise UnknownConcept(text, _ranked(catalog, prefixed), ambiguous=True)
    if fuzzy:
        words = split_words(stripped)
        by_words = [c.id for c in pool if words and _words_match(words, c.id, c.name, c.aliases)]
        if len(by_words) == 1:
            return by_words[0]
        if by_words:
            raise UnknownConcept(text, _ranked(catalog, by_words), ambiguous=True)
    close = _close(pool, folded)
    if fuzzy and len(close) == 1:
        return close[0]
    raise UnknownConcept(text, close[:MAX_SUGGESTIONS] if fuzzy else close[:3])


def _words_match(words: Sequence[str], cid: str, name: str, aliases: Sequence[str]) -> bool:
    have = set(split_words(name)) | set(cid.split("_"))
    for alias in aliases:
        have.update(split_words(alias))
    return all(any(h.startswith(w) for h in have) for w in words)


def _ranked(catalog: Catalog, hits: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(hits, key=lambda cid: (len(catalog.concepts[cid].name), cid))[:MAX_SUGGESTIONS])


def _close(pool: Sequence[Concept], folded: str) -> list[str]:
    """Concepts spelled like ``folded``, best first; only the best when it is clearly better than the rest."""
    scored = []
    for concept in pool:
        cid = concept.id
        forms = [concept.name.casefold(), *(a.casefold() for a in concept.aliases)]
        matcher = difflib.SequenceMatcher(None, folded)
        ratio = 0.0
        for form in forms:
            matcher.set_seq1(form)
            if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
                ratio = max(ratio, matcher.ratio())
        matcher = difflib.SequenceMatcher(None, _key(folded), cid)
        if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
            ratio = max(ratio, matcher.ratio())
        if ratio >= 0.75:
            scored.append((-ratio, cid))
    scored.sort()
    if len(scored) > 1 and scored[1][0] - scored[0][0] >= 0.1:
        return [scored[0][1]]
    return [cid for _, cid in scored]


def parse_combination(catalog: Catalog, text: str, *, among: Collection[str] | None = None) -> tuple[str, ...]:
    """The concept ids of a combination typed as ``A + B + C``, ``A, B`` or single words ``rnn lstm``.

    A name that contains a comma or spaces ("Diagonal SSMs (DSS, S4D)") is read whole when it names a concept
    exactly, so the game's own messages can be typed back.

    :raises InvalidCombination: no concept, or more than :data:`~craftcore._rules.MAX_INPUTS` of them.
    :raises UnknownConcept: for the first part that names no concept, or several (suggestions from ``among``).
    """
    line = text.strip()
    if not line:
        raise InvalidCombination(0, f"a combination takes {MIN_INPUTS} to {MAX_INPUTS} concepts, got none")
    whole = _exact(catalog, line) if len(line) <= MAX_TEXT else None
    if whole is not None:
        return (whole,)
    parts: list[str] = []
    for chunk in _PLUS.split(line):
        if not chunk.strip():
            continue
        if "," in chunk and _exact(catalog, chunk) is None:
            parts.extend(p for p in _COMMA.split(chunk) if p.strip())
        else:
            parts.append(chunk)
    if not parts:
        raise InvalidCombination(0, f"a combination takes {MIN_INPUTS} to {MAX_INPUTS} concepts, got none")
    if len(parts) > MAX_INPUTS:
        raise InvalidCombination(len(parts), f"a combination takes at most {MAX_INPUTS} concepts, got {len(parts)}")
    if len(parts) > 1 or "+" in line or "," in line:
        return tuple(resolve_concept(catalog, part, among=among, fuzzy=True) for part in parts)
    words = line.split()
    try:
        return (resolve_concept(catalog, line, among=among, fuzzy=False),)
    except UnknownConcept as exc:
        first = exc
    if 1 < len(words) <= MAX_INPUTS:  # "rnn lstm": each word a concept, read exactly
        try:
            return tuple(resolve_concept(catalog, w, among=among, fuzzy=False) for w in words)
        except UnknownConcept:
            pass
    try:
        return (resolve_concept(catalog, line, among=among, fuzzy=True),)
    except UnknownConcept as exc:
        if first.ambiguous and not exc.ambiguous:
            raise first from None
        raise


def resolve_path(catalog: Catalog, text: str) -> str:
    """See :meth:`craftcore.Catalog.resolve_path`."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_TEXT:
        raise UnknownPath(text)
    folded = stripped.casefold()
    key = _key(folded)
    if key in catalog.paths:
        return key
    for path in catalog.paths.values():
        if path.name.casefold() == folded:
            return path.id
    hits = [p.id for p in catalog.paths.values() if p.id.startswith(key) or p.name.casefold().startswith(folded)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise UnknownPath(text, sorted(hits)[:MAX_SUGGESTIONS], ambiguous=True)
    raise UnknownPath(text, difflib.get_close_matches(key, list(catalog.paths), n=3, cutoff=0.6))

"""Reading what people type: concept and path names, combinations, and tab completion."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence

from craftcore import Catalog, UnknownConcept

__all__ = ["Completer", "describe_unknown", "parse_combination", "resolve", "resolve_path", "split_words"]

_WORD = re.compile(r"[a-z0-9]+")
_SEPARATORS = re.compile(r"\s*[+,]\s*")


def split_words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def resolve(catalog: Catalog, text: str, *, among: Collection[str] | None = None, fuzzy: bool = True) -> str:
    """The concept id that ``text`` names: id or name in any case, a unique prefix, or a close (fuzzy) match.

    :param among: the concepts that make sense here (the discovered ones, for a combination): when a prefix or a
        fuzzy match names several concepts of which exactly one is among these, that one is meant.
    :param fuzzy: also accept word prefixes (``kv opt``) and one clear close match (typos).
    :raises UnknownConcept: with the candidates (``ambiguous=True`` when several concepts match).
    """
    text = text.strip()
    if not text:
        raise UnknownConcept(text)
    try:
        return catalog.resolve(text)
    except UnknownConcept as exc:
        first = exc
    folded = text.casefold()
    key = folded.replace(" ", "_").replace("-", "_")
    # every concept whose id or name starts with the text (what the catalog calls ambiguous), then word prefixes
    prefixed = [c.id for c in catalog.concepts.values() if c.id.startswith(key) or c.name.casefold().startswith(folded)]
    words = split_words(text) if fuzzy else []
    by_words = [c.id for c in catalog.concepts.values() if words and _words_match(words, c.id, c.name)]
    for hits in (prefixed, by_words):
        picked = _pick(hits, among)
        if picked is not None:
            return picked
        if len(hits) > 1:
            raise UnknownConcept(text, _best(catalog, hits, among), ambiguous=True)
    if not fuzzy:
        raise first
    # fuzzy: accept a close match only when it is the one clear candidate
    close = _close(catalog, folded, among)
    if len(close) == 1:
        return close[0]
    suggestions = close or list(first.suggestions)
    raise UnknownConcept(text, suggestions[:8])


def _words_match(words: Sequence[str], cid: str, name: str) -> bool:
    have = set(split_words(name)) | set(cid.split("_"))
    return all(any(h.startswith(w) for h in have) for w in words)


def _pick(hits: Sequence[str], among: Collection[str] | None) -> str | None:
    if len(hits) == 1:
        return hits[0]
    if among is not None:
        known = [h for h in hits if h in among]
        if len(known) == 1:
            return known[0]
    return None


def _best(catalog: Catalog, hits: Sequence[str], among: Collection[str] | None) -> list[str]:
    def rank(cid: str) -> tuple[bool, int, str]:
        return (among is not None and cid not in among, len(catalog.concepts[cid].name), cid)

    return sorted(hits, key=rank)[:8]


def _close(catalog: Catalog, folded: str, among: Collection[str] | None) -> list[str]:
    scored = []
    for c in catalog.concepts.values():
        ratio = max(
            difflib.SequenceMatcher(None, folded, c.name.casefold()).ratio(),
            difflib.SequenceMatcher(None, folded.replace(" ", "_"), c.id).ratio(),
        )
        if ratio >= 0.75:
            scored.append((-ratio, c.id))
    scored.sort()
    ids = [cid for _, cid in scored]
    if among is not None and len(ids) > 1:
        known = [c for c in ids if c in among]
        if len(known) == 1:
            return known
    if len(scored) > 1 and -scored[0][0] - -scored[1][0] >= 0.1:
        return ids[:1]  # one candidate far better than the rest
    return ids


def describe_unknown(catalog: Catalog, exc: UnknownConcept, what: str = "concept") -> str:
    """One line for an unknown or ambiguous name, with the candidates by name and id."""
    shown = ", ".join(_label(catalog, s) for s in exc.suggestions)
    if exc.ambiguous:
        return f"{exc.concept_id!r} matches several {what}s: {shown}; type more of the name"
    if not exc.concept_id.strip():
        return f"no {what} given"
    if shown:
        return f"unknown {what} {exc.concept_id!r}; did you mean {shown}?"
    return f"unknown {what} {exc.concept_id!r}"


def _label(catalog: Catalog, cid: str) -> str:
    concept = catalog.concepts.get(cid)
    if concept is not None:
        same = concept.name.casefold() == cid.replace("_", " ")
        return concept.name if same else f"{concept.name} ({cid})"
    path = catalog.paths.get(cid)
    if path is not None:
        return f"{path.name} ({cid})"
    return cid


def parse_combination(catalog: Catalog, line: str, *, among: Collection[str] | None = None) -> list[str]:
    """The concept ids of a combination typed as ``A + B + C`` (or ``A, B``, or space-separated single words).

    :raises UnknownConcept: for the first part that names no concept, or several.
    """
    line = line.strip()
    if _SEPARATORS.search(line):
        return [resolve(catalog, part, among=among) for part in _SEPARATORS.split(line) if part.strip()]
    parts = line.split()
    whole = UnknownConcept(line)
    # exact readings first (the whole line, then each word), then fuzzy ones in the same order
    for fuzzy in (False, True):
        try:
            return [resolve(catalog, line, among=among, fuzzy=fuzzy)]
        except UnknownConcept as exc:
            if fuzzy or len(parts) < 2:
                whole = exc
        if len(parts) > 1:
            try:
                return [resolve(catalog, part, among=among, fuzzy=fuzzy) for part in parts]
            except UnknownConcept:
                pass
    raise whole


def resolve_path(catalog: Catalog, text: str) -> str:
    """A learning path id from its id or name (any case) or a unique prefix of either.

    :raises UnknownConcept: with the candidates (the catalog has no path resolver of its own).
    """
    folded = text.strip().casefold()
    key = folded.replace(" ", "_").replace("-", "_")
    if key in catalog.paths:
        return key
    for path in catalog.paths.values():
        if path.name.casefold() == folded:
            return path.id
    hits = [
        p.id
        for p in catalog.paths.values()
        if folded and (p.id.startswith(key) or p.name.casefold().startswith(folded))
    ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise UnknownConcept(text, hits, ambiguous=True)
    close = difflib.get_close_matches(key, list(catalog.paths), n=5, cutoff=0.6)
    raise UnknownConcept(text, close)


class Completer:
    """A readline completer over concept names and ids (and menu words), for the part after the last ``+``."""

    def __init__(self, catalog: Catalog, pool: Collection[str] | None = None, extra: Sequence[str] = ()) -> None:
        self.catalog = catalog
        self.pool = pool
        self.extra = extra
        self._matches: list[str] = []

    def candidates(self, text: str) -> list[str]:
        found = self._candidates(text)
        head, space, rest = text.lstrip().partition(" ")
        if not found and space and rest.strip():  # "6 Neu": complete what follows a menu key
            lead = text[: len(text) - len(text.lstrip())] + head + space
            found = [lead + c for c in self._candidates(rest)]
        return found

    def _candidates(self, text: str) -> list[str]:
        lead = text[: len(text) - len(text.lstrip())]
        folded = text.strip().casefold()
        ids = self.pool if self.pool is not None else self.catalog.concepts
        names = []
        for cid in ids:
            concept = self.catalog.concepts.get(cid)
            if concept is None:
                continue
            # one form per concept (its name, else its id): readline replaces what was typed by the candidates'
            # common prefix, so offering both "Neural Networks" and "neural_networks" would erase the text
            if concept.name.casefold().startswith(folded):
                names.append(concept.name)
            elif cid.startswith(folded.replace(" ", "_")):
                names.append(cid)
        names += [w for w in self.extra if w.startswith(folded)]
        return [lead + n for n in sorted(dict.fromkeys(names), key=str.casefold)]

    def __call__(self, text: str, state: int) -> str | None:
        if state == 0:
            self._matches = self.candidates(text)
        return self._matches[state] if state < len(self._matches) else None

"""Presenting names to people: one line for a name that reads as nothing (or as several things), and tab completion.

Reading what people type is the library's job (:meth:`craftcore.Catalog.resolve`, ``Catalog.resolve_path`` and
:meth:`craftcore.Game.parse_combination`); this module only words its answers and completes names in readline.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from craftcore import Catalog, UnknownConcept, UnknownPath

__all__ = ["Completer", "describe_unknown"]


def describe_unknown(catalog: Catalog, exc: UnknownConcept | UnknownPath) -> str:
    """One line for an unknown or ambiguous concept or learning path, with the candidates by name and id.

    The candidates are the error's own suggestions: the library only offers concepts the player may see.
    """
    if isinstance(exc, UnknownPath):
        what, text = "learning path", exc.path_id
    else:
        what, text = "concept", exc.concept_id
    shown = ", ".join(_label(catalog, s) for s in exc.suggestions)
    if not text.strip():
        return f"no {what} given"
    if exc.ambiguous:
        return f"{text!r} matches several {what}s: {shown}; type more of the name"
    if shown:
        return f"unknown {what} {text!r}; did you mean {shown}?"
    return f"unknown {what} {text!r}"


def _label(catalog: Catalog, cid: str) -> str:
    concept = catalog.concepts.get(cid)
    if concept is not None:
        same = concept.name.casefold() == cid.replace("_", " ")
        return concept.name if same else f"{concept.name} ({cid})"
    path = catalog.paths.get(cid)
    if path is not None:
        return f"{path.name} ({cid})"
    return cid


class Completer:
    """A readline completer over concept names and ids (and menu words), for the part after the last ``+``.

    readline replaces the typed text by the candidates' longest common prefix, so several candidates keep the text
    exactly as typed (``st`` stays ``st`` even when the names start with ``St``); a single one is completed to its
    name. A menu key followed by a space (``2 ``, ``6 Neu``) completes what follows it.
    """

    def __init__(self, catalog: Catalog, pool: Collection[str] | None = None, extra: Sequence[str] = ()) -> None:
        self.catalog = catalog
        self.pool = pool
        self.extra = extra
        #: Words after which a space starts a concept name (the menu keys and words).
        self.keys: Collection[str] = ()
        self._matches: list[str] = []

    def candidates(self, text: str) -> list[str]:
        found = self._candidates(text, self.extra)
        head, space, rest = text.lstrip().partition(" ")
        if not found and space and (head.casefold() in self.keys or rest.strip()):
            lead = text[: len(text) - len(text.lstrip())] + head + space
            found = [lead + c for c in self._candidates(rest, ())]
        return found

    def _candidates(self, text: str, extra: Sequence[str]) -> list[str]:
        lead = text[: len(text) - len(text.lstrip())]
        typed = text.lstrip()
        folded = typed.casefold()
        ids = self.pool if self.pool is not None else self.catalog.concepts
        names = []
        for cid in ids:
            concept = self.catalog.concepts.get(cid)
            if concept is None:
                continue
            # one form per concept (its name, else its id), so that a name and its id never both match
            if concept.name.casefold().startswith(folded):
                names.append(concept.name)
            elif cid.startswith(folded.replace(" ", "_")):
                names.append(cid)
        names += [w for w in extra if w.startswith(folded)]
        unique = sorted(dict.fromkeys(names), key=str.casefold)
        if len(unique) > 1:  # keep what was typed: the common prefix readline inserts must start with it
            unique = [typed + n[len(typed) :] for n in unique]
        return [lead + n for n in unique]

    def __call__(self, text: str, state: int) -> str | None:
        if state == 0:
            self._matches = self.candidates(text)
        return self._matches[state] if state < len(self._matches) else None

"""Hypothesis strategies for random packs and catalogs (needs ``hypothesis``: ``pip install craftcore[testing]``).

Pack authors and embedders can reuse them to property-test their own code against arbitrary content:

>>> from hypothesis import given
>>> from craftcore.strategies import catalogs
>>> @given(catalogs())
... def test_start_concepts_are_reachable(catalog):
...     assert set(catalog.starts) <= catalog.reachable()
"""

from __future__ import annotations

import datetime
from typing import Any

import tomli_w
from hypothesis import strategies as st

from craftcore._catalog import Catalog
from craftcore._checks import LoadedPack
from craftcore._errors import PackError
from craftcore._packfile import SourceFile, read_pack
from craftcore._sources import PackSource

__all__ = ["catalog_from_data", "catalogs", "pack_data", "pack_documents", "pack_sources", "toml_values"]


@st.composite
def pack_data(
    draw: st.DrawFn,
    *,
    min_concepts: int = 2,
    max_concepts: int = 10,
    all_reachable: bool = True,
    pack_id: str = "random",
    max_inputs: int = 3,
) -> dict[str, Any]:
    """The TOML data (a dict) of a random valid pack.

    With ``all_reachable`` every concept has a recipe whose inputs come from earlier concepts, so all of them can be
    discovered; without it recipes draw inputs from anywhere, so some concepts may be unreachable (load such packs
    with ``require_reachable=False``). Extra recipes, shared input multisets, ``requires``, hints, paths and unlocks
    appear at random.
    """
    n = draw(st.integers(min_value=max(min_concepts, 2), max_value=max_concepts))
    ids = [f"c{i}" for i in range(n)]
    n_starts = draw(st.integers(min_value=1, max_value=min(3, n - 1)))
    concepts = {
        cid: {
            "name": f"Concept {i}",
            "level": draw(st.integers(1, 5)),
            "category": "general",
            "description": f"Random concept number {i}.",
            **({"start": True} if i < n_starts else {}),
        }
        for i, cid in enumerate(ids)
    }
    recipes: list[dict[str, Any]] = []

    def inputs_from(pool: list[str]) -> list[str]:
        return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=max_inputs))

    for i in range(n_starts, n):
        pool = ids[:i] if all_reachable else ids
        recipe: dict[str, Any] = {"inputs": inputs_from(pool), "outputs": [ids[i]], "why": "random"}
        if draw(st.booleans()) and draw(st.booleans()):
            recipe["requires"] = [draw(st.sampled_from(pool))]
        recipes.append(recipe)
    for _ in range(draw(st.integers(0, n))):
        recipes.append(
            {
                "inputs": inputs_from(ids),
                "why": "extra",
                "outputs": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True)),
            }
        )
    keys = {tuple(sorted(r["inputs"])) for r in recipes}
    hints = []
    for _ in range(draw(st.integers(0, 3))):
        combo = inputs_from(ids)
        if tuple(sorted(combo)) not in keys:
            hints.append({"inputs": combo, "text": "not this"})
            keys.add(tuple(sorted(combo)))
    data: dict[str, Any] = {
        "pack": {"id": pack_id, "name": "Random", "version": "1.0.0", "description": "Generated."},
        "categories": {"general": {"name": "General", "description": "Everything."}},
        "concepts": concepts,
        "recipes": recipes,
    }
    if hints:
        data["hints"] = hints
    if draw(st.booleans()):
        steps = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
        data["paths"] = {"tour": {"name": "Tour", "description": "A few concepts.", "steps": steps}}
    if draw(st.booleans()) and draw(st.booleans()):
        data["unlocks"] = [{"after": draw(st.integers(1, n)), "outputs": [draw(st.sampled_from(ids))]}]
    return data


def pack_sources(**kwargs: Any) -> st.SearchStrategy[PackSource]:
    """Random packs as :class:`~craftcore.PackSource` TOML text (the real parser reads them)."""
    return pack_data(**kwargs).map(lambda d: PackSource.from_text("pack.toml", tomli_w.dumps(d)))


def catalog_from_data(data: dict[str, Any], *, require_reachable: bool = True) -> Catalog:
    """Parse pack data through the real TOML reader and build a catalog of that pack alone (no built-in pack)."""
    pack, problems, where = read_pack(
        [SourceFile("pack.toml", tomli_w.dumps(data))], source="text", location="pack.toml"
    )
    if pack is None or any(p.severity == "error" for p in problems):
        raise PackError(problems)
    return Catalog.from_packs([LoadedPack(pack, where)], require_reachable=require_reachable)


def catalogs(*, all_reachable: bool = True, **kwargs: Any) -> st.SearchStrategy[Catalog]:
    """Random catalogs of one random pack (see :func:`pack_data` for the options)."""
    return pack_data(all_reachable=all_reachable, **kwargs).map(
        lambda d: catalog_from_data(d, require_reachable=all_reachable)
    )


#: Keys that pack files use, so free-form documents often hit the real tables with values of the wrong shape.
_PACK_KEYS = (
    "pack", "game", "categories", "concepts", "recipes", "paths", "hints", "unlocks", "id", "name", "version",
    "description", "requires", "title", "intro", "level", "category", "start", "aliases", "properties", "resources",
    "url", "kind", "inputs", "outputs", "why", "steps", "text", "after",
)  # fmt: skip


def _keys() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_PACK_KEYS), st.text(max_size=8), st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
    )


def toml_values(*, max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Any value a TOML document can hold: strings (control characters included), integers up to 64 bits and beyond
    what TOML allows, floats with NaN and infinities, booleans, dates and times, arrays and tables, nested.

    .. versionadded:: 0.2
    """
    scalars = st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", "x", "1.0.0", "https://example.org", "paper", "not a url", "\x1b[2K\r", "\u202e"]),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([0, 1, 5, 6, -1, 10**6]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
        st.datetimes(timezones=st.none() | st.just(datetime.UTC)),
        st.times(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys(), inner, max_size=4),
        max_leaves=max_leaves,
    )


@st.composite
def pack_documents(draw: st.DrawFn, *, valid_base: bool | None = None) -> dict[str, Any]:
    """The data of a pack file of any shape, mostly *invalid*: free-form tables under the pack file's keys, or a
    valid pack (see :func:`pack_data`) with some values replaced by values of any type. For testing that a loader
    answers every document with a precise error (or a catalog), never an exception of another kind.

    Dump with ``tomli_w.dumps`` to get the file's text.

    :param valid_base: start from a valid pack (``True``), from nothing (``False``), or either (``None``).

    .. versionadded:: 0.2
    """
    if valid_base is None:
        valid_base = draw(st.booleans())
    if not valid_base:
        return draw(st.dictionaries(_keys(), toml_values(), max_size=6))
    data = draw(pack_data(max_concepts=4))
    for _ in range(draw(st.integers(1, 4))):
        _replace_somewhere(draw, data)
    return data


def _replace_somewhere(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Walk down from the top to a random table or array, then replace, add or delete one of its entries."""
    node: Any = data
    for _ in range(draw(st.integers(0, 4))):
        children = list(node.values()) if isinstance(node, dict) else list(node)
        children = [c for c in children if isinstance(c, dict | list) and c]
        if not children:
            break
        node = draw(st.sampled_from(children))
    value = draw(toml_values(max_leaves=6))
    if isinstance(node, dict):
        existing: bool = bool(node) and draw(st.booleans())
        key: str = draw(st.sampled_from(sorted(node))) if existing else draw(_keys())
        if draw(st.integers(0, 4)) == 0 and key in node:
            del node[key]
        else:
            node[key] = value
    elif node:
        node[draw(st.integers(0, len(node) - 1))] = value

"""Small packs written for the pack-author tests (pack tests, report, diff, renames)."""

from __future__ import annotations

import itertools
import pathlib
import textwrap

import craftcore
from craftcore import MAX_INPUTS, MIN_INPUTS

HEAD = """\
[pack]
id = "{pack_id}"
name = "Tiny"
version = "{version}"
description = "A tiny pack for the authoring tests."
{requires}
"""

#: a, b start; a + b -> c; a + c -> d; d -> e; b + b -> f; z is produced by nothing (a warning, not an error).
TINY = """
[categories.stuff]
name = "Stuff"
description = "Everything."

[concepts.a]
name = "Alpha"
level = 1
category = "stuff"
description = "A start concept."
start = true

[concepts.b]
name = "Beta"
level = 1
category = "stuff"
description = "Another start concept."
start = true

[concepts.c]
name = "Gamma"
level = 2
category = "stuff"
description = "Alpha and Beta."

[concepts.d]
name = "Delta"
level = 3
category = "stuff"
description = "Alpha and Gamma."

[concepts.e]
name = "Epsilon"
level = 4
category = "stuff"
description = "Delta alone."

[concepts.f]
name = "Phi"
level = 2
category = "stuff"
description = "Beta twice."

[[recipes]]
inputs = ["a", "b"]
outputs = ["c"]
why = "Alpha and Beta make Gamma."

[[recipes]]
inputs = ["a", "c"]
outputs = ["d"]
why = "Alpha and Gamma make Delta."

[[recipes]]
inputs = ["d"]
outputs = ["e"]
why = "Delta alone makes Epsilon."

[[recipes]]
inputs = ["b", "b"]
outputs = ["f"]
why = "Beta twice makes Phi."

[paths.forward]
name = "Forward"
description = "In order."
steps = ["c", "d", "e"]

[paths.backward]
name = "Backward"
description = "Delta before Gamma, which Delta needs."
steps = ["d", "c"]

[[hints]]
inputs = ["b", "c"]
text = "Close: swap Beta for the other start concept."

[[hints]]
inputs = ["a", "a"]
text = "One Alpha is enough; pair it with something else."
"""


def pack_text(body: str = TINY, *, pack_id: str = "tiny", version: str = "1.0.0", requires: str = "") -> str:
    needs = f"requires = [{', '.join(repr(r).replace(chr(39), chr(34)) for r in requires.split())}]" if requires else ""
    return HEAD.format(pack_id=pack_id, version=version, requires=needs) + textwrap.dedent(body)


def write(folder: pathlib.Path, body: str = TINY, *, tests: str | None = None, **head: str) -> pathlib.Path:
    """A pack folder: pack.toml from ``body``, and tests.toml from ``tests`` when given."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(pack_text(body, **head), encoding="utf-8")
    if tests is not None:
        (folder / "tests.toml").write_text(textwrap.dedent(tests), encoding="utf-8")
    return folder


# Brute force, for checking the report and the pack tests on small random catalogs.


def combos(held: list[str]) -> list[tuple[str, ...]]:
    return [
        tuple(sorted(m))
        for k in range(MIN_INPUTS, MAX_INPUTS + 1)
        for m in itertools.combinations_with_replacement(sorted(held), k)
    ]


def fired(catalog: craftcore.Catalog, combo: tuple[str, ...], held: set[str]) -> set[str]:
    return {o for r in catalog.recipes_for(combo) if set(r.requires) <= held for o in r.outputs}


def brute_depth(catalog: craftcore.Catalog, target: str) -> int:
    """Breadth-first search over sets of discovered concepts: the fewest combinations that discover ``target``."""
    start = frozenset(catalog.starts)
    frontier, seen, depth = {start}, {start}, 0
    while frontier:
        if any(target in s for s in frontier):
            return depth
        depth += 1
        following = set()
        for state in frontier:
            for m in combos(list(state)):
                after = state | fired(catalog, m, set(state))
                if after not in seen:
                    seen.add(after)
                    following.add(after)
        frontier = following
    raise AssertionError("unreachable")

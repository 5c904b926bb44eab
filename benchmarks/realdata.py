"""Turn public crafting-game recipe lists into craftcore pack folders, for benchmarks and tests.

The data files are not part of the project (see ``shared/datasets/README.md`` beside the project): pass their paths,
or let :func:`datasets_dir` find the folder (``$CRAFTCORE_DATASETS``, else ``../shared/datasets`` next to the
project's root).

Conventions (those of the datasets' README, so the counts match its facts):

- **Ids** are slugs of the names: ASCII-folded, lower case, every run of other characters one ``_``; a name with no
  letter or digit left becomes ``u`` and the hex code points of its characters (``"∞"`` → ``u221e``); a slug starting
  with a digit gets an ``n`` in front (``"1984"`` → ``n1984``). Names are processed in sorted order and a slug already
  taken gets ``_2``, ``_3``, ... so ids are unique and do not depend on the order of the file. The original name is
  the concept's ``name``.
- **Recipes**: outputs that equal one of the inputs are dropped (they add nothing; a recipe left without outputs is
  no recipe); recipes sharing an input multiset are merged (outputs united). Infinite Craft: every line is a recipe of
  two inputs. Little Alchemy 2: names are lower-cased; the entries "Available from start.", "Unlocked through
  progression." and empty lists are not recipes, nor are recipes naming an undefined element, nor the two entries
  whose arity is not 2 (one single-ingredient, one four-ingredient); ``time`` is an ``[[unlocks]]`` after 100
  discoveries.
- **Concepts**: the four starts have ``start = true``; one category ``element``; ``level`` 1 for the starts, else
  2-5 by forward depth (the fewest combination layers from the starts) in four equal bands up to the deepest concept;
  a concept unreachable by recipes (behind the unlock, or needing an undefined element) gets level 5. The description
  is a short generic sentence.

Usage::

    python benchmarks/realdata.py OUT_DIR            # writes OUT_DIR/infinite_craft and OUT_DIR/little_alchemy_2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from craftcore import Catalog

Recipes = dict[tuple[str, ...], set[str]]

IC_FILE = "infinite-craft.tsv"
LA2_FILE = "little-alchemy-2.recipes.js"
IC_STARTS = ("Water", "Fire", "Wind", "Earth")
LA2_STARTS = ("air", "earth", "fire", "water")
LA2_UNLOCK = ("time", 100)
_NOT_RECIPES = {"available from start.", "unlocked through progression.", ""}


def datasets_dir() -> Path | None:
    """The datasets folder: ``$CRAFTCORE_DATASETS``, else ``shared/datasets`` beside the project; None if absent."""
    env = os.environ.get("CRAFTCORE_DATASETS")
    folder = Path(env) if env else Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
    return folder if (folder / IC_FILE).is_file() and (folder / LA2_FILE).is_file() else None


def slug(name: str) -> str:
    """The id stem of a name (see the module docstring); not yet made unique."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    if not text:
        return "u" + "_".join(f"{ord(ch):x}" for ch in name)
    return "n" + text if text[0].isdigit() else text


def slugs(names: Iterable[str]) -> dict[str, str]:
    """Unique, deterministic ids for ``names``: name -> id."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        stem = slug(name)
        cid, n = stem, 1
        while cid in taken:
            n += 1
            cid = f"{stem}_{n}"
        taken.add(cid)
        out[name] = cid
    return out


def read_infinite_craft(tsv_path: str | os.PathLike[str]) -> tuple[list[str], Recipes]:
    """Names and merged recipes (input multiset -> outputs, self-results dropped) of the Infinite Craft TSV."""
    names: dict[str, None] = {}
    recipes: Recipes = {}
    with open(tsv_path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        if header != ["first", "second", "result"]:
            raise ValueError(f"{tsv_path}: unexpected header {header!r}")
        for row in rows:
            first, second, result = row
            for name in row:
                names.setdefault(name, None)
            if result in (first, second):
                continue
            recipes.setdefault(tuple(sorted((first, second))), set()).add(result)
    return list(names), recipes


def read_little_alchemy(js_path: str | os.PathLike[str]) -> tuple[list[str], Recipes]:
    """Names (lower-cased) and merged recipes of the Little Alchemy 2 CommonJS file, parsed as JSON."""
    text = Path(js_path).read_text(encoding="utf-8").strip()
    prefix = "module.exports ="
    if not text.startswith(prefix):
        raise ValueError(f"{js_path}: does not start with {prefix!r}")
    data: Mapping[str, Mapping[str, object]] = json.loads(text[len(prefix) :].strip().rstrip(";"))
    names = list(dict.fromkeys(key.lower() for key in data))
    known = set(names)
    recipes: Recipes = {}
    for key, entry in data.items():
        result = key.lower()
        rows = entry.get("recipes", [])
        assert isinstance(rows, list)
        for row in rows:
            inputs = [str(i).lower() for i in row]
            if len(inputs) != 2 or any(i in _NOT_RECIPES or i not in known for i in inputs):
                continue
            if result in inputs:
                continue
            recipes.setdefault(tuple(sorted(inputs)), set()).add(result)
    return names, recipes


def forward_depths(starts: Iterable[str], recipes: Recipes) -> dict[str, int]:
    """The fewest combination layers to each concept reachable from ``starts`` (starts: 0)."""
    depth = dict.fromkeys(starts, 0)
    layer = 0
    pending = list(recipes.items())
    while pending:
        layer += 1
        new: dict[str, int] = {}
        rest = []
        for inputs, outputs in pending:
            if all(i in depth for i in inputs):
                for out in outputs:
                    if out not in depth:
                        new[out] = layer
            else:
                rest.append((inputs, outputs))
        if not new:
            break
        depth.update(new)
        pending = rest
    return depth


def _level(depth: int | None, deepest: int) -> int:
    if depth is None:
        return 5
    if depth == 0:
        return 1
    band = max(1, -(-deepest // 4))
    return min(5, 2 + (depth - 1) // band)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_pack(
    out_dir: str | os.PathLike[str],
    *,
    pack_id: str,
    title: str,
    source: str,
    names: list[str],
    recipes: Recipes,
    starts: Iterable[str],
    unlocks: Iterable[tuple[str, int]] = (),
) -> Path:
    """Write a pack folder (``pack.toml``, ``concepts.toml``, ``recipes.toml``) and return its path."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ids = slugs(names)
    start_set = set(starts)
    depth = forward_depths(start_set, recipes)
    deepest = max(depth.values(), default=0)
    (folder / "pack.toml").write_text(
        f'[pack]\nid = "{pack_id}"\nname = {_quote(title)}\nversion = "1.0.0"\n'
        f"description = {_quote(f'{title}, converted from {source}.')}\n\n"
        '[categories.element]\nname = "Element"\ndescription = "Every concept of this world."\n',
        encoding="utf-8",
    )
    lines = []
    for name in sorted(names, key=lambda n: ids[n]):
        d = depth.get(name)
        where = "a start element" if d == 0 else f"made in {d} layers" if d is not None else "made later"
        lines.append(
            f'[concepts.{ids[name]}]\nname = {_quote(name)}\nlevel = {_level(d, deepest)}\ncategory = "element"\n'
            f"description = {_quote(f'An element of {title} ({where}).')}\n"
            + ("start = true\n" if name in start_set else "")
        )
    (folder / "concepts.toml").write_text("\n".join(lines), encoding="utf-8")
    parts = []
    for inputs, outputs in sorted(recipes.items()):
        ins = ", ".join(f'"{ids[i]}"' for i in inputs)
        outs = ", ".join(f'"{ids[o]}"' for o in sorted(outputs))
        parts.append(f"[[recipes]]\ninputs = [{ins}]\noutputs = [{outs}]\n")
    for name, after in unlocks:
        parts.append(f'[[unlocks]]\nafter = {after}\noutputs = ["{ids[name]}"]\n')
    (folder / "recipes.toml").write_text("\n".join(parts), encoding="utf-8")
    return folder


def infinite_craft_pack(tsv_path: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> Path:
    """Convert the Infinite Craft TSV into the pack ``infinite_craft`` in ``out_dir``."""
    names, recipes = read_infinite_craft(tsv_path)
    return write_pack(
        out_dir,
        pack_id="infinite_craft",
        title="Infinite Craft",
        source="a public scrape of Infinite Craft pairings",
        names=names,
        recipes=recipes,
        starts=IC_STARTS,
    )


def little_alchemy_pack(js_path: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> Path:
    """Convert the Little Alchemy 2 recipe file into the pack ``little_alchemy_2`` in ``out_dir``."""
    names, recipes = read_little_alchemy(js_path)
    return write_pack(
        out_dir,
        pack_id="little_alchemy_2",
        title="Little Alchemy 2",
        source="a public Little Alchemy 2 recipe list",
        names=names,
        recipes=recipes,
        starts=LA2_STARTS,
        unlocks=[LA2_UNLOCK],
    )


def load_alone(folder: str | os.PathLike[str]) -> Catalog:
    """Load one converted pack folder and nothing else, with reachability reported as warnings.

    ``require_reachable=False``: Little Alchemy 2's ``candy cane`` needs ``reindeer``, which no recipe makes, so the
    loader's reachability rule would refuse the world (reported to the lead; the 6 concepts stay, unreachable).
    """
    import craftcore

    return craftcore.load_catalog(folder, installed=False, require_reachable=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--datasets", type=Path, default=None, help="the datasets folder ($CRAFTCORE_DATASETS)")
    args = parser.parse_args(argv)
    folder = args.datasets or datasets_dir()
    if folder is None:
        print("datasets not found: pass --datasets or set CRAFTCORE_DATASETS", file=sys.stderr)
        return 2
    print(infinite_craft_pack(folder / IC_FILE, args.out_dir / "infinite_craft"))
    print(little_alchemy_pack(folder / LA2_FILE, args.out_dir / "little_alchemy_2"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

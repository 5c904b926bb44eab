"""Interim content checker used while the real loader is being written (``craftcore check`` replaces it).

Usage: python scripts/quickcheck.py            # checks foundations + every packs/*/src/*/pack folder
"""

from __future__ import annotations

import collections
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
ID = re.compile(r"^[a-z][a-z0-9_]*$")


def pack_dirs() -> list[pathlib.Path]:
    dirs = [ROOT / "src/craftcore/packs/foundations"]
    dirs += sorted(p.parent for p in ROOT.glob("packs/*/src/*/pack/pack.toml"))
    return [d for d in dirs if (d / "pack.toml").exists()]


def main() -> int:
    errors: list[str] = []
    concepts: dict[str, tuple[str, dict]] = {}
    categories: dict[str, str] = {}
    recipes, paths, hints = [], {}, []
    for d in pack_dirs():
        for f in sorted(d.glob("*.toml")):
            try:
                data = tomllib.loads(f.read_text("utf-8"))
            except tomllib.TOMLDecodeError as exc:
                errors.append(f"{f}: {exc}")
                continue
            for cid, c in data.get("categories", {}).items():
                categories[cid] = str(f)
            for cid, c in data.get("concepts", {}).items():
                if cid in concepts:
                    errors.append(f"{f}: duplicate concept {cid} (also {concepts[cid][0]})")
                concepts[cid] = (str(f), c)
            recipes += [(str(f), r) for r in data.get("recipes", [])]
            hints += [(str(f), h) for h in data.get("hints", [])]
            paths.update({k: (str(f), v) for k, v in data.get("paths", {}).items()})
    for cid, (f, c) in concepts.items():
        if not ID.match(cid):
            errors.append(f"{f}: bad id {cid}")
        for key in ("name", "level", "category", "description"):
            if key not in c:
                errors.append(f"{f}: concepts.{cid}.{key} missing")
        if c.get("category") not in categories:
            errors.append(f"{f}: concepts.{cid}.category {c.get('category')!r} undeclared")
        if not c.get("resources"):
            errors.append(f"{f}: concepts.{cid} has no resources")
        if not c.get("properties"):
            errors.append(f"{f}: concepts.{cid} has no properties")
    seen_inputs = collections.Counter()
    for f, r in recipes:
        for cid in [*r.get("inputs", []), *r.get("outputs", []), *r.get("requires", [])]:
            if cid not in concepts:
                errors.append(f"{f}: recipe {r.get('inputs')} names unknown concept {cid!r}")
        if not r.get("why"):
            errors.append(f"{f}: recipe {r.get('inputs')} has no why")
        seen_inputs[tuple(sorted(r.get("inputs", [])))] += 1
    recipe_keys = set(seen_inputs)
    for f, h in hints:
        for cid in h.get("inputs", []):
            if cid not in concepts:
                errors.append(f"{f}: hint {h.get('inputs')} names unknown concept {cid!r}")
        if tuple(sorted(h.get("inputs", []))) in recipe_keys:
            errors.append(f"{f}: hint {h.get('inputs')} is a recipe")
    have = {cid for cid, (_, c) in concepts.items() if c.get("start")}
    changed = True
    while changed:
        changed = False
        for _, r in recipes:
            if set(r.get("inputs", [])) | set(r.get("requires", [])) <= have:
                new = set(r.get("outputs", [])) - have
                if new:
                    have |= new
                    changed = True
    for cid, (f, _) in concepts.items():
        if cid not in have:
            errors.append(f"{f}: concept {cid} is unreachable from the start set")
    for pid, (f, p) in paths.items():
        for s in p.get("steps", []):
            if s not in concepts:
                errors.append(f"{f}: paths.{pid} step {s!r} unknown")
    print(f"{len(concepts)} concepts, {len(recipes)} recipes, {len(hints)} hints, {len(paths)} paths, "
          f"{len(have)} reachable")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

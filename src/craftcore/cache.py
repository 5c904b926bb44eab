"""A compiled cache of checked catalogs, so reloading unchanged packs skips parsing and checking.

The cache is plain JSON (nothing in it is ever executed or turned into arbitrary objects), keyed by a SHA-256 of
craftcore's version and every pack file's name and content, and lives in the user's cache directory
(``$CRAFTCORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/craftcore`` or the platform's equivalent). A damaged or unreadable
cache entry is ignored and rebuilt; a cache that cannot be written is simply not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pathlib
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Final

from craftcore.model import Category, Concept, Hint, LearningPath, Pack, PackInfo, Recipe, Resource, Unlock
from craftcore.problems import Problem

__all__ = ["cache_dir", "cache_key", "read_cached", "write_cached"]

#: Bump when the layout below changes (old entries then simply miss).
LAYOUT: Final = 1


def cache_dir() -> pathlib.Path:
    """Where cache entries live (created on first write)."""
    override = os.environ.get("CRAFTCORE_CACHE_DIR")
    if override:
        return pathlib.Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(pathlib.Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(pathlib.Path.home() / "Library" / "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(pathlib.Path.home() / ".cache")
    return pathlib.Path(base) / "craftcore"


def cache_key(version: str, options: str,
              sources: Iterable[tuple[str, str, str | None, Sequence[tuple[str, str]]]]) -> str:
    """A digest of everything a catalog is built from: craftcore's version, load options, and each source's origin,
    file names and file contents."""
    digest = hashlib.sha256(f"craftcore {version} layout {LAYOUT} {options}\n".encode())
    for kind, location, dist, files in sources:
        digest.update(f"source {kind} {location} {dist}\n".encode())
        for name, text in files:
            digest.update(f"file {name} {len(text)}\n".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _pack_to_json(pack: Pack) -> dict[str, Any]:
    i = pack.info
    return {
        "info": [i.id, i.name, i.version, i.description, list(i.requires), i.source, i.location, i.distribution],
        "categories": [[c.id, c.name, c.description] for c in pack.categories],
        "concepts": [[c.id, c.name, c.level, c.category, c.description, c.start, dict(c.properties),
                      [[r.title, r.url, r.kind] for r in c.resources]] for c in pack.concepts],
        "recipes": [[list(r.inputs), list(r.outputs), list(r.requires), r.why, r.index] for r in pack.recipes],
        "paths": [[p.id, p.name, p.description, list(p.steps)] for p in pack.paths],
        "hints": [[list(h.inputs), h.text] for h in pack.hints],
        "unlocks": [[u.after, list(u.outputs)] for u in pack.unlocks],
    }


def _pack_from_json(data: dict[str, Any]) -> Pack:
    pid, name, version, description, requires, source, location, dist = data["info"]
    info = PackInfo(pid, name, version, description, tuple(requires), source, location, dist)
    return Pack(
        info=info,
        categories=tuple(Category(c[0], c[1], c[2], pid) for c in data["categories"]),
        concepts=tuple(
            Concept(c[0], c[1], c[2], c[3], c[4], pid, c[5],
                    {k: tuple(v) if type(v) is list else v for k, v in c[6].items()},
                    tuple(Resource(*r) for r in c[7]))
            for c in data["concepts"]),
        recipes=tuple(Recipe(tuple(r[0]), tuple(r[1]), pid, tuple(r[2]), r[3], r[4]) for r in data["recipes"]),
        paths=tuple(LearningPath(p[0], p[1], p[2], tuple(p[3]), pid) for p in data["paths"]),
        hints=tuple(Hint(tuple(h[0]), h[1], pid) for h in data["hints"]),
        unlocks=tuple(Unlock(u[0], tuple(u[1]), pid) for u in data["unlocks"]),
    )


def _problem_to_json(p: Problem) -> list[Any]:
    return [p.severity, p.code, p.message, p.pack, p.file, p.key, p.line, p.column, list(p.suggestions)]


def read_cached(key: str) -> tuple[list[Pack], list[Problem]] | None:
    """The packs (in catalog order) and warnings stored under ``key``, or ``None`` when missing or damaged."""
    path = cache_dir() / f"{key}.json"
    try:
        data = json.loads(path.read_bytes())
        if data.get("key") != key or data.get("layout") != LAYOUT:
            return None
        packs = [_pack_from_json(p) for p in data["packs"]]
        warnings = [Problem(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], tuple(w[8])) for w in data["warnings"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return packs, warnings


def write_cached(key: str, packs: Sequence[Pack], warnings: Sequence[Problem]) -> None:
    """Store a checked catalog's packs under ``key`` (atomically; failures are ignored: the cache is optional)."""
    from craftcore.atomic import atomic_write

    payload = {"key": key, "layout": LAYOUT, "packs": [_pack_to_json(p) for p in packs],
               "warnings": [_problem_to_json(w) for w in warnings]}
    with contextlib.suppress(OSError, ValueError):
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{key}.json", json.dumps(payload, separators=(",", ":")).encode("utf-8"))

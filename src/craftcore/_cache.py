"""A compiled cache of checked catalogs, so reloading unchanged packs skips parsing and checking.

The cache is plain JSON (nothing in it is ever executed or turned into arbitrary objects), keyed by a SHA-256 of
craftcore's version and every pack file's name and content, and lives in the user's cache directory
(``$CRAFTCORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/craftcore`` or the platform's equivalent). A damaged or unreadable
cache entry is ignored and rebuilt; a cache that cannot be written is simply not written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pathlib
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import cattrs

from craftcore._model import Pack
from craftcore._packfile import SourceMap
from craftcore._problems import Problem
from craftcore._serialize import from_data, to_data

__all__ = ["cache_dir", "cache_key", "read_cached", "write_cached"]

#: Bump when the envelope below changes (old entries then simply miss). The packs inside follow the model's attrs
#: fields through :func:`~craftcore._serialize.to_data`, and the key covers craftcore's own code, so a new field or a
#: changed check can never be served from an entry written before it.
LAYOUT: Final = 3


@functools.cache
def code_digest() -> str:
    """A SHA-256 of every Python module of the installed craftcore package (a constant, computed once)."""
    root = pathlib.Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


def cache_key(
    version: str, options: str, sources: Iterable[tuple[str, str, str | None, Sequence[tuple[str, str]]]]
) -> str:
    """A digest of everything a catalog is built from: craftcore's version and code, load options, and each source's
    origin, file names and file contents."""
    digest = hashlib.sha256(f"craftcore {version} code {code_digest()} layout {LAYOUT} {options}\n".encode())
    for kind, location, dist, files in sources:
        digest.update(f"source {kind} {location} {dist}\n".encode())
        for name, text in files:
            digest.update(f"file {name} {len(text)}\n".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def read_cached(key: str) -> tuple[list[Pack], list[Problem], dict[str, SourceMap]] | None:
    """The packs (in catalog order), warnings and definition places stored under ``key``, or ``None`` when missing
    or damaged."""
    path = cache_dir() / f"{key}.json"
    try:
        data = json.loads(path.read_bytes())
        if data.get("key") != key or data.get("layout") != LAYOUT:
            return None
        packs = from_data(data["packs"], list[Pack])
        warnings = from_data(data["warnings"], list[Problem])
        places = {pid: SourceMap.from_data(where) for pid, where in data["places"].items()}
    except (
        OSError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
        cattrs.BaseValidationError,
    ):
        return None
    return packs, warnings, places


def write_cached(key: str, packs: Sequence[Pack], warnings: Sequence[Problem], places: Mapping[str, SourceMap]) -> None:
    """Store a checked catalog's packs under ``key`` (atomically; failures are ignored: the cache is optional)."""
    from craftcore._atomic import atomic_write

    payload = {
        "key": key,
        "layout": LAYOUT,
        "packs": to_data(list(packs)),
        "warnings": to_data(list(warnings)),
        "places": {pid: where.to_data() for pid, where in places.items()},
    }
    with contextlib.suppress(OSError, ValueError):
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{key}.json", json.dumps(payload, separators=(",", ":")).encode("utf-8"))

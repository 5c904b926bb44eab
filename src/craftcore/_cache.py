"""A compiled cache of checked catalogs, so reloading unchanged packs skips parsing and checking.

The cache is plain JSON (nothing in it is ever executed or turned into arbitrary objects), keyed by a SHA-256 of
craftcore's version and every pack file's name and content, and lives in the user's cache directory
(``$CRAFTCORE_CACHE_DIR``, else ``$XDG_CACHE_HOME/craftcore`` or the platform's equivalent). A damaged or unreadable
cache entry is ignored and rebuilt; a cache that cannot be written is simply not written. Entries are signed with a
per-user key kept in the cache folder (readable by its owner only), so an entry nobody else could have written is the
only kind ever used; the cache is pruned to a bounded size, least recently used first.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import pathlib
import secrets
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from craftcore._model import Pack
from craftcore._packfile import SourceMap
from craftcore._problems import Problem
from craftcore._rules import MAX_INPUTS, MAX_LEVEL, MIN_INPUTS, MIN_LEVEL
from craftcore._serialize import from_data, to_data

__all__ = ["cache_dir", "cache_key", "prune", "read_cached", "write_cached"]

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


#: Largest cache entry read (the biggest shipped catalog compiles to a few MB).
MAX_ENTRY_BYTES: Final = 256 * 1024 * 1024
#: The cache is pruned, oldest first, to at most this many entries and this many bytes.
MAX_ENTRIES: Final = 32
MAX_TOTAL_BYTES: Final = 512 * 1024 * 1024
#: The per-user secret entries are signed with (HMAC-SHA256); readable by its owner only.
KEY_FILE: Final = "hmac-key"
_MAC_BYTES: Final = 64  # hex digits of a SHA-256


def _secret(folder: pathlib.Path, *, create: bool) -> bytes | None:
    """The cache folder's secret key (made on first write), or ``None`` when there is none that can be trusted: one
    that others could read (or change) does not prove who wrote an entry."""
    from craftcore._sources import read_regular_file

    path = folder / KEY_FILE
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        private = os.name != "posix" or (
            info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077 and stat.S_ISREG(info.st_mode)
        )
        secret = read_regular_file(path, 64)
        if private and len(secret) == 32:
            return secret
    if not create:
        return None
    secret = secrets.token_bytes(32)
    tmp = folder / f".{KEY_FILE}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
        os.replace(tmp, path)  # entries signed with an older key now simply miss
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return secret


def _mac(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")


def read_cached(key: str) -> tuple[list[Pack], list[Problem], dict[str, SourceMap]] | None:
    """The packs (in catalog order), warnings and definition places stored under ``key``, or ``None`` when missing,
    damaged or forged.

    An entry is trusted only when its HMAC, made with the per-user key in the cache folder, verifies: anyone else who
    can write the folder cannot make an entry that is used. Whatever goes wrong reading it is a miss (the catalog is
    then built from the packs and the entry replaced).
    """
    from craftcore._sources import read_regular_file

    folder = cache_dir()
    path = folder / f"{key}.json"
    try:
        secret = _secret(folder, create=False)
        if secret is None:
            return None
        raw = read_regular_file(path, MAX_ENTRY_BYTES)
        if len(raw) > MAX_ENTRY_BYTES or raw[_MAC_BYTES : _MAC_BYTES + 1] != b"\n":
            return None
        if not hmac.compare_digest(raw[:_MAC_BYTES], _mac(secret, raw[_MAC_BYTES + 1 :])):
            return None
        data = json.loads(raw[_MAC_BYTES + 1 :])
        if not isinstance(data, dict) or data.get("key") != key or data.get("layout") != LAYOUT:
            return None
        packs = from_data(data["packs"], list[Pack])
        warnings = from_data(data["warnings"], list[Problem])
        places = {pid: SourceMap.from_data(where) for pid, where in data["places"].items()}
        if not _consistent(packs):
            return None
    except (Exception, RecursionError):  # any failure at all is a miss: the cache is only ever an optimisation
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return packs, warnings, places


def _consistent(packs: Sequence[Pack]) -> bool:
    """The invariants a checked catalog always has, verified in one linear pass (a second line of defence behind the
    signature: an entry that breaks them was not written by a correct craftcore)."""
    ids: set[str] = set()
    starts = 0
    for pack in packs:
        for concept in pack.concepts:
            if concept.id in ids or type(concept.level) is not int or not MIN_LEVEL <= concept.level <= MAX_LEVEL:
                return False
            ids.add(concept.id)
            starts += concept.start is True
    if not starts:
        return False
    for pack in packs:
        for recipe in pack.recipes:
            if not MIN_INPUTS <= len(recipe.inputs) <= MAX_INPUTS or not recipe.outputs:
                return False
            if not ids.issuperset(recipe.inputs) or not ids.issuperset(recipe.outputs):
                return False
            if not ids.issuperset(recipe.requires):
                return False
    return True


def write_cached(key: str, packs: Sequence[Pack], warnings: Sequence[Problem], places: Mapping[str, SourceMap]) -> None:
    """Store a checked catalog's packs under ``key``, signed (atomically; failures are ignored: the cache is
    optional), then prune the cache to its bounds."""
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
        secret = _secret(folder, create=True)
        assert secret is not None
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        path = folder / f"{key}.json"
        if path.is_symlink() or (path.exists() and not path.is_file()):  # a FIFO or a link planted in our place
            path.unlink()
        atomic_write(path, _mac(secret, body) + b"\n" + body)
        prune(folder, keep=key)


def prune(folder: pathlib.Path, *, keep: str | None = None) -> int:
    """Remove the least recently used entries beyond :data:`MAX_ENTRIES` or :data:`MAX_TOTAL_BYTES` (never
    ``keep``), and anything else named like an entry that is not a regular file.

    :returns: how many entries were removed.
    """
    entries: list[tuple[float, int, pathlib.Path]] = []
    removed = 0
    with contextlib.suppress(OSError):
        for path in folder.glob("*.json"):
            with contextlib.suppress(OSError):
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode):
                    if not stat.S_ISDIR(info.st_mode):
                        path.unlink()
                        removed += 1
                    continue
                if path.stem != keep:
                    entries.append((info.st_mtime, info.st_size, path))
    entries.sort(key=lambda e: e[0], reverse=True)  # newest first
    count, total = 1, 0
    for _, size, path in entries:
        count, total = count + 1, total + size
        if count > MAX_ENTRIES or total > MAX_TOTAL_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed

"""Hostile cache entries: forged (unsigned, re-signed with another key, a key others can read) and damaged (wrong
types, unknown ids, no start, deep JSON, truncation, FIFOs, devices, folders). Any of them is a miss: the catalog is
built from the packs, equal to an uncached one, and the entry replaced. The cache stays bounded."""

from __future__ import annotations

import json
import os
import pathlib
from collections.abc import Callable

import pytest

import craftcore
import craftcore._cache as cache
from craftcore import Game, load_catalog
from tests.conftest import FOUNDATIONS_DIR
from tests.hostile.conftest import record, time_limit


@pytest.fixture
def folder(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def reference() -> craftcore.Catalog:
    return load_catalog(FOUNDATIONS_DIR, installed=False, cache=False)


def load() -> craftcore.Catalog:
    return load_catalog(FOUNDATIONS_DIR, installed=False)


def entry(folder: pathlib.Path) -> pathlib.Path:
    (path,) = folder.glob("*.json")
    return path


def split(path: pathlib.Path) -> tuple[bytes, dict]:
    raw = path.read_bytes()
    return raw[:64], json.loads(raw[65:])


def signed(folder: pathlib.Path, body: bytes) -> bytes:
    secret = (folder / cache.KEY_FILE).read_bytes()
    return cache._mac(secret, body) + b"\n" + body


def set_level(data: dict, value: object) -> None:
    data["packs"][0]["concepts"][0]["level"] = value


def unknown_output(data: dict) -> None:
    data["packs"][0]["recipes"][0]["outputs"] = ["no_such_concept"]


def no_start(data: dict) -> None:
    for concept in data["packs"][0]["concepts"]:
        concept["start"] = False


def shortcut(data: dict) -> None:
    recipe = dict(data["packs"][0]["recipes"][0])
    recipe.update(inputs=["linear_algebra", "calculus", "probability", "calculus"], outputs=["gpu_architecture"])
    data["packs"][0]["recipes"].append(recipe)


def no_packs(data: dict) -> None:
    data["packs"] = []


DAMAGE: dict[str, Callable[[dict], None]] = {
    "level as text": lambda d: set_level(d, "5"),
    "level 10**6": lambda d: set_level(d, 10**6),
    "level 10**30": lambda d: set_level(d, 10**30),
    "unknown recipe output": unknown_output,
    "no start concepts": no_start,
    "a shortcut recipe": shortcut,
    "a pack dropped": no_packs,
    "packs not a list": lambda d: d.update(packs={"x": 1}),
    "warnings not a list": lambda d: d.update(warnings=7),
}


def assert_rebuilt(folder: pathlib.Path, reference: craftcore.Catalog, family: str) -> None:
    with time_limit():
        catalog = load()
    assert catalog == reference
    assert Game(catalog).combine("linear_algebra", "calculus", "probability").new == ("neural_networks",)
    hit = cache.read_cached(entry(folder).stem)  # the entry was replaced by a good one
    assert hit is not None
    record(family, "miss, rebuilt")


@pytest.mark.parametrize("name", sorted(DAMAGE))
@pytest.mark.parametrize("resign", [False, True], ids=["forged", "damaged-but-signed"])
def test_changed_entries_are_misses(folder: pathlib.Path, reference, name: str, resign: bool) -> None:
    load()
    path = entry(folder)
    _, data = split(path)
    DAMAGE[name](data)
    body = json.dumps(data).encode()
    path.write_bytes(signed(folder, body) if resign else b"0" * 64 + b"\n" + body)
    if not resign or name not in SIGNED_ACCEPTED:
        assert_rebuilt(folder, reference, "cache: forged entries" if not resign else "cache: damaged, signed entries")
        return
    with time_limit():  # only the holder of the user's key can sign: such an entry is used, but never crashes
        Game(load()).combine("linear_algebra", "calculus", "probability")
    record("cache: damaged, signed entries", "used (signed with the user's own key)")


#: Changes that keep a catalog consistent: signed with the user's key, they are indistinguishable from a real entry.
SIGNED_ACCEPTED = frozenset({"a pack dropped", "a shortcut recipe", "level as text"})


def _deep(path: pathlib.Path) -> None:
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)


def _deep_signed(path: pathlib.Path) -> None:
    path.write_bytes(signed(path.parent, b"[" * 100_000 + b"]" * 100_000))


def _fifo(path: pathlib.Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _link(device: str) -> Callable[[pathlib.Path], None]:
    def make(path: pathlib.Path) -> None:
        path.unlink()
        path.symlink_to(device)

    return make


def _folder(path: pathlib.Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("")


BREAKAGE: dict[str, Callable[[pathlib.Path], None]] = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:1000]),
    "empty": lambda p: p.write_bytes(b""),
    "random bytes": lambda p: p.write_bytes(os.urandom(5000)),
    "not UTF-8, signed": lambda p: p.write_bytes(signed(p.parent, b"\xff\xfe" * 100)),
    "a JSON list, signed": lambda p: p.write_bytes(signed(p.parent, b"[1, 2]")),
    "100,000-deep array": _deep,
    "100,000-deep array, signed": _deep_signed,
    "a FIFO": _fifo,
    "a link to /dev/zero": _link("/dev/zero"),
    "a link to /dev/urandom": _link("/dev/urandom"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGE))
def test_broken_entries_are_misses(folder: pathlib.Path, reference, name: str) -> None:
    load()
    BREAKAGE[name](entry(folder))
    assert_rebuilt(folder, reference, "cache: damaged entries")


def test_a_folder_in_place_of_an_entry(folder: pathlib.Path, reference) -> None:
    load()
    path = entry(folder)
    _folder(path)
    with time_limit():
        assert load() == reference  # cannot be replaced (a folder is in the way), but never crashes or hangs
    record("cache: damaged entries", "miss")


def test_a_key_others_can_read_is_not_trusted(folder: pathlib.Path, reference) -> None:
    load()
    key_file = folder / cache.KEY_FILE
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    key_file.chmod(0o644)
    assert cache.read_cached(entry(folder).stem) is None
    assert_rebuilt(folder, reference, "cache: forged entries")
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"  # a new private key was made


def test_a_missing_key_is_a_miss(folder: pathlib.Path, reference) -> None:
    load()
    (folder / cache.KEY_FILE).unlink()
    assert_rebuilt(folder, reference, "cache: forged entries")


def test_the_cache_stays_bounded(folder: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load()
    key = entry(folder).stem
    for n in range(cache.MAX_ENTRIES + 10):
        stale = folder / f"{n:064x}.json"
        stale.write_bytes(b"x" * 100)
        os.utime(stale, (1_000_000 + n, 1_000_000 + n))
    os.mkfifo(folder / f"{'f' * 64}.json")
    assert cache.prune(folder, keep=key) >= 11
    left = list(folder.glob("*.json"))
    assert len(left) == cache.MAX_ENTRIES
    assert folder / f"{cache.MAX_ENTRIES + 9:064x}.json" in left  # the newest stay
    assert folder / f"{key}.json" in left
    monkeypatch.setattr(cache, "MAX_TOTAL_BYTES", 1000)
    load_catalog(FOUNDATIONS_DIR, installed=False, require_reachable=False)  # a miss: writing prunes
    assert len(list(folder.glob("*.json"))) == 1  # the entry just written stays; the rest did not fit

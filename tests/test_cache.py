"""The compiled pack cache: hits skip parsing, any change misses, damage is ignored and rebuilt."""

from __future__ import annotations

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
import craftcore._loader
from craftcore._cache import cache_dir

from .conftest import PACK_DIRS


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def forbid_parsing(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed although the cache should have been used")

    monkeypatch.setattr(craftcore._loader, "read_pack", refuse)


def test_second_load_comes_from_the_cache_and_is_equal(fresh_cache, monkeypatch) -> None:
    cold = craftcore.load_catalog(*PACK_DIRS.values(), installed=False)
    assert len(list(fresh_cache.glob("*.json"))) == 1
    forbid_parsing(monkeypatch)
    warm = craftcore.load_catalog(*PACK_DIRS.values(), installed=False)
    assert warm == cold
    assert warm.problems() == cold.problems()
    game = craftcore.Game(warm)
    assert game.combine("linear_algebra", "calculus", "probability").new == ("neural_networks",)


def test_any_change_to_a_file_misses(fresh_cache, write_pack) -> None:
    text = """
[pack]
id = "tiny"
name = "Tiny"
version = "1.0.0"
description = "x"
requires = ["foundations"]
[concepts.gizmo]
name = "Gizmo"
level = 2
category = "mathematics"
description = "Made from calculus."
[[recipes]]
inputs = ["calculus", "calculus", "calculus", "calculus"]
outputs = ["gizmo"]
"""
    folder = write_pack({"pack.toml": text})
    assert craftcore.load_catalog(FOUNDATIONS_DIR, folder, installed=False).concepts["gizmo"].name == "Gizmo"
    (folder / "pack.toml").write_text(text.replace('"Gizmo"', '"Gadget"'), encoding="utf-8")
    assert craftcore.load_catalog(FOUNDATIONS_DIR, folder, installed=False).concepts["gizmo"].name == "Gadget"
    assert len(list(fresh_cache.glob("*.json"))) == 2


@pytest.mark.parametrize(
    "damage", [b"", b"{not json", b'{"key": "other"}', b'{"key": "%s", "layout": 1}', b"\xff\xfe\x00"]
)
def test_a_damaged_entry_is_ignored_and_rebuilt(fresh_cache, damage) -> None:
    cold = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    (entry,) = fresh_cache.glob("*.json")
    entry.write_bytes(damage.replace(b"%s", entry.stem.encode()))
    assert craftcore.load_catalog(FOUNDATIONS_DIR, installed=False) == cold
    assert entry.read_bytes() != damage


def test_an_unwritable_cache_is_not_an_error(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRAFTCORE_CACHE_DIR", str(blocker / "cache"))
    assert "calculus" in craftcore.load_catalog(FOUNDATIONS_DIR, installed=False).concepts


def test_cache_false_neither_reads_nor_writes(fresh_cache) -> None:
    craftcore.load_catalog(FOUNDATIONS_DIR, installed=False, cache=False)
    assert not fresh_cache.exists()


def test_errors_are_never_cached(fresh_cache, write_pack) -> None:
    folder = write_pack({"pack.toml": "[pack]\nid = 'bad'\n"})
    for _ in range(2):
        with pytest.raises(craftcore.PackError):
            craftcore.load_catalog(FOUNDATIONS_DIR, folder, installed=False)
    assert not list(fresh_cache.glob("*.json"))


def test_default_location_is_the_user_cache(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CRAFTCORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "craftcore"

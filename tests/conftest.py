"""Shared fixtures and hypothesis profiles (choose with HYPOTHESIS_PROFILE=dev|ci|thorough; CI uses ci)."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

import craftcore

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACK_DIRS = {
    name: ROOT / "packs" / name / "src" / f"craftcore_{name}" / "pack"
    for name in ("foundations", "attention", "moe", "ssm", "production")
}
#: The LLM game's base pack, loaded from its folder: engine tests use it as a realistic fixture, never as built-in.
FOUNDATIONS_DIR = PACK_DIRS["foundations"]


@pytest.fixture
def write_pack(tmp_path: pathlib.Path) -> Callable[..., pathlib.Path]:
    """Write a pack folder from ``{file name: TOML text}`` and return its path."""

    def write(files: dict[str, str], name: str = "pack") -> pathlib.Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        return folder

    return write


@pytest.fixture(scope="session")
def foundations() -> craftcore.Catalog:
    return craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)


@pytest.fixture(scope="session")
def full_catalog() -> craftcore.Catalog:
    """The built-in pack and the four shipped packs, loaded from their folders (no install needed)."""
    return craftcore.load_catalog(*PACK_DIRS.values(), installed=False)


class Clock:
    """A deterministic clock: each call advances one second."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the compiled pack cache of test runs out of the user's cache directory."""
    os.environ["CRAFTCORE_CACHE_DIR"] = str(tmp_path_factory.mktemp("craftcore-cache"))

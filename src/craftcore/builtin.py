"""The built-in foundations pack, registered through the same hook as any installed pack."""

from __future__ import annotations

import pathlib

from craftcore.hookspecs import hookimpl
from craftcore.sources import PackSource

FOUNDATIONS_DIR = pathlib.Path(__file__).parent / "packs" / "foundations"


@hookimpl
def craftcore_packs() -> list[PackSource]:
    return [PackSource.from_directory(FOUNDATIONS_DIR)]

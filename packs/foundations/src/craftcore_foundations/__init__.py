"""The Foundations pack (the start set of the LLM Efficiency game), registered through the ``craftcore`` group."""

from __future__ import annotations

import pathlib

import craftcore

#: The folder holding this pack's TOML files.
PACK_DIR = pathlib.Path(__file__).parent / "pack"


@craftcore.hookimpl
def craftcore_packs() -> list[craftcore.PackSource]:
    return [craftcore.PackSource.from_directory(PACK_DIR)]

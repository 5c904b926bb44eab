"""The JSON Schema of the pack file format, for editors (Taplo / Even Better TOML)."""

from __future__ import annotations

import pathlib
from typing import Final

#: Path of ``pack.schema.json`` inside the installed package.
SCHEMA_PATH: Final = pathlib.Path(__file__).with_name("pack.schema.json")

__all__ = ["SCHEMA_PATH"]

"""Where packs come from: a folder on disk, or TOML text handed over by a plugin."""

from __future__ import annotations

import os
import pathlib

import attrs

from craftcore._packfile import SourceFile
from craftcore._problems import Problem

__all__ = ["PackSource"]

#: Largest pack file read (a pack file is text a person writes; anything bigger is a mistake or an attack).
MAX_FILE_BYTES = 64 * 1024 * 1024


@attrs.frozen
class PackSource:
    """A pack to load: a folder of ``*.toml`` files, or named TOML texts.

    Use the named constructors :meth:`from_directory` and :meth:`from_text`.
    """

    #: The folder, or the name given with the text (used in messages).
    location: str
    #: ``folder`` or ``text``.
    kind: str
    texts: tuple[SourceFile, ...] = ()

    @classmethod
    def from_directory(cls, path: str | os.PathLike[str]) -> PackSource:
        """A pack folder: ``pack.toml`` plus any other ``*.toml`` files directly inside it."""
        return cls(location=os.fspath(path), kind="folder")

    @classmethod
    def from_text(cls, name: str, text: str, *more: tuple[str, str]) -> PackSource:
        """A pack given as TOML text; ``name`` is used as its file name in messages.

        :param more: further ``(name, text)`` files of the same pack.
        """
        files = (SourceFile(name, text), *(SourceFile(n, t) for n, t in more))
        return cls(location=name, kind="text", texts=files)

    def read(self) -> tuple[list[SourceFile], list[Problem]]:
        """The pack's files, ``pack.toml`` first, and any problem reading them."""
        if self.kind == "text":
            return list(self.texts), []
        folder = pathlib.Path(self.location)
        if not folder.is_dir():
            return [], [
                Problem("error", "no-pack", "pack folder does not exist or is not a folder", file=self.location)
            ]
        if not (folder / "pack.toml").is_file():
            return [], [Problem("error", "no-pack", "pack folder has no pack.toml", file=self.location)]
        files, problems = [], []
        paths = sorted(folder.glob("*.toml"), key=lambda p: (p.name != "pack.toml", p.name))
        for path in paths:
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    problems.append(
                        Problem("error", "too-large", f"file is larger than {MAX_FILE_BYTES} bytes", file=str(path))
                    )
                    continue
                files.append(SourceFile(str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem("error", "unreadable", f"cannot read file: {exc}", file=str(path)))
        return files, problems

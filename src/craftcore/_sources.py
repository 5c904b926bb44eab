"""Where packs come from: a folder on disk, or TOML text handed over by a plugin."""

from __future__ import annotations

import os
import pathlib
import stat

import attrs

from craftcore._packfile import SourceFile
from craftcore._problems import Problem

__all__ = ["PackSource", "read_regular_file"]

#: Largest pack file read (a pack file is text a person writes; anything bigger is a mistake or an attack).
MAX_FILE_BYTES = 64 * 1024 * 1024


class NotRegularFile(OSError):
    """A path that names a FIFO, a device, a folder or a socket rather than a file."""


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file, reading at most ``limit + 1`` of them (so the caller can tell "too large").

    The file is opened without blocking (a FIFO would otherwise wait for a writer forever) and checked to be a
    regular file after opening (a symlink to ``/dev/zero`` has size 0 but never ends), so nothing but a plain file
    is ever read.

    :raises NotRegularFile: the path is a FIFO, device, folder or socket.
    :raises OSError: it cannot be opened or read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a FIFO, device or socket)"
            raise NotRegularFile(f"is {kind}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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
        try:
            if not folder.is_dir():
                return [], [
                    Problem("error", "no-pack", "pack folder does not exist or is not a folder", file=self.location)
                ]
            paths = sorted(folder.glob("*.toml"), key=lambda p: (p.name != "pack.toml", p.name))
        except (OSError, ValueError) as exc:
            return [], [Problem("error", "unreadable", f"cannot read pack folder: {_reason(exc)}", file=self.location)]
        if not any(p.name == "pack.toml" for p in paths):
            return [], [Problem("error", "no-pack", "pack folder has no pack.toml", file=self.location)]
        files, problems = [], []
        for path in paths:
            name = str(path)
            try:
                raw = read_regular_file(path, MAX_FILE_BYTES)
            except OSError as exc:
                problems.append(Problem("error", "unreadable", f"cannot read file: {_reason(exc)}", file=name))
                continue
            if len(raw) > MAX_FILE_BYTES:
                problems.append(Problem("error", "too-large", f"file is larger than {MAX_FILE_BYTES} bytes", file=name))
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw.count(b"\n", 0, exc.start) + 1
                problems.append(
                    Problem("error", "not-utf8", "file is not UTF-8 text (a pack file must be)", file=name, line=line)
                )
                continue
            files.append(SourceFile(name, text.removeprefix("\ufeff")))
        return files, problems


def _reason(exc: BaseException) -> str:
    if isinstance(exc, NotRegularFile):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__

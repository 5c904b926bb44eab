"""Atomic file writes: a crash at any moment leaves the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import secrets
import stat
import time
from typing import Final

__all__ = ["atomic_write"]

#: Temporary files of a write older than this (seconds) were left by a crash (a kill -9, a power cut) and are
#: removed by the next write of the same file.
STALE_AFTER: Final = 600.0


def atomic_write(path: str | os.PathLike[str], payload: bytes) -> None:
    """Write ``payload`` to a temporary file in the same folder, flush it to disk, then rename it over ``path``.

    The file keeps its permission bits (a new file gets the default ones, after the umask); when ``path`` is a
    symbolic link, the file it points to is replaced and the link stays. Temporary files left by earlier crashed
    writes of the same file are removed.

    :raises OSError: naming ``path`` (never the temporary file), when the file or its folder cannot be written.
    """
    shown = os.fspath(path)
    target = pathlib.Path(os.path.realpath(path))
    folder = target.parent
    try:
        info = os.stat(target)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _named(exc, shown) from None
    else:
        if not stat.S_ISREG(info.st_mode):  # never replace a FIFO, a device or a folder with a file
            raise OSError(errno.EISDIR if stat.S_ISDIR(info.st_mode) else errno.EINVAL, "not a regular file", shown)
        mode = stat.S_IMODE(info.st_mode)
    fd, tmp = _create_temporary(target, shown)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                with contextlib.suppress(OSError):
                    os.fchmod(handle.fileno(), mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _named(exc, shown) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the platform allows
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    remove_stale_temporaries(target)


def _create_temporary(target: pathlib.Path, shown: str) -> tuple[int, str]:
    """A new temporary file next to ``target``, created with the default permissions (0666 less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise _named(exc, shown) from None
    raise _named(OSError(errno.EEXIST, "cannot create a temporary file"), shown)


def remove_stale_temporaries(target: str | os.PathLike[str], *, older_than: float = STALE_AFTER) -> int:
    """Remove the temporary files of ``target`` left by crashed writes (older than ``older_than`` seconds).

    :returns: how many were removed.
    """
    target = pathlib.Path(target)
    prefix, removed = f".{target.name}.", 0
    cutoff = time.time() - older_than
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _named(exc: OSError, path: str) -> OSError:
    """The same error, about ``path``."""
    code = exc.errno if isinstance(exc.errno, int) else errno.EIO
    return OSError(code, exc.strerror or str(exc), path)

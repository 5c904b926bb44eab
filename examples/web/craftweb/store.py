"""Players and their games in SQLite: one row per player, holding the craftcore save (the discovery log) as JSON.

Every change is one short write transaction guarded by the row's ``version``: an update only lands if the row still has
the version the change was computed from, so two writers (threads or processes) can never silently overwrite each other.
Tokens are never stored: the table keeps their SHA-256, so a copy of the database does not let anyone play as a player.
"""

from __future__ import annotations

import contextlib
import hashlib
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

__all__ = ["SCHEMA_VERSION", "PlayerRow", "Store", "token_hash"]

#: ``PRAGMA user_version`` of the schema below.
SCHEMA_VERSION: Final = 1

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS players (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT    NOT NULL UNIQUE,
    version    INTEGER NOT NULL,
    save       TEXT    NOT NULL,
    created    REAL    NOT NULL,
    updated    REAL    NOT NULL
)
"""


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PlayerRow:
    """A player's row as read: its id, the version of its save, and the save as JSON text (if it was read)."""

    __slots__ = ("id", "save", "version")

    def __init__(self, id: int, version: int, save: str | None = None) -> None:
        self.id = id
        self.version = version
        self.save = save


class Store:
    """The SQLite database of players. Thread-safe: connections come from a small pool, one per concurrent caller.

    :param path: the database file (created with its folder's permissions if missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        # SQLite allows one writer at a time per database. Writers of this process queue on a lock instead of in
        # SQLite's busy handler, which sleeps in steps of up to 100 ms; busy_timeout still covers other processes.
        self._write_lock = threading.Lock()
        self._closed = False
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found == 0:
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            elif found != SCHEMA_VERSION:
                raise RuntimeError(f"{self.path}: database schema version {found}, expected {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; every write below says BEGIN and COMMIT itself.
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
        # WAL + NORMAL: a commit survives a crash or kill of the server; only a power cut may lose the last commits.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = self._connect()
        try:
            yield db
        except BaseException:
            db.close()  # a connection in an unknown state is not reused
            raise
        else:
            if self._closed:
                db.close()
            else:
                self._pool.put(db)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # ------------------------------------------------------------------------------------------------------ api

    def create(self, token: str, save: str) -> int:
        """Add a player with its first save; returns the player's id."""
        now = time.time()
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO players (token_hash, version, save, created, updated) VALUES (?, 1, ?, ?, ?)",
                (token_hash(token), save, now, now),
            )
            return int(cur.lastrowid or 0)

    def find(self, token: str) -> int | None:
        """The id of the player holding ``token``, or ``None``."""
        with self._connection() as db:
            row = db.execute("SELECT id FROM players WHERE token_hash = ?", (token_hash(token),)).fetchone()
        return None if row is None else int(row[0])

    def version(self, player: int) -> int:
        """The current version of a player's save.

        :raises KeyError: no such player.
        """
        with self._connection() as db:
            row = db.execute("SELECT version FROM players WHERE id = ?", (player,)).fetchone()
        if row is None:
            raise KeyError(player)
        return int(row[0])

    def read(self, player: int) -> PlayerRow:
        """A player's save and its version, read together.

        :raises KeyError: no such player.
        """
        with self._connection() as db:
            row = db.execute("SELECT version, save FROM players WHERE id = ?", (player,)).fetchone()
        if row is None:
            raise KeyError(player)
        return PlayerRow(player, int(row[0]), str(row[1]))

    def write(self, player: int, version: int, save: str) -> bool:
        """Replace a player's save in one transaction, if it is still at ``version``.

        :returns: whether it was written (``False``: someone changed the row since ``version`` was read).
        """
        with self._transaction() as db:
            cur = db.execute(
                "UPDATE players SET save = ?, version = version + 1, updated = ? WHERE id = ? AND version = ?",
                (save, time.time(), player, version),
            )
            return cur.rowcount == 1

    def count(self) -> int:
        """How many players there are."""
        with self._connection() as db:
            return int(db.execute("SELECT count(*) FROM players").fetchone()[0])

    def close(self) -> None:
        """Close every pooled connection (connections in use close when they come back)."""
        self._closed = True
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                break

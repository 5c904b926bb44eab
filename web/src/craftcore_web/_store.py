"""Players and their games in SQL: one row per player, holding the craftcore save (the discovery log) as JSON.

Two databases, one schema: SQLite (the standard library's ``sqlite3``, the default: one file, nothing to set up) and
PostgreSQL (psycopg 3, for several processes or machines). Every change of a player's game happens under a lock on its
row, taken before the game is read and held until the new save is committed (``SELECT ... FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite, which locks the whole database for writing), so concurrent changes of one player, from
any number of threads and processes, apply one after the other and none is lost or refused.

The schema is versioned: :data:`MIGRATIONS` lists every change since the first, and opening a database applies the
missing ones in one transaction (so several workers starting at once migrate it once).

Tokens are never stored: the table keeps their SHA-256, so a copy of the database does not let anyone play as a player.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import hashlib
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Protocol

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Locked", "PlayerRow", "Store", "open_store", "token_hash"]

#: Each schema version's statements, applied in order. ``{id}`` and ``{real}`` are filled in per database.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    # 1: one row per player (the examples/web layout, whose SQLite files said so in PRAGMA user_version)
    (
        "CREATE TABLE IF NOT EXISTS players ("
        " id {id} PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, save TEXT NOT NULL,"
        " created {real} NOT NULL, updated {real} NOT NULL)",
    ),
    # 2: tokens expire: when the current one was issued
    (
        "ALTER TABLE players ADD COLUMN token_issued {real}",
        "UPDATE players SET token_issued = updated",
    ),
)
#: The schema version this code writes.
SCHEMA_VERSION: Final = len(MIGRATIONS)


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class PlayerRow:
    """A player's row as read: its id, the version of its save, and the save as JSON text."""

    __slots__ = ("id", "save", "version")

    def __init__(self, id: int, version: int, save: str) -> None:
        self.id = id
        self.version = version
        self.save = save


class _Cursor(Protocol):
    def fetchone(self) -> Any: ...


class _Connection(Protocol):
    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def close(self) -> None: ...


class Locked:
    """A player's row under its lock, inside the transaction that will write it (see :meth:`Store.locked`)."""

    def __init__(self, store: Store, db: _Connection, player: int, version: int) -> None:
        self._store = store
        self._db = db
        self.player = player
        #: The version of the save when the lock was taken.
        self.version = version
        #: Whether :meth:`write` was called (the version is then ``version + 1`` once committed).
        self.written = False

    def read(self) -> str:
        """The save, as JSON text."""
        row = self._db.execute(self._store.sql("SELECT save FROM players WHERE id = ?"), (self.player,)).fetchone()
        return str(row[0])

    def write(self, save: str) -> None:
        """Replace the save (committed when the lock is released)."""
        self._db.execute(
            self._store.sql("UPDATE players SET save = ?, version = version + 1, updated = ? WHERE id = ?"),
            (save, time.time(), self.player),
        )
        self.written = True

    def set_token(self, token: str) -> float:
        """Give the player a new token; the old one stops working. Returns when it was issued."""
        now = time.time()
        self._db.execute(
            self._store.sql("UPDATE players SET token_hash = ?, token_issued = ? WHERE id = ?"),
            (token_hash(token), now, self.player),
        )
        return now


class Store(abc.ABC):
    """The database of players. Thread-safe: connections come from a pool of at most ``pool_size``, one per
    concurrent caller (more callers wait for one), so N worker processes hold at most N * ``pool_size`` connections.

    Use :func:`open_store` to get one for a URL.
    """

    #: The database's name for an auto-numbered key, and for a float.
    id_type = "INTEGER"
    real_type = "REAL"
    placeholder = "?"

    def __init__(self, where: str, *, pool_size: int = 16) -> None:
        self.where = where
        self._pool: queue.SimpleQueue[_Connection] = queue.SimpleQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._closed = False
        self._migrate()

    # ------------------------------------------------------------------------------------------------ per database

    @abc.abstractmethod
    def _connect(self) -> _Connection:
        """A new connection."""

    @abc.abstractmethod
    def _transaction(self) -> contextlib.AbstractContextManager[_Connection]:
        """A write transaction, with the lock this database needs for :meth:`locked`."""

    def _lock_row(self, db: _Connection, player: int) -> Any:
        return db.execute(self.sql("SELECT version FROM players WHERE id = ?"), (player,)).fetchone()

    def _migration_lock(self, db: _Connection) -> None:
        """Keep other processes from migrating at the same time (inside the migration's transaction).

        Nothing to do where :meth:`_transaction` already locks the whole database for writing (SQLite).
        """
        return None

    def _legacy_version(self, db: _Connection) -> int:
        """The schema version of a database from before the version table (0: none)."""
        return 0

    def sql(self, text: str) -> str:
        """``text`` with this database's parameter placeholder."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    # ------------------------------------------------------------------------------------------------ connections

    @contextlib.contextmanager
    def _connection(self) -> Iterator[_Connection]:
        with self._slots:
            try:
                db = self._pool.get_nowait()
            except queue.Empty:
                db = self._connect()
            try:
                yield db
            except BaseException:
                db.close()  # a connection in an unknown state is not reused
                raise
            if self._closed:
                db.close()
            else:
                self._pool.put(db)

    def _migrate(self) -> None:
        with self._transaction() as db:
            self._migration_lock(db)
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
            found = int(row[0]) if row is not None and row[0] is not None else self._legacy_version(db)
            if found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"the database has schema version {found}, newer than this craftcore-web's {SCHEMA_VERSION}"
                )
            for statements in MIGRATIONS[found:]:
                for statement in statements:
                    db.execute(statement.format(id=self.id_type, real=self.real_type))
            if found < SCHEMA_VERSION:
                db.execute("DELETE FROM schema_version")
                db.execute(self.sql("INSERT INTO schema_version (version) VALUES (?)"), (SCHEMA_VERSION,))

    # ------------------------------------------------------------------------------------------------------ api

    def schema_version(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    def create(self, token: str, save: str) -> int:
        """Add a player with its first save; returns the player's id."""
        now = time.time()
        with self._transaction() as db:
            row = db.execute(
                self.sql(
                    "INSERT INTO players (token_hash, token_issued, version, save, created, updated)"
                    " VALUES (?, ?, 1, ?, ?, ?) RETURNING id"
                ),
                (token_hash(token), now, save, now, now),
            ).fetchone()
            return int(row[0])

    def find(self, token: str) -> tuple[int, float] | None:
        """The id of the player holding ``token`` and when the token was issued, or ``None``."""
        with self._connection() as db:
            row = db.execute(
                self.sql("SELECT id, token_issued FROM players WHERE token_hash = ?"), (token_hash(token),)
            ).fetchone()
        return None if row is None else (int(row[0]), float(row[1]))

    def version(self, player: int) -> int:
        """The current version of a player's save.

        :raises KeyError: no such player.
        """
        with self._connection() as db:
            row = db.execute(self.sql("SELECT version FROM players WHERE id = ?"), (player,)).fetchone()
        if row is None:
            raise KeyError(player)
        return int(row[0])

    def read(self, player: int) -> PlayerRow:
        """A player's save and its version, read together.

        :raises KeyError: no such player.
        """
        with self._connection() as db:
            row = db.execute(self.sql("SELECT version, save FROM players WHERE id = ?"), (player,)).fetchone()
        if row is None:
            raise KeyError(player)
        return PlayerRow(player, int(row[0]), str(row[1]))

    @contextlib.contextmanager
    def locked(self, player: int) -> Iterator[Locked]:
        """Lock a player's row for a change: concurrent changes of that player wait here, in every process.

        What is written through the :class:`Locked` is committed when the block ends, and rolled back if it raises.

        :raises KeyError: no such player.
        """
        with self._transaction() as db:
            row = self._lock_row(db, player)
            if row is None:
                raise KeyError(player)
            yield Locked(self, db, player, int(row[0]))

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


class SqliteStore(Store):
    """SQLite in WAL mode. A change takes ``BEGIN IMMEDIATE``: the database's one write lock, for every process.

    Writers queue for it on a lock of their own first: a thread lock within a process, and ``flock`` on a file next to
    the database (``<name>.lock``) across processes. Both wake the next writer as soon as the last one commits, where
    SQLite's busy handler polls with sleeps of up to 100 ms, which under load starves some writers for many seconds.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self._lock_file: int | None = None
        super().__init__(str(self.path))

    @contextlib.contextmanager
    def _writer(self) -> Iterator[None]:
        with self._write_lock:
            if self._lock_file is None:
                self._lock_file = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _connect(self) -> _Connection:
        # isolation_level=None: no implicit transactions; every write below says BEGIN and COMMIT itself.
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives a crash or kill of the server; only a power cut may lose the last commits.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        with self._writer(), self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _legacy_version(self, db: _Connection) -> int:
        return int(db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        super().close()
        with self._write_lock:
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None


class PostgresStore(Store):
    """PostgreSQL through psycopg 3. A change locks its player's row with ``SELECT ... FOR UPDATE``."""

    id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY"
    real_type = "DOUBLE PRECISION"
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise RuntimeError("PostgreSQL needs psycopg: pip install 'craftcore-web[postgresql]'") from None
        self._psycopg = psycopg
        super().__init__(url)

    def _connect(self) -> _Connection:
        conn: _Connection = self._psycopg.connect(self.where, autocommit=True)
        return conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Connection]:
        with self._connection() as db:
            db.execute("BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _lock_row(self, db: _Connection, player: int) -> Any:
        return db.execute("SELECT version FROM players WHERE id = %s FOR UPDATE", (player,)).fetchone()

    def _migration_lock(self, db: _Connection) -> None:
        db.execute("SELECT pg_advisory_xact_lock(7261734)")  # any fixed number: this app's migration lock

    def _legacy_version(self, db: _Connection) -> int:
        return 0


def open_store(url: str) -> Store:
    """The store for ``url``: ``postgresql://...`` (or ``postgres://``), ``sqlite:///path``, or a file path."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    return SqliteStore(url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url)

"""Fixtures for craftcore-web's tests: the app in process on SQLite and on PostgreSQL, and players on it.

PostgreSQL is the server named by ``CRAFTCORE_WEB_TEST_POSTGRES`` (``.ci/run`` starts one with ``web/ci-setup.sh``).
In CI it is required: a missing DSN fails the PostgreSQL tests there instead of skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR
from craftcore_web import GameService, Settings, create_app, open_store

import craftcore

from .helpers import Client, InProcess

POSTGRES_ENV = "CRAFTCORE_WEB_TEST_POSTGRES"
#: Limits high enough that tests which are not about them never meet them.
UNLIMITED = Settings(requests_per_second=1e6, requests_burst=10**6, new_players_per_minute=1e6, new_players_burst=10**6)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the page in headless Chromium (needs /usr/bin/chromium)")
    config.addinivalue_line("markers", "load: the load test of the web API")


def postgres_dsn() -> str:
    """The test PostgreSQL server's DSN; fails in CI and skips elsewhere when there is none."""
    dsn = os.environ.get(POSTGRES_ENV)
    if not dsn:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: .ci/run must start PostgreSQL (web/ci-setup.sh)")
        pytest.skip(f"no PostgreSQL: set {POSTGRES_ENV} (bash web/ci-setup.sh prints it)")
    return dsn


def fresh_postgres() -> str:
    """The test database, emptied: no tables, so the schema is made from nothing."""
    import psycopg

    dsn = postgres_dsn()
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("DROP TABLE IF EXISTS players, schema_version")
    return dsn


def database(kind: str, tmp: Path) -> str:
    return fresh_postgres() if kind == "postgresql" else str(tmp / "games.sqlite3")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database of each kind."""
    return database(request.param, tmp_path_factory.mktemp("web-db"))


@pytest.fixture(scope="module")
def foundations_app(db_url: str) -> Iterator[InProcess]:
    """The app in process on the built-in pack only: the API tests do not depend on the content of the other packs."""
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    service = GameService(catalog, open_store(db_url))
    yield InProcess(create_app(UNLIMITED, service=service))
    service.store.close()


@pytest.fixture
def client(foundations_app: InProcess) -> Iterator[Client]:
    """A new player on the foundations app."""
    c = foundations_app.client()
    c.new_game()
    yield c
    c.close()

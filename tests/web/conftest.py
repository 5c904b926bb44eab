"""Fixtures for the web example's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

from .helpers import Client, Server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the page in headless Chromium (needs /usr/bin/chromium)")
    config.addinivalue_line("markers", "load: the 10 s load test of the web API")


@pytest.fixture(scope="module")
def foundations_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on the built-in pack only: the API tests do not depend on the content of the other packs."""
    folder = tmp_path_factory.mktemp("web-api")
    server = Server(folder / "games.sqlite3", "--no-installed", "--pack", str(FOUNDATIONS_DIR)).start()
    yield server
    server.stop()


@pytest.fixture
def client(foundations_server: Server) -> Iterator[Client]:
    """A new player on the foundations server."""
    c = foundations_server.client()
    c.new_game()
    yield c
    c.close()

"""craftcore-web: the browser game over craftcore, as a server (Starlette on uvicorn; SQLite or PostgreSQL).

Start it with ``craftcore-web`` (see the distribution's README). For embedding: :func:`create_app` gives the ASGI app
for :class:`Settings` (or around a ready :class:`GameService`), e.g. to serve it with another ASGI server.

- ``_store``: players and their saves, one row per player, SQLite or PostgreSQL, a versioned schema.
- ``_service``: the game operations on craftcore's API, returning plain JSON-ready data; no HTTP.
- ``_api``: the routes and request checks, framework-free.
- ``_app``: the Starlette app around them; ``_protocol``: uvicorn's h11 protocol with this server's limits.
- ``_cli``: the ``craftcore-web`` command.
"""

from __future__ import annotations

from ._app import create_app
from ._cli import main
from ._service import ApiError, GameService
from ._settings import Settings
from ._store import open_store

__all__ = ["ApiError", "GameService", "Settings", "create_app", "main", "open_store"]

"""The server's settings: one frozen object, built from the command line and handed to every worker process.

Worker processes are started by uvicorn's supervisor with ``spawn``, so the settings travel in an environment variable
(:data:`ENV`) as JSON; the protocol and the app of each worker read them from there.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any, Final

import attrs

__all__ = ["ENV", "Settings"]

#: The environment variable that carries the settings to worker processes.
ENV: Final = "CRAFTCORE_WEB_SETTINGS"


@attrs.frozen(kw_only=True)
class Settings:
    """Everything the server can be told. The defaults are the command line's."""

    #: ``sqlite:///path``, a file path, or ``postgresql://...``.
    db: str = "craftcore-web.sqlite3"
    #: Extra pack folders to load, and whether installed packs are loaded too.
    packs: tuple[str, ...] = ()
    installed: bool = True
    #: Seconds of search for one plan or hint.
    plan_budget: float = 0.5
    #: A token stops working this many seconds after it was issued (the page gets a new one on every visit).
    token_ttl: float = 30 * 24 * 3600.0
    #: New players one client address may create: a burst, then this many per minute.
    new_players_per_minute: float = 10.0
    new_players_burst: int = 20
    #: API requests one client address may send: a burst, then this many per second.
    requests_per_second: float = 50.0
    requests_burst: int = 200
    #: Largest request body, in bytes.
    max_body: int = 1024 * 1024
    #: Open connections one worker process accepts; more are answered 503 and closed.
    max_connections: int = 1000
    #: Seconds a client has to send a whole request (headers and body), from its first byte or the last response.
    request_timeout: float = 10.0

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Settings:
        data: dict[str, Any] = json.loads(text)
        data["packs"] = tuple(data.get("packs", ()))
        return cls(**data)

    @staticmethod
    @functools.cache
    def from_env() -> Settings:
        """This process's settings (the defaults when :data:`ENV` is not set)."""
        text = os.environ.get(ENV)
        return Settings.from_json(text) if text else Settings()

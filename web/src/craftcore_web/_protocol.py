"""uvicorn's HTTP/1.1 protocol (h11), with the limits this server needs and JSON for every error it answers itself.

What uvicorn does not do, added here:

- a malformed request (a ``Content-Length`` of ``²``, a bad request line, headers over the size limit...) is answered
  with a JSON ``400`` body, not plain text;
- a whole request, headers and body, must arrive within ``request_timeout`` seconds of its first byte (or of the last
  answer on that connection), so a client sending one byte now and then ("slow loris") is answered ``408`` and cut
  off instead of holding the connection forever;
- at most ``max_connections`` connections per worker: one more is answered ``503`` (JSON, ``Retry-After``) and closed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._settings import Settings

__all__ = ["JsonH11Protocol"]


def _raw_response(status: int, reason: str, code: str, message: str, extra_headers: str = "") -> bytes:
    body = json.dumps({"error": {"status": status, "code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
        f"cache-control: no-store\r\nx-content-type-options: nosniff\r\n{extra_headers}connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class JsonH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with JSON errors, a deadline per request and a bound on connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = Settings.from_env()
        self._request_timeout = settings.request_timeout
        self._max_connections = settings.max_connections
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections:
            self.transport.write(
                _raw_response(
                    503, "Service Unavailable", "busy", "too many connections; try again", "retry-after: 1\r\n"
                )
            )
            self.transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            self._disarm()  # the whole request is in: its handling is bounded elsewhere

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._arm()  # the next request on this connection gets its own deadline
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(
                _raw_response(400, "Bad Request", "bad_request", "malformed HTTP request (request line or headers)")
            )
            self.transport.close()

    # ------------------------------------------------------------------------------------------------ deadline

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self._request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        idle = self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]
        if (cycle is None or cycle.response_complete) and idle:
            # nothing of a next request has come: an idle keep-alive connection, closed quietly
            self.transport.close()
            return
        if cycle is None or cycle.response_complete or not cycle.response_started:
            self.transport.write(
                _raw_response(
                    408,
                    "Request Timeout",
                    "timeout",
                    f"the request did not arrive in full within {self._request_timeout:g} s",
                )
            )
        self.transport.close()

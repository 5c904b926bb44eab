"""The Starlette application: the API's routes, the page, JSON errors, rate limits and body limits.

Handlers are synchronous (craftcore and both database drivers are blocking), so each API call runs in Starlette's
thread pool (anyio's, 40 threads by default) while the event loop only reads and writes bytes. Every answer is JSON,
errors included: routing errors, refusals (:class:`ApiError`), and unexpected failures, which are logged with an id and
answered ``500`` with that id only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import secrets
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import craftcore

from ._api import ROUTES, Handler, Request, call
from ._limits import RateLimit
from ._service import ApiError, GameService
from ._settings import Settings
from ._store import open_store

__all__ = ["SUPERVISOR_ENV", "app_from_env", "create_app", "error_body", "json_response"]

log = logging.getLogger("craftcore_web")

STATIC_DIR: Final = Path(__file__).parent / "static"
#: URL path -> file in static/ and its content type. Nothing else is served: no path ever reaches the file system.
STATIC_FILES: Final = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_SECURITY_HEADERS: Final = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
#: HTTP status -> the ``code`` of the error body, for errors found before a handler runs.
ERROR_CODES: Final = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    411: "length_required",
    413: "too_large",
    414: "uri_too_long",
    429: "too_many_requests",
    431: "headers_too_large",
    503: "busy",
}
#: Longest URL (path and query) and most header bytes a request may have.
MAX_URL: Final = 8 * 1024
MAX_HEADERS: Final = 16 * 1024


def error_body(status: int, code: str, message: str, **extra: Any) -> bytes:
    """An error as the API answers it: ``{"error": {"status", "code", "message", ...}}``."""
    return _encode({"error": {"status": status, "code": code, "message": message, **extra}})


def _encode(payload: Any) -> bytes:
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        # a non-finite number or a lone surrogate got through: spell it out rather than drop the reply
        return json.dumps(_plain(payload), ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        _encode(payload) if not isinstance(payload, bytes) else payload,
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        media_type="application/json",
    )


# ---------------------------------------------------------------------------------------------------- the app


def create_app(settings: Settings | None = None, *, service: GameService | None = None) -> Guard:
    """The web app for ``settings`` (loads the packs and opens the database), or around a ready ``service``.

    The answer is an ASGI app: the Starlette app behind the :class:`Guard` (rate limits, security headers).
    """
    settings = settings or Settings()
    if service is None:
        catalog = craftcore.load_catalog(*settings.packs, installed=settings.installed)
        service = GameService(
            catalog, open_store(settings.db), plan_budget=settings.plan_budget, token_ttl=settings.token_ttl
        )
    ready = service

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        ready.store.close()

    by_path: dict[str, dict[str, tuple[Handler, bool]]] = {}
    for method, path, handler, auth in ROUTES:
        by_path.setdefault(path, {})[method] = (handler, auth)
    routes = [Route(path, _endpoint(ready, settings, table), methods=list(table)) for path, table in by_path.items()]
    pages = {path: ((STATIC_DIR / name).read_bytes(), kind) for path, (name, kind) in STATIC_FILES.items()}
    routes += [Route(path, _page(data, kind), methods=["GET"]) for path, (data, kind) in pages.items()]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, ApiError: _api_error, Exception: _internal_error},
        lifespan=lifespan,
    )
    return Guard(app, settings, ready)


def app_from_env() -> Guard:
    """The app of one worker process, with the settings the command line put in the environment."""
    supervisor = os.environ.get(SUPERVISOR_ENV)
    if supervisor:  # a worker of craftcore-web --workers N
        threading.Thread(target=_exit_with, args=(int(supervisor),), daemon=True, name="supervisor-watch").start()
    return create_app(Settings.from_env())


#: The environment variable that tells worker processes their supervisor's pid.
SUPERVISOR_ENV: Final = "CRAFTCORE_WEB_SUPERVISOR"


def _exit_with(supervisor: int) -> None:
    """End this worker when its supervisor is gone (even killed with SIGKILL): it must not serve on, orphaned."""
    while os.getppid() == supervisor:  # (false at once if it died while this worker was starting)
        time.sleep(0.5)
    log.error("the supervisor (pid %d) is gone; this worker stops", supervisor)
    os._exit(1)


def _endpoint(service: GameService, settings: Settings, table: dict[str, tuple[Handler, bool]]) -> Any:
    async def endpoint(http: HttpRequest) -> Response:
        handler, auth = table["GET" if http.method == "HEAD" else http.method]
        body = await _read_body(http, settings.max_body)
        try:
            query = urllib.parse.parse_qs(
                http.scope["query_string"].decode("latin-1"), max_num_fields=16, errors="strict"
            )
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "bad_request", "malformed query string (or more than 16 fields)") from None
        request = Request(
            http.method,
            http.url.path,
            query=query,
            token=_token(http),
            content_type=http.headers.get("content-type"),
            body=body,
        )
        status, payload = await run_in_threadpool(call, service, handler, auth, request, http.path_params)
        return json_response(status, payload)

    return endpoint


def _page(data: bytes, kind: str) -> Any:
    headers = {"Cache-Control": "no-cache"}
    if kind.startswith("text/html"):
        headers["Content-Security-Policy"] = _CSP

    async def page(http: HttpRequest) -> Response:
        return Response(data, headers=headers, media_type=kind)

    return page


def _token(http: HttpRequest) -> str | None:
    value = http.headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "use 'Authorization: Bearer <token>'")
    return token.strip()


async def _read_body(http: HttpRequest, limit: int) -> bytes:
    if "transfer-encoding" in http.headers:
        raise ApiError(411, "length_required", "send the body with a Content-Length (chunked bodies are refused)")
    lengths = http.headers.getlist("content-length") or ["0"]
    if len(lengths) != 1 or not (lengths[0].isascii() and lengths[0].isdigit()):  # (uvicorn's h11 checks it too)
        raise ApiError(400, "bad_request", "invalid Content-Length")
    length = int(lengths[0])
    if length > limit:  # refused before reading (and before any 100 Continue)
        raise ApiError(413, "too_large", f"the body is {length} bytes; the most accepted is {limit}", limit=limit)
    if length == 0:
        return b""
    chunks = []
    try:
        async for chunk in http.stream():
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(400, "bad_request", "the client went away before sending the whole body") from None
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------------- errors


async def _api_error(http: HttpRequest, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = {"Connection": "close"} if exc.status in (411, 413) else {}  # the unread body is not a next request
    return json_response(exc.status, exc.body(), headers)


async def _http_error(http: HttpRequest, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = ERROR_CODES.get(status, "bad_request")
    if status == 404:
        message = f"no such page or endpoint: {http.url.path[:200]}"
    elif status == 405:
        message = f"{http.method[:20]} is not allowed on {http.url.path[:200]}"
    else:
        message = str(exc.detail)
    headers = dict(exc.headers or {})
    extra = {"allowed": headers["Allow"].split(", ")} if "Allow" in headers else {}
    return json_response(status, error_body(status, code, message, **extra), headers)


async def _internal_error(http: HttpRequest, exc: Exception) -> Response:
    error_id = secrets.token_hex(4)
    log.error("internal error %s on %s %s", error_id, http.method, http.url.path, exc_info=exc)
    return json_response(500, error_body(500, "internal", "internal error", id=error_id), {"Connection": "close"})


# ---------------------------------------------------------------------------------------------------- guard


class Guard:
    """ASGI middleware in front of the app: per-client rate limits and security headers on every answer.

    Clients are told apart by their address (uvicorn gives the proxy's client address only when told to trust the
    proxy, ``--forwarded-allow-ips``). Each worker process counts on its own, so with N workers a client may get up to
    N times the rates (the connection it uses stays with one worker).
    """

    def __init__(self, app: ASGIApp, settings: Settings, service: GameService) -> None:
        self.app = app
        self.settings = settings
        self.service = service
        self.requests = RateLimit(settings.requests_per_second, settings.requests_burst)
        self.new_players = RateLimit(settings.new_players_per_minute / 60.0, settings.new_players_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        path: str = scope["path"]
        too_large = _too_large(scope)
        if too_large is not None:
            await too_large(scope, receive, send_with_headers)
            return
        if path.startswith("/api/"):
            client = scope.get("client")
            who = client[0] if client else "?"
            wait = self.requests.take(who)
            if not wait and scope["method"] == "POST" and path == "/api/games":
                wait = self.new_players.take(who)
                what = "new players"
            else:
                what = "requests"
            if wait:
                seconds = max(1, round(min(wait, 3600.0) + 0.5))
                response = json_response(
                    429,
                    error_body(
                        429, "too_many_requests", f"too many {what} from your address; try again in {seconds} s"
                    ),
                    {"Retry-After": str(seconds)},
                )
                await response(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


def _too_large(scope: Scope) -> Response | None:
    """The answer to a request whose URL or headers are over the limits (uvicorn only bounds what is incomplete)."""
    if len(scope["raw_path"]) + len(scope["query_string"]) > MAX_URL:
        return json_response(414, error_body(414, "uri_too_long", f"the URL is over {MAX_URL} bytes"))
    if sum(len(k) + len(v) + 4 for k, v in scope["headers"]) > MAX_HEADERS:
        return json_response(431, error_body(431, "headers_too_large", f"the headers are over {MAX_HEADERS} bytes"))
    return None

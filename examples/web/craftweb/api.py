"""The HTTP JSON API as one framework-free function: :func:`handle` takes a :class:`Request` and returns a status and
a JSON-ready body. The server module only moves bytes; porting to another framework means rewriting that part only.

Every route but ``/api/health``, ``/api/catalog`` and ``POST /api/games`` acts on the caller's own game, found from
the ``Authorization: Bearer <token>`` header: no URL names a player, so there is no way to address anyone else's game.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from .service import MAX_ID_LENGTH, ApiError, GameService

__all__ = ["MAX_BODY", "ROUTES", "Request", "handle"]

#: Largest request body accepted (a save of a long game with many failed attempts still fits).
MAX_BODY: Final = 1024 * 1024


class Request:
    """What the API needs from an HTTP request."""

    __slots__ = ("body", "content_type", "method", "path", "query", "token")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, list[str]] | None = None,
        token: str | None = None,
        content_type: str | None = None,
        body: bytes = b"",
    ) -> None:
        self.method = method
        #: The decoded path, without the query string.
        self.path = path
        self.query = query or {}
        self.token = token
        self.content_type = content_type
        self.body = body


Handler = Callable[[GameService, Request, int, Mapping[str, str]], Any]


def _health(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    info = service.catalog_info()
    return {"status": "ok", "packs": [p["id"] for p in info["packs"]], "concepts": len(info["concepts"])}


def _catalog(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.catalog_info()


def _new_game(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    _no_body(request)
    token, state = service.new_player()
    return 201, {"token": token, "game": state}


def _state(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.state(service.game(player))


def _reset(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    _no_body(request)
    return service.reset(player)


def _combine(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    body = _object(request, required={"concepts"})
    concepts = body["concepts"]
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        raise ApiError(400, "invalid_request", "'concepts' must be a list of concept ids")
    if len(concepts) > 16:  # refuse before looking at them; the service gives the precise 1-to-4 message
        raise ApiError(422, "invalid_combination", f"a combination takes 1 to 4 concepts, got {len(concepts)}")
    for c in concepts:
        _check_id(c)
    return service.combine(player, concepts)


def _available(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.available(player)


def _discovered(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.discovered(player)


def _concept(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.concept(player, _check_id(args["concept"]))


def _plan(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    targets = request.query.get("target", [])
    if len(targets) != 1 or not targets[0].strip():
        raise ApiError(400, "invalid_request", "give the concept to plan for as ?target=<id or name>")
    return service.plan(player, _check_id(targets[0]))


def _paths(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.paths(player)


def _undo(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    _no_body(request)
    return service.undo(player)


def _export(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.export(player)


def _import(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    return service.restore(player, _object(request))


#: (method, path pattern, handler, needs a token). Patterns match the whole decoded path.
ROUTES: Final[tuple[tuple[str, re.Pattern[str], Handler, bool], ...]] = tuple(
    (method, re.compile(pattern), handler, auth)
    for method, pattern, handler, auth in [
        ("GET", r"/api/health", _health, False),
        ("GET", r"/api/catalog", _catalog, False),
        ("POST", r"/api/games", _new_game, False),
        ("GET", r"/api/game", _state, True),
        ("POST", r"/api/game/reset", _reset, True),
        ("POST", r"/api/game/combine", _combine, True),
        ("GET", r"/api/game/available", _available, True),
        ("GET", r"/api/game/discovered", _discovered, True),
        ("GET", r"/api/game/concepts/(?P<concept>[^/]+)", _concept, True),
        ("GET", r"/api/game/plan", _plan, True),
        ("GET", r"/api/game/paths", _paths, True),
        ("POST", r"/api/game/undo", _undo, True),
        ("GET", r"/api/game/save", _export, True),
        ("PUT", r"/api/game/save", _import, True),
    ]
)


def handle(service: GameService, request: Request) -> tuple[int, Any, dict[str, str]]:
    """Answer one API request: ``(status, JSON-ready body, extra headers)``.

    Refusals come back as 4xx statuses with an ``{"error": {...}}`` body; other exceptions propagate (the server
    turns them into a bare 500).
    """
    allowed = []
    for method, pattern, handler, auth in ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        if method != request.method:
            allowed.append(method)
            continue
        try:
            player = service.authenticate(request.token) if auth else 0
            out = handler(service, request, player, match.groupdict())
        except ApiError as exc:
            return exc.status, exc.body(), {}
        status, body = out if isinstance(out, tuple) else (200, out)
        return status, body, {}
    if allowed:
        error = ApiError(
            405, "method_not_allowed", f"{request.method} is not allowed on {request.path}", allowed=allowed
        )
        return 405, error.body(), {"Allow": ", ".join(allowed)}
    error = ApiError(404, "not_found", f"no such endpoint: {request.path}")
    return 404, error.body(), {}


# ---------------------------------------------------------------------------------------------------- bodies


def _json(request: Request) -> Any:
    media = (request.content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'")
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_json", "the body is not UTF-8 text") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", "the JSON body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _object(request: Request, *, required: set[str] | None = None) -> dict[str, Any]:
    if not request.body:
        raise ApiError(400, "invalid_request", "this endpoint needs a JSON object as its body")
    body = _json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_request", f"the body must be a JSON object, not {type(body).__name__}")
    if required is not None:
        missing = sorted(required - body.keys())
        extra = sorted(body.keys() - required)
        if missing:
            raise ApiError(400, "invalid_request", f"missing field {missing[0]!r}")
        if extra:
            raise ApiError(400, "invalid_request", f"unexpected field {extra[0][:50]!r}")
    return body


def _no_body(request: Request) -> None:
    if request.body and request.body.strip() not in (b"{}", b""):
        raise ApiError(400, "invalid_request", "this endpoint takes no body")


def _check_id(text: str) -> str:
    if not text or len(text) > MAX_ID_LENGTH:
        raise ApiError(400, "invalid_request", f"a concept id is 1 to {MAX_ID_LENGTH} characters long")
    return text

"""The HTTP JSON API's routes and request checks, framework-free: each handler takes the service, a :class:`Request`
and the path's parameters, and returns a JSON-ready body (or a status and a body). :mod:`craftcore_web._app` mounts
them on Starlette; nothing here imports it.

Every route but ``/api/health``, ``/api/catalog`` and ``POST /api/games`` acts on the caller's own game, found from
the ``Authorization: Bearer <token>`` header: no URL names a player, so there is no way to address anyone else's game.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import craftcore

from ._service import MAX_ID_LENGTH, ApiError, GameService

__all__ = ["ROUTES", "Request", "call"]


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
    body = _object(request)
    if set(body) == {"text"}:  # one line as a person types it: "linear algebra + calculus"
        text = body["text"]
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "invalid_request", "'text' must be the concepts to combine, e.g. 'A + B'")
        return service.combine(player, _check_text(text, limit=MAX_ID_LENGTH * craftcore.MAX_INPUTS))
    if set(body) != {"concepts"}:
        raise ApiError(400, "invalid_request", "send {'concepts': [ids or names]} or {'text': 'A + B'}")
    concepts = body["concepts"]
    if not isinstance(concepts, list) or not all(isinstance(c, str) for c in concepts):
        raise ApiError(400, "invalid_request", "'concepts' must be a list of concept ids or names")
    if len(concepts) > 4 * craftcore.MAX_INPUTS:  # refuse before looking at them; the service says it precisely
        raise ApiError(
            422,
            "invalid_combination",
            f"a combination takes {craftcore.MIN_INPUTS} to {craftcore.MAX_INPUTS} concepts, got {len(concepts)}",
        )
    return service.combine(player, [_check_id(c) for c in concepts])


def _hint(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    toward = request.query.get("toward", [])
    if len(toward) > 1:
        raise ApiError(400, "invalid_request", "give at most one ?toward=<concept or learning path>")
    return service.hint(player, _check_id(toward[0]) if toward else None)


def _rotate(service: GameService, request: Request, player: int, args: Mapping[str, str]) -> Any:
    _no_body(request)
    return service.rotate_token(player)


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


#: (method, path, handler, needs a token), in Starlette's path syntax.
ROUTES: Final[tuple[tuple[str, str, Handler, bool], ...]] = (
    ("GET", "/api/health", _health, False),
    ("GET", "/api/catalog", _catalog, False),
    ("POST", "/api/games", _new_game, False),
    ("GET", "/api/game", _state, True),
    ("POST", "/api/game/reset", _reset, True),
    ("POST", "/api/game/combine", _combine, True),
    ("GET", "/api/game/hint", _hint, True),
    ("GET", "/api/game/available", _available, True),
    ("GET", "/api/game/discovered", _discovered, True),
    ("GET", "/api/game/concepts/{concept}", _concept, True),
    ("GET", "/api/game/plan", _plan, True),
    ("GET", "/api/game/paths", _paths, True),
    ("POST", "/api/game/undo", _undo, True),
    ("POST", "/api/game/token", _rotate, True),
    ("GET", "/api/game/save", _export, True),
    ("PUT", "/api/game/save", _import, True),
)


def call(service: GameService, handler: Handler, auth: bool, request: Request, args: Mapping[str, str]) -> Any:
    """Run one handler: ``(status, JSON-ready body)``. Refusals raise :class:`ApiError`."""
    player = service.authenticate(request.token) if auth else 0
    out = handler(service, request, player, {k: _check_id(v) for k, v in args.items()})
    return out if isinstance(out, tuple) else (200, out)


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
    if not text.strip() or len(text) > MAX_ID_LENGTH:
        raise ApiError(400, "invalid_request", f"a concept id or name is 1 to {MAX_ID_LENGTH} characters long")
    return _check_text(text, limit=MAX_ID_LENGTH)


def _check_text(text: str, *, limit: int) -> str:
    if len(text) > limit:
        raise ApiError(400, "invalid_request", f"at most {limit} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800": JSON can spell it, Unicode text cannot hold it
        raise ApiError(400, "invalid_request", "the text is not valid Unicode (it holds a lone surrogate)") from None
    return text

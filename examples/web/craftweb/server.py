"""The HTTP server: the standard library's threading server around :func:`craftweb.api.handle`, plus the page.

Only this module speaks HTTP. It enforces the limits (body size, socket timeouts), answers every error as JSON, and
never lets a traceback reach a client: unexpected exceptions are logged here with an id, and the client gets a 500 with
that id only. It never writes a file: the only thing written is the SQLite database, by :mod:`craftweb.store`.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import signal
import socket
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import craftcore

from .api import MAX_BODY, Request, handle
from .service import ApiError, GameService
from .store import Store

__all__ = ["CraftServer", "main", "make_server"]

log = logging.getLogger("craftweb")

STATIC_DIR: Final = Path(__file__).parent / "static"
#: URL path -> file in static/ and its content type. Nothing else is served: no path ever reaches the file system.
STATIC_FILES: Final = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
#: A body this much over the limit is still read and thrown away, so the client can read the 413 (larger: hang up).
DRAIN_LIMIT: Final = 8 * MAX_BODY
_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_ERROR_CODES: Final = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    411: "length_required",
    413: "too_large",
    414: "uri_too_long",
    431: "headers_too_large",
}


class CraftServer(ThreadingHTTPServer):
    """A thread per connection; threads die with the server."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], service: GameService) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.service = service
        self.static = {path: ((STATIC_DIR / name).read_bytes(), kind) for path, (name, kind) in STATIC_FILES.items()}
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "craftweb/1"
    #: Seconds a connection may stay silent (while sending a request, or idle between requests).
    timeout = 30
    server: CraftServer

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, Nagle's algorithm holds the body back until the
        # client's delayed ACK (about 40 ms on Linux) and every response takes that long.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    # ------------------------------------------------------------------------------------------------ dispatch

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _serve(self) -> None:
        try:
            url = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(url.path, errors="strict")
            query = urllib.parse.parse_qs(url.query, max_num_fields=16, errors="strict")
        except ValueError:  # undecodable escapes, too many query fields
            self.close_connection = True
            self._send_json(400, _error(400, "bad_request", "malformed URL"), {})
            return
        if not path.startswith("/api/"):
            self._static(path)
            return
        try:
            body = self._read_body()
            request = Request(
                self.command,
                path,
                query=query,
                token=self._token(),
                content_type=self.headers.get("Content-Type"),
                body=body,
            )
            status, payload, headers = handle(self.server.service, request)
        except ApiError as exc:
            status, payload, headers = exc.status, exc.body(), {}
        except (TimeoutError, ConnectionError):
            self.close_connection = True
            return
        except Exception:
            error_id = secrets.token_hex(4)
            log.exception("internal error %s on %s %s", error_id, self.command, path)
            status, payload, headers = 500, _error(500, "internal", "internal error", id=error_id), {}
            self.close_connection = True
        self._send_json(status, payload, headers)

    def _token(self) -> str | None:
        value = self.headers.get("Authorization")
        if value is None:
            return None
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "use 'Authorization: Bearer <token>'")
        return token.strip()

    def _static(self, path: str) -> None:
        if self.headers.get("Transfer-Encoding") or self.headers.get("Content-Length", "0").strip() != "0":
            self.close_connection = True  # a body sent to a page is not read: do not parse it as the next request
        found = self.server.static.get(path)
        if found is None:
            self._send_json(404, _error(404, "not_found", f"no such page: {path[:200]}"), {})
            return
        if self.command not in ("GET", "HEAD"):
            self._send_json(
                405,
                _error(405, "method_not_allowed", f"{self.command} is not allowed on {path}"),
                {"Allow": "GET, HEAD"},
            )
            return
        data, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self._security_headers()
        if kind.startswith("text/html"):
            self.send_header("Content-Security-Policy", _CSP)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # ------------------------------------------------------------------------------------------------ bodies

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding") is not None:
            self.close_connection = True
            raise ApiError(411, "length_required", "send the body with a Content-Length (chunked bodies are refused)")
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return b""
        if len(set(lengths)) != 1 or not lengths[0].strip().isdigit():
            self.close_connection = True
            raise ApiError(400, "bad_request", "invalid Content-Length")
        length = int(lengths[0])
        if length > MAX_BODY:
            self._discard(length)
            raise ApiError(
                413, "too_large", f"the body is {length} bytes; the most accepted is {MAX_BODY}", limit=MAX_BODY
            )
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            raise ApiError(400, "bad_request", "the body is shorter than its Content-Length")
        return body

    def _discard(self, length: int) -> None:
        self.close_connection = True
        if length > DRAIN_LIMIT:
            return
        left = length
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it (``Expect: 100-continue``)."""
        length = self.headers.get("Content-Length", "0").strip()
        if length.isdigit() and int(length) > MAX_BODY:
            self.close_connection = True
            self._send_json(
                413,
                _error(
                    413, "too_large", f"the body is {length} bytes; the most accepted is {MAX_BODY}", limit=MAX_BODY
                ),
                {},
            )
            return False
        return super().handle_expect_100()

    # ------------------------------------------------------------------------------------------------ answers

    def _send_json(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self._security_headers()
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _security_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors found by :mod:`http.server` itself (bad request line, huge headers, unknown method)."""
        # An unknown method or HTTP version is the client's mistake, not the server's: answer 4xx, not 501/505.
        status = {501: 405, 505: 400}.get(code, code)
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # the request line was not understood: answer with a full response
            self.request_version = "HTTP/1.0"
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "error"
        self._send_json(status, _error(status, _ERROR_CODES.get(status, "bad_request"), message or phrase), {})

    def version_string(self) -> str:
        return self.server_version  # not the Python version

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


def _error(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, **extra}}


def make_server(service: GameService, host: str = "127.0.0.1", port: int = 8000) -> CraftServer:
    """A server bound to ``host:port`` (port 0: any free port), not yet serving."""
    return CraftServer((host, port), service)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(prog="serve.py", description="The LLM Efficiency InfiniteCraft web app.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port; default: %(default)s)")
    parser.add_argument(
        "--db",
        type=Path,
        default=here / "craftweb.sqlite3",
        help="SQLite database of the players' games (default: examples/web/craftweb.sqlite3)",
    )
    parser.add_argument(
        "--pack", action="append", default=[], metavar="DIR", help="also load the pack in this folder (repeatable)"
    )
    parser.add_argument(
        "--no-installed",
        action="store_true",
        help="load only the built-in pack and --pack folders, not the installed packs",
    )
    parser.add_argument("--plan-budget", type=float, default=0.5, help="seconds of search per plan request")
    parser.add_argument("--quiet", action="store_true", help="log errors only, not every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    try:
        catalog = craftcore.load_catalog(*args.pack, installed=not args.no_installed)
    except craftcore.PackError as exc:
        print(f"serve.py: cannot load the packs:\n{exc}", file=sys.stderr)
        return 2
    try:
        store = Store(args.db)
    except Exception as exc:  # sqlite3.Error, OSError, a schema from another version
        print(f"serve.py: cannot open the database {args.db}: {exc}", file=sys.stderr)
        return 2
    service = GameService(catalog, store, plan_budget=args.plan_budget)
    try:
        server = make_server(service, args.host, args.port)
    except OSError as exc:
        print(f"serve.py: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    packs = ", ".join(f"{p.id} {p.version}" for p in catalog.packs)
    print(
        f"craftweb listening on {server.url} ({len(catalog.concepts)} concepts from {packs}; games in {args.db})",
        flush=True,
    )
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0

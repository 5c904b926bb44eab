"""Test tools for craftcore-web: the app in process (Starlette's test client), the server as a child process on
loopback (``python -m craftcore_web``, what the ``craftcore-web`` command runs), and a small JSON client for both."""

from __future__ import annotations

import http.client
import json
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
SERVE = [sys.executable, "-m", "craftcore_web"]
#: Limits high enough that tests which are not about them never meet them.
NO_LIMITS = (
    "--requests-per-second",
    "1e6",
    "--requests-burst",
    "1000000",
    "--new-players-per-minute",
    "1e6",
    "--new-players-burst",
    "1000000",
)


class Server:
    """``craftcore-web`` in a child process, as a user starts it.

    :param args: extra command-line options (``--no-installed``, ``--pack DIR``...).
    """

    def __init__(
        self, db: Path | str, *args: str, port: int = 0, cwd: Path | None = None, log: Path | None = None
    ) -> None:
        self.db = db
        self.args = args
        self.port = port
        self.cwd = cwd
        self.log = log or Path(db).with_suffix(".log")
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, timeout: float = 30.0) -> Server:
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [
                    *SERVE,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--db",
                    str(self.db),
                    *NO_LIMITS,  # a test about limits passes its own: argparse keeps the last
                    *self.args,
                ],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=self.cwd or ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                self.kill()
                raise AssertionError(f"the server did not start in {timeout} s; log:\n{self.log.read_text()}")
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.wait(10)
            raise AssertionError(f"the server did not start: {line!r}; log:\n{self.log.read_text()}")
        self.url = line.split("listening on ", 1)[1].split()[0].rstrip("/")
        self.port = urllib.parse.urlsplit(self.url).port or 0
        return self

    def stop(self) -> int:
        """Stop it as an operator would (SIGTERM); its exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(30)
        self._close()
        return code

    def kill(self) -> None:
        """Kill it with no chance to clean up (SIGKILL)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(15)
        self._close()

    def _close(self) -> None:
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def client(self, token: str | None = None) -> Client:
        return Client(self.url, token)


class Response:
    def __init__(self, status: int, headers: dict[str, str], raw: bytes) -> None:
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.raw[:300]!r}>"


class Client:
    """A minimal JSON client on one keep-alive connection (reconnects when the server hangs up)."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 15.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.token = token
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def new_game(self) -> dict[str, Any]:
        """Create a player; this client then plays as it."""
        r = self.request("POST", "/api/games")
        assert r.status == 201, r
        self.token = r.json["token"]
        return r.json["game"]  # type: ignore[no-any-return]

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        send = dict(headers or {})
        if self.token is not None and "Authorization" not in send:
            send["Authorization"] = f"Bearer {self.token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            send.setdefault("Content-Type", "application/json")
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=send)
                response = conn.getresponse()
                payload = response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                self.close()
                if attempt:
                    raise
                continue
            got = {k.lower(): v for k, v in response.getheaders()}
            if got.get("connection", "").lower() == "close":
                self.close()
            return Response(response.status, got, payload)
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> Response:
        return self.request("POST", path, body)

    def combine(self, *concepts: str) -> Response:
        return self.request("POST", "/api/game/combine", {"concepts": list(concepts)})

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def wait_until(condition: Any, timeout: float = 10.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


class InProcess:
    """The app in this process, through Starlette's test client (no socket): the API tests' server."""

    def __init__(self, app: Any) -> None:
        from starlette.testclient import TestClient

        self.app = app
        self.url = "http://testserver"
        self.http = TestClient(app, raise_server_exceptions=False)

    def client(self, token: str | None = None) -> InProcessClient:
        return InProcessClient(self, token)


class InProcessClient(Client):
    """:class:`Client`'s interface over the test client."""

    def __init__(self, server: InProcess, token: str | None = None) -> None:
        self.server = server
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        send = dict(headers or {})
        if self.token is not None and "Authorization" not in send:
            send["Authorization"] = f"Bearer {self.token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            send.setdefault("Content-Type", "application/json")
        encoded = {k: v.encode("utf-8") for k, v in send.items()}
        r = self.server.http.request(method, path, content=data, headers=encoded)
        return Response(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content)

    def close(self) -> None:
        pass

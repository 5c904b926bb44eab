"""``craftcore-web``: start the server (uvicorn, one or several worker processes, SQLite or PostgreSQL)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

import craftcore

from ._settings import ENV, Settings
from ._store import open_store

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    d = Settings()
    p = argparse.ArgumentParser(
        prog="craftcore-web", description="Serve the craftcore browser game (the loaded packs' game) over HTTP."
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, loopback only)")
    p.add_argument("--port", type=int, default=8000, help="port (0: any free port; default: %(default)s)")
    p.add_argument(
        "--db",
        default=d.db,
        help="the players' database: a SQLite file (default: %(default)s in the current folder) "
        "or postgresql://user:password@host/dbname (several workers or machines)",
    )
    p.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    p.add_argument(
        "--pack", action="append", default=[], metavar="DIR", help="also load the pack in this folder (repeatable)"
    )
    p.add_argument("--no-installed", action="store_true", help="load only the --pack folders, not the installed packs")
    p.add_argument("--plan-budget", type=float, default=d.plan_budget, help="seconds of search per plan or hint")
    p.add_argument(
        "--token-days", type=float, default=d.token_ttl / 86400, help="days a token works (default: %(default)g)"
    )
    p.add_argument(
        "--new-players-per-minute",
        type=float,
        default=d.new_players_per_minute,
        help="new players one address may create per minute, after a burst of --new-players-burst",
    )
    p.add_argument("--new-players-burst", type=int, default=d.new_players_burst)
    p.add_argument(
        "--requests-per-second",
        type=float,
        default=d.requests_per_second,
        help="API requests one address may send per second, after a burst of --requests-burst",
    )
    p.add_argument("--requests-burst", type=int, default=d.requests_burst)
    p.add_argument("--max-body", type=int, default=d.max_body, help="largest request body in bytes")
    p.add_argument("--max-connections", type=int, default=d.max_connections, help="open connections per worker")
    p.add_argument("--request-timeout", type=float, default=d.request_timeout, help="seconds to send a whole request")
    p.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="trust X-Forwarded-For from these proxy addresses (comma-separated); by default no proxy is trusted",
    )
    p.add_argument("--quiet", action="store_true", help="log errors only, not every request")
    return p


def main(argv: list[str] | None = None) -> int:
    """The ``craftcore-web`` command."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from ._app import SUPERVISOR_ENV
    from ._protocol import JsonH11Protocol

    args = _parser().parse_args(argv)
    prog = "craftcore-web"
    settings = Settings(
        db=args.db,
        packs=tuple(args.pack),
        installed=not args.no_installed,
        plan_budget=args.plan_budget,
        token_ttl=args.token_days * 86400,
        new_players_per_minute=args.new_players_per_minute,
        new_players_burst=args.new_players_burst,
        requests_per_second=args.requests_per_second,
        requests_burst=args.requests_burst,
        max_body=args.max_body,
        max_connections=args.max_connections,
        request_timeout=args.request_timeout,
    )
    if args.workers < 1:
        print(f"{prog}: --workers must be at least 1", file=sys.stderr)
        return 2
    # Check the packs and the database once here, so a mistake is one clear line, not a traceback per worker.
    try:
        catalog = craftcore.load_catalog(*settings.packs, installed=settings.installed)
    except craftcore.CraftError as exc:
        print(f"{prog}: cannot load the packs:\n{exc}", file=sys.stderr)
        return 2
    try:
        open_store(settings.db).close()  # also creates or migrates the schema
    except Exception as exc:  # sqlite3.Error, psycopg.Error, OSError, a schema from a newer version
        print(f"{prog}: cannot open the database {settings.db}: {exc}", file=sys.stderr)
        return 2
    os.environ[ENV] = settings.to_json()  # for this process and every worker it starts
    Settings.from_env.cache_clear()
    config = uvicorn.Config(
        "craftcore_web._app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http=JsonH11Protocol,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
        proxy_headers=args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        server_header=False,
        date_header=True,
    )
    try:
        sock = config.bind_socket()
    except SystemExit:
        print(f"{prog}: cannot listen on {args.host}:{args.port}", file=sys.stderr)
        return 2
    sock.listen(config.backlog)  # connections wait in the backlog from now on, until a worker accepts them
    host, port = sock.getsockname()[:2]
    url = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    packs = ", ".join(f"{p.id} {p.version}" for p in catalog.packs)
    where = settings.db.split("@")[-1] if "://" in settings.db else settings.db  # never print a password
    print(
        f"{prog} listening on {url} ({catalog.game.title}: {len(catalog.concepts)} concepts from {packs}; "
        f"{args.workers} worker{'s' if args.workers > 1 else ''}; games in {where})",
        flush=True,
    )
    logging.getLogger("craftcore_web").setLevel(logging.INFO)
    # uvicorn handles SIGTERM and SIGINT itself, then raises the signal again for the handler it found: make that a
    # clean exit, as Ctrl-C is.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    try:
        if args.workers == 1:
            uvicorn.Server(config).run(sockets=[sock])
        else:
            os.environ[SUPERVISOR_ENV] = str(os.getpid())  # each worker ends when this process is gone
            Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    return 0


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)

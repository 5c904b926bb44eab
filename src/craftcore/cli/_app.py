"""The argument parser and the dispatcher: every command's options, help and example, and error reporting."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import IO

import craftcore
from craftcore import CraftError, NotDiscovered, PackError, SaveError, SaveWarning, UnknownConcept, Unreachable
from craftcore.cli._console import MAX_INPUT, CliError, Console, safe

__all__ = ["build_parser", "run"]

Handler = Callable[[argparse.Namespace, Console], int]

DESCRIPTION = """\
craftcore: a discovery game engine; the installed content packs make the game.
Combine what you know to discover new concepts."""

EPILOG = """\
examples:
  craftcore play --save my-game.json       play, saving after every discovery
  craftcore combine "linear algebra" calculus probability --save my-game.json
  craftcore path mamba                     the shortest way to Mamba from the start
  craftcore check path/to/my_pack          lint a content pack

Run `craftcore COMMAND --help` for a command's options. NO_COLOR=1 turns colour off."""


def _lazy(module: str, name: str) -> Handler:
    """A handler imported on first use, so `craftcore --help` stays fast."""

    def handler(args: argparse.Namespace, console: Console) -> int:
        import importlib

        function: Handler = getattr(importlib.import_module(f"craftcore.cli._{module}"), name)
        return function(args, console)

    return handler


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32, width=100)


def build_parser() -> argparse.ArgumentParser:
    from craftcore.cli._session import add_pack_options, add_save_option

    parser = argparse.ArgumentParser(
        prog="craftcore", description=DESCRIPTION, epilog=EPILOG, formatter_class=_formatter
    )
    parser.add_argument("--version", action="version", version=f"craftcore {craftcore.__version__}")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and emoji: auto (a terminal without NO_COLOR), always or never",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default=argparse.SUPPRESS,
        help="colour and emoji: auto (a terminal without NO_COLOR), always or never",
    )
    json_opt = argparse.ArgumentParser(add_help=False)
    json_opt.add_argument("--json", action="store_true", help="machine-readable output (see docs/cli.md)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(
        name: str, handler: Handler, help_text: str, example: str, *, parents: Sequence[argparse.ArgumentParser] = ()
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog="example:\n  " + example,
            formatter_class=_formatter,
            parents=[common, *parents],
        )
        p.set_defaults(func=handler)
        return p

    save_help = "the game's save file; one that does not exist yet starts a new game"

    p = command(
        "play",
        _lazy("play", "cmd_play"),
        "play interactively: the numbered menu of the original game",
        "craftcore play --save my-game.json",
    )
    add_save_option(p, save_help + " (saved after every discovery)")
    p.add_argument(
        "--tui", action="store_true", help="full-screen mode (needs the tui extra: pip install 'craftcore[tui]')"
    )
    _budget(p)
    add_pack_options(p)

    p = command(
        "combine",
        _lazy("commands", "cmd_combine"),
        "combine 1 to 4 discovered concepts",
        'craftcore combine "Linear Algebra" calculus prob --save my-game.json',
        parents=[json_opt],
    )
    p.add_argument(
        "concepts", nargs="+", metavar="CONCEPT", help="an id, a name, or a prefix of one (quote names with spaces)"
    )
    add_save_option(p, save_help + "; the result is saved in it")
    add_pack_options(p)

    p = command(
        "info",
        _lazy("commands", "cmd_info"),
        "a concept's details: properties, resources, what it leads to",
        "craftcore info flashattention --save my-game.json",
        parents=[json_opt],
    )
    p.add_argument("concept", metavar="CONCEPT")
    add_save_option(p, save_help)
    add_pack_options(p)

    p = command(
        "path",
        _lazy("commands", "cmd_path"),
        "the learning path to a concept: the fewest combinations from where you are, and its prerequisites "
        "(several concepts: the fewest combinations that obtain them all)",
        "craftcore path mamba --save my-game.json",
        parents=[json_opt],
    )
    p.add_argument("concepts", metavar="CONCEPT", nargs="+")
    add_save_option(p, save_help)
    _budget(p)
    add_pack_options(p)

    p = command(
        "stats",
        _lazy("commands", "cmd_stats"),
        "score, level, progress per difficulty level, paths, time played",
        "craftcore stats --save my-game.json --json",
        parents=[json_opt],
    )
    add_save_option(p, save_help)
    add_pack_options(p)

    p = command(
        "available",
        _lazy("commands", "cmd_available"),
        "the combinations that would discover something new",
        "craftcore available --save my-game.json",
        parents=[json_opt],
    )
    add_save_option(p, save_help)
    add_pack_options(p)

    p = command(
        "check",
        _lazy("author", "cmd_check"),
        "load and lint content packs: every problem as file:line: message; exit status 1 on errors",
        "craftcore check my_pack/src/craftcore_my_pack/pack",
        parents=[json_opt],
    )
    p.add_argument(
        "dirs",
        nargs="*",
        metavar="DIR",
        help="pack folders, checked with the installed packs they require (default: check every installed pack)",
    )
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument(
        "--content",
        action="store_true",
        help="also run the content lint of craftcore.testing (descriptions, properties, resources, whys)",
    )
    _installed_options(p)

    p = command(
        "graph",
        _lazy("graph", "cmd_graph"),
        "the recipe graph as Graphviz dot, Mermaid or JSON",
        "craftcore graph --format dot --target flash_attention --only | dot -Tsvg > flash.svg",
    )
    p.add_argument(
        "dirs",
        nargs="*",
        metavar="DIR",
        help="pack folders, loaded with the installed packs they require (default: every installed pack)",
    )
    p.add_argument("--format", choices=("dot", "mermaid", "json"), default="dot", help="output format (default dot)")
    p.add_argument("--path", metavar="ID", help="highlight a learning path (its steps numbered in order)")
    p.add_argument("--target", metavar="ID", help="highlight a concept's prerequisites and the recipes that lead to it")
    p.add_argument("--only", action="store_true", help="leave out what is not highlighted")
    _budget(p)
    _installed_options(p)

    p = command(
        "new",
        _lazy("author", "cmd_new"),
        "scaffold a pack distribution: pyproject.toml, pack.toml with a concept, a recipe and a path, and tests",
        "craftcore new my_pack && craftcore check my_pack/src/craftcore_my_pack/pack",
        parents=[json_opt],
    )
    p.add_argument("name", metavar="NAME", help="the pack's name: a folder of that name is created")
    p.add_argument("--dir", default=".", help="where to create it (default: the current folder)")
    p.add_argument(
        "--requires",
        metavar="PACK",
        action="append",
        default=[],
        help="an installed pack the new one builds on (repeatable; foundations is always required)",
    )

    _pack_tools(command)

    p = command(
        "packs",
        _lazy("author", "cmd_packs"),
        "the installed packs and plugins, with versions and where they come from",
        "craftcore packs --json",
        parents=[json_opt],
    )
    add_pack_options(p)

    from craftcore.cli._learn import add_learn_commands  # review, verify, daily

    add_learn_commands(command, json_opt, save_help)
    return parser


def _pack_tools(command: Callable[..., argparse.ArgumentParser]) -> None:
    """The commands of :mod:`craftcore.cli._packtools`: test, report, diff."""
    json_opt = argparse.ArgumentParser(add_help=False)
    json_opt.add_argument("--json", action="store_true", help="machine-readable output (see docs/cli.md)")
    dirs_help = "pack folders, loaded with the installed packs they require (default: every installed pack)"
    p = command(
        "test",
        _lazy("packtools", "cmd_test"),
        "run the [[tests]] tables of packs: pass or fail per test with its file:line; exit status 1 on a failure",
        "craftcore test my_pack/src/craftcore_my_pack/pack",
        parents=[json_opt],
    )
    p.add_argument("dirs", nargs="*", metavar="DIR", help=dirs_help)
    _budget(p, 5.0)
    _installed_options(p)
    p = command(
        "report",
        _lazy("packtools", "cmd_report"),
        "the guessability report: per concept its depth, recipes, tries against successes, expected random tries, "
        "hinted near misses; concepts likely to send a player to a wiki",
        "craftcore report my_pack/src/craftcore_my_pack/pack --concepts",
        parents=[json_opt],
    )
    p.add_argument("dirs", nargs="*", metavar="DIR", help=dirs_help)
    p.add_argument("--concepts", action="store_true", help="a line per concept before the per-pack summary")
    p.add_argument(
        "--wiki-tries",
        type=_positive,
        default=1000.0,
        metavar="N",
        help="flag concepts above this many expected random tries with no hinted near miss (default 1000)",
    )
    _budget(p)
    _installed_options(p)
    p = command(
        "diff",
        _lazy("packtools", "cmd_diff"),
        "what changed between two versions of a pack (folders, or an installed pack id), and which saves it breaks",
        "craftcore diff attention path/to/new/attention/pack --saves saves/",
        parents=[json_opt],
    )
    p.add_argument("old", metavar="OLD", help="a pack folder or the id of an installed pack")
    p.add_argument("new", metavar="NEW", help="a pack folder or the id of an installed pack")
    p.add_argument(
        "--saves", metavar="DIR", help="check every save (*.json, *.toml) in this folder against the new version"
    )
    _budget(p)
    _installed_options(p)


def _positive(text: str) -> float:
    """A finite number above zero, for thresholds (``nan`` and ``inf`` would make every comparison meaningless)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return value


def _budget(p: argparse.ArgumentParser, default: float = 2.0) -> None:
    p.add_argument(
        "--budget",
        type=float,
        default=default,
        metavar="SECONDS",
        help=f"time allowed to search for the shortest learning path (default {default:g})",
    )


def _installed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-installed", action="store_true", help="load exactly the folders given, no installed pack")
    p.add_argument(
        "--block",
        metavar="NAME",
        action="append",
        default=[],
        help="do not load this installed plugin or pack (repeatable)",
    )


def run(argv: Sequence[str] | None, console: Console) -> int:
    """Parse ``argv`` and run the command; every failure becomes one message and an exit status."""
    parser = build_parser()
    argv = list(argv) if argv is not None else None
    with contextlib.redirect_stdout(console.out), contextlib.redirect_stderr(console.err):
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    if args.command is None:
        parser.print_help(console.out)
        return 2
    console.restyle(args.color)
    if "output" in console.closed:
        console.error("standard output is closed: nowhere to write the result")
        return 2
    with warnings.catch_warnings():
        warnings.showwarning = _warning_shower(console, warnings.showwarning)
        return _dispatch(args, console)


def _warning_shower(console: Console, original: Callable[..., None]) -> Callable[..., None]:
    """Show craftcore's own warnings (a save loaded without a pack it named) as one line; others as usual."""

    def show(message: Warning | str, category: type[Warning], *rest: object, **kwargs: object) -> None:
        if issubclass(category, SaveWarning):
            console.warn(str(message))
        else:
            original(message, category, *rest, **kwargs)

    return show


def _dispatch(args: argparse.Namespace, console: Console) -> int:
    given = [getattr(args, "concept", None), getattr(args, "concepts", None)]
    names = [n for g in given for n in (g if isinstance(g, list) else [g]) if isinstance(n, str)]
    too_long = [n for n in names if len(n) > MAX_INPUT]
    if too_long:  # no concept name is that long, and matching one would only cost time
        console.error(f"a concept name of {len(too_long[0])} characters; the most accepted is {MAX_INPUT}")
        return 2
    try:
        return int(args.func(args, console))
    except CliError as exc:
        return _fail(console, args, exc.message, exc.kind, exc.status)
    except UnknownConcept as exc:
        return _fail(console, args, str(exc), "unknown-concept")
    except NotDiscovered as exc:
        return _fail(console, args, str(exc), "not-discovered")
    except SaveError as exc:
        return _fail(console, args, f"cannot use the save: {exc}", "save")
    except Unreachable as exc:
        return _fail(console, args, str(exc), "unreachable")
    except PackError as exc:
        from craftcore.cli._session import pack_error_lines

        lines = pack_error_lines(exc)
        return _fail(console, args, "\n".join(lines), "pack")
    except (craftcore.RouteCodeError, craftcore.ReviewError) as exc:
        kind = "route-code" if isinstance(exc, craftcore.RouteCodeError) else "review"
        return _fail(console, args, str(exc), kind)
    except CraftError as exc:
        return _fail(console, args, str(exc), "error")
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(console, args, f"{where}{exc.strerror or exc}", "os")
    except KeyboardInterrupt:
        console.err.write("\n")
        return 130


def _fail(console: Console, args: argparse.Namespace, message: str, kind: str, status: int = 1) -> int:
    message = "\n".join(safe(line) for line in message.split("\n"))  # error text quotes untrusted files
    if getattr(args, "json", False):
        console.json({"error": {"kind": kind, "message": message}})
    console.error(message)
    return status


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    env: dict[str, str] | None = None,
) -> int:
    """Run the ``craftcore`` command line; returns the exit status.

    :param argv: the arguments (default: ``sys.argv[1:]``).
    :param stdin, stdout, stderr, env: streams and environment to use instead of the process's (for tests and
        embedding).
    """

    console = Console(stdin, stdout, stderr, env if env is not None else dict(os.environ))
    try:
        status = run(argv, console)
        console.out.flush()  # a full disk shows here, not at exit as an unhandled error
        return status
    except BrokenPipeError:  # `craftcore graph | head`: stop quietly
        _drop_stdout(console)
        return 141
    except OSError as exc:  # the output cannot be written: `> /dev/full`, a closed or revoked terminal
        _drop_stdout(console)
        with contextlib.suppress(OSError):
            console.error(f"cannot write the output: {exc.strerror or type(exc).__name__}")
        return 1


def _drop_stdout(console: Console) -> None:
    """Point the process's standard output at /dev/null, so the pending output is not written (and fails) again
    when Python exits."""
    if console.out is sys.stdout and sys.stdout is not None:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())

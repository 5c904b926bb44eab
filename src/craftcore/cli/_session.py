"""What the game commands share: which packs to load, and the save file."""

from __future__ import annotations

import argparse
import itertools
import os
import pathlib
import time
from collections.abc import Mapping
from typing import Final

from craftcore import Catalog, Game, PackError, load_catalog
from craftcore._game import MAX_ATTEMPTS
from craftcore._loader import Installed
from craftcore._saves import game_from_dict, read_save
from craftcore.cli._console import CliError

__all__ = [
    "add_pack_options",
    "add_save_option",
    "catalog_from",
    "check_writable",
    "data_dir",
    "estimate_played",
    "last_move",
    "load_game",
    "open_game",
    "pack_error_lines",
]

#: A pause longer than this between two moves counts as this long (the player was away, not playing).
IDLE_SECONDS: Final = 300.0
#: Environment variable naming the default save file of the one-shot commands.
SAVE_ENV = "CRAFTCORE_SAVE"


def add_pack_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("packs")
    group.add_argument(
        "--pack",
        metavar="DIR",
        action="append",
        default=[],
        help="also load the pack in this folder (repeatable); it replaces an installed pack of the same id",
    )
    group.add_argument(
        "--no-installed", action="store_true", help="load only the --pack folders, not the installed packs"
    )
    group.add_argument(
        "--block",
        metavar="NAME",
        action="append",
        default=[],
        help="do not load this installed plugin or pack (repeatable)",
    )


def add_save_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--save", metavar="FILE", default=None, help=help_text + f" (default: ${SAVE_ENV} if set)")


def installed_mode(args: argparse.Namespace) -> Installed:
    """Which installed packs to load besides the folders given: none with ``--no-installed``; with folders, the
    installed packs they require; without, every installed pack."""
    if args.no_installed:
        return False
    return "required" if getattr(args, "dirs", None) else True


def catalog_from(args: argparse.Namespace) -> Catalog:
    """The catalog the options ask for.

    :raises PackError: the packs do not load.
    """
    return load_catalog(*args.pack, installed=not args.no_installed, blocked=args.block)


def save_path(args: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    """The save file: ``--save``, else ``$CRAFTCORE_SAVE``, else none."""
    return args.save if args.save is not None else env.get(SAVE_ENV) or None


def open_game(catalog: Catalog, save: str | None) -> Game:
    """The game in ``save``, or a new game when there is no save file (yet).

    :raises SaveError: the file exists but is not a save of a game on these packs.
    """
    return open_game_played(catalog, save)[0]


def open_game_played(catalog: Catalog, save: str | None) -> tuple[Game, float | None]:
    """:func:`open_game`, with the seconds played that the save recorded (``None`` for a new game or an old save)."""
    if save is not None and pathlib.Path(save).exists():
        if pathlib.Path(save).is_dir():
            raise CliError(f"{save}: is a folder, not a save file")
        return load_game(save, catalog)
    return Game(catalog, clock=time.time), None


def load_game(path: str, catalog: Catalog) -> tuple[Game, float | None]:
    """The game saved in ``path`` and the seconds played it recorded (``None`` when it recorded none).

    :raises SaveError: the file cannot be read or is not a save of a game on these packs.
    """
    data = read_save(path)
    game = game_from_dict(Game, data, catalog, clock=time.time, max_attempts=MAX_ATTEMPTS, source=path)
    played = data.get("played")  # checked by from_dict: a finite number >= 0, or absent
    return game, None if played is None else float(played)


def check_writable(save: str) -> None:
    """Fail now, not at the first discovery, when ``save`` cannot be written.

    :raises CliError: its folder does not exist or cannot be written, or it is a folder.
    """
    target = pathlib.Path(save)
    folder = target.parent
    if target.is_dir():
        raise CliError(f"cannot save to {save}: it is a folder")
    if not folder.is_dir():
        raise CliError(f"cannot save to {save}: the folder {str(folder)!r} does not exist", kind="save")
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CliError(f"cannot save to {save}: permission denied", kind="save")


def data_dir(env: Mapping[str, str]) -> pathlib.Path:
    """Where the game keeps files of its own (checkpoints without a save file): ``$XDG_DATA_HOME/craftcore``, else
    ``~/.local/share/craftcore``."""
    base = env.get("XDG_DATA_HOME") or ""
    root = (
        pathlib.Path(base)
        if os.path.isabs(base)
        else pathlib.Path(env.get("HOME") or "~").expanduser() / ".local" / "share"
    )
    return root / "craftcore"


def pack_error_lines(exc: PackError) -> list[str]:
    errors = [p for p in exc.problems if p.severity == "error"]
    head = f"the content packs do not load ({len(errors)} error{'s' if len(errors) != 1 else ''}):"
    tail = "(leave a broken installed pack out with --block NAME, or load only your own packs with --no-installed)"
    return [head, *(f"  {p}" for p in exc.problems), tail]


def last_move(game: Game) -> float:
    """When the game last moved: its start, or its latest logged step or attempt."""
    return max([game.started, *(s.time for s in game.steps), *(a.time for a in game.attempts)])


def estimate_played(game: Game) -> float:
    """Seconds played as the log tells it, for a save that kept no count: the gaps between the start and the logged
    moves, each at most :data:`IDLE_SECONDS`."""
    times = sorted([game.started, *(s.time for s in game.steps), *(a.time for a in game.attempts)])
    return sum(min(max(b - a, 0.0), IDLE_SECONDS) for a, b in itertools.pairwise(times))

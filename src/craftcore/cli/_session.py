"""What the game commands share: which packs to load, and the save file."""

from __future__ import annotations

import argparse
import pathlib
import time
from collections.abc import Mapping

from craftcore import Catalog, Game, PackError, load_catalog
from craftcore._loader import Installed
from craftcore.cli._console import CliError

__all__ = ["add_pack_options", "add_save_option", "catalog_from", "open_game", "pack_error_lines"]

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
    if save is not None and pathlib.Path(save).exists():
        if pathlib.Path(save).is_dir():
            raise CliError(f"{save}: is a folder, not a save file")
        return Game.load(save, catalog, clock=time.time)
    return Game(catalog, clock=time.time)


def pack_error_lines(exc: PackError) -> list[str]:
    errors = [p for p in exc.problems if p.severity == "error"]
    head = f"the content packs do not load ({len(errors)} error{'s' if len(errors) != 1 else ''}):"
    tail = "(leave a broken installed pack out with --block NAME, or load only your own packs with --no-installed)"
    return [head, *(f"  {p}" for p in exc.problems), tail]

"""Commands for pack authors: check, new, packs (graph lives in :mod:`craftcore.cli._graph`)."""

from __future__ import annotations

import argparse
import os
import pathlib
import re

import craftcore
from craftcore import Catalog, PackError, Problem, load_catalog, make_plugin_manager
from craftcore.cli import _jsonout as jsonout
from craftcore.cli import _templates as templates
from craftcore.cli._console import CliError, Console
from craftcore.cli._session import installed_mode

__all__ = ["cmd_check", "cmd_new", "cmd_packs"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


# --------------------------------------------------------------------------------------------------------- check


def _own(problem: Problem, dirs: list[str], packs: set[str]) -> bool:
    """Whether a problem belongs to one of the folders being checked."""
    if problem.pack is not None and problem.pack in packs:
        return True
    if problem.file is None:
        return problem.pack is None
    file = os.path.abspath(problem.file)
    return any(file == d or file.startswith(d + os.sep) for d in dirs)


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    dirs = [os.path.abspath(d) for d in args.dirs]
    catalog: Catalog | None = None
    try:
        catalog = load_catalog(*args.dirs, installed=installed_mode(args), blocked=args.block)
        problems = list(catalog.problems())
    except PackError as exc:
        problems = list(exc.problems)
    if catalog is not None:
        checked = {p.id for p in catalog.packs if not dirs or (p.source == "folder")}
        if dirs:
            problems = [p for p in problems if _own(p, dirs, checked)]
        if args.content:
            from craftcore.testing import content_problems

            problems += content_problems(catalog, packs=checked)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.json:
        console.json(
            {
                "ok": not failed,
                "errors": [jsonout.problem_json(p) for p in errors],
                "warnings": [jsonout.problem_json(p) for p in warnings],
                "packs": [jsonout.pack_json(p) for p in catalog.packs] if catalog is not None else [],
            }
        )
        return 1 if failed else 0
    style = console.style
    if errors:
        console.print(style.bad(f"errors ({len(errors)}):"))
        console.lines(f"  {p}" for p in errors)
    if warnings:
        console.print(style.paint(f"warnings ({len(warnings)}):", "bold", "yellow"))
        console.lines(f"  {p}" for p in warnings)
    if catalog is not None:
        packs = ", ".join(f"{p.id} {p.version}" for p in catalog.packs)
        summary = (
            f"{len(catalog.concepts)} concepts, {len(catalog.recipes)} recipes, {len(catalog.paths)} paths "
            f"in {len(catalog.packs)} packs ({packs})"
        )
    else:
        summary = "the packs do not load"
    counts = f"{len(errors)} error{'s' if len(errors) != 1 else ''}, {len(warnings)} warning" + (
        "s" if len(warnings) != 1 else ""
    )
    verdict = style.bad("FAILED") if failed else style.good("OK")
    console.print(f"{verdict}: {counts}; {summary}")
    return 1 if failed else 0


# --------------------------------------------------------------------------------------------------------- new


def pack_id_for(name: str) -> str:
    """The pack id for a name given to ``craftcore new``: lowercase snake_case."""
    base = pathlib.Path(name).name.strip().lower()
    return re.sub(r"[-. ]+", "_", base)


def cmd_new(args: argparse.Namespace, console: Console) -> int:
    pack_id = pack_id_for(args.name)
    if not _ID.match(pack_id):
        raise CliError(
            f"cannot make a pack id from {args.name!r}: use letters, digits and underscores, "
            "starting with a letter (e.g. my_pack)",
            status=2,
        )
    if pack_id.startswith("craftcore_"):
        pack_id = pack_id.removeprefix("craftcore_")
    target = pathlib.Path(args.dir) / pathlib.Path(args.name).name
    if target.exists():
        raise CliError(f"{target} already exists; choose another name or --dir")
    requires = list(dict.fromkeys(args.requires))
    inputs = templates.EXAMPLE_INPUTS[0]
    if requires:
        everything = load_catalog(installed=True)
        installed = {p.id for p in everything.packs}
        unknown = [r for r in requires if r not in installed]
        if unknown:
            known = ", ".join(sorted(installed))
            raise CliError(f"--requires: {', '.join(unknown)} is not an installed pack (installed: {known})", status=2)
        if pack_id in installed:
            raise CliError(f"a pack with id {pack_id!r} is installed already; choose another name", status=2)
        free = [pair for pair in templates.EXAMPLE_INPUTS if not everything.recipes_for(pair)]
        inputs = free[0] if free else inputs
    files = templates.render(pack_id, requires, inputs)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    module = templates.module_name(pack_id)
    pack_dir = target / "src" / module / "pack"
    if args.json:
        console.json(
            {
                "id": pack_id,
                "root": str(target),
                "pack_dir": str(pack_dir),
                "distribution": templates.distribution_name(pack_id),
                "module": module,
                "files": sorted(str(target / f) for f in files),
            }
        )
        return 0
    console.print(f"Created pack {pack_id!r} in {target}/:")
    for relative in sorted(files):
        console.print(f"  {relative}")
    console.print("Next:")
    console.print(f"  cd {target}")
    console.print("  pytest                       # its tests and [[tests]] tables; no install needed")
    console.print(f"  craftcore check --strict --content {pack_dir.relative_to(target)}")
    console.print("  pip install -e .             # then `craftcore play` includes it")
    return 0


# --------------------------------------------------------------------------------------------------------- packs


def cmd_packs(args: argparse.Namespace, console: Console) -> int:
    try:
        pm = make_plugin_manager(installed=not args.no_installed, blocked=args.block)
        plugins = list(pm.origins.values())
    except PackError as exc:
        plugins = []
        plugin_problems = list(exc.problems)
    else:
        plugin_problems = []
    try:
        catalog: Catalog | None = load_catalog(*args.pack, installed=not args.no_installed, blocked=args.block)
        problems: list[Problem] = []
    except PackError as exc:
        catalog, problems = None, list(exc.problems)
    problems = list(dict.fromkeys([*plugin_problems, *problems]))
    packs = list(catalog.packs) if catalog is not None else []
    if args.json:
        console.json(
            {
                "craftcore": craftcore.__version__,
                "packs": [jsonout.pack_json(p) for p in packs],
                "plugins": [{"name": o.name, "source": o.source, "distribution": o.distribution} for o in plugins],
                "errors": [jsonout.problem_json(p) for p in problems if p.severity == "error"],
            }
        )
        return 1 if catalog is None else 0
    style = console.style
    console.print(f"craftcore {craftcore.__version__}")
    if packs:
        console.print(style.bold("Packs:"))
        width = max(len(p.id) for p in packs)
        for p in packs:
            dist = f" from {p.distribution}" if p.distribution else ""
            console.print(f"  {p.id:<{width}}  {p.version:<8} {p.source}{dist}")
            console.print(style.dim(f"  {'':<{width}}  {p.location}"))
    if plugins:
        console.print(style.bold("Plugins:"))
        width = max(len(o.name) for o in plugins)
        for o in plugins:
            dist = f" ({o.distribution})" if o.distribution else ""
            console.print(f"  {o.name:<{width}}  {o.source}{dist}")
    if problems:
        console.print(style.bad("The packs do not load:"))
        console.lines(f"  {p}" for p in problems)
        return 1
    return 0

"""``load_catalog``: plugins and folders in, one checked :class:`~craftcore._catalog.Catalog` out."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import attrs

from craftcore._catalog import Catalog
from craftcore._checks import LoadedPack
from craftcore._errors import PackError, PluginError
from craftcore._packfile import read_pack
from craftcore._plugins import PluginManager, make_plugin_manager
from craftcore._problems import Problem
from craftcore._sources import PackSource

__all__ = ["collect_sources", "load_catalog"]


def collect_sources(
    pm: PluginManager, problems: list[Problem], culprits: list[tuple[str, str | None]]
) -> list[tuple[PackSource, str, str | None]]:
    """Ask every plugin for its packs: ``(source, origin, distribution)`` triples.

    Each implementation is called on its own, so a failing plugin is reported by name and the others still count.

    :param culprits: receives ``(plugin, distribution)`` for every plugin that failed.
    """
    out: list[tuple[PackSource, str, str | None]] = []
    for impl in pm.hook.craftcore_packs.get_hookimpls():
        origin = pm.origins.get(impl.plugin_name)
        kind = origin.source if origin else "plugin"
        dist = origin.distribution if origin else None

        def fail(message: str, name: str = impl.plugin_name, dist: str | None = dist) -> None:
            culprits.append((name, dist))
            problems.append(Problem("error", "plugin-failed", f"plugin {name!r} {message}"))

        try:
            returned: Any = impl.function()
            sources: list[object] = list(returned or ())
        except Exception as exc:
            fail(f"failed to list its packs: {type(exc).__name__}: {exc}")
            continue
        for source in sources:
            if isinstance(source, PackSource):
                out.append((source, kind, dist))
            else:
                fail(f"returned {type(source).__name__}, not a craftcore.PackSource")
    return out


Installed = bool | Literal["required"]
#: Sources of packs handed to :func:`load_catalog` directly (they replace installed packs of the same id).
_GIVEN = ("folder", "text")


def load_catalog(
    *packs: str | os.PathLike[str] | PackSource,
    installed: Installed = True,
    blocked: Iterable[str] = (),
    plugins: Iterable[object] = (),
    require_reachable: bool = True,
    cache: bool = True,
) -> Catalog:
    """Load installed packs and the given ones, check them together, and merge them into one catalog.

    craftcore ships no content of its own: a catalog holds exactly the packs found this way.

    :param packs: pack folders (each with a ``pack.toml``) or :class:`PackSource` objects to load as well. A pack
        given here whose id is also installed replaces the installed one, so authors can iterate on it.
    :param installed: which packs installed as entry points to load: all of them (``True``), none (``False``:
        exactly the packs given), or ``"required"``: only those the given packs require, directly or not.
    :param blocked: entry-point names or pack ids not to load (any pack can be blocked).
    :param plugins: extra plugin objects, registered like installed ones (they may contribute packs and listen to
        game events).
    :param require_reachable: see :meth:`Catalog.from_packs`.
    :param cache: reuse (and store) a compiled copy of unchanged packs in the user's cache directory
        (see :mod:`craftcore._cache`); the files are still read and hashed on every load.
    :raises PackError: with every problem found in every pack, when there is any error (a catalog without a start
        concept is one).
    :raises PluginError: when a plugin fails to import, register or list its packs.
    """
    with _paused_gc():
        return _load(
            packs,
            installed=installed,
            blocked=frozenset(blocked),
            plugins=plugins,
            require_reachable=require_reachable,
            cache=cache,
        )


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of acyclic objects are built.

    Allocating that many objects triggers full collections that scan everything again and again (half the time of a
    large load); the objects built here hold no reference cycles, so nothing is lost by collecting once afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    given: tuple[str | os.PathLike[str] | PackSource, ...],
    *,
    installed: Installed,
    blocked: frozenset[str],
    plugins: Iterable[object],
    require_reachable: bool,
    cache: bool,
) -> Catalog:
    pm = make_plugin_manager(installed=bool(installed), blocked=blocked, plugins=plugins)
    problems: list[Problem] = []
    culprits: list[tuple[str, str | None]] = []
    sources = collect_sources(pm, problems, culprits)
    if culprits:
        raise PluginError(_sorted(problems), plugin=culprits[0][0], distribution=culprits[0][1])
    sources += [
        (g, g.kind, None) if isinstance(g, PackSource) else (PackSource.from_directory(g), "folder", None)
        for g in given
    ]
    read = []
    for source, kind, dist in sources:
        files, read_problems = source.read()
        problems += read_problems
        read.append((source, kind, dist, files))
    key = None
    if cache and not problems:
        import craftcore
        from craftcore._cache import cache_key, read_cached

        options = f"reachable={require_reachable} blocked={sorted(blocked)} installed={installed}"
        contents = [
            (kind, source.location, dist, [(f.name, f.text) for f in files]) for source, kind, dist, files in read
        ]
        key = cache_key(craftcore.__version__, options, contents)
        hit = read_cached(key)
        if hit is not None:
            packs, warnings, places = hit
            try:
                texts = {f.name: f.text for _, _, _, files in read for f in files}
                located = {pid: found.with_locators(texts) for pid, found in places.items()}
                return Catalog._merge(packs, plugins=pm, warnings=tuple(warnings), sources=located)
            except (Exception, RecursionError):  # an entry that does not make a catalog is a miss: rebuild it
                pass
    loaded: list[LoadedPack] = []
    for source, kind, dist, files in read:
        if not files:
            continue
        pack, pack_problems, where = read_pack(files, source=kind, location=source.location, distribution=dist)
        problems += pack_problems
        if pack is not None and pack.id not in blocked:
            loaded.append(LoadedPack(pack, where))
    explicit = {lp.pack.id for lp in loaded if lp.pack.info.source in _GIVEN}
    loaded = [lp for lp in loaded if lp.pack.info.source in _GIVEN or lp.pack.id not in explicit]
    if installed == "required":
        loaded = _required_only(loaded)
    try:
        catalog = Catalog.from_packs(loaded, plugins=pm, require_reachable=require_reachable)
    except PackError as exc:
        raise PackError(_sorted([*problems, *exc.problems])) from None
    if any(p.severity == "error" for p in problems):
        raise PackError(_sorted(problems))
    if problems:
        catalog = attrs.evolve(catalog, warnings=(*problems, *catalog.warnings))
    if key is not None:
        from craftcore._cache import write_cached

        by_id = {lp.pack.id: lp.pack for lp in loaded}
        write_cached(
            key,
            [by_id[info.id] for info in catalog.packs],
            catalog.warnings,
            {lp.pack.id: lp.sources for lp in loaded},
        )
    return catalog


def _required_only(loaded: list[LoadedPack]) -> list[LoadedPack]:
    """The packs not installed as entry points, and the installed ones they require, directly or not."""
    by_id = {lp.pack.id: lp for lp in loaded}
    wanted = [lp.pack.id for lp in loaded if lp.pack.info.source != "entry point"]
    keep: set[str] = set()
    while wanted:
        pid = wanted.pop()
        if pid in keep or pid not in by_id:
            continue
        keep.add(pid)
        wanted.extend(by_id[pid].pack.info.requires)
    return [lp for lp in loaded if lp.pack.id in keep]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.severity != "error", p.file or "", p.line or 0))

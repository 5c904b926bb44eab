"""``load_catalog``: plugins and folders in, one checked :class:`~craftcore.catalog.Catalog` out."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from craftcore.catalog import Catalog
from craftcore.checks import LoadedPack
from craftcore.errors import PackError
from craftcore.packfile import read_pack
from craftcore.plugins import PluginManager, make_plugin_manager
from craftcore.problems import Problem
from craftcore.sources import PackSource

__all__ = ["collect_sources", "load_catalog"]


def collect_sources(pm: PluginManager, problems: list[Problem]) -> list[tuple[PackSource, str, str | None]]:
    """Ask every plugin for its packs: ``(source, origin, distribution)`` triples.

    Each implementation is called on its own, so a failing plugin is reported by name and the others still count.
    """
    out: list[tuple[PackSource, str, str | None]] = []
    for impl in pm.hook.craftcore_packs.get_hookimpls():
        origin = pm.origins.get(impl.plugin_name)
        kind = origin.source if origin else "plugin"
        dist = origin.distribution if origin else None
        try:
            returned: Any = impl.function()
            sources: list[object] = list(returned or ())
        except Exception as exc:
            problems.append(Problem("error", "plugin-failed", f"plugin {impl.plugin_name!r} failed to list its packs: "
                                    f"{type(exc).__name__}: {exc}"))
            continue
        for source in sources:
            if not isinstance(source, PackSource):
                problems.append(Problem("error", "plugin-failed", f"plugin {impl.plugin_name!r} returned "
                                        f"{type(source).__name__}, not a craftcore.PackSource"))
                continue
            out.append((source, kind, dist))
    return out


def load_catalog(*pack_dirs: str | os.PathLike[str], installed: bool = True, blocked: Iterable[str] = (),
                 plugins: Iterable[object] = (), require_reachable: bool = True, cache: bool = True) -> Catalog:
    """Load the built-in pack, installed packs and the given folders, check them together, and merge them.

    >>> catalog = load_catalog(installed=False)
    >>> catalog.starts
    ('linear_algebra', 'calculus', 'probability')

    :param pack_dirs: pack folders to load as well (each a folder with a ``pack.toml``). A folder whose pack has the
        same id as an installed pack replaces it, so authors can iterate on an installed pack.
    :param installed: load packs installed as entry points (``False``: only the built-in pack and ``pack_dirs``).
    :param blocked: entry-point names or pack ids not to load (the built-in ``foundations`` cannot be blocked).
    :param plugins: extra plugin objects, registered like installed ones (they may contribute packs and listen to
        game events).
    :param require_reachable: see :meth:`Catalog.from_packs`.
    :param cache: reuse (and store) a compiled copy of unchanged packs in the user's cache directory
        (see :mod:`craftcore.cache`); the files are still read and hashed on every load.
    :raises PackError: with every problem found in every pack, when there is any error.
    """
    with _paused_gc():
        return _load(pack_dirs, installed=installed, blocked=frozenset(blocked), plugins=plugins,
                     require_reachable=require_reachable, cache=cache)


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


def _load(pack_dirs: tuple[str | os.PathLike[str], ...], *, installed: bool, blocked: frozenset[str],
          plugins: Iterable[object], require_reachable: bool, cache: bool) -> Catalog:
    pm = make_plugin_manager(installed=installed, blocked=blocked, plugins=plugins)
    problems: list[Problem] = []
    sources = collect_sources(pm, problems)
    sources += [(PackSource.from_directory(d), "folder", None) for d in pack_dirs]
    read = []
    for source, kind, dist in sources:
        files, read_problems = source.read()
        problems += read_problems
        read.append((source, kind, dist, files))
    key = None
    if cache and not problems:
        import craftcore
        from craftcore.cache import cache_key, read_cached

        options = f"reachable={require_reachable} blocked={sorted(blocked)}"
        contents = [(kind, source.location, dist, [(f.name, f.text) for f in files])
                    for source, kind, dist, files in read]
        key = cache_key(craftcore.__version__, options, contents)
        hit = read_cached(key)
        if hit is not None:
            return Catalog._merge(hit[0], plugins=pm, warnings=tuple(hit[1]))
    loaded: list[LoadedPack] = []
    for source, kind, dist, files in read:
        if not files:
            continue
        pack, pack_problems, where = read_pack(files, source=kind, location=source.location, distribution=dist)
        problems += pack_problems
        if pack is not None and pack.id not in blocked:
            loaded.append(LoadedPack(pack, where))
    explicit = {lp.pack.id for lp in loaded if lp.pack.info.source == "folder"}
    loaded = [lp for lp in loaded if lp.pack.info.source in ("folder", "builtin") or lp.pack.id not in explicit]
    try:
        catalog = Catalog.from_packs(loaded, plugins=pm, require_reachable=require_reachable)
    except PackError as exc:
        raise PackError(_sorted([*problems, *exc.problems])) from None
    if any(p.severity == "error" for p in problems):
        raise PackError(_sorted(problems))
    if problems:
        catalog = attrs.evolve(catalog, warnings=(*problems, *catalog.warnings))
    if key is not None:
        from craftcore.cache import write_cached

        by_id = {lp.pack.id: lp.pack for lp in loaded}
        write_cached(key, [by_id[info.id] for info in catalog.packs], catalog.warnings)
    return catalog


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.severity != "error", p.file or "", p.line or 0))

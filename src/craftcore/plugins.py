"""The plugin manager: built-in packs, installed entry points and plugins handed over by the caller.

There is no global manager: every :func:`make_plugin_manager` call returns a fresh one, so two catalogs in one process
never share plugins.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import Final

import attrs
import pluggy

from craftcore import hookspecs
from craftcore.errors import PackError
from craftcore.problems import Problem

__all__ = ["BUILTIN_PLUGINS", "ENTRY_POINT_GROUP", "PluginManager", "PluginOrigin", "make_plugin_manager"]

#: Entry-point group that installed packs and plugins declare.
ENTRY_POINT_GROUP: Final = "craftcore"
#: Modules registered on every manager, through the same hooks as any other plugin (name -> module).
BUILTIN_PLUGINS: Final = {"foundations": "craftcore.builtin"}
#: Built-ins that cannot be blocked: the start set lives there.
ESSENTIAL_PLUGINS: Final = frozenset({"foundations"})


@attrs.frozen
class PluginOrigin:
    """Where a registered plugin came from."""

    name: str
    #: ``builtin``, ``entry point`` or ``plugin`` (handed to the loader by the caller).
    source: str
    #: ``name version`` of the distribution that installed it, for entry points.
    distribution: str | None = None


class PluginManager(pluggy.PluginManager):
    """A pluggy manager for the ``craftcore`` project that remembers where each plugin came from."""

    def __init__(self) -> None:
        super().__init__("craftcore")
        self.add_hookspecs(hookspecs)
        #: plugin name -> origin, in registration order.
        self.origins: dict[str, PluginOrigin] = {}

    def add(self, plugin: object, origin: PluginOrigin) -> None:
        """Register ``plugin`` under ``origin.name`` and remember where it came from."""
        self.register(plugin, name=origin.name)
        self.origins[origin.name] = origin


def make_plugin_manager(*, installed: bool = True, blocked: Iterable[str] = (),
                        plugins: Iterable[object] = ()) -> PluginManager:
    """A fresh plugin manager.

    :param installed: also load plugins installed as entry points in the ``craftcore`` group.
    :param blocked: names of entry points (or built-ins) not to load.
    :param plugins: extra plugin objects (modules, classes or instances with ``@craftcore.hookimpl`` methods).
    :raises PackError: when ``blocked`` names an essential built-in, or an installed plugin fails to import or
        implements a hook that does not exist (every failure is reported, not only the first).
    """
    blocked = frozenset(blocked)
    problems: list[Problem] = []
    for name in sorted(blocked & ESSENTIAL_PLUGINS):
        problems.append(Problem("error", "essential", f"plugin {name!r} cannot be blocked: it holds the start set"))
    pm = PluginManager()
    for name, module in BUILTIN_PLUGINS.items():
        if name not in blocked or name in ESSENTIAL_PLUGINS:
            pm.add(importlib.import_module(module), PluginOrigin(name, "builtin"))
    if installed:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in blocked or pm.has_plugin(ep.name):
                continue
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else None
            try:
                plugin = ep.load()
                pm.add(plugin, PluginOrigin(ep.name, "entry point", dist))
            except Exception as exc:
                problems.append(Problem("error", "plugin-import", f"error importing plugin {ep.name!r} "
                                        f"({ep.value}) from {dist or 'an unknown distribution'}: "
                                        f"{type(exc).__name__}: {exc}; block it with blocked=[{ep.name!r}]"))
    for index, plugin in enumerate(plugins):
        name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{index}"
        try:
            pm.add(plugin, PluginOrigin(str(name), "plugin"))
        except (ValueError, pluggy.PluginValidationError) as exc:
            problems.append(Problem("error", "plugin-register", f"cannot register plugin {name!r}: {exc}"))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        problems.append(Problem("error", "plugin-hook", f"plugin {pm.get_name(exc.plugin)!r}: {exc}"))
    if problems:
        raise PackError(problems)
    return pm

"""The plugin manager: installed entry points and plugins handed over by the caller.

There is no global manager: every :func:`make_plugin_manager` call returns a fresh one, so two catalogs in one process
never share plugins.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import Final

import attrs
import pluggy

from craftcore import hookspecs
from craftcore._errors import PluginError
from craftcore._problems import Problem

__all__ = ["ENTRY_POINT_GROUP", "PluginManager", "PluginOrigin", "make_plugin_manager"]

#: Entry-point group that installed packs and plugins declare.
ENTRY_POINT_GROUP: Final = "craftcore"


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


def make_plugin_manager(
    *, installed: bool = True, blocked: Iterable[str] = (), plugins: Iterable[object] = ()
) -> PluginManager:
    """A fresh plugin manager.

    :param installed: also load plugins installed as entry points in the ``craftcore`` group.
    :param blocked: names of entry points not to load.
    :param plugins: extra plugin objects (modules, classes or instances with ``@craftcore.hookimpl`` methods).
    :raises PluginError: when an installed plugin fails to import, a plugin cannot be registered or implements a
        hook that does not exist (every failure is reported, not only the first).
    """
    blocked = frozenset(blocked)
    problems: list[Problem] = []
    culprits: list[tuple[str, str | None]] = []
    pm = PluginManager()
    if installed:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in blocked or pm.has_plugin(ep.name):
                continue
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else None
            try:
                plugin = ep.load()
                pm.add(plugin, PluginOrigin(ep.name, "entry point", dist))
            except Exception as exc:
                culprits.append((ep.name, dist))
                problems.append(
                    Problem(
                        "error",
                        "plugin-import",
                        f"error importing plugin {ep.name!r} "
                        f"({ep.value}) from {dist or 'an unknown distribution'}: "
                        f"{type(exc).__name__}: {exc}; block it with blocked=[{ep.name!r}]",
                    )
                )
    for index, plugin in enumerate(plugins):
        name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{index}"
        try:
            pm.add(plugin, PluginOrigin(str(name), "plugin"))
        except (ValueError, pluggy.PluginValidationError) as exc:
            culprits.append((str(name), None))
            problems.append(Problem("error", "plugin-register", f"cannot register plugin {name!r}: {exc}"))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or repr(exc.plugin)
        origin = pm.origins.get(name)
        culprits.append((name, origin.distribution if origin else None))
        problems.append(Problem("error", "plugin-hook", f"plugin {name!r}: {exc}"))
    if problems:
        raise PluginError(problems, plugin=culprits[0][0], distribution=culprits[0][1])
    return pm

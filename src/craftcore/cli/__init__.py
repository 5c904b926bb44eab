"""The ``craftcore`` command line: one frontend over the public API (it holds no game rules of its own).

``main(argv)`` runs a command and returns its exit status; ``python -m craftcore`` and the ``craftcore`` console
script both call it. See docs/cli.md.
"""

from __future__ import annotations

from craftcore.cli._app import main

__all__ = ["main"]

"""craftweb: a small web app over craftcore (an example of embedding it in another frontend).

- :mod:`craftweb.store`: players and their saves in SQLite, one row per player.
- :mod:`craftweb.service`: the game operations, on craftcore's public API only, returning plain JSON-ready data.
- :mod:`craftweb.api`: the HTTP JSON API as a framework-free function ``(method, path, ...) -> (status, body)``.
- :mod:`craftweb.server`: the standard library HTTP server around it, and the static page.

Start it with ``python examples/web/serve.py`` (see ``examples/web/README.md``).
"""

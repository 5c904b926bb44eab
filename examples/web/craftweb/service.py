"""The game operations of the web app, on craftcore's public API only, returning plain JSON-ready data.

Nothing here knows about HTTP beyond :class:`ApiError`'s status code, so the same service can sit behind any
framework.

Concurrency: one :class:`craftcore.Catalog` per process, shared by every game (it is immutable). A player's game is
loaded from its save (``craftcore.Game.from_dict``, which replays and checks the log) and kept in a small cache keyed by
the row's version. A cached game is never changed: a change works on a ``copy()``, is written to SQLite in one
transaction that only lands if the row still has the version it started from, and only then replaces the cached game.
So readers always see a complete state, concurrent requests of one player queue on that player's lock, and a
second server process on the same database cannot make a change disappear (it would get a version conflict and retry
from the newest state).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import craftcore

from .store import Store

__all__ = ["MAX_ID_LENGTH", "ApiError", "GameService"]

T = TypeVar("T")

#: Longest concept id or name a request may carry.
MAX_ID_LENGTH: Final = 200
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{32,128}")
_RETRIES: Final = 5


class ApiError(Exception):
    """A refusal with an HTTP status, a stable machine-readable ``code`` and a message for people.

    :param extra: more JSON-ready fields for the error body (e.g. ``suggestions``).
    """

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message, **self.extra}}


class GameService:
    """Every player's game over one catalog, persisted in a :class:`~craftweb.store.Store`.

    :param plan_budget: seconds of search for one plan request.
    :param cache_size: how many players' games to keep in memory (the database is the truth; this only saves replays).
    """

    def __init__(
        self, catalog: craftcore.Catalog, store: Store, *, plan_budget: float = 0.5, cache_size: int = 1024
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.plan_budget = plan_budget
        self._cache_size = cache_size
        self._cache: OrderedDict[int, tuple[int, craftcore.Game]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._locks = tuple(threading.Lock() for _ in range(64))
        # One planner is built per catalog and shared; craftcore does not promise it is thread-safe, so plan
        # requests take turns (each is bounded by plan_budget).
        self._plan_lock = threading.Lock()
        self._catalog_info = self._describe_catalog()

    # ------------------------------------------------------------------------------------------------ players

    def new_player(self) -> tuple[str, dict[str, Any]]:
        """Create a player with a new game: its secret token and the game's state."""
        token = secrets.token_urlsafe(32)
        game = craftcore.Game(self.catalog)
        player = self.store.create(token, _dump(game))
        self._remember(player, 1, game)
        return token, self.state(game)

    def authenticate(self, token: str | None) -> int:
        """The player a token belongs to.

        :raises ApiError: 401 when the token is missing, malformed or unknown.
        """
        if not token:
            raise ApiError(
                401,
                "unauthorized",
                "missing token: send 'Authorization: Bearer <token>' "
                "(POST /api/games creates a player and returns its token)",
            )
        if not _TOKEN.fullmatch(token):
            raise ApiError(401, "unauthorized", "malformed token")
        player = self.store.find(token)
        if player is None:
            raise ApiError(401, "unauthorized", "unknown token")
        return player

    # ------------------------------------------------------------------------------------------------ state

    def game(self, player: int) -> craftcore.Game:
        """The player's current game (a shared snapshot: never change it)."""
        return self._snapshot(player)[1]

    def _snapshot(self, player: int) -> tuple[int, craftcore.Game]:
        version = self.store.version(player)
        with self._cache_lock:
            hit = self._cache.get(player)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(player)
                return hit
        row = self.store.read(player)
        assert row.save is not None
        game = self._load(row.save)
        self._remember(player, row.version, game)
        return row.version, game

    def _load(self, save: str) -> craftcore.Game:
        try:
            return craftcore.Game.from_dict(json.loads(save), self.catalog)
        except craftcore.SaveError as exc:
            raise ApiError(
                409,
                "save_incompatible",
                f"this game cannot be loaded with the packs of this server ({exc}); start a new game, "
                "or restart the server with the packs the game was played with",
            ) from None

    def _remember(self, player: int, version: int, game: craftcore.Game) -> None:
        with self._cache_lock:
            hit = self._cache.get(player)
            if hit is None or hit[0] < version:
                self._cache[player] = (version, game)
            self._cache.move_to_end(player)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _change(self, player: int, change: Callable[[craftcore.Game], tuple[T, craftcore.Game | None]]) -> T:
        """Apply ``change`` to a copy of the player's game and write the result, if any, in one transaction.

        ``change`` returns its value and the new game (``None`` when nothing changed). It may run again if another
        process changed the same row meanwhile, always on the newest state.
        """
        with self._locks[player % len(self._locks)]:
            for _ in range(_RETRIES):
                version, current = self._snapshot(player)
                value, new = change(current.copy())
                if new is None:
                    return value
                if self.store.write(player, version, _dump(new)):
                    self._remember(player, version + 1, new)
                    return value
        raise ApiError(409, "conflict", "the game kept changing elsewhere; try again")

    def _replace(self, player: int, game: craftcore.Game) -> None:
        """Make ``game`` the player's game, whatever the old one was (even a save that no longer loads)."""
        with self._locks[player % len(self._locks)]:
            for _ in range(_RETRIES):
                version = self.store.version(player)
                if self.store.write(player, version, _dump(game)):
                    self._remember(player, version + 1, game)
                    return
        raise ApiError(409, "conflict", "the game kept changing elsewhere; try again")

    # ------------------------------------------------------------------------------------------------ queries

    def catalog_info(self) -> dict[str, Any]:
        """The loaded packs, categories, concept names and learning paths (the same for every player)."""
        return self._catalog_info

    def _describe_catalog(self) -> dict[str, Any]:
        c = self.catalog
        return {
            "packs": [
                {"id": p.id, "name": p.name, "version": p.version, "description": p.description} for p in c.packs
            ],
            "categories": [{"id": k.id, "name": k.name, "description": k.description} for k in c.categories.values()],
            "concepts": [
                {"id": x.id, "name": x.name, "level": x.level, "category": x.category}
                for x in sorted(c.concepts.values(), key=lambda x: x.name.casefold())
            ],
            "paths": [
                {"id": p.id, "name": p.name, "description": p.description, "steps": list(p.steps)}
                for p in c.paths.values()
            ],
            "starts": list(c.starts),
        }

    def state(self, game: craftcore.Game) -> dict[str, Any]:
        """Score, level, progress and every discovered concept (as cards, in discovery order)."""
        level = game.level
        return {
            "score": game.score,
            "level": level,
            "next_level_at": 50 * level * (level + 1),
            "discovered": len(game.discovered),
            "total": len(self.catalog.concepts),
            "steps": len(game.steps),
            "attempts": len(game.attempts),
            "available": game.available().count(),
            "can_undo": bool(game.steps),
            "complete": game.complete,
            "progress": [{"level": lv, "discovered": d, "total": t} for lv, (d, t) in game.progress().items()],
            "concepts": [
                {**self.card(cid), "step": d.step, "final": game.is_final(cid)} for cid, d in game.discovered.items()
            ],
        }

    def card(self, concept_id: str) -> dict[str, Any]:
        """What a concept's card shows."""
        c = self.catalog.concepts[concept_id]
        return {"id": c.id, "name": c.name, "level": c.level, "stars": c.stars, "category": c.category}

    def detail(self, game: craftcore.Game, concept_id: str) -> dict[str, Any]:
        """Everything about a discovered concept: description, properties, resources, and how it was discovered."""
        c = self.catalog.concepts[concept_id]
        d = game.discovered[concept_id]
        category = self.catalog.categories.get(c.category)
        return {
            **self.card(concept_id),
            "category_name": category.name if category is not None else c.category,
            "pack": c.pack,
            "description": c.description,
            "properties": {k: list(v) if isinstance(v, tuple) else v for k, v in c.properties.items()},
            "resources": [{"title": r.title, "url": r.url, "kind": r.kind} for r in c.resources],
            "discovery": {
                "source": d.source,
                "step": d.step,
                "time": d.time,
                "points": d.points,
                "inputs": [self.card(i) for i in d.inputs],
                "why": d.recipe.why if d.recipe is not None else None,
            },
            "leads_to": len(game.leads_to(concept_id)),
            "final": game.is_final(concept_id),
        }

    def concept(self, player: int, concept_id: str) -> dict[str, Any]:
        game = self.game(player)
        self._check_discovered(game, [concept_id])
        return self.detail(game, concept_id)

    def discovered(self, player: int) -> dict[str, Any]:
        game = self.game(player)
        return {
            "discovered": [
                {
                    **self.card(cid),
                    "step": d.step,
                    "source": d.source,
                    "inputs": list(d.inputs),
                    "time": d.time,
                    "points": d.points,
                }
                for cid, d in game.discovered.items()
            ]
        }

    def available(self, player: int) -> dict[str, Any]:
        game = self.game(player)
        names = self.catalog.concepts
        combos = [{"inputs": list(inputs), "names": [names[i].name for i in inputs]} for inputs in game.available()]
        return {"count": len(combos), "combinations": combos}

    def paths(self, player: int) -> dict[str, Any]:
        game = self.game(player)
        names = self.catalog.concepts
        out = []
        for path_id, path in self.catalog.paths.items():
            progress = game.path_progress(path_id)
            done = set(progress.done)
            out.append(
                {
                    "id": path.id,
                    "name": path.name,
                    "description": path.description,
                    "steps": [{"id": s, "name": names[s].name, "done": s in done} for s in path.steps],
                    "done": len(progress.done),
                    "total": len(path.steps),
                    "next": self.card(progress.next) if progress.next is not None else None,
                    "fraction": progress.fraction,
                    "complete": progress.complete,
                }
            )
        return {"paths": out}

    def plan(self, player: int, target: str) -> dict[str, Any]:
        """The fewest combinations from the player's state to ``target`` (an id or a name)."""
        try:
            target_id = self.catalog.resolve(target)
        except craftcore.UnknownConcept as exc:
            raise _unknown(exc) from None
        game = self.game(player)
        try:
            with self._plan_lock:
                plan = game.plan(target_id, budget=self.plan_budget)
        except craftcore.Unreachable as exc:
            raise ApiError(409, "unreachable", str(exc)) from None
        return {
            "target": self.card(target_id),
            "discovered": target_id in game.discovered,
            "optimal": plan.optimal,
            "lower_bound": plan.lower_bound,
            "steps": [
                {
                    "inputs": [self.card(i) for i in s.inputs],
                    "outputs": [self.card(o) for o in s.outputs],
                    "requires": [self.card(r) for r in s.requires],
                }
                for s in plan
            ],
        }

    def export(self, player: int) -> dict[str, Any]:
        """The player's save (craftcore's save format: the discovery log)."""
        return self.game(player).to_dict()

    # ------------------------------------------------------------------------------------------------ changes

    def combine(self, player: int, concepts: list[str]) -> dict[str, Any]:
        """Combine discovered concepts; a discovery or a failed attempt is written before this returns."""
        if not 1 <= len(concepts) <= 4:
            raise ApiError(422, "invalid_combination", f"a combination takes 1 to 4 concepts, got {len(concepts)}")

        def change(game: craftcore.Game) -> tuple[dict[str, Any], craftcore.Game | None]:
            self._check_discovered(game, concepts)
            result = game.combine(*concepts)
            changed = bool(result.new) or not result.success  # a repeat changes nothing; a failure is an attempt
            return {"result": self._result(game, result), "game": self.state(game)}, game if changed else None

        return self._change(player, change)

    def _result(self, game: craftcore.Game, result: craftcore.CombineResult) -> dict[str, Any]:
        return {
            "inputs": [self.card(i) for i in result.inputs],
            "success": result.success,
            "new": [self.detail(game, cid) for cid in result.new],
            "outputs": [self.card(o) for o in result.outputs],
            "repeat": result.success and not result.new,
            "why": list(result.why),
            "hint": result.hint,
            "points": result.points,
            "level_up": result.level_up,
        }

    def undo(self, player: int) -> dict[str, Any]:
        """Take back the last step that discovered something."""

        def change(game: craftcore.Game) -> tuple[dict[str, Any], craftcore.Game | None]:
            if not game.steps:
                raise ApiError(409, "nothing_to_undo", "nothing to undo: no combination has discovered anything yet")
            step = game.undo()
            undone = {"inputs": [self.card(i) for i in step.inputs], "new": [self.card(c) for c in step.new]}
            return {"undone": undone, "game": self.state(game)}, game

        return self._change(player, change)

    def reset(self, player: int) -> dict[str, Any]:
        """Start the player's game over."""
        game = craftcore.Game(self.catalog)
        self._replace(player, game)
        return self.state(game)

    def restore(self, player: int, save: Mapping[str, Any]) -> dict[str, Any]:
        """Replace the player's game with a save (checked in full: it is replayed through the rules)."""
        try:
            game = craftcore.Game.from_dict(save, self.catalog)
        except craftcore.SaveError as exc:
            raise ApiError(422, "invalid_save", f"not a valid save for this server: {exc}") from None
        self._replace(player, game)
        return self.state(game)

    # ------------------------------------------------------------------------------------------------ checks

    def _check_discovered(self, game: craftcore.Game, concepts: list[str]) -> None:
        unknown = [c for c in concepts if c not in self.catalog.concepts]
        if unknown:
            # suggest only concepts the player knows, so an error never gives away undiscovered content
            suggestions = [s for s in self._suggest(unknown[0]) if s in game.discovered]
            raise ApiError(
                404, "unknown_concept", f"unknown concept {unknown[0]!r}", concept=unknown[0], suggestions=suggestions
            )
        missing = [c for c in concepts if c not in game.discovered]
        if missing:
            raise ApiError(
                409, "not_discovered", "not discovered yet: " + ", ".join(repr(c) for c in missing), concepts=missing
            )

    def _suggest(self, text: str) -> tuple[str, ...]:
        try:
            self.catalog.concept(text)
        except craftcore.UnknownConcept as exc:
            return exc.suggestions
        return ()


def _unknown(exc: craftcore.UnknownConcept) -> ApiError:
    if exc.ambiguous:
        return ApiError(404, "ambiguous_concept", str(exc), concept=exc.concept_id, suggestions=list(exc.suggestions))
    return ApiError(404, "unknown_concept", str(exc), concept=exc.concept_id, suggestions=list(exc.suggestions))


def _dump(game: craftcore.Game) -> str:
    return json.dumps(game.to_dict(), separators=(",", ":"), allow_nan=False)

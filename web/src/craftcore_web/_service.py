"""The game operations of the web app, on craftcore's public API, returning plain JSON-ready data.

Nothing here knows about HTTP beyond :class:`ApiError`'s status code, so the same service can sit behind any
framework.

Concurrency: one :class:`craftcore.Catalog` per process, shared by every game (it is immutable). A player's game is
loaded from its save (``craftcore.Game.from_dict``, which replays and checks the log) and kept in a small cache keyed by
the row's version. A change locks the player's row in the database (:meth:`Store.locked`), reads the version under the
lock, works on a ``copy()`` of the game at that version, writes the result and commits; only then does the new game
replace the cached one. So readers always see a complete state, and concurrent changes of one player, from any number
of threads or worker processes, apply one after the other: none is lost and none is refused.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import craftcore

from ._store import Locked, Store

__all__ = ["MAX_ID_LENGTH", "ApiError", "GameService"]

T = TypeVar("T")

#: Longest concept id or name a request may carry.
MAX_ID_LENGTH: Final = 200
_TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{32,128}")


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
    """Every player's game over one catalog, persisted in a :class:`~craftcore_web._store.Store`.

    :param plan_budget: seconds of search for one plan or hint request.
    :param token_ttl: seconds a token works after it was issued (:meth:`rotate_token` issues a new one).
    :param cache_size: how many players' games to keep in memory (the database is the truth; this only saves replays).
    """

    def __init__(
        self,
        catalog: craftcore.Catalog,
        store: Store,
        *,
        plan_budget: float = 0.5,
        token_ttl: float = 30 * 24 * 3600.0,
        cache_size: int = 1024,
    ) -> None:
        self.catalog = catalog
        self.store = store
        self.plan_budget = plan_budget
        self.token_ttl = token_ttl
        self._cache_size = cache_size
        self._cache: OrderedDict[int, tuple[int, craftcore.Game]] = OrderedDict()
        self._cache_lock = threading.Lock()
        # One planner is built per catalog and shared; craftcore does not promise it is thread-safe, so plan and
        # hint requests take turns (each is bounded by plan_budget).
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

        :raises ApiError: 401 when the token is missing, malformed, unknown or expired.
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
        found = self.store.find(token)
        if found is None:
            raise ApiError(401, "unauthorized", "unknown token")
        player, issued = found
        if time.time() > issued + self.token_ttl:
            raise ApiError(401, "token_expired", "this token has expired; start a new game or import a save")
        return player

    def rotate_token(self, player: int) -> dict[str, Any]:
        """Give the player a new token; the one used for this request stops working at once."""
        token = secrets.token_urlsafe(32)
        with self.store.locked(player) as row:
            issued = row.set_token(token)
        return {"token": token, "expires": issued + self.token_ttl}

    # ------------------------------------------------------------------------------------------------ state

    def game(self, player: int) -> craftcore.Game:
        """The player's current game (a shared snapshot: never change it)."""
        version = self.store.version(player)
        cached = self._cached(player, version)
        if cached is not None:
            return cached
        row = self.store.read(player)
        game = self._load(row.save)
        self._remember(player, row.version, game)
        return game

    def _cached(self, player: int, version: int) -> craftcore.Game | None:
        with self._cache_lock:
            hit = self._cache.get(player)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(player)
                return hit[1]
        return None

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
        """Apply ``change`` to a copy of the player's game under its row lock, and write the result, if any.

        ``change`` returns its value and the new game (``None`` when nothing changed).
        """
        with self.store.locked(player) as row:
            current = self._cached(player, row.version)
            if current is None:
                current = self._load(row.read())
            value, new = change(current.copy())
            if new is not None:
                row.write(_dump(new))
        if new is not None:
            self._remember(player, row.version + 1, new)
        return value

    def _replace(self, player: int, game: craftcore.Game) -> None:
        """Make ``game`` the player's game, whatever the old one was (even a save that no longer loads)."""
        row: Locked
        with self.store.locked(player) as row:
            row.write(_dump(game))
        self._remember(player, row.version + 1, game)

    # ------------------------------------------------------------------------------------------------ queries

    def catalog_info(self) -> dict[str, Any]:
        """The game's title, the rules, the loaded packs, categories, concept names and learning paths."""
        return self._catalog_info

    def _describe_catalog(self) -> dict[str, Any]:
        c = self.catalog
        to_data = craftcore.to_data
        return {
            "game": to_data(c.game),
            "rules": {"min_inputs": craftcore.MIN_INPUTS, "max_inputs": craftcore.MAX_INPUTS},
            # not where a pack was loaded from: no path of the server's file system is given away
            "packs": [{k: v for k, v in to_data(p).items() if k not in ("location", "source")} for p in c.packs],
            "categories": to_data(list(c.categories.values())),
            "concepts": [
                {"id": x.id, "name": x.name, "level": x.level, "category": x.category}
                for x in sorted(c.concepts.values(), key=lambda x: x.name.casefold())
            ],
            "paths": to_data(list(c.paths.values())),
            "starts": list(c.starts),
        }

    def state(self, game: craftcore.Game) -> dict[str, Any]:
        """Score, level, progress and every discovered concept (as cards, in discovery order)."""
        level = game.level
        return {
            "score": game.score,
            "level": level,
            "next_level_at": craftcore.score_for_level(level + 1),
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
        data = craftcore.to_data(c)
        d = game.discovered[concept_id]
        category = self.catalog.categories.get(c.category)
        return {
            **self.card(concept_id),
            "category_name": category.name if category is not None else c.category,
            "pack": c.pack,
            "description": c.description,
            "aliases": data["aliases"],
            "properties": {k: _finite(v) for k, v in data["properties"].items()},
            "resources": data["resources"],
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
        concept_id = self._resolve(game, concept_id)
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
        """The fewest combinations from the player's state to ``target`` (an id, a name or an alias)."""
        game = self.game(player)
        target_id = self._resolve(game, target)
        try:
            with self._plan_lock:
                plan = game.plan(target_id, budget=self.plan_budget)
        except craftcore.Unreachable:
            name = self.catalog.concepts[target_id].name
            raise ApiError(
                409, "unreachable", f"{name} cannot be reached from this game", concept=self.card(target_id)
            ) from None
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

    def hint(self, player: int, toward: str | None = None) -> dict[str, Any]:
        """A combination that discovers something now (``craftcore.Game.suggest``); never names what it gives."""
        game = self.game(player)
        target = None
        if toward is not None:
            target = toward if toward in self.catalog.paths else self._resolve(game, toward)
        with self._plan_lock:
            suggestion = game.suggest(toward=target, budget=self.plan_budget)
        if suggestion is None:
            return {"hint": None, "message": "nothing new can be discovered from here: the game is complete"}
        data = craftcore.to_data(suggestion)
        return {
            "hint": {
                "inputs": [self.card(i) for i in data["inputs"]],
                "toward": self.card(data["toward"]) if data["toward"] in self.catalog.concepts else None,
                "reason": data["reason"],
            }
        }

    def export(self, player: int) -> dict[str, Any]:
        """The player's save (craftcore's save format: the discovery log)."""
        return self.game(player).to_dict()

    # ------------------------------------------------------------------------------------------------ changes

    def combine(self, player: int, concepts: list[str] | str) -> dict[str, Any]:
        """Combine discovered concepts, named by id, name or alias as typed (or one text: ``"A + B"``).

        A discovery or a failed attempt is written before this returns.
        """

        def change(game: craftcore.Game) -> tuple[dict[str, Any], craftcore.Game | None]:
            if isinstance(concepts, str):
                try:
                    ids = list(game.parse_combination(concepts))
                except craftcore.InvalidCombination as exc:
                    raise ApiError(422, "invalid_combination", str(exc)) from None
                except craftcore.UnknownConcept as exc:
                    raise self._unknown(exc) from None
            else:
                _check_count(len(concepts))
                ids = [self._resolve(game, c) for c in concepts]
            self._check_discovered(game, ids)
            result = game.combine(*ids)
            changed = bool(result.new) or not result.success  # a repeat changes nothing; a failure is an attempt
            return {"result": self._result(game, result), "game": self.state(game)}, game if changed else None

        return self._change(player, change)

    def _result(self, game: craftcore.Game, result: craftcore.CombineResult) -> dict[str, Any]:
        data = craftcore.to_data(result)
        return {
            "inputs": [self.card(i) for i in data["inputs"]],
            "success": result.success,
            "new": [self.detail(game, cid) for cid in data["new"]],
            "outputs": [self.card(o) for o in data["outputs"]],
            "repeat": result.success and not result.new,
            "why": [r["why"] for r in data["recipes"]],
            "hint": data["hint"],
            "points": data["points"],
            "level_up": data["level_up"],
        }

    def undo(self, player: int) -> dict[str, Any]:
        """Take back the last step that discovered something."""

        def change(game: craftcore.Game) -> tuple[dict[str, Any], craftcore.Game | None]:
            try:
                step = game.undo()
            except craftcore.NothingToUndo:
                raise ApiError(
                    409, "nothing_to_undo", "nothing to undo: no combination has discovered anything yet"
                ) from None
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

    def _resolve(self, game: craftcore.Game, text: str) -> str:
        """The concept ``text`` names, as a player types it; suggestions name discovered concepts only."""
        try:
            return self.catalog.resolve(text, among=game.discovered, fuzzy=True)
        except craftcore.UnknownConcept as exc:
            raise self._unknown(exc) from None

    def _unknown(self, exc: craftcore.UnknownConcept) -> ApiError:
        names = [self.catalog.concepts[s].name for s in exc.suggestions if s in self.catalog.concepts]
        code = "ambiguous_concept" if exc.ambiguous else "unknown_concept"
        message = (
            f"{'several concepts match' if exc.ambiguous else 'no discovered concept is called'} {exc.concept_id!r}"
        )
        if names:
            message += "; did you mean " + " or ".join(names) + "?"
        return ApiError(404, code, message, concept=exc.concept_id, suggestions=list(exc.suggestions))

    def _check_discovered(self, game: craftcore.Game, concepts: list[str]) -> None:
        missing = [c for c in concepts if c not in game.discovered]
        if missing:
            names = ", ".join(self.catalog.concepts[c].name for c in missing)
            raise ApiError(409, "not_discovered", f"not discovered yet: {names}", concepts=missing)


def _check_count(n: int) -> None:
    if not craftcore.MIN_INPUTS <= n <= craftcore.MAX_INPUTS:
        raise ApiError(
            422,
            "invalid_combination",
            f"a combination takes {craftcore.MIN_INPUTS} to {craftcore.MAX_INPUTS} concepts, got {n}",
        )


def _finite(value: Any) -> Any:
    """A property value as JSON can hold it (a float that is not finite becomes its name)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _dump(game: craftcore.Game) -> str:
    return json.dumps(game.to_dict(), separators=(",", ":"), allow_nan=False)

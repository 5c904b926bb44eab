"""Challenges: route codes made from a game and verified offline, and the daily challenge.

The par of a challenge is its exact optimum (the fewest combine steps, proven by the planner) plus a quarter of it,
at least one step (:func:`par_for`): room to explore. The daily target is chosen by hashing the date with the
pack set (ids, versions and :func:`~craftcore._codes.content_hash`): the concepts are ordered by that hash and the
first whose proven optimum from the start lies in :data:`DAILY_BAND` is the day's target (when none does, the one
closest to the band).
"""

from __future__ import annotations

import datetime as _datetime
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

import attrs

from craftcore._codes import Route, content_hash, decode_route, encode_route
from craftcore._errors import CraftError, NotDiscovered, RouteCodeError

if TYPE_CHECKING:
    from craftcore._catalog import Catalog
    from craftcore._game import Game

__all__ = [
    "DAILY_BAND",
    "ChallengeResult",
    "DailyChallenge",
    "RouteCheck",
    "challenge_result",
    "daily_challenge",
    "par_for",
    "route_code",
    "verify_route",
]

#: The daily target's optimum lies between these step counts (inclusive) when the packs allow it.
DAILY_BAND: Final = (6, 12)


def par_for(optimum: int) -> int:
    """The par of a challenge whose exact optimum is ``optimum`` steps."""
    return optimum + max(1, optimum // 4)


@attrs.frozen
class RouteCheck:
    """A route code replayed offline (:func:`craftcore.verify_route`)."""

    route: Route
    #: Steps the route takes to obtain every target.
    steps: int
    #: The proven fewest steps from the start to the target (one target only; ``None`` otherwise or when the
    #: planner could not prove it in its budget).
    optimum: int | None
    par: int | None
    #: What each step discovered.
    discoveries: tuple[tuple[str, ...], ...]

    @property
    def discovered(self) -> tuple[str, ...]:
        """Everything the steps discovered, in order."""
        return tuple(c for new in self.discoveries for c in new)


@attrs.frozen
class DailyChallenge:
    """The day's challenge on a pack set (:func:`craftcore.daily_challenge`)."""

    date: str
    target: str
    optimum: int
    par: int


@attrs.frozen
class ChallengeResult:
    """How a game did on a challenge (:func:`craftcore.challenge_result`)."""

    target: str
    #: Steps up to the target's discovery (``None``: not discovered yet).
    steps: int | None
    par: int
    #: Hints and plans given before the target's discovery.
    hints: int
    #: A route code to share (``None`` until the target is discovered).
    code: str | None

    @property
    def summary(self) -> str:
        """``9 steps, par 7, 1 hint``."""
        hints = "no hints" if not self.hints else f"{self.hints} hint{'s' if self.hints != 1 else ''}"
        steps = "not solved yet" if self.steps is None else f"{self.steps} step{'s' if self.steps != 1 else ''}"
        return f"{steps}, par {self.par}, {hints}"


def _hints_before(game: Game, step: int) -> int:
    return sum(1 for h in game.help if h.kind != "undo" and h.after_step < step)


def route_code(game: Game, targets: Iterable[str], *, date: str | None = None) -> str:
    """A code for the game's route to ``targets``: its steps up to the last target's discovery.

    :raises NotDiscovered: a target is not discovered.
    :raises UnknownConcept: a target is not a concept.
    """
    targets = tuple(dict.fromkeys(targets))
    for t in targets:
        game.catalog.concept(t)
    missing = [t for t in targets if t not in game.discovered]
    if missing:
        raise NotDiscovered(missing)
    last = max((game.discovered[t].step for t in targets), default=0)
    catalog = game.catalog
    route = Route(
        tuple((p.id, p.version) for p in catalog.packs),
        content_hash(catalog),
        catalog.starts,
        targets,
        tuple(s.inputs for s in game.steps[:last]),
        _hints_before(game, last),
        date,
    )
    return encode_route(route)


def _optimum(catalog: Catalog, target: str, budget: float) -> int | None:
    from craftcore._game import Game

    try:
        plan = Game(catalog, clock=lambda: 0.0).plan(target, budget=budget, record=False)
    except CraftError:
        return None
    return len(plan.steps) if plan.optimal else None


def verify_route(code: str, catalog: Catalog, *, budget: float = 2.0) -> RouteCheck:
    """Replay a route code offline on a catalog.

    :raises RouteCodeError: the code is damaged or forged (see :func:`decode_route`), was made with other packs or
        content (``packs``), another start (``start``), or its steps do not reach its targets (``replay``).
    """
    from craftcore._game import Game, _Relay

    route = decode_route(code)
    loaded = {p.id: p.version for p in catalog.packs}
    for pid, version in route.packs:
        if pid not in loaded:
            raise RouteCodeError("packs", f"the route was made with pack {pid!r} {version}, which is not loaded")
        if loaded[pid] != version:
            raise RouteCodeError("packs", f"the route was made with pack {pid!r} {version}; {loaded[pid]} is loaded")
    if route.content != content_hash(catalog):
        raise RouteCodeError("packs", "the route was made with other content (the loaded packs' recipes differ)")
    if route.start != catalog.starts:
        raise RouteCodeError("start", "the route starts from other concepts than these packs")
    game = Game(catalog, clock=lambda: 0.0)
    game._hook = _Relay()  # a verification is not play: plugins hear nothing
    found: list[tuple[str, ...]] = []
    for number, inputs in enumerate(route.steps, 1):
        try:
            result = game.combine(*inputs)
        except CraftError as exc:
            raise RouteCodeError("replay", f"step {number}: {exc}") from None
        if not result.new:
            raise RouteCodeError("replay", f"step {number}: {' + '.join(inputs)} discovers nothing new")
        found.append(result.new)
    missing = [t for t in route.targets if t not in game.discovered]
    if missing:
        raise RouteCodeError("replay", f"the steps do not reach {', '.join(map(repr, missing))}")
    optimum = _optimum(catalog, route.targets[0], budget) if len(route.targets) == 1 else None
    return RouteCheck(route, len(route.steps), optimum, None if optimum is None else par_for(optimum), tuple(found))


def daily_challenge(catalog: Catalog, date: _datetime.date, *, budget: float = 2.0) -> DailyChallenge:
    """The challenge of ``date`` on this pack set: the same for every player with the same packs.

    :raises Unreachable: no concept can be made from the start.
    """
    from craftcore._errors import Unreachable

    day = date.isoformat()
    packs = ",".join(f"{p.id}={p.version}" for p in catalog.packs)
    seed = f"{day}|{packs}|{content_hash(catalog)}"
    reachable = catalog.reachable()
    order = sorted(
        (c for c in catalog.concepts if c in reachable and c not in catalog.starts),
        key=lambda c: hashlib.sha256(f"{seed}|{c}".encode()).digest(),
    )
    low, high = DAILY_BAND
    best: tuple[int, str, int] | None = None
    for cid in order:
        optimum = _optimum(catalog, cid, budget)
        if optimum is None or optimum == 0:
            continue
        if low <= optimum <= high:
            return DailyChallenge(day, cid, optimum, par_for(optimum))
        distance = low - optimum if optimum < low else optimum - high
        if best is None or distance < best[0]:
            best = (distance, cid, optimum)
    if best is None:
        raise Unreachable("*", "no concept can be made from the start")
    return DailyChallenge(day, best[1], best[2], par_for(best[2]))


def challenge_result(game: Game, challenge: DailyChallenge) -> ChallengeResult:
    """How the game did on the challenge so far, with a code to share once the target is discovered."""
    discovery = game.discovered.get(challenge.target)
    if discovery is None:
        return ChallengeResult(challenge.target, None, challenge.par, _hints_before(game, len(game.steps) + 1), None)
    code = route_code(game, [challenge.target], date=challenge.date)
    return ChallengeResult(challenge.target, discovery.step, challenge.par, _hints_before(game, discovery.step), code)

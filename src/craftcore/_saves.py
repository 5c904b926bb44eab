"""Saves: versioned plain data (JSON or TOML), written atomically, and checked in full when read back.

A save holds the game's log, not its derived state: loading replays every step through the rules, so a save that
was edited or corrupted cannot produce a state the rules do not allow. Saves are plain data only: nothing in them
is ever executed or turned into arbitrary Python objects.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import cattrs
import tomli_w

from craftcore._atomic import atomic_write
from craftcore._errors import CraftError, SaveError
from craftcore._help import Help
from craftcore._packfile import _ProblemMaker, _problems_from_cattrs
from craftcore._results import Attempt, Step
from craftcore._review import Review
from craftcore._rules import MAX_INPUTS, MIN_INPUTS
from craftcore._serialize import strict_converter, to_data

if TYPE_CHECKING:
    from craftcore._catalog import Catalog
    from craftcore._game import Game

__all__ = ["FORMAT_VERSION", "MAX_SAVE_BYTES", "game_from_dict", "game_to_dict", "read_save", "write_save"]

#: The save format this version writes. Older versions are migrated forward on load; newer ones are refused.
#: Version 2 added the review log (``reviews``) and the help log (``help``).
FORMAT_VERSION: Final = 2
#: Largest save file read.
MAX_SAVE_BYTES: Final = 32 * 1024 * 1024
#: Most failed attempts a save may carry.
MAX_SAVED_ATTEMPTS: Final = 1_000_000

#: One function per format step: ``MIGRATIONS[n]`` turns version ``n`` data into version ``n + 1``.
MIGRATIONS: Final[dict[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no review or help log: a game saved then has reviewed nothing and asked for no help."""
    return {**data, "format_version": 2, "reviews": [], "help": []}


MIGRATIONS[1] = _v1_to_v2
#: Most reviews, and most help records, a save may carry.
MAX_SAVED_REVIEWS: Final = 1_000_000


@attrs.define
class _PackRef:
    id: str
    version: str


@attrs.define
class _StepDoc:
    inputs: list[str]
    time: float
    new: list[str]


@attrs.define
class _AttemptDoc:
    inputs: list[str]
    time: float
    after_step: int
    hint: str | None = None


@attrs.define
class _ReviewDoc:
    card: str
    time: float
    answer: list[str]
    after_step: int


@attrs.define
class _HelpDoc:
    kind: Literal["hint", "plan", "undo"]
    time: float
    after_step: int
    inputs: list[list[str]] = attrs.Factory(list)
    target: str | None = None


@attrs.define
class _SaveDoc:
    format_version: int
    packs: list[_PackRef]
    started: float
    steps: list[_StepDoc] = attrs.Factory(list)
    attempts: list[_AttemptDoc] = attrs.Factory(list)
    reviews: list[_ReviewDoc] = attrs.Factory(list)
    help: list[_HelpDoc] = attrs.Factory(list)
    #: Written for people and other tools; never trusted on load (everything is recomputed).
    summary: dict[str, int] = attrs.Factory(dict)
    game: str = "craftcore"
    #: Seconds a frontend counted as played, across sessions (optional; frontends that keep no clock omit it).
    played: float | None = None


def game_to_dict(game: Game, *, played: float | None = None) -> dict[str, Any]:
    """The save data of a game; ``played`` (seconds played, kept by a frontend) is written when given."""
    data: dict[str, Any] = {
        "game": "craftcore",
        "format_version": FORMAT_VERSION,
        "packs": [{"id": p.id, "version": p.version} for p in game.catalog.packs],
        "started": game.started,
        "steps": [{"inputs": list(s.inputs), "time": s.time, "new": list(s.new)} for s in game.steps],
        "attempts": [_attempt_dict(a) for a in game.attempts],
        "reviews": [
            {"card": r.card, "time": r.time, "answer": list(r.answer), "after_step": r.after_step} for r in game.reviews
        ],
        "help": [_help_dict(h) for h in game.help],
        "summary": {"score": game.score, "level": game.level, "discovered": len(game.discovered)},
    }
    if played is not None:
        data["played"] = float(played)
    return data


def _attempt_dict(attempt: Attempt) -> dict[str, Any]:
    data = to_data(attempt)
    if data["hint"] is None:
        del data["hint"]  # TOML has no null
    return data  # type: ignore[no-any-return]


def _help_dict(help: Help) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": help.kind,
        "time": help.time,
        "after_step": help.after_step,
        "inputs": [list(i) for i in help.inputs],
    }
    if help.target is not None:  # TOML has no null
        data["target"] = help.target
    return data


def game_from_dict(
    cls: type[Game],
    data: Mapping[str, Any],
    catalog: Catalog,
    *,
    clock: Callable[[], float],
    max_attempts: int,
    plugins: Iterable[object] = (),
    source: str | None = None,
) -> Game:
    """Check save data against the format and the rules, and rebuild the game it describes."""
    doc = _renamed(_structure(data, source), catalog.renames)
    loaded = {p.id: p for p in catalog.packs}
    for i, ref in enumerate(doc.packs):
        if ref.id not in loaded:
            raise SaveError(
                f"the game was played with pack {ref.id!r} {ref.version}, which is not loaded",
                where=f"packs[{i}]",
                source=source,
            )
    if len(doc.steps) > len(catalog.concepts):
        raise SaveError(
            f"{len(doc.steps)} steps, but only {len(catalog.concepts)} concepts exist", where="steps", source=source
        )
    if len(doc.attempts) > MAX_SAVED_ATTEMPTS:
        raise SaveError(f"more than {MAX_SAVED_ATTEMPTS} attempts", where="attempts", source=source)
    steps = []
    for i, s in enumerate(doc.steps):
        _check_inputs(s.inputs, catalog, f"steps[{i}].inputs", source)
        steps.append(Step(i + 1, tuple(sorted(s.inputs)), s.time, tuple(s.new)))
    attempts = []
    for i, a in enumerate(doc.attempts):
        _check_inputs(a.inputs, catalog, f"attempts[{i}].inputs", source)
        if not 0 <= a.after_step <= len(steps):
            raise SaveError(
                f"after_step {a.after_step} is not between 0 and {len(steps)}",
                where=f"attempts[{i}].after_step",
                source=source,
            )
        attempts.append(Attempt(tuple(sorted(a.inputs)), a.time, a.after_step, a.hint))
    reviews, helps = _learning_logs(doc, catalog, len(steps), source)
    try:
        return cls.from_log(
            catalog,
            steps,
            attempts,
            started=doc.started,
            clock=clock,
            plugins=plugins,
            max_attempts=max_attempts,
            reviews=reviews,
            help=helps,
        )
    except CraftError as exc:
        step, attempt = getattr(exc, "step", None), getattr(exc, "attempt", None)
        if attempt is not None:
            raise SaveError(f"impossible attempt: {exc}", where=f"attempts[{attempt}]", source=source) from None
        review = getattr(exc, "review", None)
        if review is not None:
            raise SaveError(f"impossible review: {exc}", where=f"reviews[{review}]", source=source) from None
        where = f"steps[{step.number - 1}]" if step is not None else "steps"
        raise SaveError(f"impossible game: {exc}", where=where, source=source) from None


def _learning_logs(doc: _SaveDoc, catalog: Catalog, steps: int, source: str | None) -> tuple[list[Review], list[Help]]:
    """The review and help logs of a save, checked for size and shape (the replay checks them against the rules)."""
    for name, log in (("reviews", doc.reviews), ("help", doc.help)):
        if len(log) > MAX_SAVED_REVIEWS:
            raise SaveError(f"more than {MAX_SAVED_REVIEWS} records", where=name, source=source)
    reviews = []
    for i, r in enumerate(doc.reviews):
        if not 0 <= r.after_step <= steps:
            raise SaveError(
                f"after_step {r.after_step} is not between 0 and {steps}",
                where=f"reviews[{i}].after_step",
                source=source,
            )
        if len(r.card) > 1000:
            raise SaveError("card id is too long", where=f"reviews[{i}].card", source=source)
        if len(r.answer) > len(catalog.concepts) or any(len(a) > 1000 for a in r.answer):
            raise SaveError("answer is too long", where=f"reviews[{i}].answer", source=source)
        reviews.append(Review(r.card, r.time, tuple(r.answer), r.after_step, False))
    helps = []
    for i, h in enumerate(doc.help):
        if not 0 <= h.after_step <= steps:
            raise SaveError(
                f"after_step {h.after_step} is not between 0 and {steps}", where=f"help[{i}].after_step", source=source
            )
        if len(h.inputs) > len(catalog.recipes) + 1:
            raise SaveError("more combinations than the catalog has recipes", where=f"help[{i}].inputs", source=source)
        for j, inputs in enumerate(h.inputs):
            _check_inputs(inputs, catalog, f"help[{i}].inputs[{j}]", source)
        if h.target is not None and h.target not in catalog.concepts:
            raise SaveError(f"unknown concept {h.target!r}", where=f"help[{i}].target", source=source)
        helps.append(Help(h.kind, h.time, h.after_step, tuple(tuple(sorted(x)) for x in h.inputs), h.target))
    return reviews, helps


def _renamed(doc: _SaveDoc, renames: Mapping[str, str]) -> _SaveDoc:
    """The save with the concept ids that packs have renamed (``[renames]``) replaced by their new ids."""
    if not renames:
        return doc

    def ids(values: list[str]) -> list[str]:
        return [renames.get(v, v) for v in values]

    def card(card_id: str) -> str:  # "kind:concept" or "fact:concept:key"
        kind, sep, rest = card_id.partition(":")
        cid, more, key = rest.partition(":")
        return f"{kind}{sep}{renames.get(cid, cid)}{more}{key}" if sep else card_id

    steps = [attrs.evolve(s, inputs=ids(s.inputs), new=ids(s.new)) for s in doc.steps]
    attempts = [attrs.evolve(a, inputs=ids(a.inputs)) for a in doc.attempts]
    reviews = [attrs.evolve(r, card=card(r.card), answer=ids(r.answer)) for r in doc.reviews]
    helps = [
        attrs.evolve(h, inputs=[ids(x) for x in h.inputs], target=renames.get(h.target, h.target) if h.target else None)
        for h in doc.help
    ]
    return attrs.evolve(doc, steps=steps, attempts=attempts, reviews=reviews, help=helps)


def _check_inputs(inputs: list[str], catalog: Catalog, where: str, source: str | None) -> None:
    if not MIN_INPUTS <= len(inputs) <= MAX_INPUTS:
        raise SaveError(
            f"a combination takes {MIN_INPUTS} to {MAX_INPUTS} concepts, got {len(inputs)}", where=where, source=source
        )
    for cid in inputs:
        if cid not in catalog.concepts:
            raise SaveError(f"unknown concept {cid!r}", where=where, source=source)


def _structure(data: Mapping[str, Any], source: str | None) -> _SaveDoc:
    if not isinstance(data, Mapping):
        raise SaveError(f"expected a table of save data, got {type(data).__name__}", source=source)
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SaveError("missing or non-integer format_version: this is not a craftcore save", source=source)
    if version > FORMAT_VERSION:
        raise SaveError(
            f"save format version {version} is newer than this craftcore reads ({FORMAT_VERSION}); upgrade craftcore",
            where="format_version",
            source=source,
        )
    if version < 1:
        raise SaveError(f"unknown save format version {version}", where="format_version", source=source)
    migrated = dict(data)
    while migrated["format_version"] < FORMAT_VERSION:
        migrated = MIGRATIONS[migrated["format_version"]](migrated)
    if migrated.get("game", "craftcore") != "craftcore":
        raise SaveError("this is not a craftcore save", where="game", source=source)
    try:
        doc = strict_converter.structure(migrated, _SaveDoc)
    except cattrs.BaseValidationError as exc:
        first = _problems_from_cattrs(exc, "", _ProblemMaker("save", None, None))[0]
        raise SaveError(first.message, where=first.key, source=source) from None
    for name, value in [
        ("started", doc.started),
        *((f"steps[{i}].time", s.time) for i, s in enumerate(doc.steps)),
        *((f"attempts[{i}].time", a.time) for i, a in enumerate(doc.attempts)),
        *((f"reviews[{i}].time", r.time) for i, r in enumerate(doc.reviews)),
        *((f"help[{i}].time", h.time) for i, h in enumerate(doc.help)),
    ]:
        if not math.isfinite(value):
            raise SaveError("time is not a finite number", where=name, source=source)
    if doc.played is not None and not (math.isfinite(doc.played) and doc.played >= 0):
        raise SaveError("played is not a finite number of seconds >= 0", where="played", source=source)
    return doc


def read_save(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and parse a save file (JSON, or TOML when named ``*.toml``), without trusting it.

    :raises SaveError: the file cannot be read, is too large, or is not valid JSON/TOML.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            raw = handle.read(MAX_SAVE_BYTES + 1)
    except OSError as exc:
        raise SaveError(f"cannot read save: {exc.strerror or exc}", source=name) from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"save is larger than {MAX_SAVE_BYTES} bytes", source=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SaveError("save is not UTF-8 text (corrupt or not a save)", source=name) from None
    try:
        if name.endswith(".toml"):
            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        kind = "TOML" if name.endswith(".toml") else "JSON"
        raise SaveError(f"save is not valid {kind} (truncated or corrupt): {exc}", source=name) from None
    if not isinstance(data, dict):
        raise SaveError("save is not a table of save data", source=name)
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def write_save(game: Game, path: str | os.PathLike[str], *, played: float | None = None) -> None:
    """Write a save atomically: a temporary file in the same folder, flushed to disk, then renamed over ``path``.

    A crash at any moment leaves either the old save or the new one, never a mix.
    """
    data = game_to_dict(game, played=played)
    if os.fspath(path).endswith(".toml"):
        payload = tomli_w.dumps(data).encode("utf-8")
    else:
        payload = (json.dumps(data, indent=1, allow_nan=False) + "\n").encode("utf-8")
    atomic_write(path, payload)

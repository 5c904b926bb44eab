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
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import cattrs
import tomli_w

from craftcore._atomic import atomic_write
from craftcore._controls import first_unsafe
from craftcore._errors import CraftError, SaveError, SaveWarning
from craftcore._help import Help
from craftcore._packfile import _ProblemMaker, _problems_from_cattrs
from craftcore._results import Attempt, Step
from craftcore._review import Review
from craftcore._rules import MAX_INPUTS, MIN_INPUTS
from craftcore._serialize import strict_converter, to_data
from craftcore._sources import NotRegularFile, read_regular_file

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
    missing = [(i, ref) for i, ref in enumerate(doc.packs) if ref.id not in loaded]
    if missing:
        _check_missing_packs(doc, missing, catalog, source)
    _check_times(doc, source)
    if len(doc.steps) > len(catalog.concepts):
        raise SaveError(
            f"{len(doc.steps)} steps, but only {len(catalog.concepts)} concepts exist", where="steps", source=source
        )
    if len(doc.attempts) > MAX_SAVED_ATTEMPTS:
        raise SaveError(f"more than {MAX_SAVED_ATTEMPTS} attempts", where="attempts", source=source)
    steps = []
    for i, s in enumerate(doc.steps):
        _check_inputs(s.inputs, catalog, f"steps[{i}].inputs", source)
        if not s.new:
            raise SaveError(
                "a step discovers at least one concept (a combination that discovered nothing is an attempt)",
                where=f"steps[{i}].new",
                source=source,
            )
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
        game = cls.from_log(
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
        tail = _missing_note(missing)
        if attempt is not None:
            raise SaveError(f"impossible attempt: {exc}{tail}", where=f"attempts[{attempt}]", source=source) from None
        review = getattr(exc, "review", None)
        if review is not None:
            raise SaveError(f"impossible review: {exc}", where=f"reviews[{review}]", source=source) from None
        where = f"steps[{step.number - 1}]" if step is not None else "steps"
        raise SaveError(f"impossible game: {exc}{tail}", where=where, source=source) from None
    _check_attempts_failed(game, source)
    if len(attempts) > max_attempts:  # never silently: saving this game again would lose the oldest ones
        warnings.warn(
            SaveWarning(
                f"{source or 'save'}: the save holds {len(attempts)} failed attempts; only the newest {max_attempts} "
                "are kept (raise max_attempts to keep them all)"
            ),
            stacklevel=3,
        )
    if missing:
        names = ", ".join(f"{ref.id!r} {ref.version!r}" for _, ref in missing)
        warnings.warn(
            SaveWarning(
                f"{source or 'save'}: played with pack {names}, which is not loaded; none of its concepts were used, "
                "so the game continues without it",
                packs=[ref.id for _, ref in missing],
            ),
            stacklevel=3,
        )
    return game


#: How far a save's times may go back (seconds): a system clock corrected by NTP can step back a little, and a
#: save must not become unloadable for that; anything more is an edited or corrupt save.
CLOCK_SLACK: Final = 3600.0
#: The plausible times (seconds since the epoch): from 1970 to the end of year 9999 (what dates can show).
TIME_RANGE: Final = (0.0, 253_402_300_799.0)


def _check_times(doc: _SaveDoc, source: str | None) -> None:
    """Every time in the range dates can show, and none before the game started or before the previous step."""
    low, high = TIME_RANGE

    def check(value: float, where: str, earliest: float, after: str) -> None:
        if not low <= value <= high:
            raise SaveError(f"time {value!r} is not a plausible date (1970 to 9999)", where=where, source=source)
        if value < earliest - CLOCK_SLACK:
            raise SaveError(f"time {value!r} goes back before {after}", where=where, source=source)

    check(doc.started, "started", low, "1970")
    previous, name = doc.started, "the start"
    for i, s in enumerate(doc.steps):
        check(s.time, f"steps[{i}].time", previous, name)
        previous, name = max(previous, s.time), f"steps[{i}]"
    for i, a in enumerate(doc.attempts):
        before = doc.steps[a.after_step - 1].time if 0 < a.after_step <= len(doc.steps) else doc.started
        check(a.time, f"attempts[{i}].time", before, "the step it followed")


def _check_missing_packs(
    doc: _SaveDoc, missing: list[tuple[int, _PackRef]], catalog: Catalog, source: str | None
) -> None:
    """Refuse a save that uses concepts of a pack that is not loaded, naming them and the pack."""
    used: dict[str, str] = {}
    for i, s in enumerate(doc.steps):
        for cid in [*s.inputs, *s.new]:
            if cid not in catalog.concepts:
                used.setdefault(cid, f"steps[{i}]")
    for i, a in enumerate(doc.attempts):
        for cid in a.inputs:
            if cid not in catalog.concepts:
                used.setdefault(cid, f"attempts[{i}]")
    if not used:
        return
    first_index, _ = missing[0]
    names = ", ".join(repr(c) for c in list(used)[:10]) + (f" and {len(used) - 10} more" if len(used) > 10 else "")
    raise SaveError(
        f"the game uses {names}, which no loaded pack defines{_missing_note(missing)}",
        where=f"packs[{first_index}]",
        source=source,
    )


def _missing_note(missing: list[tuple[int, _PackRef]]) -> str:
    if not missing:
        return ""
    packs = ", ".join(f"{ref.id!r} {ref.version!r}" for _, ref in missing)
    return (
        f"; it was played with pack {packs}, which is not loaded: install the distribution that provides it "
        "(pip install ...), or load its folder (craftcore --pack DIR, or load_catalog(DIR))"
    )


def _check_attempts_failed(game: Game, source: str | None) -> None:
    """Refuse an attempt that would have fired a recipe with what was discovered by then (it would not have been a
    failure: a save cannot claim it was)."""
    catalog, discovered = game.catalog, game.discovered
    for i, attempt in enumerate(game.attempts):
        for recipe in catalog.recipes_for(attempt.inputs):
            if all(q in discovered and discovered[q].step <= attempt.after_step for q in recipe.requires):
                raise SaveError(
                    f"{' + '.join(attempt.inputs)} fires a recipe after step {attempt.after_step}: it is not a "
                    "failed attempt",
                    where=f"attempts[{i}]",
                    source=source,
                )


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
        raise SaveError(f"expected a table of save data, got {type(data).__name__}", where="(top level)", source=source)
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SaveError(
            "missing or non-integer format_version: this is not a craftcore save", where="format_version", source=source
        )
    if version > FORMAT_VERSION:
        raise SaveError(
            f"save format version {min(version, 10**9)} is newer than this craftcore reads ({FORMAT_VERSION}); "
            "upgrade craftcore",
            where="format_version",
            source=source,
        )
    if version < 1:
        raise SaveError(f"unknown save format version {min(version, -1)}", where="format_version", source=source)
    migrated = dict(data)
    while migrated["format_version"] < FORMAT_VERSION:
        migrated = MIGRATIONS[migrated["format_version"]](migrated)
    if migrated.get("game", "craftcore") != "craftcore":
        raise SaveError("this is not a craftcore save", where="game", source=source)
    try:
        doc = strict_converter.structure(migrated, _SaveDoc)
    except cattrs.BaseValidationError as exc:
        first = _problems_from_cattrs(exc, "", _ProblemMaker("save", None, None))[0]
        raise SaveError(first.message, where=first.key or "(top level)", source=source) from None
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:  # a shape cattrs has no words for
        raise SaveError(f"unexpected value ({type(exc).__name__})", where="(top level)", source=source) from None
    for name, text in [
        *((f"packs[{i}].id", p.id) for i, p in enumerate(doc.packs)),
        *((f"packs[{i}].version", p.version) for i, p in enumerate(doc.packs)),
        *((f"attempts[{i}].hint", a.hint or "") for i, a in enumerate(doc.attempts)),
    ]:
        bad = first_unsafe(text)
        if bad is not None:
            raise SaveError(f"text holds the control character {bad!r}", where=name, source=source)
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
        raw = read_regular_file(name, MAX_SAVE_BYTES)
    except NotRegularFile as exc:
        raise SaveError(f"cannot read save: it {exc}", where="(file)", source=name) from None
    except OSError as exc:
        raise SaveError(
            f"cannot read save: {exc.strerror or type(exc).__name__}", where="(file)", source=name
        ) from None
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(f"save is larger than {MAX_SAVE_BYTES} bytes", where="(file)", source=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SaveError(
            f"save is not UTF-8 text at byte {exc.start} (corrupt or not a save)", where="(file)", source=name
        ) from None
    text = text.removeprefix("\ufeff")
    kind = "TOML" if name.endswith(".toml") else "JSON"
    try:
        if kind == "TOML":
            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError, MemoryError) as exc:
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc).splitlines()[0][:200]
        if isinstance(exc, RecursionError):
            reason = "nested too deep"
        raise SaveError(
            f"save is not valid {kind} (truncated or corrupt): {reason}", where="(file)", source=name
        ) from None
    if not isinstance(data, dict):
        raise SaveError("save is not a table of save data", where="(top level)", source=name)
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (JSON parsers disagree on which one wins: a save must not be read
    one way here and another way elsewhere)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"key {twice!r} is given twice")
    return data


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

"""Reading pack files: TOML text to :class:`~craftcore._model.Pack`, with every problem reported at once.

The ``*Table`` classes mirror the TOML layout documented in ``docs/pack-format.md``; they exist only here and are turned
into the model classes after structuring.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError, IterableValidationNote

from craftcore._controls import first_unsafe
from craftcore._model import (
    RESOURCE_KINDS,
    Category,
    Concept,
    GameInfo,
    Hint,
    LearningPath,
    Pack,
    PackInfo,
    PackTest,
    Recipe,
    Resource,
    Unlock,
)
from craftcore._problems import Problem, Severity, did_you_mean
from craftcore._rules import MAX_INPUTS, MAX_LEVEL, MIN_INPUTS, MIN_LEVEL
from craftcore._serialize import MAX_INT, PropertyValueType, strict_converter

__all__ = ["PackFile", "SourceFile", "SourceMap", "read_pack"]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SEMVER_PATTERN = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@attrs.define
class PackTable:
    id: str
    name: str
    version: str
    description: str
    requires: list[str] = attrs.Factory(list)


@attrs.define
class GameTable:
    title: str
    intro: str = ""


@attrs.define
class CategoryTable:
    name: str
    description: str


@attrs.define
class ResourceTable:
    title: str
    url: str
    kind: str


@attrs.define
class ConceptTable:
    name: str
    level: int
    category: str
    description: str
    start: bool = False
    aliases: list[str] = attrs.Factory(list)
    properties: dict[str, PropertyValueType] = attrs.Factory(dict)
    resources: list[ResourceTable] = attrs.Factory(list)


@attrs.define
class RecipeTable:
    inputs: list[str]
    outputs: list[str]
    requires: list[str] = attrs.Factory(list)
    why: str | None = None


@attrs.define
class PathTable:
    name: str
    description: str
    steps: list[str]


@attrs.define
class HintTable:
    inputs: list[str]
    text: str


@attrs.define
class UnlockTable:
    after: int
    outputs: list[str]


@attrs.define
class PackTestTable:
    """A ``[[tests]]`` table: one of the shapes listed in :data:`TEST_SHAPES`, with an optional ``name``."""

    name: str | None = None
    reachable: list[str] | None = None
    target: str | None = None
    max_steps: int | None = None
    path: str | None = None
    playable: bool | None = None
    inputs: list[str] | None = None
    fails: bool | None = None
    gives: list[str] | None = None
    hints_hide_outputs: bool | None = None


#: The keys of each kind of ``[[tests]]`` table (besides ``name``), for messages and docs.
TEST_SHAPES: dict[str, tuple[str, ...]] = {
    "reachable": ("reachable",),
    "max_steps": ("target", "max_steps"),
    "playable": ("path", "playable"),
    "fails": ("inputs", "fails"),
    "gives": ("inputs", "gives"),
    "hints": ("hints_hide_outputs",),
}


@attrs.define
class PackFile:
    """One TOML file of a pack, structured but not yet cross-checked."""

    pack: PackTable | None = None
    game: GameTable | None = None
    categories: dict[str, CategoryTable] = attrs.Factory(dict)
    concepts: dict[str, ConceptTable] = attrs.Factory(dict)
    recipes: list[RecipeTable] = attrs.Factory(list)
    paths: dict[str, PathTable] = attrs.Factory(dict)
    hints: list[HintTable] = attrs.Factory(list)
    unlocks: list[UnlockTable] = attrs.Factory(list)
    tests: list[PackTestTable] = attrs.Factory(list)
    renames: dict[str, str] = attrs.Factory(dict)


# --------------------------------------------------------------------------------------------------------------------
# Locating keys in TOML text (tomllib keeps no positions, so a light scan finds the line a key path is defined on).


class _Locator:
    """Maps key paths such as ``concepts.x.level`` or ``recipes[2].inputs`` to 1-based line numbers."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'.]+)\s*=")

    def __init__(self, text: str) -> None:
        self._text = text
        self._tables: dict[str, int] | None = None
        self._keys: dict[str, int] = {}

    @property
    def tables(self) -> dict[str, int]:
        """Table header (or inline-table key) -> line; scanned on first use only, since most loads need no lines."""
        if self._tables is None:
            self._scan()
        assert self._tables is not None
        return self._tables

    def _scan(self) -> None:
        tables: dict[str, int] = {}
        self._tables = tables
        keys = self._keys
        counts: dict[str, int] = {}
        current = ""
        for number, raw in enumerate(self._text.splitlines(), start=1):
            header = self._HEADER.match(raw)
            if header:
                name = _unquote_dotted(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    name = f"{name}[{index}]"
                current = name
                tables.setdefault(current, number)
                continue
            key = self._KEY.match(raw)
            if key:
                full = f"{current}.{_unquote_dotted(key.group(1))}" if current else _unquote_dotted(key.group(1))
                keys.setdefault(full, number)
                # inline tables: concepts.x = { ... } registers the table at this line too
                tables.setdefault(full, number)

    def line_of(self, key: str) -> int | None:
        tables, keys = self.tables, self._keys
        probe = key
        while probe:
            if probe in keys:
                return keys[probe]
            if probe in tables:
                return tables[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return None


def _unquote_dotted(name: str) -> str:
    parts = [p.strip().strip("\"'") for p in name.split(".")]
    return ".".join(parts)


# --------------------------------------------------------------------------------------------------------------------
# Turning cattrs' error tree into problems.


def _problems_from_cattrs(exc: BaseException, path: str, make: _ProblemMaker) -> list[Problem]:
    if isinstance(exc, ForbiddenExtraKeysError):
        fields = [a.name for a in attrs.fields(exc.cl)]
        out = []
        for extra in sorted(exc.extra_fields):
            key = _join(path, extra)
            out.append(make("unknown-key", f"unknown key {extra!r}", key, did_you_mean(extra, fields)))
        return out
    if isinstance(exc, BaseExceptionGroup):
        out = []
        for inner in exc.exceptions:
            sub = path
            for note in getattr(inner, "__notes__", ()):
                if isinstance(note, IterableValidationNote):
                    sub = f"{path}[{note.index}]" if isinstance(note.index, int) else _join(path, str(note.index))
                elif hasattr(note, "name") and isinstance(note.name, str):
                    sub = _join(path, note.name)
            out.extend(_problems_from_cattrs(inner, sub, make))
        return out
    if isinstance(exc, KeyError):
        return [make("missing-key", "required key is missing", path, ())]
    message = str(exc) or type(exc).__name__
    return [make("wrong-type", message, path, ())]


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _join(path: str, name: str) -> str:
    """A key path, with a key that is not a bare TOML key quoted (so an empty or odd key still names a place)."""
    if not _BARE_KEY.match(name):
        name = json.dumps(name, ensure_ascii=True)
    return f"{path}.{name}" if path else name


class _ProblemMaker:
    def __init__(self, file: str, pack: str | None, locator: _Locator | None) -> None:
        self.file, self.pack, self.locator = file, pack, locator

    def __call__(
        self, code: str, message: str, key: str | None, suggestions: Sequence[str] = (), severity: Severity = "error"
    ) -> Problem:
        line = self.locator.line_of(key) if (self.locator and key) else None
        return Problem(
            severity=severity,
            code=code,
            message=message,
            pack=self.pack,
            file=self.file,
            key=key,
            line=line,
            suggestions=tuple(suggestions),
        )


# --------------------------------------------------------------------------------------------------------------------


@attrs.frozen
class SourceFile:
    """The text of one pack file and the name to use for it in messages."""

    name: str
    text: str


def read_pack(
    files: Sequence[SourceFile], *, source: str, location: str, distribution: str | None = None
) -> tuple[Pack | None, list[Problem], SourceMap]:
    """Parse and structure the files of one pack.

    :returns: the pack (``None`` when it has no usable ``[pack]`` table), every problem found in it, and where each
        definition came from. Problems that need other packs (unknown ids, reachability) are found later, by
        :mod:`craftcore._checks`.
    """
    problems: list[Problem] = []
    broken: set[tuple[str, str]] = set()
    head: tuple[SourceFile, PackTable, _Locator] | None = None
    builder: _PackBuilder | None = None
    waiting: list[tuple[PackFile, SourceFile, _Locator]] = []  # content read before the [pack] table
    for source_file in files:  # one file at a time, so only one file's raw TOML is in memory at once
        locator = _Locator(source_file.text)
        data = _parse(source_file, problems)
        if data is None:
            continue
        if "\\" in source_file.text:  # control characters can only come from escapes in TOML strings
            _control_characters(data, "", _ProblemMaker(source_file.name, None, locator), problems)
        document = _structure_document(data, _ProblemMaker(source_file.name, None, locator), problems, broken)
        del data
        if document.pack is not None:
            if head is None:
                head = (source_file, document.pack, locator)
                builder = _PackBuilder(document.pack.id)
            else:
                problems.append(
                    Problem(
                        "error",
                        "duplicate-pack-table",
                        f"a second [pack] table (the first is in {head[0].name})",
                        file=source_file.name,
                        key="pack",
                        line=locator.line_of("pack"),
                    )
                )
        if builder is None:
            waiting.append((document, source_file, locator))
            continue
        for doc, file, loc in [*waiting, (document, source_file, locator)]:
            builder.add(doc, _ProblemMaker(file.name, builder.pack_id, loc), problems)
        waiting.clear()
    if head is None or builder is None:
        if not problems:
            problems.append(
                Problem(
                    "error",
                    "missing-pack-table",
                    "no [pack] table: pack.toml must declare the pack",
                    file=files[0].name if files else location,
                    key="pack",
                )
            )
        return None, problems, SourceMap()
    head_file, table, head_loc = head
    pack_id = table.id
    problems = [p if p.pack else attrs.evolve(p, pack=pack_id) for p in problems]
    make_head = _ProblemMaker(head_file.name, pack_id, head_loc)
    if not ID_PATTERN.match(pack_id):
        problems.append(make_head("bad-id", f"pack id {pack_id!r} is not lowercase snake_case", "pack.id"))
    if not SEMVER_PATTERN.match(table.version):
        problems.append(
            make_head(
                "bad-version",
                f"version {table.version!r} is not a semantic version (MAJOR.MINOR.PATCH)",
                "pack.version",
            )
        )
    info = PackInfo(
        id=pack_id,
        name=table.name,
        version=table.version,
        description=table.description,
        requires=tuple(table.requires),
        source=source,
        location=location,
        distribution=distribution,
    )
    builder.sources.broken |= broken
    return builder.build(info), problems, builder.sources


_TABLES: dict[str, type] = {"categories": CategoryTable, "concepts": ConceptTable, "paths": PathTable}
_ARRAYS: dict[str, type] = {
    "recipes": RecipeTable,
    "hints": HintTable,
    "unlocks": UnlockTable,
    "tests": PackTestTable,
}


def _structure_document(
    data: dict[str, Any], make: _ProblemMaker, problems: list[Problem], broken: set[tuple[str, str]]
) -> PackFile:
    """Structure one file entry by entry, so one bad concept does not hide the rest of the file.

    Entries that fail are left out and their ids remembered in ``broken`` (so references to them are not reported
    again as unknown).
    """
    document = PackFile()
    fields = [a.name for a in attrs.fields(PackFile)]
    for key in data:
        if key not in fields:
            problems.append(make("unknown-key", f"unknown table {key!r}", _join("", key), did_you_mean(key, fields)))

    def structure(value: Any, cls: type, path: str) -> Any:
        fast = _fast_structure(value, cls)
        if fast is not None:
            return fast
        if not isinstance(value, dict):
            problems.append(make("wrong-type", f"expected a table, got {_type_name(value)}", path))
            return None
        value = _known_keys(value, cls, path, make, problems)
        try:
            return strict_converter.structure(value, cls)
        except cattrs.BaseValidationError as exc:
            problems.extend(_problems_from_cattrs(exc, path, make))
        except (TypeError, ValueError, AttributeError, RecursionError) as exc:  # a shape cattrs has no words for
            problems.append(make("wrong-type", f"unexpected value: {type(exc).__name__}", path))
        return None

    if "pack" in data:
        document.pack = structure(data["pack"], PackTable, "pack")
    if "game" in data:
        document.game = structure(data["game"], GameTable, "game")
    if "renames" in data:
        renames = data["renames"]
        if not isinstance(renames, dict):
            problems.append(make("wrong-type", 'renames must be a table of old_id = "new_id"', "renames"))
        else:
            for old, new in renames.items():
                if isinstance(new, str):
                    document.renames[old] = new
                else:
                    problems.append(make("wrong-type", "expected the new id, a string", f"renames.{old}"))
    for kind, cls in _TABLES.items():
        entries = data.get(kind, {})
        if not isinstance(entries, dict):
            problems.append(make("wrong-type", f"{kind} must be a table of tables", kind))
            continue
        for ident, entry in entries.items():
            value = structure(entry, cls, f"{kind}.{ident}") if isinstance(entry, dict) else None
            if not isinstance(entry, dict):
                problems.append(make("wrong-type", "expected a table", f"{kind}.{ident}"))
            if value is None:
                broken.add((kind, ident))
            else:
                getattr(document, kind)[ident] = value
    for kind, cls in _ARRAYS.items():
        items = data.get(kind, [])
        if not isinstance(items, list):
            problems.append(make("wrong-type", f"{kind} must be an array of tables ([[{kind}]])", kind))
            continue
        for i, item in enumerate(items):
            value = structure(item, cls, f"{kind}[{i}]")
            if value is not None:
                getattr(document, kind).append(value)
            else:
                broken.add((kind, "*"))
    return document


def _control_characters(value: Any, path: str, make: _ProblemMaker, problems: list[Problem]) -> None:
    """Report every string (key or value) holding a control character: pack text reaches terminals, where an escape
    sequence or a carriage return could rewrite what is shown."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            bad = first_unsafe(item)
            if bad is not None:
                problems.append(make("control-character", f"text holds the control character {bad!r}", where or None))
        elif isinstance(item, dict):
            for key, sub in item.items():
                full = _join(where, key)
                if first_unsafe(key) is not None:
                    problems.append(make("control-character", f"key {key!r} holds a control character", full))
                stack.append((sub, full))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}[{i}]") for i, sub in enumerate(item))


def _known_keys(value: dict[str, Any], cls: type, path: str, make: _ProblemMaker, problems: list[Problem]) -> Any:
    """``value`` without the keys ``cls`` does not have (and those of its resource tables), each reported: an
    unknown key is an error, but the entry's other keys are still checked, so every problem shows in one pass."""
    fields = [a.name for a in attrs.fields(cls)]
    known = {}
    for key, item in value.items():
        if key in fields:
            known[key] = item
        else:
            problems.append(make("unknown-key", f"unknown key {key!r}", _join(path, key), did_you_mean(key, fields)))
    resources = known.get("resources")
    if cls is ConceptTable and isinstance(resources, list):
        known["resources"] = [
            _known_keys(r, ResourceTable, f"{path}.resources[{i}]", make, problems) if isinstance(r, dict) else r
            for i, r in enumerate(resources)
        ]
    return known


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "an array"}
    return names.get(type(value), "a date or time" if hasattr(value, "isoformat") else type(value).__name__)


#: For the fast path: per table class, the required and the optional keys with their exact types.
_SHAPES: dict[type, tuple[dict[str, type], dict[str, type]]] = {
    PackTable: ({"id": str, "name": str, "version": str, "description": str}, {"requires": list}),
    GameTable: ({"title": str}, {"intro": str}),
    CategoryTable: ({"name": str, "description": str}, {}),
    ConceptTable: (
        {"name": str, "level": int, "category": str, "description": str},
        {"start": bool, "aliases": list, "properties": dict, "resources": list},
    ),
    PathTable: ({"name": str, "description": str, "steps": list}, {}),
    HintTable: ({"inputs": list, "text": str}, {}),
    UnlockTable: ({"after": int, "outputs": list}, {}),
    PackTestTable: (
        {},
        {
            "name": str,
            "reachable": list,
            "target": str,
            "max_steps": int,
            "path": str,
            "playable": bool,
            "inputs": list,
            "fails": bool,
            "gives": list,
            "hints_hide_outputs": bool,
        },
    ),
}
_RESOURCE_KEYS = frozenset({"title", "url", "kind"})


def _fast_structure(value: Any, cls: type) -> Any:
    """Build a table object straight from well-formed TOML data, or return ``None`` to let cattrs find the errors.

    Nearly every entry of a real pack is well-formed, and checking exact types by hand is several times faster than
    the general converter; anything unusual takes the slow path, which reports every problem.
    """
    if type(value) is not dict:
        return None
    if cls is RecipeTable:
        return _fast_recipe(value)
    required, optional = _SHAPES[cls]
    if len(value) < len(required):
        return None
    for key, item in value.items():
        expected = required.get(key) or optional.get(key)
        if expected is None or type(item) is not expected:
            return None
        if expected is int and not -MAX_INT <= item <= MAX_INT:  # type: ignore[operator]
            return None
        if expected is list and key != "resources" and not all(type(x) is str for x in item):  # type: ignore[attr-defined]
            return None
    if any(key not in value for key in required):
        return None
    if cls is ConceptTable:
        props = value.get("properties")
        if props:
            converted: dict[str, Any] = {}
            for key, item in props.items():
                kind = type(item)
                if (
                    kind is str
                    or (kind is int and -MAX_INT <= item <= MAX_INT)
                    or (kind is float and math.isfinite(item))
                ):
                    converted[key] = item
                elif kind is list and all(type(x) is str for x in item):
                    converted[key] = tuple(item)
                else:
                    return None
            value = {**value, "properties": converted}
        resources = value.get("resources")
        if resources:
            if not all(
                type(r) is dict and r.keys() == _RESOURCE_KEYS and all(type(x) is str for x in r.values())
                for r in resources
            ):
                return None
            value = {**value, "resources": [ResourceTable(**r) for r in resources]}
    return cls(**value)


_RECIPE_KEYS = frozenset({"inputs", "outputs", "requires", "why"})


def _fast_recipe(value: dict[str, Any]) -> RecipeTable | None:
    inputs, outputs = value.get("inputs"), value.get("outputs")
    requires, why = value.get("requires", []), value.get("why")
    if (
        type(inputs) is not list
        or type(outputs) is not list
        or type(requires) is not list
        or (why is not None and type(why) is not str)
        or not value.keys() <= _RECIPE_KEYS
    ):
        return None
    for x in inputs:
        if type(x) is not str:
            return None
    for x in outputs:
        if type(x) is not str:
            return None
    for x in requires:
        if type(x) is not str:
            return None
    return RecipeTable(inputs, outputs, requires, why)


#: Deepest nesting of arrays and inline tables read (a pack needs three levels; the parser itself recurses).
MAX_NESTING: Final = 32


def _parse(source_file: SourceFile, problems: list[Problem]) -> dict[str, Any] | None:
    """The TOML document of one file, or ``None`` with the problem recorded (never an exception)."""
    text, name = source_file.text, source_file.name
    if text.startswith("\ufeff"):  # a byte order mark some editors write: harmless, so skip it
        text = text[1:]
    depth = _nesting(text)
    if depth is not None:
        problems.append(
            Problem(
                "error",
                "too-deep",
                f"arrays or tables nested more than {MAX_NESTING} deep",
                file=name,
                line=text.count("\n", 0, depth) + 1,
            )
        )
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(_syntax_problem(name, exc, text))
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. an integer of more than 4,300 digits
        message = "a number has too many digits" if "digits" in str(exc) else _first_line(str(exc))
        problems.append(Problem("error", "toml-syntax", f"invalid TOML: {message}", file=name))
    return None


def _nesting(text: str) -> int | None:
    """The offset where brackets first nest deeper than :data:`MAX_NESTING`, or ``None``.

    A cheap over-estimate (brackets inside multi-line strings count too) that looks only at brackets, quotes, comments
    and line ends, and only in text with that many opening brackets in the first place.
    """
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return None
    depth = 0
    quote = ""
    skip_to = -1
    for match in _SPECIAL.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        ch = match.group()
        if quote:
            if ch == "\n" or ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                skip_to = at + 2  # an escaped character
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return at
        elif ch in "]}":
            depth = max(0, depth - 1)
    return None


_SPECIAL = re.compile(r"[\[\]{}\"'#\n\\]")


def _first_line(message: str) -> str:
    head = message.splitlines()[0] if message else "unreadable"
    return head[:200]


def _syntax_problem(name: str, exc: tomllib.TOMLDecodeError, text: str = "") -> Problem:
    message = str(exc)
    line = column = None
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    end = re.search(r"\(at end of document\)", message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()].strip()
    elif end:  # point at the last line, so the message always has one
        message = message[: end.start()].strip() + " (at the end of the file)"
        line = text.count("\n") + (0 if text.endswith("\n") else 1) or 1
        column = len(text) - (text.rfind("\n") + 1) + 1 if not text.endswith("\n") else 1
    elif getattr(exc, "lineno", None):  # Python 3.14 adds positions to the exception
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    return Problem(
        "error", "toml-syntax", f"invalid TOML: {message[:1].lower()}{message[1:]}", file=name, line=line, column=column
    )


@attrs.define
class SourceMap:
    """Where each definition of a pack came from, so later checks can point at file, key and line."""

    locators: dict[str, _Locator] = attrs.Factory(dict)
    #: (kind, id) of entries that failed to structure: they exist, but are left out of the pack.
    broken: set[tuple[str, str]] = attrs.Factory(set)
    #: (kind, id) -> (file, key path inside that file), for tables of tables (concepts, categories, paths)
    places: dict[tuple[str, str], tuple[str, str]] = attrs.Factory(dict)
    #: kind -> [(first index, file)] for arrays of tables (recipes, hints, unlocks), in index order
    ranges: dict[str, list[tuple[int, str]]] = attrs.Factory(dict)

    def locate(self, kind: str, ident: str, sub: str = "") -> tuple[str | None, str | None, int | None]:
        """``(file, key, line)`` of a definition, or of one of its keys when ``sub`` is given."""
        place = self.places.get((kind, ident)) if kind not in _ARRAYS else self._array_place(kind, int(ident))
        if place is None:
            return None, None, None
        file, key = place
        full = f"{key}.{sub}" if sub else key
        locator = self.locators.get(file)
        return file, full, locator.line_of(full) if locator else None

    def to_data(self) -> dict[str, Any]:
        """The places as plain data (for the compiled cache; the locators are rebuilt from the files' text)."""
        return {
            "broken": sorted([list(b) for b in self.broken]),
            "places": [[kind, ident, file, key] for (kind, ident), (file, key) in self.places.items()],
            "ranges": {kind: [[first, file] for first, file in spans] for kind, spans in self.ranges.items()},
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SourceMap:
        """The inverse of :meth:`to_data` (without locators: see :meth:`with_locators`).

        :raises TypeError, ValueError, KeyError: on data of the wrong shape.
        """
        places = {(str(k), str(i)): (str(f), str(key)) for k, i, f, key in data["places"]}
        ranges = {
            str(kind): [(int(first), str(file)) for first, file in spans] for kind, spans in data["ranges"].items()
        }
        broken = {(str(k), str(i)) for k, i in data["broken"]}
        return cls(places=places, ranges=ranges, broken=broken)

    def with_locators(self, texts: Mapping[str, str]) -> SourceMap:
        """This map, with line locators over the given file texts (file name -> text) of the files it names."""
        files = {f for f, _ in self.places.values()} | {f for spans in self.ranges.values() for _, f in spans}
        locators = {f: _Locator(texts[f]) for f in files if f in texts}
        return SourceMap(locators=locators, broken=set(self.broken), places=dict(self.places), ranges=dict(self.ranges))

    def _array_place(self, kind: str, index: int) -> tuple[str, str] | None:
        found = None
        for first, file in self.ranges.get(kind, ()):
            if first > index:
                break
            found = (file, f"{kind}[{index - first}]")
        return found


@attrs.define
class _PackBuilder:
    pack_id: str
    categories: list[Category] = attrs.Factory(list)
    concepts: list[Concept] = attrs.Factory(list)
    recipes: list[Recipe] = attrs.Factory(list)
    paths: list[LearningPath] = attrs.Factory(list)
    hints: list[Hint] = attrs.Factory(list)
    unlocks: list[Unlock] = attrs.Factory(list)
    tests: list[PackTest] = attrs.Factory(list)
    renames: dict[str, str] = attrs.Factory(dict)
    game: GameInfo | None = None
    sources: SourceMap = attrs.Factory(SourceMap)
    #: One string object per id: the TOML parser makes a new string for every occurrence of an id, and a big world
    #: mentions each id in many recipes.
    names: dict[str, str] = attrs.Factory(dict)

    def _ids(self, values: list[str]) -> tuple[str, ...]:
        canon = self.names
        return tuple([canon.setdefault(v, v) for v in values])

    def _define(self, kind: str, ident: str, make: _ProblemMaker, problems: list[Problem]) -> bool:
        key = f"{kind}.{ident}"
        if not ID_PATTERN.match(ident):
            problems.append(make("bad-id", f"id {ident!r} is not lowercase snake_case", key))
        if (kind, ident) in self.sources.places:
            first_file, _, first_line = self.sources.locate(kind, ident)
            where = f"{first_file}:{first_line}" if first_line else str(first_file)
            problems.append(make("duplicate-id", f"{kind[:-1]} {ident!r} is defined twice (also in {where})", key))
            return False
        self.sources.places[(kind, ident)] = (make.file, key)
        return True

    def _start_range(self, kind: str, first: int, make: _ProblemMaker) -> None:
        self.sources.ranges.setdefault(kind, []).append((first, make.file))

    def add(self, doc: PackFile, make: _ProblemMaker, problems: list[Problem]) -> None:
        pid = self.pack_id
        if make.locator is not None:
            self.sources.locators[make.file] = make.locator
        if doc.game is not None:
            if self.game is not None:
                problems.append(
                    make("duplicate-game-table", "a second [game] table (a pack declares one game)", "game")
                )
            elif not doc.game.title.strip():
                problems.append(make("bad-value", "the game's title cannot be empty", "game.title"))
            else:
                self.game = GameInfo(title=doc.game.title.strip(), intro=doc.game.intro.strip(), pack=pid)
        for cid, cat in doc.categories.items():
            if self._define("categories", cid, make, problems):
                self.categories.append(Category(id=cid, name=cat.name, description=cat.description, pack=pid))
        for cid, con in doc.concepts.items():
            cid = self.names.setdefault(cid, cid)
            if self._define("concepts", cid, make, problems):
                self.concepts.append(self._concept(cid, con, make, problems))
        self._start_range("recipes", len(self.recipes), make)
        recipes = self.recipes
        for i, rec in enumerate(doc.recipes):
            n_inputs, outputs, requires = len(rec.inputs), rec.outputs, rec.requires
            if not MIN_INPUTS <= n_inputs <= MAX_INPUTS:
                problems.append(
                    make(
                        "bad-arity",
                        f"a recipe takes {MIN_INPUTS} to {MAX_INPUTS} inputs, this one has {n_inputs}",
                        f"recipes[{i}].inputs",
                    )
                )
            if not outputs:
                problems.append(make("bad-arity", "a recipe needs at least one output", f"recipes[{i}].outputs"))
            recipes.append(
                Recipe(
                    self._ids(rec.inputs),
                    self._ids(list(dict.fromkeys(outputs))),
                    pid,
                    self._ids(list(dict.fromkeys(requires))) if requires else (),
                    rec.why,
                    len(recipes),
                )
            )
        for path_id, path in doc.paths.items():
            if self._define("paths", path_id, make, problems):
                self.paths.append(
                    LearningPath(
                        id=path_id, name=path.name, description=path.description, steps=tuple(path.steps), pack=pid
                    )
                )
        self._start_range("hints", len(self.hints), make)
        for i, hint in enumerate(doc.hints):
            if not MIN_INPUTS <= len(hint.inputs) <= MAX_INPUTS:
                problems.append(
                    make("bad-arity", f"a hint names {MIN_INPUTS} to {MAX_INPUTS} inputs", f"hints[{i}].inputs")
                )
            self.hints.append(Hint(inputs=tuple(hint.inputs), text=hint.text, pack=pid, index=len(self.hints)))
        self._start_range("unlocks", len(self.unlocks), make)
        for i, unlock in enumerate(doc.unlocks):
            if unlock.after < 1:
                problems.append(make("bad-value", "after must be at least 1", f"unlocks[{i}].after"))
            self.unlocks.append(
                Unlock(after=unlock.after, outputs=tuple(unlock.outputs), pack=pid, index=len(self.unlocks))
            )
        self._start_range("tests", len(self.tests), make)
        for i, table in enumerate(doc.tests):
            test = _pack_test(table, pid, f"tests[{i}]", make, problems)
            if test is not None:
                self.tests.append(test)
        for old, new in doc.renames.items():
            if self._define("renames", old, make, problems):
                if not ID_PATTERN.match(new):
                    problems.append(make("bad-id", f"id {new!r} is not lowercase snake_case", f"renames.{old}"))
                elif new == old:
                    problems.append(make("bad-value", f"{old!r} is renamed to itself", f"renames.{old}"))
                self.renames[old] = new

    def _concept(self, cid: str, con: ConceptTable, make: _ProblemMaker, problems: list[Problem]) -> Concept:
        if not MIN_LEVEL <= con.level <= MAX_LEVEL:
            problems.append(
                make("bad-level", f"level {con.level} is outside {MIN_LEVEL}..{MAX_LEVEL}", f"concepts.{cid}.level")
            )
        aliases = []
        for i, alias in enumerate(con.aliases):
            if not alias.strip():
                problems.append(make("bad-value", "an alias cannot be empty", f"concepts.{cid}.aliases[{i}]"))
            else:
                aliases.append(alias.strip())
        resources = []
        for i, res in enumerate(con.resources):
            key = f"concepts.{cid}.resources[{i}]"
            if res.kind not in RESOURCE_KINDS:
                problems.append(
                    make(
                        "bad-value",
                        f"resource kind {res.kind!r} is not one of " + ", ".join(RESOURCE_KINDS),
                        f"{key}.kind",
                        did_you_mean(res.kind, RESOURCE_KINDS),
                    )
                )
            if not URL_PATTERN.match(res.url):
                problems.append(make("bad-url", f"{res.url!r} is not an http(s) URL", f"{key}.url"))
            resources.append(Resource(title=res.title, url=res.url, kind=res.kind))  # type: ignore[arg-type]
        for prop in con.properties:
            if not ID_PATTERN.match(prop):
                problems.append(
                    make(
                        "bad-id",
                        f"property key {prop!r} is not lowercase snake_case",
                        f"concepts.{cid}.properties.{prop}",
                        severity="warning",
                    )
                )
        return Concept(
            id=cid,
            name=con.name,
            level=con.level,
            category=con.category,
            description=con.description,
            pack=self.pack_id,
            start=con.start,
            properties=con.properties,
            resources=tuple(resources),
            aliases=tuple(aliases),
        )

    def build(self, info: PackInfo) -> Pack:
        return Pack(
            info=info,
            categories=tuple(self.categories),
            concepts=tuple(self.concepts),
            recipes=tuple(self.recipes),
            paths=tuple(self.paths),
            hints=tuple(self.hints),
            unlocks=tuple(self.unlocks),
            game=self.game,
            tests=tuple(self.tests),
            renames=self.renames,
        )


def _pack_test(
    table: PackTestTable, pack_id: str, key: str, make: _ProblemMaker, problems: list[Problem]
) -> PackTest | None:
    """The test a ``[[tests]]`` table states, or ``None`` (with a problem) when its keys fit no kind of test."""
    given = {a.name for a in attrs.fields(PackTestTable) if a.name != "name" and getattr(table, a.name) is not None}
    kind = next((k for k, keys in TEST_SHAPES.items() if given == set(keys)), None)
    line = make.locator.line_of(key) if make.locator else None
    if kind is None:
        shapes = "; ".join("{" + ", ".join(keys) + "}" for keys in TEST_SHAPES.values())
        have = ", ".join(sorted(given)) or "no test keys"
        problems.append(make("bad-test", f"a test has one of the shapes {shapes}; this one has {have}", key))
        return None
    bad = None
    if kind in ("playable", "fails", "hints") and getattr(table, TEST_SHAPES[kind][-1]) is not True:
        bad = f"{TEST_SHAPES[kind][-1]} can only be true (leave the test out instead)"
    elif kind == "reachable" and not table.reachable:
        bad = "reachable lists no concept"
    elif kind == "gives" and not table.gives:
        bad = "gives lists no concept (to test that a combination gives nothing, use fails = true)"
    elif kind == "max_steps" and table.max_steps is not None and table.max_steps < 0:
        bad = "max_steps cannot be negative"
    elif table.inputs is not None and not MIN_INPUTS <= len(table.inputs) <= MAX_INPUTS:
        bad = f"a combination takes {MIN_INPUTS} to {MAX_INPUTS} inputs, this one has {len(table.inputs)}"
    if bad is not None:
        problems.append(make("bad-test", bad, key))
        return None
    return PackTest(
        kind=kind,  # type: ignore[arg-type]
        pack=pack_id,
        concepts=tuple(table.reachable or table.gives or ()),
        target=table.target,
        max_steps=table.max_steps,
        path=table.path,
        inputs=tuple(table.inputs or ()),
        name=table.name,
        file=make.file,
        key=key,
        line=line,
    )

"""Route codes: a short, copyable text holding a solved challenge (the packs, the start, the targets and the steps).

Layout: ``CC1-`` then base32 (RFC 4648, without padding; read in any case, spaces and line breaks ignored) of a
zlib-compressed compact JSON document followed by the first 4 bytes of its SHA-256. A code is untrusted input: its
length is bounded before decoding, the checksum is checked before decompressing, decompression stops at a fixed
size (no zip bomb), and the document is checked field by field. Every failure is a :class:`RouteCodeError` whose
``reason`` says which check failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from typing import TYPE_CHECKING, Any, Final

import attrs

from craftcore._errors import RouteCodeError
from craftcore._rules import MAX_INPUTS, MIN_INPUTS

if TYPE_CHECKING:
    from craftcore._catalog import Catalog

__all__ = [
    "CODE_PREFIX",
    "MAX_CODE_CHARS",
    "MAX_ROUTE_STEPS",
    "Route",
    "content_hash",
    "decode_route",
    "encode_route",
]

#: What every code of this layout starts with (``1`` is the layout version).
CODE_PREFIX: Final = "CC1-"
#: Longest code read (characters, before anything is decoded).
MAX_CODE_CHARS: Final = 8192
#: Largest document a code may decompress to (bytes).
MAX_DOCUMENT_BYTES: Final = 64 * 1024
#: Most steps a route may hold.
MAX_ROUTE_STEPS: Final = 2000
_CHECK: Final = 4
_ID: Final = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_VERSION: Final = re.compile(r"^[0-9A-Za-z.+_-]{1,50}$")
_DATE: Final = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@attrs.frozen
class Route:
    """A solved challenge, as a route code holds it."""

    #: ``(id, version)`` of every pack played with.
    packs: tuple[tuple[str, str], ...]
    #: :func:`content_hash` of the catalog played on.
    content: str
    #: The start concepts.
    start: tuple[str, ...]
    targets: tuple[str, ...]
    #: The combinations, in order (each sorted).
    steps: tuple[tuple[str, ...], ...]
    #: Hints and plans the player was given on the way.
    hints: int = 0
    #: The daily challenge's date (``YYYY-MM-DD``), for a daily route.
    date: str | None = None


def content_hash(catalog: Catalog) -> str:
    """A short digest of what decides a replay: the start, the concepts, the recipes and the unlocks."""
    cached = catalog._index.cache.get("content_hash")
    if isinstance(cached, str):
        return cached
    rules = {
        "start": list(catalog.starts),
        "concepts": sorted(catalog.concepts),
        "recipes": sorted([list(r.inputs), list(r.outputs), list(r.requires)] for r in catalog.recipes),
        "unlocks": sorted([u.after, list(u.outputs)] for u in catalog.unlocks),
    }
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
    catalog._index.cache["content_hash"] = digest
    return digest


def encode_route(route: Route) -> str:
    """The route's code."""
    doc: dict[str, Any] = {
        "p": [list(p) for p in route.packs],
        "c": route.content,
        "s": list(route.start),
        "t": list(route.targets),
        "r": [list(s) for s in route.steps],
    }
    if route.hints:
        doc["n"] = route.hints
    if route.date is not None:
        doc["d"] = route.date
    body = zlib.compress(json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii"), 9)
    raw = body + hashlib.sha256(body).digest()[:_CHECK]
    return CODE_PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=")


def decode_route(code: str) -> Route:
    """Read a route code (untrusted input), checking everything but whether it fits a catalog.

    :raises RouteCodeError: with the ``reason`` of the first check that failed.
    """
    if not isinstance(code, str):
        raise RouteCodeError("format", f"a route code is text, not {type(code).__name__}")
    if len(code) > MAX_CODE_CHARS:
        raise RouteCodeError("too-long", f"a route code has at most {MAX_CODE_CHARS} characters, got {len(code)}")
    text = "".join(code.split())
    match = re.match(r"^CC([0-9]+)-", text, re.IGNORECASE)
    if match is None:
        raise RouteCodeError("format", f"not a craftcore route code (it starts with {CODE_PREFIX!r})")
    if match.group(1) != CODE_PREFIX[2:-1]:
        raise RouteCodeError(
            "version", f"route code layout {match.group(1)[:10]} is not one this craftcore reads ({CODE_PREFIX})"
        )
    payload = text[match.end() :].upper()
    try:
        raw = base64.b32decode(payload + "=" * (-len(payload) % 8))
    except (binascii.Error, ValueError):
        raise RouteCodeError(
            "encoding", "the code has characters a route code never holds, or a wrong length (copied in part?)"
        ) from None
    if len(raw) <= _CHECK:
        raise RouteCodeError("truncated", "the code is too short: it was cut off")
    body, check = raw[:-_CHECK], raw[-_CHECK:]
    if hashlib.sha256(body).digest()[:_CHECK] != check:
        raise RouteCodeError(
            "checksum", "the code is damaged: its checksum does not match (a character changed or is missing)"
        )
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(body, MAX_DOCUMENT_BYTES)
    except zlib.error as exc:
        raise RouteCodeError("data", f"the code's content is not compressed data: {exc}") from None
    if inflater.unconsumed_tail:
        raise RouteCodeError("too-large", f"the code unpacks to more than {MAX_DOCUMENT_BYTES} bytes")
    if not inflater.eof or inflater.unused_data:
        raise RouteCodeError("truncated", "the code's compressed content is cut off or has trailing data")
    try:
        doc = json.loads(data.decode("ascii"), parse_constant=_reject)
    except (ValueError, RecursionError) as exc:
        raise RouteCodeError("data", f"the code's content is not valid JSON: {exc}") from None
    return _structure(doc)


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _bad(field: str, message: str) -> RouteCodeError:
    return RouteCodeError("data", f"{field}: {message}")


def _ids(value: object, field: str, *, low: int, high: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise _bad(field, f"expected a list of {low} to {high} concept ids")
    for item in value:
        if not isinstance(item, str) or not _ID.match(item):
            raise _bad(field, f"{str(item)[:40]!r} is not a concept id")
    return tuple(value)


def _structure(doc: object) -> Route:
    if not isinstance(doc, dict):
        raise _bad("code", "expected a table")
    unknown = set(doc) - {"p", "c", "s", "t", "r", "n", "d"}
    if unknown:
        raise _bad("code", f"unknown fields {sorted(unknown)[:5]}")
    packs = doc.get("p")
    if not isinstance(packs, list) or not 1 <= len(packs) <= 100:
        raise _bad("packs", "expected 1 to 100 packs")
    pack_refs = []
    for p in packs:
        if (
            not isinstance(p, list)
            or len(p) != 2
            or not isinstance(p[0], str)
            or not isinstance(p[1], str)
            or not _ID.match(p[0])
            or not _VERSION.match(p[1])
        ):
            raise _bad("packs", "each pack is [id, version]")
        pack_refs.append((p[0], p[1]))
    content = doc.get("c")
    if not isinstance(content, str) or not re.fullmatch(r"[0-9a-f]{16}", content):
        raise _bad("content", "expected a 16-digit content hash")
    steps = doc.get("r")
    if not isinstance(steps, list) or len(steps) > MAX_ROUTE_STEPS:
        raise _bad("steps", f"expected a list of at most {MAX_ROUTE_STEPS} steps")
    route_steps = tuple(
        tuple(sorted(_ids(s, f"steps[{i}]", low=MIN_INPUTS, high=MAX_INPUTS))) for i, s in enumerate(steps)
    )
    hints = doc.get("n", 0)
    if isinstance(hints, bool) or not isinstance(hints, int) or not 0 <= hints <= 1_000_000:
        raise _bad("hints", "expected a count")
    date = doc.get("d")
    if date is not None and (not isinstance(date, str) or not _DATE.match(date)):
        raise _bad("date", "expected YYYY-MM-DD")
    return Route(
        tuple(pack_refs),
        content,
        _ids(doc.get("s"), "start", low=0, high=10_000),
        _ids(doc.get("t"), "targets", low=1, high=100),
        route_steps,
        hints,
        date,
    )

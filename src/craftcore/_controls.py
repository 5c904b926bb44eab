"""Control characters in untrusted text: the one definition of what must never reach a terminal raw.

Pack files and saves are untrusted input, and their strings end up on terminals: a carriage return or an escape
sequence in a name could erase an error line or draw a fake message. Packs and saves refuse such strings; the command
line escapes whatever still reaches it (see :func:`escape`).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["UNSAFE", "escape", "first_unsafe"]

#: C0 controls except tab and newline, DEL, C1 controls (U+0080-U+009F: U+009B is a one-character escape sequence
#: on some terminals), and the bidirectional overrides that make text display in another order than it is stored.
UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def first_unsafe(text: str) -> str | None:
    """The first unsafe character of ``text``, or ``None``."""
    match = UNSAFE.search(text)
    return match.group() if match else None


def escape(text: str, *, newlines: bool = False) -> str:
    """``text`` with every unsafe character written as a visible escape (``\\x1b``, ``\\u202e``).

    :param newlines: escape newlines and tabs too (for a value that must stay on one line).
    """
    pattern = _ONE_LINE if newlines else UNSAFE
    return pattern.sub(_visible, text) if pattern.search(text) else text


_ONE_LINE: Final = re.compile(UNSAFE.pattern[:-1] + "\t\n]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

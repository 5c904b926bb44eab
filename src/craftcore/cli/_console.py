"""The streams a command talks to, so that every command runs the same in a terminal, a pipe and a test."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from craftcore._controls import UNSAFE, escape
from craftcore.cli._render import Style

__all__ = ["MAX_INPUT", "CliError", "Console", "safe"]

_ANSI = re.compile(r"(\033\[[0-9;]*m)")
#: Longest input line read (longer lines are cut: no name or command is that long, and matching is not free).
MAX_INPUT = 4096


def safe(text: str) -> str:
    """Untrusted text (from a save, a pack, a file name) made safe for a terminal: control characters and escape
    sequences are shown as escapes (``\\x1b``), so they cannot erase, move or recolour what is shown."""
    return escape(text, newlines=True)


def _terminal_safe(text: str) -> str:
    """The last line of defence before anything is written: every control character is escaped except newlines,
    tabs and the colour codes of :class:`Style` itself."""
    if UNSAFE.search(text) is None:
        return text
    parts = _ANSI.split(text)
    return "".join(part if i % 2 else escape(part) for i, part in enumerate(parts))


class CliError(Exception):
    """A failure to report on one line (``craftcore: error: ...``) with an exit status."""

    def __init__(self, message: str, status: int = 1, *, kind: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind


class Console:
    """Input, output, error output and the decoration style for one command run."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        env: Mapping[str, str] | None = None,
        color: str = "auto",
    ) -> None:
        # a closed stream (`craftcore stats >&-`) is None in sys: read nothing from it, write nowhere to it
        stdin = stdin if stdin is not None else sys.stdin
        stdout = stdout if stdout is not None else sys.stdout
        stderr = stderr if stderr is not None else sys.stderr
        #: ``input``/``output`` when that standard stream is closed.
        self.closed = [name for name, stream in (("input", stdin), ("output", stdout)) if stream is None]
        self.stdin: IO[str] = stdin if stdin is not None else io.StringIO()
        self.out: IO[str] = stdout if stdout is not None else _nowhere()
        self.err: IO[str] = stderr if stderr is not None else _nowhere()
        self.env = os.environ if env is None else env
        self.style = Style.for_stream(self.out, self.env, color)
        self.interactive = _isatty(self.stdin) and _isatty(self.out)
        self._readline = False

    def restyle(self, color: str) -> None:
        self.style = Style.for_stream(self.out, self.env, color)

    # ------------------------------------------------------------------------------------------------- output

    def print(self, text: str = "") -> None:
        self.out.write(_terminal_safe(text) + "\n")

    def lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.print(line)

    def json(self, data: Any) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
        # JSON escapes C0 controls itself; C1 controls and bidi overrides only occur inside strings, where \u escapes
        # keep the same JSON value
        self.out.write(UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")

    def error(self, message: str) -> None:
        self.err.write(f"craftcore: error: {_terminal_safe(message)}\n")
        self.err.flush()

    def warn(self, message: str) -> None:
        self.err.write(f"craftcore: warning: {_terminal_safe(message)}\n")

    # ------------------------------------------------------------------------------------------------- input

    def use_readline(self, completer: Callable[[str, int], str | None]) -> None:
        """Turn on line editing and tab completion, where readline exists and we talk to a terminal."""
        if not (self.interactive and self.stdin is sys.stdin and self.out is sys.stdout):
            return
        try:
            import readline
        except ImportError:  # Windows without pyreadline: plain input still works
            return
        readline.set_completer(completer)
        readline.set_completer_delims("+,")
        doc = getattr(readline, "__doc__", "") or ""
        readline.parse_and_bind("bind ^I rl_complete" if "libedit" in doc else "tab: complete")
        self._readline = True

    def ask(self, prompt: str) -> str:
        """One line of input without its newline.

        :raises EOFError: at the end of input.
        """
        if self._readline or (self.interactive and self.stdin is sys.stdin and self.out is sys.stdout):
            if self._readline:  # tell readline which bytes do not move the cursor
                prompt = _ANSI.sub("\001\\1\002", prompt)
            try:
                return input(prompt)[:MAX_INPUT]
            except EOFError:  # Ctrl-D: end the prompt's line, so what follows starts on a line of its own
                self.out.write("\n")
                raise
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline(MAX_INPUT + 1)
        if not line:
            self.out.write("\n")
            raise EOFError
        if len(line) > MAX_INPUT and not line.endswith("\n"):  # skip the rest of an overlong line
            rest = line
            while rest and not rest.endswith("\n"):
                rest = self.stdin.readline(1 << 16)
            line = line[:MAX_INPUT]
        line = _terminal_safe(line.rstrip("\r\n"))
        if not _isatty(self.stdin):  # echo, so a piped session reads like a terminal one
            self.out.write(line + "\n")
        return line


def _nowhere() -> IO[str]:
    return open(os.devnull, "w", encoding="utf-8")


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False

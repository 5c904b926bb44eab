"""The streams a command talks to, so that every command runs the same in a terminal, a pipe and a test."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from craftcore.cli._render import Style

__all__ = ["CliError", "Console"]

_ANSI = re.compile(r"(\033\[[0-9;]*m)")


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
        self.stdin = stdin if stdin is not None else sys.stdin
        self.out = stdout if stdout is not None else sys.stdout
        self.err = stderr if stderr is not None else sys.stderr
        self.env = os.environ if env is None else env
        self.style = Style.for_stream(self.out, self.env, color)
        self.interactive = _isatty(self.stdin) and _isatty(self.out)
        self._readline = False

    def restyle(self, color: str) -> None:
        self.style = Style.for_stream(self.out, self.env, color)

    # ------------------------------------------------------------------------------------------------- output

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.print(line)

    def json(self, data: Any) -> None:
        self.out.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    def error(self, message: str) -> None:
        self.err.write(f"craftcore: error: {message}\n")
        self.err.flush()

    def warn(self, message: str) -> None:
        self.err.write(f"craftcore: warning: {message}\n")

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
                return input(prompt)
            except EOFError:  # Ctrl-D: end the prompt's line, so what follows starts on a line of its own
                self.out.write("\n")
                raise
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            self.out.write("\n")
            raise EOFError
        line = line.rstrip("\r\n")
        if not _isatty(self.stdin):  # echo, so a piped session reads like a terminal one
            self.out.write(line + "\n")
        return line


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False

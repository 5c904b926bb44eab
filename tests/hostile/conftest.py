"""The hostile-input suite: every case runs under a time limit, and every outcome is counted by family.

Outcomes allowed: the input loads, or a ``CraftError`` that names the file and the key (or line) at fault. Anything
else (another exception, a hang, a changed save) fails the case. ``pytest tests/hostile -rA`` ends with the counts.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import craftcore
from craftcore import PackError, SaveError

#: Seconds a single case may take (a hang is a failure, not a stuck CI job).
CASE_LIMIT = float(os.environ.get("CRAFTCORE_HOSTILE_LIMIT", "10"))
#: Problem codes about a whole file (they have a line, or nothing narrower than the file, but no key).
FILE_LEVEL = frozenset(
    {"toml-syntax", "unreadable", "not-utf8", "too-large", "no-pack", "too-deep", "missing-pack-table"}
)
#: Problem codes about the catalog as a whole (no single file is at fault).
CATALOG_LEVEL = frozenset({"no-start"})
#: Words of Python and cattrs internals that must never reach a user.
INTERNALS = ("object has no attribute", "While structuring", "<class", "Traceback", "NoneType", "cattrs")

COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()


class Hang(BaseException):
    """A case ran past its time limit (a BaseException, so no ``except Exception`` in the code under test hides it)."""


@contextlib.contextmanager
def time_limit(seconds: float = CASE_LIMIT) -> Iterator[None]:
    """Fail with :class:`Hang` when the block runs longer than ``seconds`` (SIGALRM: a blocked read is interrupted)."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # an enclosing limit: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def record(family: str, outcome: str) -> None:
    COUNTS[family, outcome] += 1


def pack_outcome(family: str, load: Callable[[], object]) -> str:
    """Run ``load`` under the time limit and check that it loads or raises a precise :class:`PackError`."""
    try:
        with time_limit():
            load()
    except PackError as exc:
        errors = exc.errors
        assert errors, exc
        for problem in errors:
            text = str(problem)
            assert not any(word in text for word in INTERNALS), text
            if problem.code in CATALOG_LEVEL:
                continue
            assert problem.file, f"no file: {problem!r}"
            assert problem.key or problem.line or problem.code in FILE_LEVEL, f"no key or line: {problem!r}"
        outcome = "PackError"
    else:
        outcome = "loaded"
    record(family, outcome)
    return outcome


def save_outcome(family: str, load: Callable[[], object], *, source: str | None = None) -> str:
    """Run ``load`` under the time limit and check that it loads or raises a precise :class:`SaveError`."""
    try:
        with time_limit():
            load()
    except SaveError as exc:
        assert exc.where, f"no where: {exc}"
        if source is not None:
            assert exc.source == source, exc
            assert str(exc).startswith(source), exc
        assert not any(word in str(exc) for word in INTERNALS), str(exc)
        outcome = "SaveError"
    except craftcore.PackError:  # pragma: no cover - a save never loads packs
        raise
    else:
        outcome = "loaded"
    record(family, outcome)
    return outcome


@pytest.fixture(autouse=True)
def _whole_test_limit() -> Iterator[None]:
    """No test of this suite may run longer than two minutes in all (hypothesis tests run many cases; raise it with
    CRAFTCORE_HOSTILE_TEST_LIMIT for a deeper run)."""
    with time_limit(float(os.environ.get("CRAFTCORE_HOSTILE_TEST_LIMIT", "120"))):
        yield


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTS:
        return
    terminalreporter.section("hostile input: cases per family and outcome")
    families = sorted({family for family, _ in COUNTS})
    for family in families:
        outcomes = {o: n for (f, o), n in sorted(COUNTS.items()) if f == family}
        total = sum(outcomes.values())
        detail = ", ".join(f"{o} {n}" for o, n in outcomes.items())
        terminalreporter.write_line(f"{family:<38} {total:>5} cases: {detail}")

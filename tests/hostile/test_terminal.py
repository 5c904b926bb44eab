"""Hostile strings at the terminal, and hostile streams: escape sequences from saves and packs never reach a
terminal raw; closed streams, a full disk, a FIFO save, huge arguments and lines end with a message, never a
traceback or a hang."""

from __future__ import annotations

import io
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from craftcore._controls import UNSAFE
from craftcore.cli import main
from craftcore.cli._console import Console, safe
from tests.conftest import FOUNDATIONS_DIR
from tests.hostile.conftest import record, time_limit

CORPUS = pathlib.Path(__file__).parent / "corpus"
ATTACK = "1\r\x1b[2K\x1b[32mOK: save loaded\x1b[0m\x1b]0;title\x07\u202edesrever\x9b2J"
PACK = ["--no-installed", "--pack", str(FOUNDATIONS_DIR)]
#: What our own colours look like: the only escape sequences allowed in output.
SGR = re.compile(r"\x1b\[[0-9;]*m")


def hostile_text() -> st.SearchStrategy[str]:
    return st.text(
        st.one_of(st.characters(), st.sampled_from(["\x1b", "\r", "\x9b", "\u202e", "\x07", "\x00", "\n", "["])),
        max_size=40,
    )


@given(hostile_text())
def test_safe_leaves_nothing_a_terminal_obeys(text: str) -> None:
    shown = safe(text)
    assert UNSAFE.search(shown) is None and "\n" not in shown
    record("terminal: safe() on any text", "escaped")


@given(hostile_text())
def test_every_console_write_is_filtered(text: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    console = Console(io.StringIO(), out, err, env={})
    console.print(text)
    console.warn(text)
    console.error(text)
    data = io.StringIO()
    Console(io.StringIO(), data, err, env={}).json({"text": text})
    for written in (out.getvalue(), err.getvalue(), data.getvalue()):
        assert UNSAFE.search(SGR.sub("", written)) is None
    assert json.loads(data.getvalue())["text"] == text  # JSON output still says exactly that
    record("terminal: console writes", "filtered")


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_limit():
        status = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err, env={"COLUMNS": "100"})
    return status, out.getvalue(), err.getvalue()


def assert_clean(*texts: str) -> None:
    for text in texts:
        assert UNSAFE.search(SGR.sub("", text)) is None, text
        assert "Traceback" not in text


@pytest.mark.parametrize("argv", [["stats"], ["stats", "--json"], ["play"], ["available"]])
def test_an_escape_in_a_save_is_shown_escaped(argv: list[str]) -> None:
    save = CORPUS / "saves" / "escape-in-pack-version.json"
    status, out, err = run([*argv, "--save", str(save), *PACK], stdin="0\n")
    assert status == 1
    assert "control character" in err
    assert_clean(out, err)
    record("terminal: hostile saves", "error, escaped")


def test_an_escape_in_a_pack_is_shown_escaped(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "pack.toml").write_bytes((CORPUS / "packs" / "escape-in-name.toml").read_bytes())
    for argv in (["check", str(folder), "--no-installed"], ["check", "--json", str(folder), "--no-installed"]):
        status, out, err = run(argv)
        assert status == 1
        assert_clean(out, err)
        record("terminal: hostile packs", "error, escaped")


def test_a_hostile_hint_or_name_typed_in_play() -> None:
    status, out, err = run(["play", *PACK], stdin=f"{ATTACK}\ninfo {ATTACK}\n2 {ATTACK} + calculus\n0\n")
    assert status == 0
    assert_clean(out, err)
    record("terminal: hostile input lines", "escaped")


def test_huge_arguments_and_lines_are_bounded() -> None:
    status, out, err = run(["info", "x" * 100_000, *PACK])
    assert status == 2 and "a concept name of 100000 characters" in err and len(err) < 300
    status, out, err = run(["combine", "calculus", "y" * 50_000, *PACK])
    assert status == 2 and len(err) < 300
    status, out, err = run(["play", *PACK], stdin="a" * 10_000_000 + "\n" + "b + " * 100_000 + "\n0\n")
    assert status == 0 and len(out) < 100_000
    record("terminal: huge arguments and lines", "bounded")


def _subprocess(args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    code = "import sys; from craftcore.cli import main; sys.exit(main())"
    return subprocess.run(
        f"{sys.executable} -c '{code}' {args}",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.getcwd(),
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(os.name != "posix", reason="shell redirections")
def test_closed_and_full_streams() -> None:
    pack = f"--no-installed --pack {FOUNDATIONS_DIR}"
    closed_out = _subprocess(f"stats {pack} >&-")
    assert closed_out.returncode == 2 and "standard output is closed" in closed_out.stderr
    closed_in = _subprocess(f"play {pack} <&-")
    assert closed_in.returncode == 0 and "Goodbye" in closed_in.stdout
    for argv in ("stats --json", "stats", "graph --format json --no-installed " + str(FOUNDATIONS_DIR)):
        if not os.path.exists("/dev/full"):
            break
        extra = "" if argv.startswith("graph") else pack
        full = _subprocess(f"{argv} {extra} > /dev/full")
        assert full.returncode == 1 and "No space left on device" in full.stderr, full.stderr
        assert "Traceback" not in full.stderr and "Exception ignored" not in full.stderr
    for result in (closed_out, closed_in):
        assert "Traceback" not in result.stderr
    record("terminal: closed and full streams", "message, exit status")

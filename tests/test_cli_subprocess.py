"""Real processes: the console script and ``python -m craftcore``, their exit statuses and output."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore


def environment() -> dict[str, str]:
    """The test process's environment (read at call time: fixtures set the cache folder), without colour."""
    return {k: v for k, v in os.environ.items() if k not in ("CRAFTCORE_SAVE", "COLUMNS")} | {"NO_COLOR": "1"}


def craftcore_cmd(*argv: str, stdin: str = "", cwd: pathlib.Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "craftcore", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(),
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_version_from_the_console_script_and_python_m() -> None:
    expected = f"craftcore {craftcore.__version__}\n"
    assert craftcore_cmd("--version").stdout == expected
    script = shutil.which("craftcore")
    if script is None:
        pytest.skip("the craftcore console script is not on PATH")
    done = subprocess.run(
        [script, "--version"], capture_output=True, text=True, env=environment(), check=False, timeout=60
    )
    assert (done.returncode, done.stdout) == (0, expected)


def test_help_on_every_command_has_an_example() -> None:
    from craftcore.cli._app import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices  # type: ignore[union-attr]
    assert set(commands) == {
        "play",
        "combine",
        "info",
        "path",
        "stats",
        "available",
        "check",
        "test",
        "report",
        "diff",
        "graph",
        "new",
        "packs",
    } | {
        "review",
        "verify",
        "daily",
    }
    for name in commands:
        done = craftcore_cmd(name, "--help")
        assert done.returncode == 0 and "example:\n  craftcore " in done.stdout, name
    done = craftcore_cmd()
    assert done.returncode == 2 and "commands:" in done.stdout


def test_one_shot_commands_exit_status_and_json(tmp_path: pathlib.Path) -> None:
    save = str(tmp_path / "game.json")
    opts = ("--save", save, "--no-installed", "--pack", str(FOUNDATIONS_DIR))
    done = craftcore_cmd("combine", "linear algebra", "calculus", "probability", *opts, "--json")
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["new"][0]["id"] == "neural_networks"
    for argv in (("info", "neural networks"), ("stats",), ("available",)):
        done = craftcore_cmd(*argv, *opts, "--json")
        assert done.returncode == 0 and done.stderr == "", argv
        assert isinstance(json.loads(done.stdout), dict)
        text = craftcore_cmd(*argv, *opts)
        assert text.returncode == 0 and text.stdout and "\033[" not in text.stdout


def test_path_command_exit_status_and_json() -> None:
    done = craftcore_cmd("path", "profiling", "--no-installed", "--pack", str(FOUNDATIONS_DIR), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["target"]["id"] == "profiling"


def test_unknown_undiscovered_and_corrupt_each_give_one_line(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "game.json"
    unknown = craftcore_cmd("combine", "calculus", "warp drive", "--no-installed", "--pack", str(FOUNDATIONS_DIR))
    undiscovered = craftcore_cmd("combine", "profiling", "calculus", "--no-installed", "--pack", str(FOUNDATIONS_DIR))
    save.write_text('{"game": "craftcore", "format_version": 1, "packs": [{"id": "foundations"', encoding="utf-8")
    corrupt = craftcore_cmd("stats", "--save", str(save), "--no-installed", "--pack", str(FOUNDATIONS_DIR))
    for done, words in (
        (unknown, "unknown concept 'warp drive'"),
        (undiscovered, "not discovered yet: Profiling"),
        (corrupt, "cannot use the save"),
    ):
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("craftcore: error: ") and words in done.stderr
        assert "Traceback" not in done.stderr


def test_usage_error_is_status_2() -> None:
    done = craftcore_cmd("graph", "--format", "png")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_check_exit_statuses(tmp_path: pathlib.Path) -> None:
    good = craftcore_cmd("check", str(FOUNDATIONS_DIR))
    assert good.returncode == 0 and good.stdout.startswith("OK")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pack.toml").write_text('[pack]\nid = "bad"\nname = "Bad"\nversion = "x"\n', encoding="utf-8")
    done = craftcore_cmd("check", str(bad), "--no-installed")
    assert done.returncode == 1 and f"{bad / 'pack.toml'}:" in done.stdout
    done = craftcore_cmd("check", str(bad), "--no-installed", "--json")
    assert done.returncode == 1 and json.loads(done.stdout)["ok"] is False


def test_piped_play_session(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "s.json"
    done = craftcore_cmd(
        "play",
        "--no-installed",
        "--pack",
        str(FOUNDATIONS_DIR),
        "--save",
        str(save),
        stdin="2 linear algebra + calculus + probability\n4\n0\n",
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "New discovery: Neural Networks" in done.stdout and "\033[" not in done.stdout
    assert json.loads(save.read_text(encoding="utf-8"))["steps"][0]["new"] == ["neural_networks"]
    done = craftcore_cmd(
        "play", "--no-installed", "--pack", str(FOUNDATIONS_DIR), "--save", str(save), stdin=""
    )  # end of input at once
    assert done.returncode == 0 and "Resumed" in done.stdout and "Game saved" in done.stdout


def test_scaffold_round_trip(tmp_path: pathlib.Path) -> None:
    done = craftcore_cmd("new", "demo_pack", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "demo_pack"
    pack_dir = root / "src" / "craftcore_demo_pack" / "pack"
    done = craftcore_cmd("check", "--strict", "--content", str(pack_dir), cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    env = environment()  # no PYTHONPATH: the scaffold's tests find the pack by its folder before it is installed
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "10 passed" in tests.stdout  # tests/ (4) and the pack's [[tests]] tables (6)

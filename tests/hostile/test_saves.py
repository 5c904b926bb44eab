"""Hostile saves: byte flips and truncations of real saves, forged saves, free-shape values, special files; replays
that are interrupted; atomic writes. A failed load raises a SaveError naming the file and where, and changes no save."""

from __future__ import annotations

import copy
import io
import json
import os
import pathlib
import random
import stat
import time
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import craftcore
from craftcore import Game, SaveError, SaveWarning, hookimpl, load_catalog
from craftcore.strategies import toml_values
from craftcore.testing import play_to
from tests.conftest import FOUNDATIONS_DIR, PACK_DIRS, Clock
from tests.hostile.conftest import INTERNALS, record, save_outcome, time_limit

CORPUS = pathlib.Path(__file__).parent / "corpus" / "saves"
#: A mutated save may name a pack id that is not loaded and still load (with a warning): that is an allowed outcome.
pytestmark = pytest.mark.filterwarnings("ignore::craftcore.SaveWarning")
MUTATIONS = int(os.environ.get("CRAFTCORE_HOSTILE_SAVE_MUTATIONS", "150"))


@pytest.fixture(scope="module")
def catalog() -> craftcore.Catalog:
    return load_catalog(FOUNDATIONS_DIR, installed=False)


@pytest.fixture(scope="module")
def real(catalog: craftcore.Catalog) -> Game:
    """A real game: a path to the last concept, some failures, a repeat."""
    game = Game(catalog, clock=Clock(1_700_000_000.0))
    play_to(game, list(catalog.concepts)[-1])
    game.combine("calculus", "linear_algebra", "linear_algebra", "linear_algebra")
    game.combine("probability", "probability", "probability", "probability")
    return game


def load_data(data: object, catalog: craftcore.Catalog) -> Game:
    return Game.from_dict(data, catalog)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------------------
# byte flips and truncations of real saves


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_byte_flips_and_truncations_of_real_saves(real: Game, catalog, tmp_path: pathlib.Path, suffix: str) -> None:
    original = tmp_path / f"game{suffix}"
    real.save(original)
    raw = original.read_bytes()
    rng = random.Random(suffix)
    outcomes = set()
    for n in range(MUTATIONS):
        at = rng.randrange(len(raw))
        kind = n % 3
        if kind == 0:
            mutated = raw[:at] + bytes([raw[at] ^ (1 << rng.randrange(8))]) + raw[at + 1 :]
        elif kind == 1:
            mutated = raw[:at]
        else:
            mutated = raw[:at] + rng.choice([b"9" * 30, b"-", b"e308", b'"', b",", b"\xff", b"[", b"}"]) + raw[at:]
        path = tmp_path / f"m{n}{suffix}"
        path.write_bytes(mutated)
        outcome = save_outcome(
            f"saves: byte flips/truncations {suffix}", lambda p=path: Game.load(p, catalog), source=str(path)
        )
        outcomes.add(outcome)
        assert path.read_bytes() == mutated  # a failed (or successful) load never writes
    assert "SaveError" in outcomes


def test_a_failed_load_in_the_cli_keeps_the_save(real: Game, tmp_path: pathlib.Path) -> None:
    from craftcore.cli import main

    path = tmp_path / "game.json"
    real.save(path)
    damaged = path.read_bytes()[:-40]
    path.write_bytes(damaged)
    for argv in (["stats"], ["combine", "calculus", "probability"], ["available"]):
        err = io.StringIO()
        with time_limit():
            status = main(
                [*argv, "--save", str(path), "--no-installed", "--pack", str(FOUNDATIONS_DIR)],
                stdout=io.StringIO(),
                stderr=err,
            )
        assert status == 1 and str(path) in err.getvalue()
        assert path.read_bytes() == damaged
        record("saves: failed load in the CLI", "error, save unchanged")


# ---------------------------------------------------------------------------------------------------------------------
# forged saves


def forgeries(real: Game) -> dict[str, tuple[dict, str, str]]:
    """name -> (save data, expected where, words of the message)."""
    base = real.to_dict()
    out: dict[str, tuple[dict, str, str]] = {}

    def forge(name: str, where: str, words: str, change) -> None:
        data = copy.deepcopy(base)
        change(data)
        out[name] = (data, where, words)

    forge("started 1e12", "started", "plausible", lambda d: d.update(started=1e12))
    forge("started 1e308", "started", "plausible", lambda d: d.update(started=1e308))
    forge("started negative", "started", "plausible", lambda d: d.update(started=-5.0))
    forge("step time 1e308", "steps[2].time", "plausible", lambda d: d["steps"][2].update(time=1e308))
    forge("time goes back", "steps[1].time", "goes back", lambda d: d["steps"][1].update(time=d["started"] - 86400))
    forge("attempt before its step", "attempts[0].time", "goes back", lambda d: d["attempts"][0].update(time=1.0e9))
    forge("new is empty", "steps[0].new", "at least one", lambda d: d["steps"][0].update(new=[]))
    forge(
        "attempt that succeeds",
        "attempts[0]",
        "not a failed attempt",
        lambda d: d["attempts"][0].update(inputs=list(d["steps"][0]["inputs"]), after_step=0),
    )
    forge("format_version text", "format_version", "not a craftcore save", lambda d: d.update(format_version="1"))
    forge("format_version missing", "format_version", "not a craftcore save", lambda d: d.pop("format_version"))
    forge("format_version huge", "format_version", "newer", lambda d: d.update(format_version=10**30))
    forge("format_version zero", "format_version", "unknown", lambda d: d.update(format_version=0))
    forge("steps a table", "steps", "expected an array", lambda d: d.update(steps={"a": 1}))
    forge("step a list", "steps[0]", "expected a table", lambda d: d["steps"].__setitem__(0, ["calculus"]))
    forge("packs a string", "packs", "expected an array", lambda d: d.update(packs="foundations"))
    forge("pack a number", "packs[0]", "expected a table", lambda d: d["packs"].__setitem__(0, 1))
    forge(
        "escape in a pack version",
        "packs[0].version",
        "control character",
        lambda d: d["packs"][0].update(version="1\r\x1b[2K\x1b[32mOK: save loaded\x1b[0m"),
    )
    forge(
        "escape in a hint",
        "attempts[0].hint",
        "control character",
        lambda d: d["attempts"][0].update(hint="\x1b]0;x\x07"),
    )
    forge(
        "after_step huge",
        "attempts[0].after_step",
        "integer out of range",
        lambda d: d["attempts"][0].update(after_step=10**40),
    )
    forge("time a boolean", "started", "expected a number", lambda d: d.update(started=True))
    forge("unknown concept", "steps[0].inputs", "unknown concept", lambda d: d["steps"][0].update(inputs=["nope"]))
    forge("top level a list", "(top level)", "expected a table", lambda d: None)
    out["top level a list"] = ([base], "(top level)", "expected a table")
    return out


def test_forged_saves(real: Game, catalog) -> None:
    for name, (data, where, words) in forgeries(real).items():
        with time_limit(), pytest.raises(SaveError) as info:
            load_data(data, catalog)
        record("saves: forged", "SaveError")
        assert info.value.where == where, (name, str(info.value))
        assert words in str(info.value), (name, str(info.value))
        assert not any(w in str(info.value) for w in INTERNALS), name
        assert "\x1b" not in str(info.value) and "\r" not in str(info.value), name


def test_forged_save_files_name_the_file(real: Game, catalog, tmp_path: pathlib.Path) -> None:
    for n, (name, (data, where, _)) in enumerate(forgeries(real).items()):
        path = tmp_path / f"f{n}.json"
        path.write_text(json.dumps(data))
        with pytest.raises(SaveError) as info:
            Game.load(path, catalog)
        assert (info.value.source, info.value.where) == (str(path), where), name
        assert str(info.value).startswith(f"{path}: "), name


def test_duplicate_json_keys_are_refused(real: Game, catalog, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "dup.json"
    text = json.dumps(real.to_dict())
    path.write_text(text[:-1] + ', "started": 1.0}')
    with pytest.raises(SaveError, match="'started' is given twice") as info:
        Game.load(path, catalog)
    assert info.value.where == "(file)"
    record("saves: forged", "SaveError")


def test_attempts_beyond_the_limit_are_reported(real: Game, catalog) -> None:
    data = real.to_dict()
    with pytest.warns(SaveWarning, match="only the newest 1 are kept"):
        game = Game.from_dict(data, catalog, max_attempts=1)
    assert len(game.attempts) == 1
    assert Game.from_dict(data, catalog).attempts == real.attempts  # the default keeps a real game's failures


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_value_anywhere_in_a_save(real: Game, catalog, data: st.DataObject) -> None:
    save = real.to_dict()
    node: object = save
    path = data.draw(st.lists(st.integers(0, 10), max_size=3))
    for index in path:  # walk down a random path, then replace what is there
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        containers = [c for c in children if isinstance(c, dict | list) and c]
        if not containers:
            break
        node = containers[index % len(containers)]
    value = data.draw(toml_values(max_leaves=8))
    if isinstance(node, dict):
        node[data.draw(st.sampled_from([*sorted(node), "extra"]))] = value
    elif isinstance(node, list) and node:
        node[data.draw(st.integers(0, len(node) - 1))] = value
    save_outcome("saves: any value anywhere", lambda: load_data(save, catalog))


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.*")), ids=lambda p: p.name)
def test_corpus(path: pathlib.Path, catalog) -> None:
    assert save_outcome("saves: corpus", lambda: Game.load(path, catalog), source=str(path)) == "SaveError"


# ---------------------------------------------------------------------------------------------------------------------
# special files


def _special(path: pathlib.Path, catalog, words: str) -> None:
    with time_limit(), pytest.raises(SaveError, match=words) as info:
        Game.load(path, catalog)
    assert info.value.source == str(path) and info.value.where == "(file)"
    record("saves: special files", "SaveError")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_save_does_not_block(tmp_path: pathlib.Path, catalog) -> None:
    os.mkfifo(tmp_path / "game.json")
    _special(tmp_path / "game.json", catalog, "not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device(tmp_path: pathlib.Path, catalog, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    (tmp_path / "game.json").symlink_to(device)
    _special(tmp_path / "game.json", catalog, "not a regular file")


def test_a_folder_non_utf8_and_a_bom(real: Game, tmp_path: pathlib.Path, catalog) -> None:
    (tmp_path / "dir.json").mkdir()
    _special(tmp_path / "dir.json", catalog, "a folder")
    (tmp_path / "latin.json").write_bytes(b'{"x": "\xe9"}')
    _special(tmp_path / "latin.json", catalog, "not UTF-8")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(real.to_dict()).encode())
    assert Game.load(tmp_path / "bom.json", catalog) == real
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    _special(deep, catalog, "not valid JSON")
    (tmp_path / "digits.json").write_text('{"format_version": ' + "9" * 5000 + "}")
    _special(tmp_path / "digits.json", catalog, "too many digits")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_cli_save_naming_a_fifo(tmp_path: pathlib.Path) -> None:
    from craftcore.cli import main

    os.mkfifo(tmp_path / "game.json")
    err = io.StringIO()
    with time_limit():
        status = main(
            ["stats", "--save", str(tmp_path / "game.json"), "--no-installed", "--pack", str(FOUNDATIONS_DIR)],
            stdout=io.StringIO(),
            stderr=err,
        )
    assert status == 1 and "not a regular file" in err.getvalue()
    assert stat.S_ISFIFO(os.stat(tmp_path / "game.json").st_mode)  # still a FIFO: nothing was written over it
    record("saves: special files", "SaveError")


# ---------------------------------------------------------------------------------------------------------------------
# interrupted replays


class Exploding:
    """A scoring plugin that raises on its ``after``-th call."""

    def __init__(self, after: int, error: BaseException) -> None:
        self.calls, self.after, self.error = 0, after, error

    @hookimpl
    def craftcore_points(self, concept, discovery):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls == self.after:
            raise self.error
        return None


@pytest.mark.parametrize("error", [RuntimeError("plugin bug"), KeyboardInterrupt()], ids=["plugin", "ctrl-c"])
def test_an_interrupted_undo_leaves_the_game_as_it_was(catalog, error: BaseException) -> None:
    for at in (1, 3, 7):
        plugin = Exploding(10**9, error)
        game = Game(catalog, clock=Clock(1_700_000_000.0), plugins=[plugin])
        play_to(game, list(catalog.concepts)[-1])
        before = game.to_dict()
        plugin.calls, plugin.after = 0, at
        with pytest.raises(type(error)):
            game.undo()
        assert game.to_dict() == before
        plugin.after = 10**9
        game.undo()  # and the game still works
        assert len(game.steps) == len(before["steps"]) - 1
        record("replays: interrupted undo", "unchanged")


def test_an_interrupted_load_raises_and_returns_nothing(real: Game, catalog, monkeypatch) -> None:
    calls = {"n": 0}
    original = Game.combine

    def combine(self, *inputs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *inputs)

    monkeypatch.setattr(Game, "combine", combine)
    with pytest.raises(KeyboardInterrupt):
        Game.from_dict(real.to_dict(), catalog)
    record("replays: interrupted load", "raised")


def test_play_does_not_save_after_an_interrupted_command(real: Game, tmp_path: pathlib.Path, monkeypatch) -> None:
    from craftcore.cli import main

    path = tmp_path / "game.json"
    real.save(path)
    before = path.read_bytes()

    def interrupted(self, *args):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(Game, "undo", interrupted)
    out = io.StringIO()
    with time_limit():
        status = main(
            ["play", "--save", str(path), "--no-installed", "--pack", str(FOUNDATIONS_DIR)],
            stdin=io.StringIO("1\nu\n"),
            stdout=out,
            stderr=io.StringIO(),
        )
    assert status == 130
    assert "Not saved" in out.getvalue() and "Game saved" not in out.getvalue()
    assert path.read_bytes() == before
    record("replays: play after Ctrl-C", "not saved")


# ---------------------------------------------------------------------------------------------------------------------
# a pack that is gone


def test_a_save_with_a_pack_that_is_gone(tmp_path: pathlib.Path) -> None:
    both = load_catalog(FOUNDATIONS_DIR, PACK_DIRS["attention"], installed=False)
    alone = load_catalog(FOUNDATIONS_DIR, installed=False)
    game = Game(both, clock=Clock(1_700_000_000.0))
    play_to(game, list(alone.concepts)[-1])
    with pytest.warns(SaveWarning, match="'attention'.*not loaded; none of its concepts were used") as seen:
        assert Game.from_dict(game.to_dict(), alone).steps == game.steps
    assert seen[0].message.packs == ("attention",)  # type: ignore[union-attr]
    attention_only = next(c.id for c in both.concepts.values() if c.pack == "attention")
    play_to(game, attention_only)
    path = tmp_path / "game.json"
    game.save(path)
    with pytest.raises(SaveError, match=rf"uses .*{attention_only}.*pack 'attention'.*install") as info:
        Game.load(path, alone)
    assert info.value.where == "packs[1]" and info.value.source == str(path)


# ---------------------------------------------------------------------------------------------------------------------
# atomic writes


def test_writing_keeps_the_mode_and_follows_a_symlink(real: Game, tmp_path: pathlib.Path) -> None:
    target = tmp_path / "shared" / "game.json"
    target.parent.mkdir()
    real.save(target)
    target.chmod(0o664)
    link = tmp_path / "game.json"
    link.symlink_to(target)
    real.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert json.loads(target.read_text()) == real.to_dict()


def test_a_new_save_gets_the_default_mode(real: Game, tmp_path: pathlib.Path) -> None:
    umask = os.umask(0o022)
    try:
        real.save(tmp_path / "new.json")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_stale_temporary_files_are_removed(real: Game, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "game.json"
    old = [tmp_path / f".game.json.{n:012x}.tmp" for n in range(5)]
    fresh = tmp_path / ".game.json.ffffffffffff.tmp"  # a write in progress elsewhere: left alone
    for stale in [*old, fresh]:
        stale.write_bytes(b"{")
    for stale in old:
        os.utime(stale, (time.time() - 3600, time.time() - 3600))
    other = tmp_path / ".other.json.000000000000.tmp"
    other.write_bytes(b"")
    os.utime(other, (0, 0))
    real.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["game.json", fresh.name, other.name])


def test_an_unwritable_folder_names_the_save(real: Game, tmp_path: pathlib.Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(OSError) as info:
        real.save(blocker / "game.json")
    assert info.value.filename == str(blocker / "game.json")
    fifo = tmp_path / "fifo.json"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        with time_limit(), pytest.raises(OSError) as info:
            real.save(fifo)
        assert info.value.filename == str(fifo) and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_the_cli_says_when_a_pack_is_gone(tmp_path: pathlib.Path) -> None:
    from craftcore.cli import main

    game = Game(load_catalog(FOUNDATIONS_DIR, PACK_DIRS["attention"], installed=False), clock=Clock(1_700_000_000.0))
    game.combine("linear_algebra", "calculus", "probability")
    path = tmp_path / "game.json"
    game.save(path)
    err = io.StringIO()
    with time_limit(), warnings.catch_warnings():
        warnings.simplefilter("default")
        status = main(["stats", "--save", str(path), *PACK_ARGS], stdout=io.StringIO(), stderr=err)
    assert status == 0
    assert err.getvalue().startswith(f"craftcore: warning: {path}: played with pack 'attention'"), err.getvalue()
    record("saves: a pack that is gone", "loaded, warned")


PACK_ARGS = ["--no-installed", "--pack", str(FOUNDATIONS_DIR)]

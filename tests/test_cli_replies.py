"""Every finding of the newcomer's first minute (issue 16) as a test of the line mode, through the console harness."""

from __future__ import annotations

import builtins
import io
import json
import pathlib
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import craftcore
from craftcore._model import DEFAULT_GAME
from craftcore._rules import MAX_INPUTS
from craftcore.cli import main
from craftcore.cli._console import Console
from craftcore.cli._play import IDLE_SECONDS, Play

from .conftest import FOUNDATIONS_DIR, PACK_DIRS

ELEMENTS = pathlib.Path(__file__).resolve().parent / "packs" / "elements"

ALL_PACKS = [arg for folder in PACK_DIRS.values() for arg in ("--pack", str(folder))]
FOUNDATIONS = ["--no-installed", "--pack", str(FOUNDATIONS_DIR)]


def play(*argv: str, stdin: str | io.StringIO = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    source = stdin if isinstance(stdin, io.StringIO) else io.StringIO(stdin)
    status = main(["play", *argv], stdin=source, stdout=out, stderr=err, env=env or {})
    return status, out.getvalue(), err.getvalue()


def playing(catalog: craftcore.Catalog, *targets: str) -> craftcore.Game:
    """A game that has discovered ``targets`` (and what leads to them), by following plans."""
    game = craftcore.Game(catalog, clock=lambda: 1_700_000_000.0)
    for target in targets:
        for step in game.plan(target, budget=5.0):
            game.combine(*step.inputs)
    return game


def session(game: craftcore.Game, stdin: str = "", save: str | None = None) -> tuple[Play, io.StringIO]:
    out = io.StringIO()
    console = Console(io.StringIO(stdin), out, io.StringIO(), env={})
    return Play(console, game, save), out


def revealed(game: craftcore.Game, typed: str, reply: str) -> list[str]:
    """Names of undiscovered concepts that a reply spells out though the player did not type their name or id."""
    words = set(re.split(r"[\s+,]+", typed.casefold()))
    concepts = game.catalog.concepts.values()
    typed_in_full = [c for c in concepts if c.id in words or c.name.casefold() in typed.casefold()]
    folded = reply.casefold()
    for (
        concept
    ) in typed_in_full:  # their names may be spelled out (and may contain other names: "AWQ ... Quantization")
        folded = folded.replace(concept.name.casefold(), "")
    return [
        c.name
        for c in concepts
        if c.id not in game.discovered and len(c.name) > 3 and c not in typed_in_full and c.name.casefold() in folded
    ]


# ----------------------------------------------------------------------------------------------- replies that are right


def test_mamba_standard_moe_lists_only_discovered_candidates(full_catalog: craftcore.Catalog) -> None:
    game = playing(full_catalog, "mixture_of_experts", "standard_attention")
    assert "mamba" not in game.discovered
    play_, out = session(game)
    for typed in ("mamba + standard + moe", "ssm + rnn", "rnn + backprop", "flash + moe", "2 moe + zzz"):
        before = len(out.getvalue())
        play_.dispatch(typed)
        assert revealed(game, typed, out.getvalue()[before:]) == [], typed
        assert len(game.attempts) == 0  # nothing guessed: no failed attempt recorded
    play_.dispatch("mamba + standard attention")
    assert "not discovered yet: Mamba (option 1" in out.getvalue()  # typed in full: it may be named


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_combination_reply_names_an_undiscovered_concept(
    full_catalog: craftcore.Catalog, data: st.DataObject
) -> None:
    game = playing(full_catalog, "standard_attention")
    words = sorted({w for c in full_catalog.concepts.values() for w in re.findall(r"[a-z0-9]+", c.name.casefold())})
    part = st.lists(st.sampled_from(words), min_size=1, max_size=2).map(" ".join)
    parts = data.draw(st.lists(part, min_size=1, max_size=MAX_INPUTS + 2))
    typed = " + ".join(parts)
    play_, out = session(game)
    moves = (len(game.steps), len(game.attempts))
    play_.dispatch(f"2 {typed}")
    assert "Traceback" not in out.getvalue()
    if (len(game.steps), len(game.attempts)) == moves:  # not read as a combination: the error names nothing hidden
        assert revealed(game, typed, out.getvalue()) == []
    # (a discovery's description and a pack's hint are content, and may mention what comes next)


def test_five_inputs_say_at_most_four() -> None:
    status, out, err = play(*FOUNDATIONS, stdin="a + b + c + d + e\n\n0\n")
    assert (status, err) == (0, "")
    assert f"A combination takes at most {MAX_INPUTS} concepts, got 5." in out
    assert "matches several" not in out and "did you mean" not in out


def test_a_hint_typed_back_works_even_with_a_comma(full_catalog: craftcore.Catalog) -> None:
    game = playing(full_catalog, "diagonal_ssm")
    play_, out = session(game)
    play_.dispatch("Diagonal SSMs (DSS, S4D) + Probability.")  # copied from the game, full stop and all
    assert "Diagonal SSMs (DSS, S4D) + Probability" in out.getvalue()
    assert game.attempts[-1].inputs == tuple(sorted(["diagonal_ssm", "probability"]))
    # and the hint itself: asked twice, typed back as printed
    play_.dispatch("h")
    play_.dispatch("h")
    (hinted,) = re.findall(r"Try (.+)\.\n", out.getvalue())
    before = len(game.discovered)
    play_.dispatch(f"{hinted}.")
    assert len(game.discovered) > before


def test_a_name_alone_at_the_prompt_combines_it(full_catalog: craftcore.Catalog) -> None:
    game = playing(full_catalog, "attention_mechanism")
    play_, out = session(game)
    play_.dispatch("attention mechanism")
    assert "New discovery: Standard Attention" in out.getvalue()
    play_.dispatch("xyz")
    assert "Unknown choice 'xyz'" in out.getvalue()


def test_ambiguous_path_target_asks_again(full_catalog: craftcore.Catalog) -> None:
    game = craftcore.Game(full_catalog)
    play_, out = session(game, stdin="flashattention-2\n")
    play_.dispatch("7 flash")
    text = out.getvalue()
    assert "'flash' matches several concepts:" in text and "Which one? (Enter to go back)" in text
    assert "Learning path to FlashAttention-2" in text


def test_ambiguous_combination_asks_again_and_enter_goes_back(full_catalog: craftcore.Catalog) -> None:
    game = playing(full_catalog, "flash_attention", "flash_attention_2")
    play_, out = session(game, stdin="\n")
    play_.dispatch("2 flash + probability")
    assert "'flash' matches several concepts: FlashAttention (flash_attention), FlashAttention-2" in out.getvalue()
    assert "Combine (try again; Enter to go back):" in out.getvalue() and not game.attempts


def test_messages_name_the_frontend_they_are_in() -> None:
    status, out, _ = play(*FOUNDATIONS, stdin="6 profiling\n2 neural networks + calculus\n\n0\n")
    assert status == 0
    assert "Not discovered yet: option 7 shows how to get there." in out
    assert "not discovered yet: Neural Networks (option 1 lists what you can combine)" in out
    assert "craftcore path" not in out and "`available`" not in out


def test_failure_log_shows_what_was_said_then(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "g.json"
    status, _, _ = play(*FOUNDATIONS, "--save", str(save), stdin="2 calculus + calculus\n0\n")
    data = json.loads(save.read_text(encoding="utf-8"))
    said = data["attempts"][0]["hint"]
    assert status == 0 and said
    data["attempts"][0]["hint"] = "What the game said back then."
    save.write_text(json.dumps(data), encoding="utf-8")
    status, out, _ = play(*FOUNDATIONS, "--save", str(save), stdin="f\n0\n")
    assert "hint: What the game said back then." in out and said not in out.split("> f", 1)[1]


def test_greets_with_the_packs_own_title(tmp_path: pathlib.Path) -> None:
    status, out, err = play("--no-installed", "--pack", str(ELEMENTS), stdin="0\n")
    assert (status, err) == (0, "")
    assert out.startswith("Elements  (craftcore") and "Start with water, fire, earth and air." in out
    untitled = tmp_path / "untitled"
    untitled.mkdir()
    text = (ELEMENTS / "pack.toml").read_text(encoding="utf-8")
    start, end = text.index("[game]"), text.index("[categories.")
    (untitled / "pack.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    status, out, err = play("--no-installed", "--pack", str(untitled), stdin="0\n")
    assert (status, err) == (0, "")
    assert out.startswith(f"{DEFAULT_GAME.title}  (craftcore") and DEFAULT_GAME.intro in out


def test_no_game_title_is_hard_coded_in_the_package() -> None:
    source = pathlib.Path(craftcore.__file__).parent
    for file in source.rglob("*.py"):
        assert "InfiniteCraft" not in file.read_text(encoding="utf-8"), file


# ----------------------------------------------------------------------------------------------- saves


def test_checkpoints_are_fixed_named_copies(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "my-game.json"
    script = "2 calculus + probability\n8 first\n2 optimization + probability\n9\n1\n3\n0\n"
    status, out, err = play(*FOUNDATIONS, "--save", str(save), stdin=script)
    assert (status, err) == (0, "")
    checkpoint = tmp_path / "my-game.checkpoints" / "first.json"
    assert f"Checkpoint 'first' saved to {checkpoint} (your game keeps saving to {save})." in out
    assert len(json.loads(checkpoint.read_text(encoding="utf-8"))["steps"]) == 1  # stays put
    assert "Checkpoints in" in out and " 1. first" in out
    assert f"Loaded {checkpoint}: 4 of 36 concepts discovered" in out
    assert len(json.loads(save.read_text(encoding="utf-8"))["steps"]) == 1  # the autosave file, now the checkpoint's
    assert not (tmp_path / "first.json").exists()


def test_checkpoint_default_name_and_without_a_save(tmp_path: pathlib.Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    status, out, _ = play(*FOUNDATIONS, stdin="2 calculus + probability\n8\n\n9 step-1\n0\n", env=env)
    checkpoint = tmp_path / "data" / "craftcore" / "checkpoints" / "step-1.json"
    assert status == 0 and checkpoint.exists() and "this game is not autosaved" in out
    assert f"Loaded {checkpoint}" in out


@pytest.mark.parametrize(
    "name",
    ["no_such_folder/../../escape", ".hidden", "..", "a" * 65, "tab\there", "nul\x00", "semi;colon", "~home", "star*"],
)
def test_hostile_checkpoint_names_are_refused(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    save = tmp_path / "g.json"
    before = set(tmp_path.rglob("*"))
    status, out, err = play(*FOUNDATIONS, "--save", str(save), stdin=f"8 {name}\n0\n")
    assert status == 0 and "Traceback" not in out + err
    if "/" in name:
        assert "does not exist" in out  # read as a file path whose folder is missing
    else:
        assert "is not a checkpoint name" in out
    created = set(tmp_path.rglob("*")) - before
    assert created <= {save, tmp_path / "cwd"}


def test_save_to_a_missing_folder_fails_at_the_start() -> None:
    status, out, err = play(*FOUNDATIONS, "--save", "/nonexistent_dir/x.json", stdin="0\n")
    assert status == 1 and out == ""
    assert (
        err
        == "craftcore: error: cannot save to /nonexistent_dir/x.json: the folder '/nonexistent_dir' does not exist\n"
    )


def test_save_that_is_a_folder_fails_at_the_start(tmp_path: pathlib.Path) -> None:
    status, out, err = play(*FOUNDATIONS, "--save", str(tmp_path), stdin="0\n")
    assert status == 1 and out == "" and "is a folder" in err


def test_discovery_time_in_details_and_the_discovered_list() -> None:
    _, out, _ = play(*FOUNDATIONS, stdin="2 calculus + probability\n6 optimization\n6 calculus\n3\n0\n")
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    assert re.search(rf"Discovered at step 1, {stamp}: Calculus \+ Probability", out)
    assert re.search(rf"Optimization \(optimization\)  step 1, {stamp}", out)
    assert re.search(rf"You started with it \({stamp}\)\.", out)


class Ticks:
    def __init__(self, *times: float) -> None:
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0) if len(self.times) > 1 else self.times[0]


def test_time_played_counts_play_not_idling_and_carries_across_sessions(tmp_path: pathlib.Path) -> None:
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    save = str(tmp_path / "g.json")
    out = io.StringIO()
    console = Console(io.StringIO("2 calculus + probability\n4\n0\n"), out, io.StringIO(), env={})
    # start at 0; the first input 30 s later, the next after a night away (counted as IDLE_SECONDS), then 10 s
    clock = Ticks(0.0, 30.0, 30.0 + 8 * 3600, 30.0 + 8 * 3600 + 10)
    assert Play(console, craftcore.Game(catalog), save, played=100.0, now=clock).run() == 0
    played = json.loads(pathlib.Path(save).read_text(encoding="utf-8"))["played"]
    assert played == 100.0 + 30.0 + IDLE_SECONDS + 10.0
    _, text, _ = play(*FOUNDATIONS, "--save", save, stdin="4\n0\n")
    minutes = int(played // 60)
    assert f"Time played: {minutes}m" in text


@pytest.mark.parametrize("bad", ["-1", '"an hour"', "1e999", "true", "[1]"])
def test_a_hostile_played_field_is_refused(tmp_path: pathlib.Path, bad: str) -> None:
    save = tmp_path / "g.json"
    play(*FOUNDATIONS, "--save", str(save), stdin="2 calculus + probability\n0\n")
    text = save.read_text(encoding="utf-8")
    save.write_text(re.sub(r'"played": [^,}\n]+', f'"played": {bad}', text), encoding="utf-8")
    status, out, err = play(*FOUNDATIONS, "--save", str(save), stdin="0\n")
    assert status == 1 and out == "" and "cannot use the save" in err and "played" in err


# ----------------------------------------------------------------------------------------------- keys


class Keys(io.StringIO):
    """Standard input that raises an exception or signals end of input at given lines, then goes on."""

    def __init__(self, lines: list[str | type[BaseException] | None]) -> None:
        super().__init__()
        self.script = lines

    def readline(self, size: int | None = -1) -> str:
        if not self.script:
            return ""
        item = self.script.pop(0)
        if item is None:
            return ""  # Ctrl-D
        if isinstance(item, type):
            raise item()
        return item + "\n"


@pytest.mark.parametrize("key", [KeyboardInterrupt, None], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize("menu", ["2", "8", "9", "6", "7", "5", "p"])
def test_ctrl_c_or_d_at_a_sub_prompt_leaves_the_sub_prompt(key: type[BaseException] | None, menu: str) -> None:
    status, out, err = play(*FOUNDATIONS, stdin=Keys([menu, key, "2 calculus + probability", "0"]))
    assert (status, err) == (0, "")
    assert "New discovery: Optimization" in out and out.rstrip().endswith("Goodbye!")


def test_ctrl_d_at_the_main_prompt_ends_its_line(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stdin, stdout = Tty(), Tty()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)

    def ctrl_d(prompt: str) -> str:
        stdout.write(prompt)
        raise EOFError

    monkeypatch.setattr(builtins, "input", ctrl_d)
    save = tmp_path / "g.json"
    status = main(["play", *FOUNDATIONS, "--save", str(save), "--color", "never"], env={})
    assert status == 0
    assert "> \nGame saved to" in stdout.getvalue()


def test_one_shot_combine_keeps_the_played_count(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "g.json"
    out = io.StringIO()
    main(["combine", "calculus", "probability", *FOUNDATIONS, "--save", str(save)], stdout=out, env={})
    first = json.loads(save.read_text(encoding="utf-8"))["played"]
    data = json.loads(save.read_text(encoding="utf-8"))
    data["played"] = 1000.0
    save.write_text(json.dumps(data), encoding="utf-8")
    main(["combine", "optimization", "probability", *FOUNDATIONS, "--save", str(save)], stdout=out, env={})
    second = json.loads(save.read_text(encoding="utf-8"))["played"]
    assert 0 <= first <= IDLE_SECONDS and 1000.0 <= second <= 1000.0 + IDLE_SECONDS

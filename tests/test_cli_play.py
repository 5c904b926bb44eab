"""The interactive game, played through standard input in-process."""

from __future__ import annotations

import io
import json
import pathlib
import re
from collections.abc import Callable

from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore.cli import main

ANSI = re.compile(r"\033\[[0-9;]*m")


def play(*argv: str, stdin: str | io.StringIO = "", env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    source = stdin if isinstance(stdin, io.StringIO) else io.StringIO(stdin)
    status = main(["play", *argv], stdin=source, stdout=out, stderr=err, env=env or {})
    return status, out.getvalue(), err.getvalue()


def flat(text: str) -> str:
    return " ".join(text.split())


def route(catalog: craftcore.Catalog, target: str) -> list[tuple[str, ...]]:
    """Combinations that discover ``target`` from a new game, found by playing (no planner needed)."""
    game = craftcore.Game(catalog, clock=lambda: 0.0)
    while target not in game.discovered:
        combos = list(game.available())
        assert combos, f"{target} is not reachable"
        for combo in combos:
            game.combine(*combo)
    needed: list[str] = [target]
    steps: set[int] = set()
    while needed:
        discovery = game.discovered[needed.pop()]
        if discovery.step and discovery.step not in steps:
            steps.add(discovery.step)
            needed += list(discovery.inputs)
            if discovery.recipe is not None:
                needed += list(discovery.recipe.requires)
    return [s.inputs for s in game.steps if s.number in steps]


ROOT = pathlib.Path(__file__).resolve().parent.parent
#: The four shipped packs, loaded from their folders (no install needed).
PACKS = [
    arg
    for name in ("attention", "moe", "ssm", "production")
    for arg in ("--pack", str(ROOT / "packs" / name / "src" / f"craftcore_{name}" / "pack"))
]


def test_scripted_session_flashattention_then_resume_and_path_to_mamba(
    tmp_path: pathlib.Path, full_catalog: craftcore.Catalog
) -> None:
    save = str(tmp_path / "game.json")
    combos = route(full_catalog, "flash_attention")
    names = full_catalog.concepts
    script = ["1"]  # the available combinations first
    # combine by name, by id and with the "2 A + B" shortcut, to use every way of typing
    for n, combo in enumerate(combos):
        typed = " + ".join(names[c].name if n % 2 else c for c in combo)
        script += ["2", typed] if n % 3 else [f"2 {typed}"]
    script += ["2", "FlashAttention + Probability", "f", "8", save, "0"]
    status, out, err = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), *PACKS, stdin="\n".join(script) + "\n")
    assert (status, err) == (0, "")
    assert "New game: you start with Linear Algebra, Calculus and Probability." in out
    assert "New discovery: FlashAttention ★★★★ (flash_attention, Efficient attention)" in out
    flash = next(r for r in full_catalog.made_by("flash_attention"))
    assert flat(f"Why: {flash.why}") in flat(out)
    assert "properties:" in out and "points: score" in out
    assert "Level up! You reached level" in out
    assert "No discovery: FlashAttention + Probability does not combine." in out
    hint = full_catalog.hint_for(["flash_attention", "probability"])
    assert hint is not None and flat(hint.text) in flat(out)
    assert "1 failed combination" in out
    assert f"Saved to {save}" in out and "Goodbye!" in out

    saved = json.loads(pathlib.Path(save).read_text(encoding="utf-8"))
    assert len(saved["steps"]) == len(combos) and len(saved["attempts"]) == 1

    status, out, err = play(
        "--no-installed", "--pack", str(FOUNDATIONS_DIR), *PACKS, "--save", save, stdin="7 mamba\n0\n"
    )
    assert (status, err) == (0, "")
    assert f"Resumed {save}:" in out
    assert "Learning path to Mamba ★★★★ (mamba, State space models)" in out
    assert "Prerequisites, from the start concepts up (✓ = discovered):" in out
    plan = craftcore.Game.load(save, full_catalog).plan("mamba")
    assert f"{len(plan)} combinations from where you are" in out
    assert "-> Mamba" in out


def test_play_on_the_builtin_pack_every_menu_item(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "g.json"
    script = (
        "\n".join(
            [
                "1",
                "2",
                "linear algebra + calculus + probability",
                "2 calc + prob",
                "neural + prob",
                "f",
                "h",
                "h",
                "3",
                "4",
                "5 prof",
                "6 neural",
                "p",
                "module_0",
                "u",
                "9 nope.json",
                f"8 {save}",
                "?",
                "xyz",
                "0",
            ]
        )
        + "\n"
    )
    status, out, err = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), stdin=script)
    assert (status, err) == (0, "")
    for expected in (
        "4 combinations would discover something new:",
        "New discovery: Neural Networks ★★ (neural_networks, Deep learning)",
        "New discovery: Optimization ★★",
        "No discovery: Neural Networks + Probability does not combine.",
        "1 failed combination (they teach constraints):",
        "(Ask again for the whole combination.)",
        "Try Linear Algebra + Optimization.",  # Game.suggest
        "Discovered 5 of 36 concepts.",
        "Mathematics (4/7)",
        "★★    Neural Networks (neural_networks)",
        "Score: 70   Level: 1",
        "Progress per difficulty level:",
        "Time played:",
        "Profiling (profiling)  (not discovered yet)",
        "With what you know, it leads to:",
        "Module 0: Measurement (module_0)  5/7",
        "[>]  6. Metrics",
        "Took back step 2: Calculus + Probability (forgot Optimization). Score 50, level 1.",
        "Cannot load: nope.json: cannot read save",
        f"Saved to {save}",
        "Unknown choice 'xyz'",
        "Not saved (start with --save FILE",
        "Goodbye!",
    ):
        assert expected in out, expected
    assert "\033[" not in out
    assert [s["new"] for s in json.loads(save.read_text(encoding="utf-8"))["steps"]] == [["neural_networks"]]


def test_names_are_resolved_with_candidates_never_a_traceback() -> None:
    # each unknown or ambiguous name asks again; an empty answer goes back to the menu
    script = (
        "2 neural\n\n2 Neural Networks + calculus\n\n2 linear + calc + nonsense_xyz\n\n2 m + calculus\n\n"
        "6 probabilty\n6\n\n7 qqqq\n\n0\n"
    )
    status, out, err = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), stdin=script)
    assert (status, err) == (0, "")
    assert "You have discovered no concept called 'neural'." in out  # a prefix of an undiscovered concept
    assert "not discovered yet: Neural Networks (option 1 lists what you can combine)" in out  # typed in full
    assert "You have discovered no concept called 'nonsense_xyz'." in out
    assert "'m' matches several concepts:" not in out  # only one discovered concept starts with m? none do
    assert "Probability ★ (probability, Mathematics)" in out  # fuzzy: one clear candidate
    assert "unknown concept 'qqqq'" in out
    assert "Traceback" not in out


def test_ambiguous_prefix_prefers_the_one_discovered_concept() -> None:
    # "calc" names only Calculus, "prob" only Probability; "lin" is both linear_algebra and e.g. linear_* concepts
    status, out, _ = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), stdin="2 lin + calc + prob\n0\n")
    assert status == 0 and "New discovery: Neural Networks" in out


class Scripted(io.StringIO):
    """Standard input that runs a check before handing out each line, then ends with ``final``."""

    def __init__(self, lines: list[str], check: Callable[[int], None], final: type[BaseException]) -> None:
        super().__init__()
        self.lines, self.check, self.final, self.count = lines, check, final, 0

    def readline(self, size: int | None = -1) -> str:
        self.check(self.count)
        self.count += 1
        if self.lines:
            return self.lines.pop(0) + "\n"
        raise self.final


def test_autosave_after_every_discovery_and_ctrl_c_leaves_cleanly(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "auto.json"
    seen: list[int] = []

    def check(count: int) -> None:
        if save.exists():
            seen.append(len(json.loads(save.read_text(encoding="utf-8"))["steps"]))

    lines = ["2 linear_algebra + calculus + probability", "2 calculus + probability"]
    status, out, err = play(
        "--no-installed",
        "--pack",
        str(FOUNDATIONS_DIR),
        "--save",
        str(save),
        stdin=Scripted(lines, check, KeyboardInterrupt),
    )
    assert status == 130 and err == ""
    assert seen == [1, 2]  # saved after each discovery, before the next line was read
    assert "Game saved to" in out and "Goodbye!" in out and "Traceback" not in out
    assert not list(tmp_path.glob(".auto.json.*"))  # no temporary file left behind


def test_end_of_input_saves_and_exits_zero(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "eof.json"
    status, out, _ = play(
        "--no-installed", "--pack", str(FOUNDATIONS_DIR), "--save", str(save), stdin="2 calculus + probability\n"
    )
    assert status == 0 and save.exists() and "Goodbye!" in out
    status, out, _ = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), "--save", str(save), stdin="3\n")
    assert "Resumed" in out and "Optimization (optimization)" in out


def test_end_of_input_inside_a_prompt() -> None:
    status, out, err = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), stdin="2\n")
    assert (status, err) == (0, "") and out.rstrip().endswith("Goodbye!")


def test_corrupt_save_refuses_to_start(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "bad.json"
    save.write_bytes(b"\x00\xff garbage")
    status, out, err = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), "--save", str(save), stdin="0\n")
    assert status == 1 and out == "" and err.count("\n") == 1 and "cannot use the save" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color() -> None:
    def session(env: dict[str, str], *args: str) -> str:
        out = Terminal()
        main(
            ["play", "--no-installed", "--pack", str(FOUNDATIONS_DIR), *args],
            stdin=io.StringIO("2 calculus + probability\n0\n"),
            stdout=out,
            stderr=io.StringIO(),
            env=env,
        )
        return out.getvalue()

    fancy = session({"TERM": "xterm", "COLUMNS": "88"})
    assert ANSI.search(fancy) and "✨" in fancy
    for plain in (
        session({"TERM": "xterm", "NO_COLOR": "1"}),
        session({"TERM": "dumb"}),
        session({"TERM": "xterm"}, "--color", "never"),
    ):
        assert not ANSI.search(plain) and "✨" not in plain
        assert ANSI.sub("", fancy).replace("✨ ", "").replace("💾 ", "") == plain


def test_undo_load_and_paths_from_the_menu(tmp_path: pathlib.Path) -> None:
    save = tmp_path / "s.json"
    script = (
        f"2 calculus + probability\n8 {save}\n2 optimization + probability\nu\nu\nu\n9 {save}\np module_1\nh\nh\n0\n"
    )
    status, out, _ = play("--no-installed", "--pack", str(FOUNDATIONS_DIR), stdin=script)
    assert status == 0
    assert "Took back step 2: Optimization + Probability (forgot Metrics)" in out
    assert "Took back step 1" in out
    assert "Nothing to undo" in out
    assert f"Loaded {save}: 4 of 36 concepts discovered" in out  # a fixed copy: later moves do not change it
    assert "Module 1: Small model baseline (module_1)" in out and "Hints (h) now lead along this path." in out
    assert "Try " in out
    # the view plans the whole rest of the path at once (the save was loaded: four concepts known)
    game = craftcore.Game.new(FOUNDATIONS_DIR, installed=False)
    game.combine("calculus", "probability")
    left = [c for c in game.catalog.paths["module_1"].steps if c not in game.discovered]
    plan = game.plan(*left, budget=5.0)
    assert plan.optimal
    assert f"{len(plan)} combinations to finish it from here (the fewest possible)" in out

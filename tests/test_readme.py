"""The README stays true: its library example runs, and CI runs its test command exactly."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_library_example_runs(tmp_path, monkeypatch, capsys) -> None:
    (example,) = code_blocks("python")
    code_lines = [line for line in example.splitlines() if line.strip() and not line.startswith(("import", "from"))]
    assert len(code_lines) <= 16
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "('neural_networks',)" in out
    assert "saved and loaded game.json: the same game" in out


def test_library_example_is_the_quickstart_example() -> None:
    (example,) = code_blocks("python")
    quickstart = (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")
    assert example.strip() == quickstart.split('"""', 2)[2].strip()


def test_ci_runs_the_readme_test_command() -> None:
    commands = [block.strip() for block in code_blocks("sh")]
    assert "bash scripts/test.sh" in commands
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("pack", ["foundations", "attention", "moe", "ssm", "production"])
def test_play_command_installs_every_shipped_pack(pack: str) -> None:
    commands = [block.strip() for block in code_blocks("sh")]
    assert "bash scripts/play.sh" in commands
    assert f"packs/{pack}" in (ROOT / "scripts" / "_venv.sh").read_text(encoding="utf-8")

"""Every example runs, as a user runs it, and uses only craftcore's public API."""

from __future__ import annotations

import ast
import csv
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore.testing import check_pack, content_problems

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CUSTOM_PACK = EXAMPLES / "custom_pack"


def run(script: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    assert result.stderr == "", result.stderr
    return result


def test_quickstart(tmp_path: Path) -> None:
    out = run(EXAMPLES / "quickstart.py", cwd=tmp_path).stdout
    lines = out.splitlines()
    assert lines[0].startswith("('neural_networks',) - ")
    assert any(line.endswith("-> flash_attention") for line in lines), out
    assert "saved and loaded game.json: the same game" in out
    assert list(tmp_path.iterdir()) == []  # the save went to a temporary folder that is gone


def test_quickstart_is_short() -> None:
    code = [
        line
        for line in (EXAMPLES / "quickstart.py").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    body = code[code.index("import tempfile") :]  # after the docstring
    assert len(body) <= 20, len(body)


def test_custom_pack_is_a_valid_pack_that_extends_the_shipped_ones() -> None:
    catalog = check_pack(CUSTOM_PACK, installed=True)  # strict: no lint warnings either
    assert content_problems(catalog, ["training_memory"]) == []
    info = next(p for p in catalog.packs if p.id == "training_memory")
    assert info.source == "folder" and info.requires == ("attention",)
    ours = [c for c in catalog.concepts.values() if c.pack == "training_memory"]
    assert len(ours) == 4
    used = {i for r in catalog.recipes if r.pack == "training_memory" for i in r.inputs}
    assert {catalog.concepts[i].pack for i in used} >= {"foundations", "attention", "training_memory"}


def test_custom_pack_loads_by_path_without_install(tmp_path: Path) -> None:
    out = run(CUSTOM_PACK / "play.py", cwd=tmp_path).stdout
    assert f"loaded pack training_memory 0.1.0 from folder {CUSTOM_PACK}" in out
    for name in ("Gradient Checkpointing", "Mixed Precision Training", "ZeRO", "Selective Activation Recomputation"):
        assert f"\n{name} " in out, name
    assert "5/5 done, complete=True" in out
    assert "attention's N x N scores" in out  # the pack's hint
    assert list(tmp_path.iterdir()) == []


def test_analytics_plugin_report(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    out = run(EXAMPLES / "analytics_plugin.py", str(report), cwd=tmp_path).stdout
    tried, failed = (int(w) for w in out.split()[0:4:3])  # "300 combinations tried, 199 failed, ..."
    assert tried == 300 and 0 < failed < tried
    with report.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == ["inputs", "size", "failures", "share_of_tries", "hint"]
    counts = [int(r["failures"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and sum(counts) == failed
    assert all(r["hint"] for r in rows)
    assert len({r["inputs"] for r in rows}) == len(rows)


def test_analytics_plugin_counts_failures_per_pair() -> None:
    module = runpy.run_path(str(EXAMPLES / "analytics_plugin.py"))  # import it without running main()
    analytics = module["FailureAnalytics"]()
    game = craftcore.Game(craftcore.load_catalog(FOUNDATIONS_DIR, installed=False), plugins=[analytics])
    game.combine("calculus", "calculus")
    game.combine("probability", "calculus")  # a recipe: not a failure
    game.combine("calculus", "calculus")
    game.combine("probability", "linear_algebra", "probability")
    assert analytics.tried == 4
    assert analytics.failures == {("calculus", "calculus"): 2, ("linear_algebra", "probability", "probability"): 1}


# ------------------------------------------------------------------------------------------------- public API only


def _example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_examples_use_only_the_public_api(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    public = set(craftcore.__all__)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("craftcore."), f"{path}:{node.lineno}: import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            assert not node.module.startswith("craftcore."), f"{path}:{node.lineno}: from {node.module} import"
            if node.module == "craftcore":
                for alias in node.names:
                    assert alias.name in public, f"{path}:{node.lineno}: craftcore.{alias.name} is not public"
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "craftcore":
                assert node.attr in public, f"{path}:{node.lineno}: craftcore.{node.attr} is not public"
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            private = node.attr.startswith("_") and not node.attr.startswith("__") and not own
            assert not private, f"{path}:{node.lineno}: private attribute .{node.attr} of another object"

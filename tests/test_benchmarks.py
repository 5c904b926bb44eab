"""Smoke runs of the benchmark scripts, so they do not rot (their numbers are not judged here: see
docs/performance.md)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["bench_engine.py", "bench_planner.py"])
def test_quick_benchmark_runs_and_prints_a_table(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(lines) >= 3, done.stdout
    assert set(lines[1]) <= set("|-: ")  # the markdown header rule

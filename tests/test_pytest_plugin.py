"""The pytest plugin, run as a pack author runs it: plain `pytest` in a project folder (a subprocess), and the
`craftcore new` scaffold's own tests before it is installed, also for a pack built on an installed pack."""

from __future__ import annotations

import io
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from craftcore.cli import main

from .authoring_packs import write


def pytest_in(folder: pathlib.Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


PROJECT_TESTS = """
[[tests]]
reachable = ["e"]

[[tests]]
target = "e"
max_steps = 2
"""

FIXTURE_TEST = """
import craftcore


def test_the_fixtures(craftcore_catalog, craftcore_game):
    assert isinstance(craftcore_catalog, craftcore.Catalog)
    assert [p.id for p in craftcore_catalog.packs] == ["tiny"]
    assert craftcore_game.catalog is craftcore_catalog
    assert craftcore_game.combine("a", "b").new == ("c",)
"""


def project(root: pathlib.Path, tests: str, ini: str) -> pathlib.Path:
    write(root / "pack", tests=tests)
    (root / "tests").mkdir()
    (root / "tests" / "test_fixtures.py").write_text(textwrap.dedent(FIXTURE_TEST), encoding="utf-8")
    (root / "pyproject.toml").write_text(f"[tool.pytest.ini_options]\n{ini}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "ini",
    [
        'testpaths = ["tests", "pack"]\ncraftcore_packs = ["pack"]',
        'testpaths = ["tests", "pack"]',  # without the ini option the fixtures find the pack in the project
    ],
)
def test_tests_tables_become_items_with_file_and_line(tmp_path: pathlib.Path, ini: str) -> None:
    root = project(tmp_path / "proj", PROJECT_TESTS, ini)
    done = pytest_in(root)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "PASSED pack/tests.toml::tests[0] reachable: e" in out
    assert "PASSED tests/test_fixtures.py::test_the_fixtures" in out
    assert "1 failed, 2 passed" in out
    assert f"{root / 'pack' / 'tests.toml'}:5: tests[1]: e in at most 2 steps" in out
    assert "the optimum takes 3 steps, more than 2" in out
    assert "Traceback" not in out


def test_malformed_tables_fail_as_one_item_with_the_problem(tmp_path: pathlib.Path) -> None:
    root = project(tmp_path / "proj", '[[tests]]\ntarget = "e"\n', 'testpaths = ["pack"]')
    done = pytest_in(root)
    assert done.returncode == 1
    assert "malformed [[tests]] tables:" in done.stdout
    assert "tests.toml:1: error: tests[0]: a test has one of the shapes" in done.stdout


def test_pack_files_without_tests_and_other_toml_files_are_not_collected(tmp_path: pathlib.Path) -> None:
    root = project(tmp_path / "proj", "", 'testpaths = ["pack", "tests", "extra"]')
    (root / "extra").mkdir()
    (root / "extra" / "other.toml").write_text("[[tests]]\nreachable = ['x']\n", encoding="utf-8")  # no pack.toml
    done = pytest_in(root)
    assert done.returncode == 0, done.stdout
    assert "1 passed" in done.stdout


def new(tmp_path: pathlib.Path, *args: str) -> pathlib.Path:
    status = main(["new", *args, "--dir", str(tmp_path)], stdout=io.StringIO(), stderr=io.StringIO(), env={})
    assert status == 0
    return tmp_path / args[0]


@pytest.mark.parametrize("requires", [[], ["--requires", "production"]])
def test_the_scaffold_passes_its_own_tests_before_it_is_installed(tmp_path: pathlib.Path, requires: list[str]) -> None:
    root = new(tmp_path, "fresh_pack", *requires)
    done = pytest_in(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ModuleNotFoundError" not in done.stdout
    assert "PASSED src/craftcore_fresh_pack/pack/tests.toml::tests[0]" in done.stdout
    assert "10 passed" in done.stdout
    pack = (root / "src" / "craftcore_fresh_pack" / "pack" / "pack.toml").read_text(encoding="utf-8")
    expected = '["foundations", "production"]' if requires else '["foundations"]'
    assert f"requires = {expected}" in pack


def test_the_scaffold_tests_fail_when_the_pack_breaks(tmp_path: pathlib.Path) -> None:
    root = new(tmp_path, "broken_pack")
    pack = root / "src" / "craftcore_broken_pack" / "pack" / "pack.toml"
    pack.write_text(pack.read_text(encoding="utf-8").replace('"tiny_models"]', '"tiny_modles"]'), encoding="utf-8")
    done = pytest_in(root)
    assert done.returncode == 1
    assert "unknown concept 'tiny_modles'" in done.stdout


def test_new_refuses_a_requirement_that_is_not_installed(tmp_path: pathlib.Path) -> None:
    err = io.StringIO()
    status = main(["new", "x_pack", "--requires", "nonesuch", "--dir", str(tmp_path)], stdout=io.StringIO(), stderr=err)
    assert status == 2 and "--requires: nonesuch is not an installed pack" in err.getvalue()
    assert not (tmp_path / "x_pack").exists()

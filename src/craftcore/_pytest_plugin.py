"""The pytest plugin (entry point ``pytest11``): a pack's ``[[tests]]`` tables become pytest items, and tests get
the fixtures ``craftcore_catalog`` and ``craftcore_game``, so a pack's CI is plain ``pytest``.

* Every ``*.toml`` file that pytest collects in a pack folder (a folder with a ``pack.toml``) and that holds
  ``[[tests]]`` tables gives one item per table, reported at the table's file and line. The pack is loaded with the
  installed packs it requires. Point ``testpaths`` at the pack folder (``craftcore new`` does) to collect them.
* ``craftcore_catalog``: the catalog of the packs under test: the folders of the ini option ``craftcore_packs``,
  or else every pack folder found under the project of the test file (the nearest folder above it with a
  ``pyproject.toml``), loaded with the installed packs they require. ``craftcore_game``: a new game on it.
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from craftcore._catalog import Catalog
from craftcore._errors import PackError
from craftcore._game import Game
from craftcore._loader import load_catalog
from craftcore._model import PackTest
from craftcore._packtests import TestOutcome, describe, read_tests, run_test

__all__ = ["craftcore_catalog", "craftcore_game"]

_TESTS_TABLE = re.compile(r"^\s*\[\[\s*tests\s*\]\]|^\s*tests\s*=", re.MULTILINE)
_SKIP_DIRS = frozenset({"node_modules", "build", "dist", "__pycache__", "site-packages"})
_CATALOGS = pytest.StashKey[dict[tuple[str, ...], "Catalog | PackError"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "craftcore_packs",
        type="paths",
        default=[],
        help="pack folders the craftcore_catalog fixture loads (default: the pack folders found in the project)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CATALOGS] = {}


def _catalog(config: pytest.Config, dirs: list[pathlib.Path]) -> Catalog:
    """The catalog of these pack folders and the installed packs they require, loaded once per session."""
    key = tuple(sorted(str(d) for d in dirs))
    cache = config.stash[_CATALOGS]
    if key not in cache:
        try:
            cache[key] = load_catalog(*key, installed="required")
        except PackError as exc:
            cache[key] = exc
    found = cache[key]
    if isinstance(found, PackError):
        raise found
    return found


# ------------------------------------------------------------------------------------------------ [[tests]] items


def pytest_collect_file(file_path: pathlib.Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".toml" or not (file_path.parent / "pack.toml").is_file():
        return None
    try:
        text = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not _TESTS_TABLE.search(text):
        return None
    collector: pytest.Collector = PackTestFile.from_parent(parent, path=file_path)
    return collector


class PackTestFile(pytest.File):
    """The ``[[tests]]`` tables of one pack file."""

    def collect(self) -> Iterator[pytest.Item]:
        tests, problems = read_tests(self.path.parent)
        mine = [t for t in tests if t.file is not None and pathlib.Path(t.file) == self.path]
        own = [p for p in problems if p.file is not None and pathlib.Path(p.file) == self.path]
        if own:  # a malformed test is a pack problem: one failing item says where
            yield PackProblemItem.from_parent(self, name="[[tests]] tables", problems=[str(p) for p in own])
        for test in mine:
            yield PackTestItem.from_parent(self, name=f"{test.key} {describe(test)}", test=test)


class PackTestFailure(Exception):
    """A pack test failed (``outcome``), or its tables are malformed (``None``)."""

    def __init__(self, outcome: TestOutcome | None) -> None:
        super().__init__(outcome.message if outcome else "malformed [[tests]] tables")
        self.outcome = outcome


class PackTestItem(pytest.Item):
    """One ``[[tests]]`` table."""

    def __init__(self, *, test: PackTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def runtest(self) -> None:
        catalog = _catalog(self.config, [self.path.parent])
        outcome = run_test(catalog, self.test)
        if not outcome.passed:
            raise PackTestFailure(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, PackTestFailure) and excinfo.value.outcome is not None:
            o = excinfo.value.outcome
            return f"{o.where}: {o.test.key}: {describe(o.test)}\n    {o.message}"
        if isinstance(excinfo.value, PackError):
            return "the packs do not load:\n" + "\n".join(f"  {p}" for p in excinfo.value.problems)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, (self.test.line - 1) if self.test.line else None, f"{self.test.key}: {describe(self.test)}"


class PackProblemItem(pytest.Item):
    """Fails with the problems of malformed ``[[tests]]`` tables."""

    def __init__(self, *, problems: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise PackTestFailure(None)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return "malformed [[tests]] tables:\n" + "\n".join(f"  {p}" for p in self.problems)

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, None, "[[tests]] tables"


# ------------------------------------------------------------------------------------------------ fixtures


def _project_root(start: pathlib.Path, rootdir: pathlib.Path) -> pathlib.Path:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or folder == rootdir:
            return folder
    return rootdir


def pack_folders(root: pathlib.Path) -> list[pathlib.Path]:
    """The pack folders (with a ``pack.toml``) under ``root``, skipping hidden folders, virtual environments and
    build output."""
    found = []
    for folder, subdirs, files in os.walk(root):
        subdirs[:] = sorted(
            d
            for d in subdirs
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not d.endswith(".egg-info")
            and not os.path.isfile(os.path.join(folder, d, "pyvenv.cfg"))
        )
        if "pack.toml" in files:
            found.append(pathlib.Path(folder))
    return found


@pytest.fixture
def craftcore_catalog(request: pytest.FixtureRequest) -> Catalog:
    """The catalog of the packs under test (see the module documentation); loaded once per session."""
    config = request.config
    dirs: list[pathlib.Path] = list(config.getini("craftcore_packs"))
    if not dirs:
        dirs = pack_folders(_project_root(request.path.parent, config.rootpath))
    if not dirs:
        pytest.fail("craftcore_catalog: no pack folder found; set the ini option craftcore_packs")
    return _catalog(config, dirs)


@pytest.fixture
def craftcore_game(craftcore_catalog: Catalog) -> Game:
    """A new game on ``craftcore_catalog`` with a fixed clock."""
    return Game(craftcore_catalog, clock=lambda: 0.0)

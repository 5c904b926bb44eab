"""The ssm pack loads cleanly, passes the content lint, and every concept is discovered by playing.

The pack's own claims are in its ``[[tests]]`` tables (src/craftcore_ssm/pack/tests.toml), which craftcore's
pytest plugin collects; the fixtures ``craftcore_catalog`` (this pack and the installed packs it requires) and
``craftcore_game`` (a new game on it) come from the same plugin, so this folder's CI is plain ``pytest``.
"""

from __future__ import annotations

import craftcore
from craftcore.testing import content_problems, play_everything

PACK_ID = "ssm"


def test_pack_loads_without_errors_or_warnings(craftcore_catalog: craftcore.Catalog) -> None:
    assert PACK_ID in {p.id for p in craftcore_catalog.packs}
    assert craftcore_catalog.problems() == ()


def test_content_lint_is_clean(craftcore_catalog: craftcore.Catalog) -> None:
    assert content_problems(craftcore_catalog, packs=[PACK_ID]) == []


def test_every_concept_is_discovered_by_playing(craftcore_catalog: craftcore.Catalog) -> None:
    game = play_everything(craftcore_catalog)
    assert set(game.discovered) == set(craftcore_catalog.concepts)


def test_a_new_game_starts_from_the_start_concepts(craftcore_game: craftcore.Game) -> None:
    assert set(craftcore_game.discovered) == set(craftcore_game.catalog.starts)
    assert craftcore_game.available().count() > 0

"""The attention pack loads cleanly, passes the content lint, and every concept is discovered by playing."""

from __future__ import annotations

import craftcore_attention

from craftcore.testing import check_pack, content_problems, play_everything

PACK_DIRS = (craftcore_attention.PACK_DIR,)


def test_pack_loads_without_errors_or_warnings() -> None:
    catalog = check_pack(*PACK_DIRS)
    assert "attention" in {p.id for p in catalog.packs}


def test_content_lint_is_clean() -> None:
    catalog = check_pack(*PACK_DIRS)
    assert content_problems(catalog, packs=["attention"]) == []


def test_every_concept_is_discovered_by_playing() -> None:
    catalog = check_pack(*PACK_DIRS)
    game = play_everything(catalog)
    assert set(game.discovered) == set(catalog.concepts)

"""The production pack loads cleanly, passes the content lint, and every concept is discovered by playing."""

from __future__ import annotations

import craftcore_attention
import craftcore_moe
import craftcore_production
import craftcore_ssm

from craftcore.testing import check_pack, content_problems, play_everything

PACK_DIRS = (
    craftcore_attention.PACK_DIR,
    craftcore_moe.PACK_DIR,
    craftcore_ssm.PACK_DIR,
    craftcore_production.PACK_DIR,
)


def test_pack_loads_without_errors_or_warnings() -> None:
    catalog = check_pack(*PACK_DIRS)
    assert "production" in {p.id for p in catalog.packs}


def test_content_lint_is_clean() -> None:
    catalog = check_pack(*PACK_DIRS)
    assert content_problems(catalog, packs=["production"]) == []


def test_every_concept_is_discovered_by_playing() -> None:
    catalog = check_pack(*PACK_DIRS)
    game = play_everything(catalog)
    assert set(game.discovered) == set(catalog.concepts)

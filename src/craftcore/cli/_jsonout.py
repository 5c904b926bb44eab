"""The ``--json`` documents: plain dicts with stable keys (documented in docs/cli.md)."""

from __future__ import annotations

from typing import Any

from craftcore import (
    Catalog,
    CombineResult,
    Concept,
    Discovery,
    Game,
    PackInfo,
    Plan,
    Prerequisites,
    Problem,
    Recipe,
)
from craftcore.cli._render import next_level_score

__all__ = [
    "available_json",
    "combine_json",
    "concept_json",
    "info_json",
    "pack_json",
    "path_json",
    "problem_json",
    "recipe_json",
    "stats_json",
]


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def concept_brief(concept: Concept) -> dict[str, Any]:
    return {"id": concept.id, "name": concept.name, "level": concept.level, "category": concept.category}


def concept_json(catalog: Catalog, concept: Concept) -> dict[str, Any]:
    category = catalog.categories.get(concept.category)
    return {
        **concept_brief(concept),
        "category_name": category.name if category is not None else concept.category,
        "description": concept.description,
        "pack": concept.pack,
        "start": concept.start,
        "properties": {k: _value(v) for k, v in concept.properties.items()},
        "resources": [{"title": r.title, "url": r.url, "kind": r.kind} for r in concept.resources],
    }


def recipe_json(recipe: Recipe) -> dict[str, Any]:
    return {
        "inputs": list(recipe.inputs),
        "outputs": list(recipe.outputs),
        "requires": list(recipe.requires),
        "why": recipe.why,
        "pack": recipe.pack,
    }


def discovery_json(discovery: Discovery) -> dict[str, Any]:
    return {
        "step": discovery.step,
        "time": discovery.time,
        "source": discovery.source,
        "inputs": list(discovery.inputs),
        "points": discovery.points,
    }


def combine_json(game: Game, result: CombineResult, saved: str | None) -> dict[str, Any]:
    catalog = game.catalog
    return {
        "inputs": list(result.inputs),
        "success": result.success,
        "new": [
            {
                **concept_json(catalog, catalog.concepts[c]),
                "points": game.discovered[c].points,
                "source": game.discovered[c].source,
            }
            for c in result.new
        ],
        "outputs": list(result.outputs),
        "why": list(result.why),
        "hint": result.hint,
        "points": result.points,
        "level_up": result.level_up,
        "score": game.score,
        "level": game.level,
        "saved": saved,
    }


def info_json(game: Game, cid: str) -> dict[str, Any]:
    catalog = game.catalog
    discovery = game.discovered.get(cid)
    return {
        **concept_json(catalog, catalog.concepts[cid]),
        "discovered": discovery is not None,
        "discovery": discovery_json(discovery) if discovery is not None else None,
        "final": game.is_final(cid),
        "leads_to": [
            {**recipe_json(r), "known": [o for o in r.outputs if o in game.discovered]} for r in game.leads_to(cid)
        ],
    }


def path_json(game: Game, plan: Plan, prerequisites: Prerequisites | None) -> dict[str, Any]:
    catalog = game.catalog
    return {
        "target": concept_brief(catalog.concepts[plan.target]),
        "targets": [concept_brief(catalog.concepts[t]) for t in plan.targets],
        "discovered": all(t in game.discovered for t in plan.targets),
        "plan": {
            "steps": [
                {"inputs": list(s.inputs), "outputs": list(s.outputs), "requires": list(s.requires)} for s in plan.steps
            ],
            "length": len(plan.steps),
            "optimal": plan.optimal,
            "lower_bound": plan.lower_bound,
        },
        "prerequisites": [list(layer) for layer in prerequisites.layers] if prerequisites is not None else None,
    }


def stats_json(game: Game, now: float, played: float | None = None) -> dict[str, Any]:
    catalog = game.catalog
    paths = []
    for pid in catalog.paths:
        progress = game.path_progress(pid)
        paths.append(
            {
                "id": pid,
                "name": progress.path.name,
                "done": len(progress.done),
                "total": len(progress.path.steps),
                "next": progress.next,
            }
        )
    return {
        "score": game.score,
        "level": game.level,
        "next_level_score": next_level_score(game.score),
        "discovered": len(game.discovered),
        "total": len(catalog.concepts),
        "complete": game.complete,
        "progress": [{"level": lv, "discovered": d, "total": t} for lv, (d, t) in game.progress().items()],
        "steps": len(game.steps),
        "failed": len(game.attempts),
        "started": game.started,
        "elapsed_seconds": round(max(0.0, now - game.started), 3),
        "played_seconds": None if played is None else round(played, 3),
        "paths": paths,
    }


def available_json(game: Game) -> dict[str, Any]:
    combos = [list(k) for k in game.available()]
    return {"count": len(combos), "combinations": combos}


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.message,
        "pack": problem.pack,
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "key": problem.key,
        "suggestions": list(problem.suggestions),
        "text": str(problem),
    }


def pack_json(info: PackInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "version": info.version,
        "description": info.description,
        "requires": list(info.requires),
        "source": info.source,
        "location": info.location,
        "distribution": info.distribution,
    }

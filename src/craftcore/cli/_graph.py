"""``craftcore graph``: the recipe graph as Graphviz dot, Mermaid or JSON, with a path or prerequisites highlighted.

Concepts are nodes; each recipe is a small junction node with an edge from every input (dashed from every
``requires``) and an edge to every output, so combinations of several inputs stay readable.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from craftcore import Catalog, Game, UnknownPath, Unreachable, load_catalog
from craftcore.cli import _jsonout as jsonout
from craftcore.cli._console import CliError, Console
from craftcore.cli._names import describe_unknown
from craftcore.cli._session import installed_mode

__all__ = ["Highlight", "cmd_graph", "to_dot", "to_json", "to_mermaid"]

_LEVEL_FILL = {1: "#e3f2fd", 2: "#e8f5e9", 3: "#fffde7", 4: "#fff3e0", 5: "#fce4ec"}


class Highlight:
    """The concepts and recipes (by index into ``catalog.recipes``) to emphasise, and the path order if any."""

    def __init__(self) -> None:
        self.concepts: set[str] = set()
        self.recipes: set[int] = set()
        self.path: tuple[str, ...] = ()
        self.path_id: str | None = None
        self.target: str | None = None
        self.layers: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.concepts or self.recipes)


def highlight_for(catalog: Catalog, path: str | None, target: str | None, budget: float) -> Highlight:
    """What ``--path`` and ``--target`` ask to highlight.

    A path highlights its steps and the route that discovers them in order (each step's optimal plan from where the
    previous steps left the game); a target highlights its prerequisites and the recipes of its optimal plan.
    """
    hl = Highlight()
    index_of = {recipe: i for i, recipe in enumerate(catalog.recipes)}
    if path is not None:
        try:
            pid = catalog.resolve_path(path)
        except UnknownPath as exc:
            raise CliError(describe_unknown(catalog, exc), kind="unknown-path") from None
        hl.path_id, hl.path = pid, catalog.paths[pid].steps
        hl.concepts |= set(hl.path)
        game = Game(catalog, clock=lambda: 0.0)
        for step in hl.path:
            if step in game.discovered:
                continue
            try:
                plan = game.plan(step, budget=budget)
            except Unreachable:
                continue
            for planned in plan.steps:
                result = game.combine(*planned.inputs)
                hl.recipes.update(index_of[r] for r in result.recipes)
    if target is not None:
        from craftcore.cli._commands import concept_arg

        cid = concept_arg(catalog, target)
        game = Game(catalog, clock=lambda: 0.0)
        plan = game.plan(cid, budget=budget)
        prerequisites = game.prerequisites(cid, budget=budget)
        hl.target, hl.layers = cid, prerequisites.layers
        hl.concepts |= set(prerequisites.concepts) | {cid}
        for planned in plan.steps:
            result = game.combine(*planned.inputs)
            hl.recipes.update(index_of[r] for r in result.recipes)
    return hl


def _kept(catalog: Catalog, hl: Highlight, only: bool) -> tuple[list[str], list[int]]:
    if not only or not hl:
        return list(catalog.concepts), list(range(len(catalog.recipes)))
    recipes = sorted(hl.recipes)
    concepts = set(hl.concepts)
    for i in recipes:
        concepts |= set(catalog.recipes[i].preconditions) | set(catalog.recipes[i].outputs)
    return [c for c in catalog.concepts if c in concepts], recipes


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(catalog: Catalog, hl: Highlight, only: bool = False) -> str:
    concepts, recipes = _kept(catalog, hl, only)
    order = {cid: n for n, cid in enumerate(hl.path, 1)}
    out = [
        "digraph craftcore {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        "  edge [arrowsize=0.6];",
    ]
    for cid in concepts:
        c = catalog.concepts[cid]
        prefix = f"{order[cid]}. " if cid in order else ""
        label = _dot_quote(prefix + c.name)[:-1] + "\\n" + "★" * c.level + '"'
        fill = "#ffcc80" if cid == hl.target else _LEVEL_FILL.get(c.level, "#ffffff")
        attrs = [f"label={label}", f'fillcolor="{fill}"', f"tooltip={_dot_quote(c.id)}"]
        if cid in hl.concepts:
            attrs += ['color="#d84315"', "penwidth=2.5"]
        out.append(f"  {_dot_quote(cid)} [{', '.join(attrs)}];")
    for i in recipes:
        r = catalog.recipes[i]
        lit = i in hl.recipes
        colour = ', color="#d84315", penwidth=2' if lit else ""
        tip = _dot_quote((r.why or " + ".join(r.inputs))[:200])
        out.append(f"  r{i} [shape=point, width=0.08, tooltip={tip}{colour}];")
        for cid in r.inputs:
            out.append(f"  {_dot_quote(cid)} -> r{i} [arrowhead=none{colour}];")
        for cid in r.requires:
            out.append(f"  {_dot_quote(cid)} -> r{i} [style=dashed, arrowhead=none{colour}];")
        for cid in r.outputs:
            out.append(f"  r{i} -> {_dot_quote(cid)} [{colour.lstrip(', ')}];".replace(" [];", ";"))
    for a, b in zip(hl.path, hl.path[1:], strict=False):
        out.append(f'  {_dot_quote(a)} -> {_dot_quote(b)} [style=dotted, color="#1565c0", constraint=false];')
    out.append("}")
    return "\n".join(out) + "\n"


def _mm_label(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(catalog: Catalog, hl: Highlight, only: bool = False) -> str:
    concepts, recipes = _kept(catalog, hl, only)
    order = {cid: n for n, cid in enumerate(hl.path, 1)}
    out = ["flowchart LR"]
    for cid in concepts:
        c = catalog.concepts[cid]
        label = (f"{order[cid]}. " if cid in order else "") + f"{c.name} {'★' * c.level}"
        out.append(f'  c_{cid}["{_mm_label(label)}"]')
    links: list[int] = []
    lines_out: list[str] = []
    for i in recipes:
        r = catalog.recipes[i]
        lines_out.append(f'  r{i}(("+"))')
        for cid in r.inputs:
            links.append(i)
            lines_out.append(f"  c_{cid} --- r{i}")
        for cid in r.requires:
            links.append(i)
            lines_out.append(f"  c_{cid} -.- r{i}")
        for cid in r.outputs:
            links.append(i)
            lines_out.append(f"  r{i} --> c_{cid}")
    out += lines_out
    for a, b in zip(hl.path, hl.path[1:], strict=False):
        links.append(-1)
        out.append(f"  c_{a} -.-> c_{b}")
    out.append("  classDef hl fill:#ffcc80,stroke:#d84315,stroke-width:2px")
    lit = [f"c_{c}" for c in concepts if c in hl.concepts] + [f"r{i}" for i in recipes if i in hl.recipes]
    if lit:
        out.append(f"  class {','.join(lit)} hl")
    lit_links = [str(n) for n, i in enumerate(links) if i in hl.recipes or i == -1]
    if lit_links:
        out.append(f"  linkStyle {','.join(lit_links)} stroke:#d84315,stroke-width:2px")
    return "\n".join(out) + "\n"


def to_json(catalog: Catalog, hl: Highlight, only: bool = False) -> dict[str, Any]:
    concepts, recipes = _kept(catalog, hl, only)
    return {
        "concepts": [
            {
                **jsonout.concept_brief(catalog.concepts[c]),
                "pack": catalog.concepts[c].pack,
                "start": catalog.concepts[c].start,
                "highlighted": c in hl.concepts,
            }
            for c in concepts
        ],
        "recipes": [
            {"id": f"r{i}", **jsonout.recipe_json(catalog.recipes[i]), "highlighted": i in hl.recipes} for i in recipes
        ],
        "path": {"id": hl.path_id, "steps": list(hl.path)} if hl.path_id else None,
        "target": ({"id": hl.target, "prerequisites": [list(layer) for layer in hl.layers]} if hl.target else None),
    }


def cmd_graph(args: argparse.Namespace, console: Console) -> int:
    catalog = load_catalog(*args.dirs, installed=installed_mode(args), blocked=args.block)
    hl = highlight_for(catalog, args.path, args.target, args.budget)
    if args.format == "json":
        console.out.write(json.dumps(to_json(catalog, hl, args.only), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "mermaid":
        console.out.write(to_mermaid(catalog, hl, args.only))
    else:
        console.out.write(to_dot(catalog, hl, args.only))
    return 0

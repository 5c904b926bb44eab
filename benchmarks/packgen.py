"""Write synthetic worlds (benchmarks/worlds.py) through the real pack format, for loader and engine benchmarks."""

from __future__ import annotations

import json
import pathlib

from worlds import World


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def write_pack(world: World, folder: pathlib.Path, *, files: int = 8, pack_id: str = "synthetic") -> pathlib.Path:
    """Write ``world`` as a pack folder: ``pack.toml`` plus ``files`` concept files and ``files`` recipe files."""
    folder.mkdir(parents=True, exist_ok=True)
    starts = set(world.starts)
    (folder / "pack.toml").write_text(
        f'[pack]\nid = "{pack_id}"\nname = "Synthetic"\nversion = "1.0.0"\n'
        f'description = "A generated world of {len(world.concepts)} concepts."\n\n'
        '[categories.synthetic]\nname = "Synthetic"\ndescription = "Generated concepts."\n',
        encoding="utf-8",
    )
    n = len(world.concepts)
    for part in range(files):
        lines = []
        for i in range(part * n // files, (part + 1) * n // files):
            cid = world.concepts[i]
            level = 1 if cid in starts else min(5, 2 + world.depths[i] // 5)
            lines.append(
                f'[concepts.{cid}]\nname = "Concept {cid[1:]}"\nlevel = {level}\ncategory = "synthetic"\n'
                f'description = "Synthetic concept at depth {world.depths[i]}."\n'
                + ("start = true\n" if cid in starts else "")
            )
        (folder / f"concepts_{part:02d}.toml").write_text("\n".join(lines), encoding="utf-8")
    r = len(world.recipes)
    for part in range(files):
        lines = [
            f"[[recipes]]\ninputs = {_toml_list(inputs)}\noutputs = {_toml_list(outputs)}\n"
            for inputs, outputs in world.recipes[part * r // files : (part + 1) * r // files]
        ]
        (folder / f"recipes_{part:02d}.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder

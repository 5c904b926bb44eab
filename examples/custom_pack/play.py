"""Load the example pack from its folder, with no install, on top of the shipped packs, and play into it.

Run it: ``python examples/custom_pack/play.py``. The folder needs nothing but TOML files: ``pack.toml`` names the
pack and the packs it builds on (``requires``), and the other ``*.toml`` files hold its content.
"""

from pathlib import Path

import craftcore

HERE = Path(__file__).resolve().parent


def main() -> None:
    catalog = craftcore.load_catalog(HERE)  # the built-in pack, the installed packs, and this folder
    pack = next(p for p in catalog.packs if p.id == "training_memory")
    print(f"loaded pack {pack.id} {pack.version} from {pack.source} {pack.location}")
    print(f"requires {', '.join(pack.requires)}; the catalog now has {len(catalog.concepts)} concepts")

    game = craftcore.Game(catalog)
    path = catalog.paths["training_memory"]
    for target in path.steps:
        for step in game.plan(target):  # the fewest combinations from the current state
            result = game.combine(*step.inputs)
            for concept_id in result.new:
                concept = catalog.concepts[concept_id]
                if concept.pack == pack.id:
                    print(f"\n{concept.name} {concept.stars}  ({' + '.join(result.inputs)})")
                    print(f"  why: {result.why[0]}")
                    for key, value in concept.properties.items():
                        print(f"  {key}: {', '.join(value) if isinstance(value, tuple) else value}")
    progress = game.path_progress(path.id)
    print(f"\npath {path.name!r}: {len(progress.done)}/{len(path.steps)} done, complete={progress.complete}")

    failed = game.combine("gradient_checkpointing", "gradient_checkpointing")  # the pack's hint for a dead end
    print(f"gradient_checkpointing + gradient_checkpointing: {failed.hint}")


if __name__ == "__main__":
    main()

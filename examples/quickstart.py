"""craftcore in 15 lines: load the packs, combine, ask for a plan, save and load.

Run it: ``python examples/quickstart.py`` (with the attention pack installed, for FlashAttention).
"""

import tempfile
from pathlib import Path

import craftcore

catalog = craftcore.load_catalog()  # every installed pack (here: the LLM game's five)
game = craftcore.Game(catalog)

result = game.combine("linear_algebra", "calculus", "probability")
print(result.new, "-", result.why[0])  # ('neural_networks',) - Layers are matrix products, ...

for step in game.plan("flash_attention"):  # the fewest combinations from here to FlashAttention
    print(" + ".join(step.inputs), "->", ", ".join(game.combine(*step.inputs).new))
print(f"score {game.score}, level {game.level}, {len(game.discovered)}/{len(catalog.concepts)} discovered")

with tempfile.TemporaryDirectory() as folder:
    save = Path(folder) / "game.json"
    game.save(save)  # the discovery log, written atomically
    assert craftcore.Game.load(save, catalog) == game  # loading replays the log through the rules
    print(f"saved and loaded {save.name}: the same game")

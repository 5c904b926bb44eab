"""A tiny pack for the learning tests: the engine's review, mastery and challenge code must work on any pack."""

from __future__ import annotations

import functools

import craftcore

TEXT = """
[pack]
id = "kitchen"
name = "Kitchen"
version = "1.0.0"
description = "A tiny kitchen to test review cards on."

[categories.basic]
name = "Basics"
description = "What a kitchen starts with."

[categories.dish]
name = "Dishes"
description = "What a kitchen makes."

[concepts.water]
name = "Water"
level = 1
category = "basic"
description = "Wet."
start = true
resources = [{ title = "Water facts", url = "https://example.org/water", kind = "docs" }]
[concepts.water.properties]
state = "liquid"

[concepts.flour]
name = "Flour"
level = 1
category = "basic"
description = "Ground grain."
start = true
resources = [{ title = "Flour facts", url = "https://example.org/flour", kind = "docs" }]
[concepts.flour.properties]
state = "powder"

[concepts.heat]
name = "Heat"
level = 1
category = "basic"
description = "An oven."
start = true

[concepts.dough]
name = "Dough"
level = 2
category = "dish"
description = "Flour and water."
resources = [{ title = "Dough facts", url = "https://example.org/dough", kind = "docs" }]
[concepts.dough.properties]
rests_minutes = 30

[concepts.bread]
name = "Bread"
level = 3
category = "dish"
description = "Baked dough."
resources = [{ title = "Bread facts", url = "https://example.org/bread", kind = "docs" }]
[concepts.bread.properties]
rests_minutes = 0

[concepts.steam]
name = "Steam"
level = 2
category = "basic"
description = "Hot water."
resources = [{ title = "Steam facts", url = "https://example.org/steam", kind = "docs" }]
[concepts.steam.properties]
state = "gas"

[concepts.bun]
name = "Steamed bun"
level = 4
category = "dish"
description = "Dough cooked in steam."
resources = [{ title = "Bun facts", url = "https://example.org/bun", kind = "docs" }]
[concepts.bun.properties]
rests_minutes = 60

[concepts.toast]
name = "Toast"
level = 4
category = "dish"
description = "Bread heated again."

[[recipes]]
inputs = ["flour", "water"]
outputs = ["dough"]

[[recipes]]
inputs = ["dough", "heat"]
outputs = ["bread"]

[[recipes]]
inputs = ["heat", "water"]
outputs = ["steam"]

[[recipes]]
inputs = ["dough", "steam"]
outputs = ["bun"]

[[recipes]]
inputs = ["bread", "heat"]
outputs = ["toast"]

[paths.baking]
name = "Baking"
description = "From flour to toast."
steps = ["dough", "bread", "toast"]
"""


@functools.cache
def catalog() -> craftcore.Catalog:
    return craftcore.load_catalog(craftcore.PackSource.from_text("kitchen.toml", TEXT), installed=False, cache=False)


#: 2023-11-14 22:13:20 UTC: a fixed moment to start the fake clocks of these tests at.
T0 = 1_700_000_000.0
DAY = 86_400.0


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


def right_answer(card: craftcore.ReviewCard) -> list[str] | str:
    return list(card.answers) if card.pick_all else card.answers[0]


def wrong_answer(card: craftcore.ReviewCard) -> str:
    return next((o for o in card.options if o not in card.answers), "no such thing")

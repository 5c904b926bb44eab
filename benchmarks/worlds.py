"""Deterministic synthetic crafting worlds shaped like real discovery games, for tuning and benchmarking the planner.

A world is built layer by layer.  Every non-start concept gets a target layer ``1..max_depth`` and a *primary*
recipe (its first discovery): one input from the layer just below, the others either near it (chance ``near``) or
drawn by popularity, so that, as in real games, a few hubs ("water", "fire", "human") appear in very many recipes
(preferential attachment: each use makes a concept more likely to be used again).  *Extra* recipes then combine two
(sometimes one or three) concepts of any depth into a concept that already exists: usually one at most ``drop``
layers shallower than the deepest input (as when two advanced concepts give back a simpler one), and with chance
``shortcut`` one to three layers deeper (a competing route).  Extra recipes are what make planning hard: a recipe
whose inputs a plan needs anyway can replace a whole sub-derivation, so the best choice of recipe for a concept
depends on the rest of the plan.  Most recipes take two inputs, some one or three; a few input multisets yield two
outputs.

Usage::

    world = generate_world(520, recipes_per_concept=4.3, seed=1)
    task, index = to_task(world)        # index: concept id -> fact number

The named shapes :func:`small_world`, :func:`little_alchemy_2_like` and :func:`infinite_craft_like` are what
``bench_planner.py`` measures.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from craftcore._planner import Task

Recipe = tuple[tuple[str, ...], tuple[str, ...]]


@attrs.frozen
class World:
    """A synthetic world: concept ids, the start ids, and recipes as ``(inputs, outputs)`` id tuples."""

    concepts: tuple[str, ...]
    starts: tuple[str, ...]
    recipes: tuple[Recipe, ...]
    #: ``depth[i]``: the minimal number of combine layers needed for ``concepts[i]`` (0 for starts).
    depths: tuple[int, ...]


def _layer_sizes(n: int, max_depth: int, starts: int) -> list[int]:
    """How many concepts sit in each layer 1..max_depth: grows fast, peaks about a third of the way, then thins out."""
    peak = max(1.0, max_depth / 3)
    weights = []
    for layer in range(1, max_depth + 1):
        grow = min(1.0, (layer / peak) ** 2)
        tail = 1.0 if layer <= peak else max(0.08, 1.0 - 0.85 * (layer - peak) / (max_depth - peak + 1))
        weights.append(grow * tail)
    total = sum(weights)
    sizes = [max(1, int(n * w / total)) for w in weights]
    # the first layer can only hold what the starts can make
    sizes[0] = min(sizes[0], starts * (starts + 1) // 2)
    sizes[-1] += n - sum(sizes)
    while sizes[-1] < 1:
        big = sizes.index(max(sizes))
        sizes[big] -= 1
        sizes[-1] += 1
    return sizes


class _Picker:
    """Weighted choice among concepts ``0..limit-1`` that favours popular ones (a Fenwick tree of weights)."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.rng = rng
        self.n = n
        self.tree = [0.0] * (n + 1)

    def bump(self, item: int, by: float) -> None:
        i = item + 1
        while i <= self.n:
            self.tree[i] += by
            i += i & -i

    def pick(self, limit: int) -> int:
        """A concept below ``limit``, drawn by weight."""
        total, i = 0.0, limit
        while i > 0:
            total += self.tree[i]
            i -= i & -i
        x = self.rng.random() * total
        pos, step = 0, 1 << self.n.bit_length()
        while step:
            nxt = pos + step
            if nxt <= self.n and self.tree[nxt] <= x:
                pos = nxt
                x -= self.tree[nxt]
            step >>= 1
        return min(pos, limit - 1)


def generate_world(
    n_concepts: int,
    *,
    recipes_per_concept: float = 2.3,
    starts: int = 4,
    max_depth: int = 20,
    seed: int = 0,
    near: float = 0.1,
    hub_weight: float = 6.0,
    shortcut: float = 0.1,
    drop: int = 4,
) -> World:
    """Generate a world of ``n_concepts`` concepts (``starts`` of them start concepts), deterministically from ``seed``.

    :param recipes_per_concept: recipes per non-start concept, on average (every such concept has at least one).
    :param max_depth: the number of layers; concept depths reach about this.
    :param near: the chance that an input is drawn from the layers just below the output rather than by popularity.
    :param hub_weight: how strongly popularity (past use as an input) attracts further use.
    :param shortcut: the share of extra recipes whose output lies above their inputs' layers (competing routes).
    :param drop: how many layers below its deepest input the output of any other extra recipe may lie.
    """
    if n_concepts <= starts or starts < 1:
        raise ValueError(f"need more concepts ({n_concepts}) than starts ({starts}) and at least one start")
    rng = random.Random(seed)
    width = len(str(n_concepts))
    ids = tuple(f"c{i:0{max(5, width)}d}" for i in range(n_concepts))
    sizes = _layer_sizes(n_concepts - starts, max_depth, starts)
    layer_of = [0] * starts
    for layer, size in enumerate(sizes, 1):
        layer_of += [layer] * size
    # concepts are numbered by layer; first[l] is the first concept of layer l
    first = [0] * (max_depth + 2)
    for layer in range(1, max_depth + 2):
        first[layer] = first[layer - 1] + (starts if layer == 1 else sizes[layer - 2])

    picker = _Picker(rng, n_concepts)
    for s in range(starts):
        picker.bump(s, 4 * hub_weight)
    recipes: dict[tuple[int, ...], set[int]] = {}

    def arity() -> int:
        r = rng.random()
        return 1 if r < 0.04 else 3 if r < 0.12 else 2

    def near_pick(lo_layer: int, hi_layer: int) -> int:
        lo, hi = first[max(0, lo_layer)], first[min(max_depth, hi_layer) + 1]
        return rng.randrange(lo, hi)

    def popular_pick(limit: int) -> int:
        item = picker.pick(limit)
        picker.bump(item, 1.0)
        return item

    def add_recipe(inputs: list[int], out: int) -> None:
        key = tuple(sorted(inputs))
        recipes.setdefault(key, set()).add(out)

    # primary recipes: one input from the layer just below, the others near or popular
    for c in range(starts, n_concepts):
        layer = layer_of[c]
        k = arity()
        inputs = [near_pick(layer - 1, layer - 1)]
        for _ in range(k - 1):
            if rng.random() < near:
                inputs.append(near_pick(layer - 3, layer - 1))
            else:
                inputs.append(popular_pick(first[layer]))
        key = tuple(sorted(inputs))
        tries = 0
        while key in recipes and tries < 20 and rng.random() > 0.03:  # a few pairs really do yield two outputs
            inputs[-1] = popular_pick(first[layer]) if rng.random() >= near else near_pick(layer - 3, layer - 1)
            key = tuple(sorted(inputs))
            tries += 1
        add_recipe(inputs, c)
        picker.bump(c, hub_weight * rng.random() ** 3)
    # extra recipes: two discovered concepts combined that yield an already known concept.  As in real games the
    # output is usually no deeper than the deepest input (no shortcut); a fraction ``shortcut`` of them do reach
    # one to three layers higher and so compete with the primary recipe.
    target = round((n_concepts - starts) * recipes_per_concept)
    for _ in range(4 * target):
        if len(recipes) >= target:
            break
        k = arity()
        inputs = [popular_pick(n_concepts) if rng.random() >= near else rng.randrange(n_concepts) for _ in range(k)]
        top = max(layer_of[i] for i in inputs)
        if rng.random() < shortcut:
            lo, hi = top + 1, top + 3
        else:
            lo, hi = top - drop, top
        lo, hi = max(1, lo), min(max_depth, hi)
        if lo > hi:
            continue
        c = near_pick(lo, hi)
        if c in inputs:
            continue
        add_recipe(inputs, c)

    recipe_list = sorted((key, tuple(sorted(outs))) for key, outs in recipes.items())
    depths = _depths(n_concepts, starts, recipe_list)
    return World(
        concepts=ids,
        starts=ids[:starts],
        recipes=tuple((tuple(ids[i] for i in ins), tuple(ids[o] for o in outs)) for ins, outs in recipe_list),
        depths=tuple(depths),
    )


def _depths(n: int, starts: int, recipes: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[int]:
    """Minimal combine layers per concept (h_max with unit costs); -1 for unreachable."""
    depth = [-1] * n
    for s in range(starts):
        depth[s] = 0
    frontier = list(range(starts))
    users: list[list[int]] = [[] for _ in range(n)]
    for r, (ins, _) in enumerate(recipes):
        for f in set(ins):
            users[f].append(r)
    missing = [len(set(ins)) for ins, _ in recipes]
    layer = 0
    while frontier:
        layer += 1
        nxt = []
        for f in frontier:
            for r in users[f]:
                missing[r] -= 1
                if missing[r] == 0:
                    for o in recipes[r][1]:
                        if depth[o] < 0:
                            depth[o] = layer
                            nxt.append(o)
        frontier = nxt
    return depth


def to_task(world: World) -> tuple[Task, dict[str, int]]:
    """The delete-free task of a world, and the map from concept id to fact number (starts are facts 0..k-1)."""
    index = {cid: i for i, cid in enumerate(world.concepts)}
    task = Task.from_lists(
        len(world.concepts),
        [[index[c] for c in ins] for ins, _ in world.recipes],
        [[index[c] for c in outs] for _, outs in world.recipes],
    )
    return task, index


def small_world(seed: int = 0) -> World:
    """200 concepts, 4 starts: every concept should be proven optimal in milliseconds."""
    return generate_world(200, recipes_per_concept=2.3, max_depth=10, near=0.1, seed=seed)


def little_alchemy_2_like(seed: int = 0) -> World:
    """About 520 concepts and 2,200 recipes, 4 starts; optimal plans up to about 30 steps, median about 17."""
    return generate_world(520, recipes_per_concept=4.3, max_depth=30, near=0.2, shortcut=0.05, drop=2, seed=seed)


def infinite_craft_like(seed: int = 0) -> World:
    """10,000 concepts and about 23,000 recipes, 4 starts; optimal plans of tens to hundreds of steps."""
    return generate_world(10_000, recipes_per_concept=2.3, max_depth=28, near=0.12, shortcut=0.15, seed=seed)

"""The shipped content: every concept reachable by real play from the three start concepts, in every set of packs
closed under requires; the seed's names and chains present; the content lint clean."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import craftcore
from craftcore import Game
from craftcore.testing import content_problems

from .conftest import PACK_DIRS

START = {"linear_algebra", "calculus", "probability"}
REQUIRES = {
    "attention": set(),
    "moe": {"attention"},
    "ssm": {"attention", "moe"},
    "production": {"attention", "moe", "ssm"},
}
CLOSED_SETS = [
    s
    for s in (
        {"attention"},
        {"attention", "moe"},
        {"attention", "moe", "ssm"},
        {"attention", "moe", "ssm", "production"},
        set(),
    )
    if all(REQUIRES[p] <= s for p in s)
]

#: The seed guide's names (modules 0-9), mapped to ids where the id differs from the snake-cased name.
SEED_NAMES = {
    "Linear Algebra": "linear_algebra",
    "Calculus": "calculus",
    "Probability": "probability",
    "Neural Networks": "neural_networks",
    "Profiling": "profiling",
    "Optimization": "optimization",
    "Bottleneck Analysis": "bottleneck_analysis",
    "small model concepts": "tiny_models",
    "Attention Mechanism": "attention_mechanism",
    "Standard Attention": "standard_attention",
    "Memory Bandwidth": "memory_bandwidth",
    "FlashAttention": "flash_attention",
    "Kernel Methods": "kernel_methods",
    "Linear Attention": "linear_attention",
    "Performers": "performers",
    "RWKV": "rwkv",
    "Sparsity": "sparsity",
    "Sparse Attention": "sparse_attention",
    "Local": "local_attention",
    "Dilated": "dilated_attention",
    "BigBird": "bigbird",
    "Longformer": "longformer",
    "Control Theory": "control_theory",
    "State Space Models": "state_space_models",
    "HiPPO Theory": "hippo",
    "S4": "s4",
    "Gating Mechanisms": "gating_mechanisms",
    "Mamba": "mamba",
    "Mamba-2": "mamba_2",
    "Zamba": "zamba",
    "Jamba": "jamba",
    "hybrid designs": "hybrid_architectures",
    "Classification": "classification",
    "Model Routing": "model_routing",
    "Confidence": "confidence",
    "Cascade Inference": "cascade_inference",
    "Domains": "domains",
    "Specialist Routing": "specialist_routing",
    "Training": "training",
    "Knowledge Distillation": "knowledge_distillation",
    "Progressive Distillation": "progressive_distillation",
    "Task-Specific Distillation": "task_specific_distillation",
    "KV Cache": "kv_cache",
    "KV Cache Optimization": "kv_cache_optimization",
    "PagedAttention": "paged_attention",
    "H2O": "h2o",
    "StreamingLLM": "streaming_llm",
    "Mixture of Experts": "mixture_of_experts",
    "Routing Mechanisms": "routing_mechanisms",
    "Token-Choice": "token_choice_routing",
    "Expert-Choice": "expert_choice_routing",
    "Load Balancing": "load_balancing",
    "Switch Transformer": "switch_transformer",
    "Production MoE": "production_moe",
    "Quantization": "quantization",
    "Kernel Fusion": "kernel_fusion",
    "Continuous Batching": "continuous_batching",
    "vLLM": "vllm",
    "Production Serving": "production_serving",
}

#: The ids of the seed's earlier game (all kept under the same id).
OLD_GAME_IDS = [
    "attention_scores",
    "attention_sinks",
    "autoregressive_generation",
    "auxiliary_loss",
    "awq",
    "backpropagation",
    "balanced_moe",
    "batching",
    "business_metrics",
    "capacity_factor",
    "compute_bound",
    "cost_optimization",
    "cuda_programming",
    "deployment_strategies",
    "diagonal_ssm",
    "distributed_computing",
    "domain_classification",
    "dynamic_routing",
    "edge_deployment",
    "embedded_systems",
    "embeddings",
    "fine_tuning",
    "flash_attention_2",
    "flash_attention_3",
    "fp8_quantization",
    "global_tokens",
    "gptq",
    "gpu_architecture",
    "grouped_query_attention",
    "gru",
    "int4_quantization",
    "int8_quantization",
    "io_optimization",
    "linear_rnns",
    "lstm",
    "memory_management",
    "metrics",
    "mixtral",
    "mobile_inference",
    "model_compression",
    "model_parallelism",
    "monitoring",
    "multi_head_attention",
    "multi_query_attention",
    "optimization_targets",
    "pipeline_parallelism",
    "positional_encoding",
    "production_scaling",
    "random_features",
    "recurrent_networks",
    "retnet",
    "semantic_caching",
    "serving_infrastructure",
    "similarity_search",
    "sparse_computation",
    "sparse_moe",
    "sparse_transformer",
    "specialist_models",
    "speculative_decoding",
    "striped_hyena",
    "tensor_parallelism",
    "test_time_training",
    "tiny_models",
    "training_objectives",
    "transformers",
    "triton_kernels",
]

#: What a practitioner in 2026 expects (issue 3), by id.
MODERN_IDS = [
    "multi_head_latent_attention",
    "sliding_window_attention",
    "ring_attention",
    "medusa",
    "eagle",
    "smoothquant",
    "kv_cache_quantization",
    "chunked_prefill",
    "prefix_caching",
    "radix_attention",
    "prefill_decode_disaggregation",
    "expert_parallelism",
    "fine_grained_experts",
    "shared_experts",
    "griffin",
    "hyena",
    "lora",
]

#: The seed's discovery chains, exactly.
GOLDEN = [
    (("linear_algebra", "calculus", "probability"), "neural_networks"),
    (("neural_networks", "linear_algebra"), "attention_mechanism"),
    (("standard_attention", "memory_bandwidth"), "flash_attention"),
    (("standard_attention", "kernel_methods"), "linear_attention"),
    (("standard_attention", "sparsity"), "sparse_attention"),
    (("calculus", "linear_algebra", "control_theory"), "state_space_models"),
    (("state_space_models", "hippo"), "s4"),
    (("s4", "gating_mechanisms"), "mamba"),
    (("mamba", "attention_mechanism"), "zamba"),
    (("mamba", "attention_mechanism", "mixture_of_experts"), "jamba"),
    (("neural_networks", "classification"), "model_routing"),
    (("model_routing", "confidence"), "cascade_inference"),
    (("model_routing", "domains"), "specialist_routing"),
    (("neural_networks", "training"), "knowledge_distillation"),
    (("kv_cache", "optimization"), "kv_cache_optimization"),
    (("neural_networks", "probability"), "mixture_of_experts"),
    (("mixture_of_experts", "load_balancing"), "production_moe"),
    (("paged_attention", "continuous_batching"), "vllm"),
    (("neural_networks", "optimization"), "tiny_models"),
]
SEED_PATHS = [
    "efficiency_basics",
    "linear_models",
    "sparse_methods",
    "scaling_techniques",
    "production_path",
    *(f"module_{i}" for i in range(10)),
]


def catalog_of(packs: set[str]) -> craftcore.Catalog:
    return craftcore.load_catalog(*(PACK_DIRS[p] for p in sorted(packs | {"foundations"})), installed=False)


def play_exhaustively(game: Game, order: st.DataObject | None = None) -> None:
    """Combine whatever is available until nothing new can be discovered (real combine calls only)."""
    while game.available():
        options = sorted(game.available())
        pick = order.draw(st.sampled_from(options)) if order is not None else options[0]
        assert game.combine(*pick).new


@pytest.mark.parametrize("packs", CLOSED_SETS, ids=lambda s: "+".join(sorted(s)) or "foundations")
def test_every_concept_is_discovered_by_playing_from_the_three_starts(packs: set[str]) -> None:
    catalog = catalog_of(packs)
    game = Game(catalog, clock=lambda: 0.0)
    assert set(game.discovered) == START
    play_exhaustively(game)
    assert set(game.discovered) == set(catalog.concepts)


@given(st.sampled_from(CLOSED_SETS), st.data())
def test_play_order_never_matters(packs: set[str], data: st.DataObject) -> None:
    catalog = catalog_of(packs)
    game = Game(catalog, clock=lambda: 0.0)
    play_exhaustively(game, data)
    assert set(game.discovered) == set(catalog.concepts)


def test_content_lint_is_clean(full_catalog) -> None:
    assert content_problems(full_catalog) == []
    assert full_catalog.problems() == ()


def test_sizes(full_catalog) -> None:
    assert len(full_catalog.concepts) >= 220
    assert len(full_catalog.hints) >= 150
    assert set(SEED_PATHS) <= set(full_catalog.paths)
    assert {c.id for c in full_catalog.concepts.values() if c.start} == START
    assert all(c.level == 1 for c in full_catalog.concepts.values() if c.start)
    levels = {c.level for c in full_catalog.concepts.values()}
    assert levels == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("name", sorted(SEED_NAMES))
def test_seed_names_are_present(full_catalog, name: str) -> None:
    assert SEED_NAMES[name] in full_catalog.concepts


def test_old_game_and_modern_ids_are_present(full_catalog) -> None:
    assert [i for i in OLD_GAME_IDS if i not in full_catalog.concepts] == []
    assert [i for i in MODERN_IDS if i not in full_catalog.concepts] == []


@pytest.mark.parametrize(("inputs", "output"), GOLDEN, ids=[g[1] for g in GOLDEN])
def test_golden_seed_chains(full_catalog, inputs, output) -> None:
    assert any(output in r.outputs for r in full_catalog.recipes_for(inputs))


def test_attention_mechanism_refines_to_standard_attention(full_catalog) -> None:
    assert any(
        "standard_attention" in r.outputs
        for r in full_catalog.made_by("standard_attention")
        if "attention_mechanism" in r.inputs
    )


def test_every_category_used_is_declared_and_every_resource_is_primary_looking(full_catalog) -> None:
    for concept in full_catalog.concepts.values():
        assert concept.category in full_catalog.categories
        assert concept.resources, concept.id
        assert all(r.url.startswith("https://") for r in concept.resources), concept.id


def test_paths_are_in_learnable_order(full_catalog) -> None:
    from craftcore._lint import landmarks

    marks = landmarks(full_catalog)
    for path in full_catalog.paths.values():
        assert set(path.steps) <= full_catalog.reachable(), path.id
        for i, step in enumerate(path.steps):
            later = set(path.steps[i + 1 :]) - {step}
            assert not (later & marks[step]), (path.id, step, later & marks[step])


# --- Names, history and levels (issue 15) -----------------------------------------------------------------------

#: A recipe whose output is older than one of its inputs must say so in its ``why`` with this phrase (see the
#: foundations README, "Lineage"); keep such marks rare.
LOGICAL_ORDER = "Logical order:"


def _year(catalog: craftcore.Catalog, cid: str) -> int:
    year = catalog.concepts[cid].properties.get("year")
    assert isinstance(year, int) and not isinstance(year, bool), (cid, year)
    return year


def test_the_foundations_pack_names_the_game(full_catalog) -> None:
    assert full_catalog.game.title == "LLM Efficiency InfiniteCraft"
    assert full_catalog.game.intro
    assert full_catalog.game.pack == "foundations"


def test_every_concept_has_the_year_of_its_primary_source(full_catalog) -> None:
    for cid in full_catalog.concepts:
        assert 1600 <= _year(full_catalog, cid) <= 2026, cid


def test_no_recipe_teaches_a_later_idea_as_the_parent_of_an_earlier_one(full_catalog) -> None:
    wrong = []
    for recipe in full_catalog.recipes:
        parents = set(recipe.inputs) | set(recipe.requires)
        for out in recipe.outputs:
            newer = sorted(p for p in parents if _year(full_catalog, p) > _year(full_catalog, out))
            if newer and LOGICAL_ORDER not in (recipe.why or ""):
                wrong.append((out, _year(full_catalog, out), [(p, _year(full_catalog, p)) for p in newer]))
    assert wrong == []
    marked = [r for r in full_catalog.recipes if LOGICAL_ORDER in (r.why or "")]
    assert len(marked) <= 6, "marks must stay rare"
    for recipe in marked:  # a mark is only allowed where it is needed
        assert any(
            _year(full_catalog, p) > _year(full_catalog, o)
            for p in set(recipe.inputs) | set(recipe.requires)
            for o in recipe.outputs
        ), recipe.why


def test_aliases_are_unique_and_never_another_concepts_name_or_id(full_catalog) -> None:
    owner: dict[str, str] = {}
    for c in full_catalog.concepts.values():
        owner[c.name.casefold()] = c.id
        owner[c.id.casefold()] = c.id
    seen: dict[str, str] = {}
    for c in full_catalog.concepts.values():
        for alias in c.aliases:
            key = alias.casefold()
            assert key not in seen, (alias, c.id, seen.get(key))
            seen[key] = c.id
            assert owner.get(key, c.id) == c.id, (alias, c.id, owner.get(key))


@pytest.mark.parametrize(
    ("text", "cid"),
    [
        ("MoE", "mixture_of_experts"),
        ("SSM", "state_space_models"),
        ("RNN", "recurrent_networks"),
        ("kv-cache", "kv_cache"),
        ("GQA", "grouped_query_attention"),
        ("MQA", "multi_query_attention"),
        ("MLA", "multi_head_latent_attention"),
        ("LoRA", "lora"),
        ("fp8", "fp8_quantization"),
        ("TTFT", "optimization_targets"),
        ("LSH", "locality_sensitive_hashing"),
    ],
)
def test_names_people_use_resolve(full_catalog, text: str, cid: str) -> None:
    assert full_catalog.resolve(text) == cid


def test_module_paths_climb(full_catalog) -> None:
    for i in range(10):
        levels = [full_catalog.concepts[s].level for s in full_catalog.paths[f"module_{i}"].steps]
        assert levels[0] <= 3, (i, levels)
        assert all(b >= a - 1 for a, b in itertools.pairwise(levels)), (i, levels)
        if i >= 2:  # the technique modules climb to the cutting edge; modules 0 and 1 are the basics
            assert max(levels) == 5 and levels[-1] >= 4, (i, levels)


def test_levels_are_spread(full_catalog) -> None:
    levels = [c.level for c in full_catalog.concepts.values()]
    assert sum(level >= 4 for level in levels) <= 0.55 * len(levels)


# --- Failures that teach -------------------------------------------------------------------------------------


def plausible_pairs(catalog: craftcore.Catalog) -> set[tuple[str, str]]:
    """Pairs of concepts a learner plausibly tries together: same category, or met in one recipe."""
    near: dict[str, set[str]] = {c: set() for c in catalog.concepts}
    for recipe in catalog.recipes:
        group = set(recipe.inputs) | set(recipe.outputs)
        for c in group:
            near[c] |= group - {c}
    ids = sorted(catalog.concepts)
    return {
        (a, b)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
        if catalog.concepts[a].category == catalog.concepts[b].category or b in near[a]
    }


def simulate_failures(catalog: craftcore.Catalog, *, games: int = 30, seed: int = 0, tries: int = 3) -> Counter:
    """Simulated learners: after each discovery a player makes ``tries`` attempts at plausible pairs they hold,
    mostly with the newest concept (70%), and then fires one available recipe. Counts the failed pairs."""
    recipes: dict[tuple[str, ...], list] = {}
    for recipe in catalog.recipes:
        recipes.setdefault(tuple(sorted(recipe.inputs)), []).append(recipe)
    pairs = plausible_pairs(catalog)
    with_concept: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(pairs):  # sorted: the simulation must not depend on set order (hash seeds)
        for c in pair:
            with_concept.setdefault(c, []).append(pair)
    failures: Counter = Counter()
    rng = random.Random(seed)
    for _ in range(games):
        held = {c.id for c in catalog.concepts.values() if c.start}
        open_pairs = sorted(p for p in pairs if set(p) <= held)
        newest = ""
        while True:
            ready = sorted(  # sorted: the simulation must not depend on the order packs are loaded in
                (
                    r
                    for key, rs in recipes.items()
                    for r in rs
                    if set(key) <= held and set(r.requires) <= held and not set(r.outputs) <= held
                ),
                key=lambda r: (r.inputs, r.outputs),
            )
            if not ready:
                break
            for _ in range(tries):
                fresh = [p for p in with_concept.get(newest, []) if set(p) <= held]
                pool = fresh if fresh and rng.random() < 0.7 else open_pairs
                if pool:
                    pair = rng.choice(pool)
                    if pair not in recipes:
                        failures[pair] += 1
            for out in rng.choice(ready).outputs:
                if out not in held:
                    held.add(out)
                    newest = out
                    open_pairs.extend(p for p in with_concept.get(out, []) if set(p) <= held)
    return failures


def _mentions(concept, text: str) -> bool:
    for word in (concept.name, concept.id, *concept.aliases):
        flags = 0 if word.isupper() or len(word) <= 3 else re.IGNORECASE
        if re.search(r"(?<![\w-])" + re.escape(word) + r"s?(?!\w)", text, flags):  # plural too
            return True
    return False


def test_hints_never_name_what_their_inputs_lead_to(full_catalog) -> None:
    """A hint may name what the player must already hold, never an output of a recipe sharing one of its inputs."""
    from craftcore._lint import landmarks

    marks = landmarks(full_catalog)
    spoiled = []
    for inputs, hint in full_catalog.hints.items():
        known = set(inputs).union(*(marks[i] for i in inputs))
        near = {o for r in full_catalog.recipes if set(r.inputs) & set(inputs) for o in r.outputs} - known
        spoiled += [(inputs, o) for o in sorted(near) if _mentions(full_catalog.concepts[o], hint.text)]
    assert spoiled == []


def test_the_mentions_check_can_fail(full_catalog) -> None:
    moe = full_catalog.concepts["mixture_of_experts"]
    assert _mentions(moe, "try an MoE") and _mentions(moe, "a mixture of experts layer")
    assert not _mentions(moe, "try a moe")  # short all-caps aliases match case-sensitively
    assert not _mentions(full_catalog.concepts["training"], "pretraining and retraining")
    assert _mentions(full_catalog.concepts["parallel_scan"], "what parallel scans are for")


def test_authored_hints_cover_the_plausible_failures_of_simulated_play(full_catalog) -> None:
    assert len(full_catalog.hints) >= 150
    failures = simulate_failures(full_catalog)
    assert failures, "the simulation must produce failures to judge"
    # the most frequent plausible failures meet an authored hint (all of the top 80, 95% of the top 150), and so does
    # a third of all simulated failed attempts; the rest is a long tail of rare pairs, answered by generated advice
    ranked = [pair for pair, _ in failures.most_common(150)]
    assert [pair for pair in ranked[:80] if pair not in full_catalog.hints] == []
    assert sum(pair in full_catalog.hints for pair in ranked) >= 0.95 * len(ranked)
    covered = sum(n for pair, n in failures.items() if pair in full_catalog.hints)
    assert covered / sum(failures.values()) >= 1 / 3


def test_the_simulation_only_counts_real_failures(full_catalog) -> None:
    failures = simulate_failures(full_catalog, games=3, seed=1)
    recipes = {tuple(sorted(r.inputs)) for r in full_catalog.recipes}
    assert failures and not (set(failures) & recipes)
    assert all(set(pair) <= set(full_catalog.concepts) for pair in failures)

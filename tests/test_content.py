"""The shipped content: every concept reachable by real play from the three start concepts, in every set of packs
closed under requires; the seed's names and chains present; the content lint clean."""

from __future__ import annotations

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
    assert len(full_catalog.concepts) >= 150
    assert len(full_catalog.hints) >= 40
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

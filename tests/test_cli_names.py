"""Reading names (ids, names, prefixes, fuzzy matches), tab completion, and the small rendering helpers."""

from __future__ import annotations

import io

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR
from hypothesis import given
from hypothesis import strategies as st

import craftcore
from craftcore import UnknownConcept, UnknownPath
from craftcore.cli import _names as names
from craftcore.cli._names import Completer, describe_unknown
from craftcore.cli._render import Style, format_duration, next_level_score


@pytest.fixture(scope="module")
def catalog() -> craftcore.Catalog:
    return craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)


@pytest.mark.parametrize(
    ("text", "cid"),
    [
        ("calculus", "calculus"),
        ("CALCULUS", "calculus"),
        ("Linear Algebra", "linear_algebra"),
        ("linear-algebra", "linear_algebra"),
        ("  neural networks ", "neural_networks"),
        ("backprop", "backpropagation"),
        ("roofline", "roofline_model"),
        ("probabilty", "probability"),
        ("nueral networks", "neural_networks"),
        ("gpu arch", "gpu_architecture"),
        ("bottleneck", "bottleneck_analysis"),
    ],
)
def test_the_library_resolution_the_cli_uses(catalog: craftcore.Catalog, text: str, cid: str) -> None:
    assert catalog.resolve(text, fuzzy=True) == cid


def test_describe_ambiguous(catalog: craftcore.Catalog) -> None:
    with pytest.raises(UnknownConcept) as info:
        catalog.resolve("memory")
    assert info.value.ambiguous and {"memory_bandwidth", "memory_management"} <= set(info.value.suggestions)
    assert catalog.resolve("memory", among={"memory_bandwidth", "calculus"}) == "memory_bandwidth"
    message = describe_unknown(catalog, info.value)
    assert message.startswith("'memory' matches several concepts: Memory Bandwidth") and "type more" in message


def test_describe_unknown_says_so(catalog: craftcore.Catalog) -> None:
    with pytest.raises(UnknownConcept) as info:
        catalog.resolve("zzzz qqqq", fuzzy=True)
    assert not info.value.ambiguous
    assert describe_unknown(catalog, info.value) == "unknown concept 'zzzz qqqq'"
    assert describe_unknown(catalog, UnknownConcept("   ")) == "no concept given"
    assert describe_unknown(catalog, UnknownConcept("x", ["calculus", "neural_networks"])) == (
        "unknown concept 'x'; did you mean Calculus, Neural Networks?"
    )


def test_describe_unknown_path(catalog: craftcore.Catalog) -> None:
    assert catalog.resolve_path("Module 1: Small model baseline") == "module_1"
    with pytest.raises(UnknownPath) as info:
        catalog.resolve_path("module")
    message = describe_unknown(catalog, info.value)
    assert message.startswith("'module' matches several learning paths: Module 0: Measurement (module_0)")


def common_prefix(texts: list[str]) -> str:
    """What readline inserts for several candidates: their longest common prefix, character by character."""
    first, last = min(texts), max(texts)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:size]


def test_the_old_cli_rules_are_gone() -> None:
    assert set(names.__all__) == {"Completer", "describe_unknown"}


def test_completer(catalog: craftcore.Catalog) -> None:
    complete = Completer(catalog)
    assert complete("neu", 0) == "Neural Networks"  # one candidate: completed to its name
    assert complete("neu", 1) is None
    assert complete("neural_n", 0) == "neural_networks"
    assert complete(" cal", 0) == " Calculus"  # the part after "+", leading space kept
    assert complete("6 Neu", 0) == "6 Neural Networks"  # after a menu key
    known = Completer(catalog, pool={"calculus"}, extra=["combine"])
    assert known.candidates("c") == ["calculus", "combine"]  # several: the typed text is kept as typed


def test_completer_keeps_the_typed_text_after_a_plus(catalog: craftcore.Catalog) -> None:
    # "2 Mamba + me<Tab>": readline hands over " me" and replaces it with the candidates' common prefix, which
    # used to be " Me" or " " (erasing what was typed)
    complete = Completer(catalog, extra=["menu"])
    found = complete.candidates(" me")
    assert found == [" memory Bandwidth", " memory Management", " menu", " metrics"]
    assert common_prefix(found) == " me"
    assert complete.candidates(" memory b") == [" Memory Bandwidth"]  # one left: its real name


def test_completer_lists_every_discovered_concept_after_a_menu_key(catalog: craftcore.Catalog) -> None:
    complete = Completer(catalog, pool={"calculus", "probability"}, extra=["combine"])
    complete.keys = {"2", "6"}
    assert complete.candidates("2 ") == ["2 Calculus", "2 Probability"]
    assert complete.candidates("") == ["Calculus", "combine", "Probability"]  # double Tab at the main prompt


@given(st.text(alphabet="abcdefghilmnoprstuvw _-", max_size=6))
def test_completion_never_erases_what_was_typed(catalog: craftcore.Catalog, typed: str) -> None:
    complete = Completer(catalog)
    found = complete.candidates(typed)
    if len(found) > 1:
        assert common_prefix(found).startswith(typed)
    for candidate in found:
        assert candidate.casefold().startswith(typed.strip().casefold()) or candidate.startswith(typed[:1])


def test_style_plain_and_ascii() -> None:
    assert Style.for_stream(io.StringIO(), {}) == Style(color=False, emoji=False, star="★", width=88)

    class Ascii(io.StringIO):
        encoding = "ascii"

    style = Style.for_stream(Ascii(), {})
    assert style.stars(3) == "***" and style.bar(1, 2, 4) == "##.."
    assert Style(color=True).good("x") == "\033[1;32mx\033[0m"


def test_small_helpers() -> None:
    assert [next_level_score(s) for s in (0, 99, 100, 299, 300, 1000)] == [100, 100, 300, 300, 600, 1500]
    assert format_duration(59) == "59s" and format_duration(61) == "1m 01s"
    assert format_duration(3 * 3600 + 120) == "3h 02m" and format_duration(90000) == "1d 1h 00m"

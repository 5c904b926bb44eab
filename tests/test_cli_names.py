"""Reading names (ids, names, prefixes, fuzzy matches), tab completion, and the small rendering helpers."""

from __future__ import annotations

import io

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore import UnknownConcept
from craftcore.cli._names import Completer, describe_unknown, parse_combination, resolve, resolve_path
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
def test_resolve(catalog: craftcore.Catalog, text: str, cid: str) -> None:
    assert resolve(catalog, text) == cid


def test_ambiguous_prefix_uses_what_is_known(catalog: craftcore.Catalog) -> None:
    with pytest.raises(UnknownConcept) as info:
        resolve(catalog, "memory")
    assert info.value.ambiguous and {"memory_bandwidth", "memory_management"} <= set(info.value.suggestions)
    assert resolve(catalog, "memory", among={"memory_bandwidth", "calculus"}) == "memory_bandwidth"
    message = describe_unknown(catalog, info.value)
    assert message.startswith("'memory' matches several concepts: Memory Bandwidth") and "type more" in message


def test_unknown_gets_suggestions_or_says_so(catalog: craftcore.Catalog) -> None:
    with pytest.raises(UnknownConcept) as info:
        resolve(catalog, "zzzz qqqq")
    assert not info.value.ambiguous
    assert describe_unknown(catalog, info.value) == "unknown concept 'zzzz qqqq'"
    with pytest.raises(UnknownConcept):
        resolve(catalog, "   ")


def test_parse_combination(catalog: craftcore.Catalog) -> None:
    assert parse_combination(catalog, "linear algebra + calculus+probability") == [
        "linear_algebra",
        "calculus",
        "probability",
    ]
    assert parse_combination(catalog, "Neural Networks, calculus") == ["neural_networks", "calculus"]
    assert parse_combination(catalog, "neural networks") == ["neural_networks"]
    assert parse_combination(catalog, "calculus probability") == ["calculus", "probability"]
    assert parse_combination(catalog, "probability probability") == ["probability", "probability"]
    with pytest.raises(UnknownConcept) as info:
        parse_combination(catalog, "calculus + warp drive")
    assert info.value.concept_id == "warp drive"


def test_resolve_path(catalog: craftcore.Catalog) -> None:
    assert resolve_path(catalog, "module_0") == "module_0"
    assert resolve_path(catalog, "Module 1: Small model baseline") == "module_1"
    with pytest.raises(UnknownConcept) as info:
        resolve_path(catalog, "module")
    assert info.value.ambiguous
    assert "learning path" in describe_unknown(catalog, info.value, "learning path")


def test_completer(catalog: craftcore.Catalog) -> None:
    complete = Completer(catalog)
    assert complete("neu", 0) == "Neural Networks"  # one form per concept, or readline would erase the text
    assert complete("neu", 1) is None
    assert complete("neural_n", 0) == "neural_networks"
    assert complete(" cal", 0) == " Calculus"  # the part after "+", leading space kept
    assert complete("6 Neu", 0) == "6 Neural Networks"  # after a menu key
    known = Completer(catalog, pool={"calculus"}, extra=["combine"])
    assert known.candidates("c") == ["Calculus", "combine"]


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

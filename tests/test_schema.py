"""The shipped JSON Schema agrees with the loader's own idea of the format."""

from __future__ import annotations

import json

import attrs
import pytest

from craftcore._packfile import (
    TEST_SHAPES,
    CategoryTable,
    ConceptTable,
    GameTable,
    HintTable,
    PackFile,
    PackTable,
    PackTestTable,
    PathTable,
    RecipeTable,
    ResourceTable,
    UnlockTable,
)
from craftcore.schema import SCHEMA_PATH

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def fields(cls) -> set[str]:
    return {a.name for a in attrs.fields(cls)}


def required(cls) -> set[str]:
    return {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}


def test_top_level_tables_match() -> None:
    assert set(SCHEMA["properties"]) == fields(PackFile)
    assert SCHEMA["additionalProperties"] is False


@pytest.mark.parametrize(
    ("table", "cls", "kind"),
    [
        ("pack", PackTable, "object"),
        ("game", GameTable, "object"),
        ("categories", CategoryTable, "map"),
        ("concepts", ConceptTable, "map"),
        ("paths", PathTable, "map"),
        ("recipes", RecipeTable, "array"),
        ("hints", HintTable, "array"),
        ("unlocks", UnlockTable, "array"),
        ("tests", PackTestTable, "array"),
    ],
)
def test_each_table_has_the_loader_fields(table, cls, kind) -> None:
    node = SCHEMA["properties"][table]
    node = {"object": node, "map": node.get("additionalProperties"), "array": node.get("items")}[kind]
    assert set(node["properties"]) == fields(cls)
    assert set(node["required"]) == required(cls)
    assert node["additionalProperties"] is False


def test_resource_definition_matches() -> None:
    res = SCHEMA["$defs"]["resource"]
    assert set(res["properties"]) == fields(ResourceTable) == set(res["required"])


def test_schema_is_packaged() -> None:
    import tomllib

    with (SCHEMA_PATH.parents[3] / "pyproject.toml").open("rb") as handle:
        data = tomllib.load(handle)
    assert "schema/*.json" in data["tool"]["setuptools"]["package-data"]["craftcore"]


def test_bounds_come_from_the_rules_module() -> None:
    from craftcore import _rules

    inputs = SCHEMA["$defs"]["inputs"]
    assert (inputs["minItems"], inputs["maxItems"]) == (_rules.MIN_INPUTS, _rules.MAX_INPUTS)
    level = SCHEMA["properties"]["concepts"]["additionalProperties"]["properties"]["level"]
    assert (level["minimum"], level["maximum"]) == (_rules.MIN_LEVEL, _rules.MAX_LEVEL)
    hint_inputs = SCHEMA["properties"]["hints"]["items"]["properties"]["inputs"]
    assert hint_inputs == {"$ref": "#/$defs/inputs"} or (hint_inputs["maxItems"] == _rules.MAX_INPUTS)


def test_each_kind_of_pack_test_is_one_branch_of_the_schema() -> None:
    node = SCHEMA["properties"]["tests"]["items"]
    assert sorted(sorted(b["required"]) for b in node["oneOf"]) == sorted(sorted(k) for k in TEST_SHAPES.values())
    for flag in ("playable", "fails", "hints_hide_outputs"):
        assert node["properties"][flag] == {**node["properties"][flag], "const": True}


def test_renames_map_ids_to_ids() -> None:
    node = SCHEMA["properties"]["renames"]
    assert node["propertyNames"] == node["additionalProperties"] == {"$ref": "#/$defs/id"}


def test_the_schema_has_a_real_id() -> None:
    from urllib.parse import urlparse

    url = urlparse(SCHEMA["$id"])
    assert url.scheme == "https" and not url.netloc.endswith((".invalid", ".example", ".test", "localhost"))
    assert url.path.endswith("/pack.schema.json") and SCHEMA["$schema"].endswith("/2020-12/schema")


def test_generated_pack_files_carry_the_taplo_schema_directive() -> None:
    from craftcore.cli._templates import render

    files = render("editor_pack")
    tomls = [name for name in files if name.endswith(".toml") and "/pack/" in name]
    assert len(tomls) == 2
    for name in tomls:
        first = files[name].splitlines()[0]
        assert first == f"#:schema {SCHEMA_PATH.as_uri()}"

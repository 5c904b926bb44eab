"""The pack-author commands: check, graph, new and packs (in-process)."""

from __future__ import annotations

import io
import json
import pathlib
import re
import textwrap

import pytest
from craftcore_foundations import PACK_DIR as FOUNDATIONS_DIR

import craftcore
from craftcore.cli import main

#: check and graph load the folders given and the installed packs those require (none here)
NO_INSTALLED = (str(FOUNDATIONS_DIR),)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(), stdout=out, stderr=err, env={})
    return status, out.getvalue(), err.getvalue()


def write_pack(folder: pathlib.Path, body: str, pack_id: str = "demo") -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    head = f"""\
        [pack]
        id = "{pack_id}"
        name = "Demo"
        version = "1.0.0"
        description = "A pack for the command-line tests."
        requires = ["foundations"]
        """
    (folder / "pack.toml").write_text(textwrap.dedent(head) + textwrap.dedent(body), encoding="utf-8")
    return folder


GOOD = """
[concepts.demo_thing]
name = "Demo Thing"
level = 2
category = "systems"
description = "A thing that exists only to be discovered by the command-line tests."
properties = { kind = "test" }
resources = [{ title = "TOML", url = "https://toml.io/en/v1.0.0", kind = "docs" }]

[[recipes]]
inputs = ["probability", "probability", "calculus"]
outputs = ["demo_thing"]
why = "Because the tests say so."
"""

BAD = """
[concepts.demo_thing]
name = "Demo Thing"
level = 7
category = "no_such_category"
description = "Broken on purpose."

[[recipes]]
inputs = ["probability", "calculus", "linear_algbra"]
outputs = ["demo_thing"]
"""

WARNING = (
    GOOD
    + """
[[hints]]
inputs = ["calculus", "probability", "probability"]
text = "This hint is never shown: the combination is a recipe."
"""
)


# ------------------------------------------------------------------------------------------------------- check


def test_check_clean_pack(tmp_path: pathlib.Path) -> None:
    pack = write_pack(tmp_path / "demo", GOOD)
    status, out, err = run("check", str(pack), *NO_INSTALLED)
    assert (status, err) == (0, "")
    assert out.startswith("OK: 0 errors, 0 warnings; 37 concepts")


def test_check_reports_every_error_as_file_line_message(tmp_path: pathlib.Path) -> None:
    pack = write_pack(tmp_path / "demo", BAD)
    status, out, _ = run("check", str(pack), *NO_INSTALLED)
    assert status == 1
    lines = out.splitlines()
    assert re.fullmatch(r"errors \(\d+\):", lines[0])
    file = str(pack / "pack.toml")
    assert any(
        re.fullmatch(rf"  {re.escape(file)}:\d+: error: concepts\.demo_thing\.level: .*", line) for line in lines
    )
    assert any("unknown category 'no_such_category'" in line for line in lines)
    assert any("(did you mean 'linear_algebra'?)" in line for line in lines)
    assert lines[-1].startswith(f"FAILED: {len(lines) - 2} errors")


def test_check_warnings_apart_and_strict(tmp_path: pathlib.Path) -> None:
    pack = write_pack(tmp_path / "demo", WARNING)
    status, out, _ = run("check", str(pack), *NO_INSTALLED)
    assert status == 0
    assert "errors" not in out.splitlines()[0] and out.splitlines()[0] == "warnings (1):"
    assert "hint-is-recipe" not in out and "is never shown" in out
    assert run("check", "--strict", str(pack), *NO_INSTALLED)[0] == 1


def test_check_json(tmp_path: pathlib.Path) -> None:
    pack = write_pack(tmp_path / "demo", BAD)
    status, out, _ = run("check", str(pack), *NO_INSTALLED, "--json")
    data = json.loads(out)
    assert status == 1 and data["ok"] is False and data["packs"] == [] and data["warnings"] == []
    first = data["errors"][0]
    assert set(first) == {"severity", "code", "message", "pack", "file", "line", "column", "key", "suggestions", "text"}
    assert first["file"] == str(pack / "pack.toml") and isinstance(first["line"], int)
    status, out, _ = run("check", str(write_pack(tmp_path / "ok", WARNING, "ok_pack")), *NO_INSTALLED, "--json")
    data = json.loads(out)
    assert status == 0 and data["ok"] and data["warnings"][0]["code"] == "hint-is-recipe"
    assert [p["id"] for p in data["packs"]] == ["foundations", "ok_pack"]


def test_check_content_lint(tmp_path: pathlib.Path) -> None:
    body = GOOD.replace('properties = { kind = "test" }\n', "").replace('why = "Because the tests say so."\n', "")
    pack = write_pack(tmp_path / "demo", body)
    assert run("check", str(pack), *NO_INSTALLED)[0] == 0
    status, out, _ = run("check", "--content", "--strict", str(pack), *NO_INSTALLED)
    assert status == 1
    assert "concept 'demo_thing' has no properties" in out and "has no why" in out


def test_check_missing_folder(tmp_path: pathlib.Path) -> None:
    status, out, _ = run("check", str(tmp_path / "nowhere"), *NO_INSTALLED)
    assert status == 1 and "pack folder does not exist" in out


def test_check_of_the_foundations_folder_alone() -> None:
    status, out, _ = run("check", *NO_INSTALLED)
    assert status == 0 and "in 1 packs (foundations" in out


# ------------------------------------------------------------------------------------------------------- graph


def test_graph_dot_mermaid_json() -> None:
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False)
    status, dot, _ = run("graph", *NO_INSTALLED)
    assert status == 0 and dot.startswith("digraph craftcore {") and dot.rstrip().endswith("}")
    assert dot.count("shape=point") == len(catalog.recipes)
    assert '"neural_networks" [label="Neural Networks\\n★★"' in dot
    status, mermaid, _ = run("graph", "--format", "mermaid", *NO_INSTALLED)
    assert status == 0 and mermaid.startswith("flowchart LR\n")
    assert 'c_neural_networks["Neural Networks ★★"]' in mermaid
    status, out, _ = run("graph", "--format", "json", *NO_INSTALLED)
    data = json.loads(out)
    assert len(data["concepts"]) == len(catalog.concepts) and len(data["recipes"]) == len(catalog.recipes)
    assert data["path"] is None and data["target"] is None
    assert not any(c["highlighted"] for c in data["concepts"])


def test_graph_highlights_a_path() -> None:
    status, out, _ = run("graph", "--format", "json", "--path", "module_0", *NO_INSTALLED)
    assert status == 0
    data = json.loads(out)
    steps = craftcore.load_catalog(FOUNDATIONS_DIR, installed=False).paths["module_0"].steps
    assert data["path"] == {"id": "module_0", "steps": list(steps)}
    assert {c["id"] for c in data["concepts"] if c["highlighted"]} == set(steps)
    assert any(r["highlighted"] for r in data["recipes"])
    status, dot, _ = run("graph", "--path", "Module 0: Measurement", *NO_INSTALLED)
    assert status == 0
    assert '"1. Linear Algebra\\n★"' in dot and "style=dotted" in dot
    status, mermaid, _ = run("graph", "--format", "mermaid", "--path", "module_0", "--only", *NO_INSTALLED)
    assert status == 0
    assert "class " in mermaid and "linkStyle" in mermaid and "c_roofline_model" not in mermaid


def test_graph_target_prerequisites() -> None:
    status, out, err = run("graph", "--format", "json", "--target", "profiling", "--only", *NO_INSTALLED)
    assert status == 0, err
    data = json.loads(out)
    assert data["target"]["id"] == "profiling"
    lit = {c["id"] for c in data["concepts"] if c["highlighted"]}
    assert {"profiling", "neural_networks", "linear_algebra"} <= lit
    assert all(r["highlighted"] for r in data["recipes"])


def test_graph_unknown_names() -> None:
    status, out, err = run("graph", "--path", "no_such_path", *NO_INSTALLED)
    assert status == 1 and out == "" and err.count("\n") == 1 and "unknown learning path" in err
    status, _, err = run("graph", "--target", "nonexistent_xyz", *NO_INSTALLED)
    assert status == 1 and "unknown concept" in err


# ------------------------------------------------------------------------------------------------------- new


def test_new_scaffold_passes_check(tmp_path: pathlib.Path) -> None:
    status, out, err = run("new", "demo_pack", "--dir", str(tmp_path), "--json")
    assert (status, err) == (0, "")
    info = json.loads(out)
    root = tmp_path / "demo_pack"
    assert info["pack_dir"] == str(root / "src" / "craftcore_demo_pack" / "pack")
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.craftcore]\ndemo_pack = "craftcore_demo_pack"' in pyproject
    test = (root / "tests" / "test_demo_pack.py").read_text(encoding="utf-8")
    assert "from craftcore.testing import check_pack, content_problems, play_everything" in test
    assert "import craftcore_demo_pack" not in test  # the tests find the pack by its folder, installed or not
    assert 'craftcore_packs = ["src/craftcore_demo_pack/pack"]' in pyproject
    status, out, _ = run("check", "--strict", "--content", info["pack_dir"], *NO_INSTALLED)
    assert status == 0, out
    catalog = craftcore.load_catalog(FOUNDATIONS_DIR, info["pack_dir"], installed=False)
    assert "demo_pack_benchmark" in catalog.concepts and "demo_pack_first_steps" in catalog.paths
    assert run("new", "demo_pack", "--dir", str(tmp_path))[0] == 1  # exists already


@pytest.mark.parametrize("name", ["9lives", "_x", "Ünïcode", "a+b"])
def test_new_refuses_bad_names(tmp_path: pathlib.Path, name: str) -> None:
    status, _out, err = run("new", name, "--dir", str(tmp_path))
    assert status == 2 and err.count("\n") == 1 and "cannot make a pack id" in err


def test_new_normalises_the_name(tmp_path: pathlib.Path) -> None:
    status, out, _ = run("new", "My-Pack", "--dir", str(tmp_path))
    assert status == 0 and "Created pack 'my_pack'" in out
    assert (tmp_path / "My-Pack" / "src" / "craftcore_my_pack" / "pack" / "pack.toml").is_file()


# ------------------------------------------------------------------------------------------------------- packs


def test_packs_lists_packs_and_plugins() -> None:
    status, out, _ = run("packs")
    assert status == 0
    assert out.startswith(f"craftcore {craftcore.__version__}\nPacks:\n")
    assert "foundations" in out and "entry point" in out and "Plugins:" in out
    status, out, _ = run("packs", "--json")
    data = json.loads(out)
    catalog = craftcore.load_catalog()
    assert [p["id"] for p in data["packs"]] == [p.id for p in catalog.packs]
    assert {p["name"] for p in data["plugins"]} == set(catalog.plugins.origins)
    assert data["errors"] == []
    first = data["packs"][0]
    assert first["id"] == "foundations" and first["source"] == "entry point"
    assert first["distribution"].startswith("craftcore-foundations ")


def test_packs_reports_a_broken_folder(tmp_path: pathlib.Path) -> None:
    pack = write_pack(tmp_path / "demo", BAD)
    status, out, _ = run("packs", "--pack", str(pack), "--pack", str(FOUNDATIONS_DIR), "--no-installed")
    assert status == 1 and "The packs do not load:" in out

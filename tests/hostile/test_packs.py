"""Hostile pack files: documents of every shape, byte flips and truncations of every shipped pack file, special files,
deep nesting and huge numbers. Each must load or give a precise PackError (file and key), within the time limit."""

from __future__ import annotations

import os
import pathlib
import random
import stat

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings

import craftcore
from craftcore import PackError, PackSource, load_catalog
from craftcore.strategies import pack_documents
from tests.conftest import PACK_DIRS
from tests.hostile.conftest import pack_outcome, time_limit

CORPUS = pathlib.Path(__file__).parent / "corpus" / "packs"
#: Mutations per shipped pack file (raise for a deeper run: CRAFTCORE_HOSTILE_MUTATIONS=50).
MUTATIONS = int(os.environ.get("CRAFTCORE_HOSTILE_MUTATIONS", "3"))


def load_text(text: str, name: str = "pack.toml") -> craftcore.Catalog:
    return load_catalog(PackSource.from_text(name, text), installed=False, cache=False)


def problems_of(text: str) -> list[craftcore.Problem]:
    with pytest.raises(PackError) as info:
        load_text(text)
    return list(info.value.problems)


# ---------------------------------------------------------------------------------------------------------------------
# documents of every shape


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pack_documents())
def test_documents_of_every_shape(document: dict) -> None:
    text = tomli_w.dumps(document)
    pack_outcome("packs: documents of every shape", lambda: load_text(text))


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pack_documents(valid_base=True))
def test_valid_packs_with_values_replaced(document: dict) -> None:
    text = tomli_w.dumps(document)
    pack_outcome(
        "packs: damaged valid packs",
        lambda: load_catalog(
            PackSource.from_text("pack.toml", text), installed=False, cache=False, require_reachable=False
        ),
    )


# ---------------------------------------------------------------------------------------------------------------------
# the corpus of regression cases


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.toml")), ids=lambda p: p.stem)
def test_corpus(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert pack_outcome("packs: corpus", lambda: load_text(text)) == "PackError"


def test_wrong_shapes_name_the_key() -> None:
    text = (CORPUS / "pack-string.toml").read_text(encoding="utf-8")
    (problem,) = [p for p in problems_of(text) if p.code != "no-start"]
    assert (problem.key, problem.message) == ("pack", "expected a table, got a string")
    text = (CORPUS / "resources-not-tables.toml").read_text(encoding="utf-8")
    keys = {p.key: p.message for p in problems_of(text)}
    assert keys["concepts.a.resources[0]"] == "expected a table, got an integer"
    assert keys["concepts.a.resources[1]"] == "expected a table, got a string"


def test_every_problem_of_a_concept_in_one_pass() -> None:
    codes = {p.code for p in problems_of((CORPUS / "unknown-key-hides-others.toml").read_text(encoding="utf-8"))}
    assert {"unknown-key", "bad-level", "bad-value", "bad-url"} <= codes


def test_non_finite_and_boolean_properties_are_refused() -> None:
    found = {p.key: p.message for p in problems_of((CORPUS / "properties-nan-inf-bool.toml").read_text())}
    assert found["concepts.a.properties.x"] == "expected a finite number"
    assert found["concepts.a.properties.y"] == "expected a finite number"
    assert "boolean" in found["concepts.a.properties.z"]


def test_deep_nesting_and_huge_numbers() -> None:
    for name, code in [
        ("deep-inline-tables", "too-deep"),
        ("deep-arrays", "too-deep"),
        ("huge-integer", "toml-syntax"),
        ("big-level", "wrong-type"),
    ]:
        (problem,) = [p for p in problems_of((CORPUS / f"{name}.toml").read_text()) if p.code != "no-start"]
        assert problem.code == code, (name, problem)
        assert len(problem.message) < 300, name
    text = "[pack]\nid='p'\nname='P'\nversion='0.1.0'\ndescription='d'\nx = " + "[" * 20 + "]" * 20
    assert all(p.code != "too-deep" for p in problems_of(text))  # 20 levels are allowed (and merely unknown)


def test_syntax_error_at_the_end_has_a_line() -> None:
    text = (CORPUS / "syntax-error-at-end.toml").read_text()
    (problem,) = [p for p in problems_of(text) if p.code == "toml-syntax"]
    assert problem.line == text.count("\n") + 1
    assert "at the end of the file" in problem.message


def test_control_characters_in_pack_text_are_refused() -> None:
    (problem,) = [p for p in problems_of((CORPUS / "escape-in-name.toml").read_text()) if p.code == "control-character"]
    assert problem.key == "pack.name"
    assert "\x1b" not in str(problem) and "\r" not in str(problem)


def test_a_byte_order_mark_is_skipped(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "bom"
    folder.mkdir()
    text = (PACK_DIRS["foundations"] / "pack.toml").read_text(encoding="utf-8")
    for source in PACK_DIRS["foundations"].glob("*.toml"):
        (folder / source.name).write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert text
    with time_limit():
        catalog = load_catalog(folder, installed=False, cache=False)
    assert "foundations" in {p.id for p in catalog.packs}


# ---------------------------------------------------------------------------------------------------------------------
# byte flips and truncations of every shipped pack file


def _shipped_files() -> list[tuple[str, pathlib.Path]]:
    return [(name, path) for name, folder in PACK_DIRS.items() for path in sorted(folder.glob("*.toml"))]


def _mutate(raw: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    at = rng.randrange(len(raw))
    if kind == 0:  # flip one bit
        return raw[:at] + bytes([raw[at] ^ (1 << rng.randrange(8))]) + raw[at + 1 :]
    if kind == 1:  # truncate
        return raw[:at]
    if kind == 2:  # a random byte in place of one
        return raw[:at] + bytes([rng.randrange(256)]) + raw[at + 1 :]
    return raw[:at] + rng.choice([b"[", b"]", b"{", b'"', b"=", b"\n", b"\x00", b"\xff", b"\\u001b"]) + raw[at:]


@pytest.mark.parametrize(("pack", "path"), _shipped_files(), ids=lambda v: v.name if hasattr(v, "name") else v)
def test_byte_flips_and_truncations_of_shipped_files(pack: str, path: pathlib.Path, tmp_path: pathlib.Path) -> None:
    folder = PACK_DIRS[pack]
    rng = random.Random(f"{pack}/{path.name}")
    for n in range(MUTATIONS):
        target = tmp_path / f"m{n}"
        target.mkdir()
        for other in folder.glob("*.toml"):
            (target / other.name).write_bytes(other.read_bytes())
        (target / path.name).write_bytes(_mutate(path.read_bytes(), rng))
        pack_outcome(
            "packs: byte flips/truncations",
            lambda t=target: load_catalog(t, installed="required", cache=False),
        )


# ---------------------------------------------------------------------------------------------------------------------
# special files


def _pack_folder(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    for source in PACK_DIRS["foundations"].glob("*.toml"):
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def _unreadable(folder: pathlib.Path, name: str) -> list[craftcore.Problem]:
    assert pack_outcome("packs: special files", lambda: load_catalog(folder, installed=False, cache=False)) == (
        "PackError"
    )
    with time_limit(), pytest.raises(PackError) as info:
        load_catalog(folder, installed=False, cache=False)
    return [p for p in info.value.problems if p.file and p.file.endswith(name)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("name", ["extra.toml", "pack.toml"])
def test_a_fifo_named_toml_does_not_block(tmp_path: pathlib.Path, name: str) -> None:
    folder = _pack_folder(tmp_path)
    (folder / name).unlink(missing_ok=True)
    os.mkfifo(folder / name)
    (problem,) = _unreadable(folder, name)
    assert problem.code == "unreadable" and "not a regular file" in problem.message


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_not_read(tmp_path: pathlib.Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    folder = _pack_folder(tmp_path)
    (folder / "extra.toml").symlink_to(device)
    (problem,) = _unreadable(folder, "extra.toml")
    assert "not a regular file" in problem.message


def test_a_folder_named_toml(tmp_path: pathlib.Path) -> None:
    folder = _pack_folder(tmp_path)
    (folder / "extra.toml").mkdir()
    (problem,) = _unreadable(folder, "extra.toml")
    assert "a folder" in problem.message
    (folder / "pack.toml").unlink()
    (folder / "pack.toml").mkdir()
    assert _unreadable(folder, "pack.toml")


def test_non_utf8_names_the_line(tmp_path: pathlib.Path) -> None:
    folder = _pack_folder(tmp_path)
    (folder / "extra.toml").write_bytes(b"# fine\n# fine\nx = '\xff\xfe'\n")
    (problem,) = _unreadable(folder, "extra.toml")
    assert (problem.code, problem.line) == ("not-utf8", 3)


def test_a_file_over_the_limit_is_not_read_whole(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import craftcore._sources

    monkeypatch.setattr(craftcore._sources, "MAX_FILE_BYTES", 1000)
    folder = _pack_folder(tmp_path)
    (folder / "extra.toml").write_bytes(b"#" * 5000)
    (problem,) = _unreadable(folder, "extra.toml")
    assert problem.code == "too-large"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file(tmp_path: pathlib.Path) -> None:
    folder = _pack_folder(tmp_path)
    (folder / "extra.toml").write_text("x = 1\n")
    (folder / "extra.toml").chmod(0)
    try:
        (problem,) = _unreadable(folder, "extra.toml")
        assert problem.code == "unreadable"
    finally:
        (folder / "extra.toml").chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_check_json_on_a_hostile_pack(tmp_path: pathlib.Path) -> None:
    import io
    import json

    from craftcore.cli import main

    for path in sorted(CORPUS.glob("*.toml")):
        folder = tmp_path / path.stem
        folder.mkdir()
        (folder / "pack.toml").write_bytes(path.read_bytes())
        out, err = io.StringIO(), io.StringIO()
        with time_limit():
            status = main(["check", "--json", "--no-installed", str(folder)], stdout=out, stderr=err)
        assert status == 1, (path.name, err.getvalue())
        json.loads(out.getvalue())
        assert "Traceback" not in err.getvalue()

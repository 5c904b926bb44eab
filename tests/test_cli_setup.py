"""The README's two set-up commands: what they run, their dry run, and their virtual-environment logic.

The full path (a fresh clone, Debian's own Python, `python3 -m venv`, pip installs) takes about a minute and needs
the package index, so it is not run here; CI runs it for real, since `.ci/run` calls `bash scripts/test.sh`, which
creates `.venv` itself on a fresh machine.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BASH = shutil.which("bash") or "/bin/bash"


def setup_section() -> str:
    return README.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]


def test_the_readme_commands_are_the_scripts() -> None:
    commands = [b.strip() for b in re.findall(r"```sh\n(.*?)```", setup_section(), flags=re.S)]
    assert commands == ["bash scripts/play.sh", "bash scripts/test.sh"]
    for command in commands:
        assert (ROOT / command.split()[1]).is_file()
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_scripts_never_install_outside_a_virtual_environment() -> None:
    for name in ("play.sh", "test.sh", "_venv.sh"):
        text = (ROOT / "scripts" / name).read_text(encoding="utf-8")
        assert not re.search(r"^\s*python3? -m pip", text, flags=re.M), name  # only "$VENV_PYTHON" -m pip
        assert "--break-system-packages" not in text and "--user" not in text
    venv = (ROOT / "scripts" / "_venv.sh").read_text(encoding="utf-8")
    assert '"$python" -m venv "$VENV"' in venv and '"$VENV_PYTHON" -m pip install' in venv
    assert "apt-get install -y -qq python3-venv" in venv
    assert "testing,tui" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": env.pop("HOME", "/nonexistent-home")}
    base.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [BASH, *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60, check=False
    )


def test_play_dry_run_saves_outside_the_checkout(tmp_path: pathlib.Path) -> None:
    result = run("scripts/play.sh", "--dry-run", env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "virtual environment: .venv"
    for pack in ("foundations", "attention", "moe", "ssm", "production"):
        assert f"-e packs/{pack}" in lines[1]
    assert lines[2] == f"run: craftcore play --save {tmp_path / 'data'}/craftcore/my-game.json"
    assert not (tmp_path / "data").exists()  # a dry run creates nothing


def test_play_dry_run_default_home_and_own_save(tmp_path: pathlib.Path) -> None:
    result = run("scripts/play.sh", "--dry-run", env={"HOME": str(tmp_path)})
    assert result.stdout.splitlines()[2].endswith(f"--save {tmp_path}/.local/share/craftcore/my-game.json")
    result = run("scripts/play.sh", "--dry-run", "--tui", "--save", "mine.json", env={"HOME": str(tmp_path)})
    assert result.stdout.splitlines()[2] == "run: craftcore play --tui --save mine.json"


def fake_python(folder: pathlib.Path, *, venv_works: bool) -> pathlib.Path:
    """A python3 that answers the version check, fails `import ensurepip` when told to, and records venv calls."""
    script = folder / "python3"
    script.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        "  *sys.version_info*) exit 0 ;;\n"
        f"  *ensurepip*) exit {0 if venv_works else 1} ;;\n"
        f'  "-m venv"*) echo "venv $3" >> "{folder}/calls"; exit 1 ;;\n'
        "esac\n"
        "exit 3\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def test_missing_venv_module_fails_with_a_clear_message_for_a_user(tmp_path: pathlib.Path) -> None:
    python = fake_python(tmp_path, venv_works=False)
    fake_id = tmp_path / "id"  # not root, whoever runs the tests: the script must not try apt-get
    fake_id.write_text("#!/bin/sh\necho 1000\n", encoding="utf-8")
    fake_id.chmod(0o755)
    result = run(
        "-c",
        ". scripts/_venv.sh && craftcore_venv tui",
        env={
            "PYTHON": str(python),
            "CRAFTCORE_VENV": str(tmp_path / "v"),
            "PATH": f"{tmp_path}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        },
    )
    assert result.returncode == 1
    assert "install python3-venv first" in result.stderr and "apt-get install python3-venv" in result.stderr
    assert not (tmp_path / "calls").exists()


def test_an_old_python_is_refused(tmp_path: pathlib.Path) -> None:
    old = tmp_path / "python3"
    old.write_text('#!/bin/sh\ncase "$*" in --version) echo "Python 3.9.2";; *) exit 1;; esac\n', encoding="utf-8")
    old.chmod(0o755)
    result = run(
        "-c",
        ". scripts/_venv.sh && craftcore_venv tui",
        env={"PYTHON": str(old), "CRAFTCORE_VENV": str(tmp_path / "v")},
    )
    assert result.returncode == 1 and "needs Python 3.11 or newer; " in result.stderr and "3.9.2" in result.stderr


def test_the_venv_is_created_with_the_given_python(tmp_path: pathlib.Path) -> None:
    python = fake_python(tmp_path, venv_works=True)
    venv = tmp_path / "v"
    result = run(
        "-c", ". scripts/_venv.sh && craftcore_venv tui", env={"PYTHON": str(python), "CRAFTCORE_VENV": str(venv)}
    )
    assert result.returncode == 1  # the fake venv fails, and the script stops there
    assert (tmp_path / "calls").read_text(encoding="utf-8") == f"venv {venv}\n"
    assert "creating the virtual environment" in result.stderr

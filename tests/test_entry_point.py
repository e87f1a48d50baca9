"""``pip install .`` gives an ``airdate`` command (pyproject's ``[project.scripts]``) that is ``python
main.py`` by another name. Checked without installing: the entry point's target is imported and run the
way the generated script runs it, in a new interpreter, beside ``python main.py``."""

import importlib
import subprocess
import sys
import tomllib

from .utils.server import ROOT, airdate_env, run_cli

SCRIPT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["airdate"]


def run_script(*args: str, **settings: str) -> subprocess.CompletedProcess:
    """What pip's generated ``airdate`` script does: import the target, call it, exit with its result."""
    module, function = SCRIPT.split(":")
    code = f"import sys; from {module} import {function}; sys.argv[0] = 'airdate'; sys.exit({function}())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**airdate_env(**settings), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def options(help_text: str) -> str:
    """The help below its usage lines (which wrap differently for another program name)."""
    return help_text.split("\noptions:\n", 1)[1]


def test_the_entry_point_is_main_run_and_importable() -> None:
    module, function = SCRIPT.split(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_airdate_help_is_python_main_py_help_under_its_own_name() -> None:
    script = run_script("--help")
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("usage: airdate ")
    main = run_cli("--help", fresh=True)
    assert main.stdout.startswith("usage: python main.py ")
    assert options(script.stdout) == options(main.stdout)
    for text in ("--host", "--demo", "--smtp-host", "{accounts,tokens,db}"):
        assert text in script.stdout


def test_airdate_fails_like_python_main_py() -> None:
    script, main = run_script("--stats-interval", "soon"), run_cli("--stats-interval", "soon", fresh=True)
    assert script.returncode == main.returncode == 2
    assert script.stderr.strip().splitlines()[-1] == main.stderr.strip().splitlines()[-1]
    assert (
        script.stderr.strip()
        .splitlines()[-1]
        .startswith("airdate: AIRDATE_STATS_INTERVAL (--stats-interval):")
    )
    unknown = run_script("--no-such-flag")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "airdate: unrecognized arguments: --no-such-flag"


def test_what_pip_installs_is_every_module_the_program_has() -> None:
    """The script runs from site-packages, not from this folder: a top-level module or package that
    pyproject does not list is missing there (``nicegui_workarounds`` was, and ``airdate`` failed)."""
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(listed["py-modules"]) == {path.stem for path in ROOT.glob("*.py")}
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "bench"}
    assert set(listed["packages"]) == packages

"""The tree is linted, formatted, type-checked and its API reference builds, each as CI runs it (`bash .ci/run`)."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def tool(name):
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        if os.environ.get("AG_REQUIRE_TOOLS"):
            pytest.fail(f"{name} is not installed (pip install -e '.[dev]')")
        pytest.skip(f"{name} is not installed")
    return str(path)


def run(*cmd):
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    return done


def test_ruff_finds_nothing_to_lint():
    run(tool("ruff"), "check", "--no-cache", ".")


def test_ruff_finds_nothing_to_format():
    run(tool("ruff"), "format", "--check", "--no-cache", ".")


def test_mypy_is_clean_on_the_three_packages():
    run(tool("mypy"), "--cache-dir", os.devnull if os.name != "nt" else "nul")  # files and settings: pyproject.toml


def test_the_api_reference_builds_without_warnings(tmp_path):
    run(tool("mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site"))

"""The compiled parts: ``setup.py`` builds exactly the modules backplan knows, and CI (with a C
compiler, ``BACKPLAN_REQUIRE_COMPILED=1``) has every one of them built."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from backplan._compiled import COMPILED_MODULES, compiled

ROOT = Path(__file__).resolve().parents[1]


def test_setup_builds_the_compiled_modules_backplan_knows() -> None:
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    built = [node.args[0].value for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Extension"
             and isinstance(node.args[0], ast.Constant)]
    assert sorted(built) == sorted(COMPILED_MODULES)
    for name in COMPILED_MODULES:  # each with its types beside it, installed as package data
        stub = ROOT / "src" / Path(*name.split(".")).with_suffix(".pyi")
        assert stub.is_file(), stub
        assert stub.relative_to(ROOT / "src" / "backplan").as_posix() in (
            ROOT / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMPILED_MODULES)
def test_each_compiled_module_is_built_where_ci_asks_for_it(name: str) -> None:
    if os.environ.get("BACKPLAN_REQUIRE_COMPILED") and compiled(name) is None:
        pytest.fail(f"{name} was not built: is a C compiler installed?")

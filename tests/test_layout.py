"""The layout the project keeps: every module of kg/ and server/ says in a docstring what it holds, and none is over
500 lines (a longer one holds more than one concept: split it by concept)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(path for package in ("kg", "server") for path in (ROOT / package).rglob("*.py"))
MOST_LINES = 500


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_has_a_docstring_and_at_most_500_lines(path):
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    assert ast.get_docstring(ast.parse(text)), f"{name} has no docstring: say what comes in and what goes out"
    lines = len(text.splitlines())
    assert lines <= MOST_LINES, f"{name} has {lines} lines (at most {MOST_LINES}): split it by concept"

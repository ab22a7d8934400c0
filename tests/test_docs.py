"""The README documents every setting and the two commands."""

from __future__ import annotations

from pathlib import Path

from kg.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_readme_with_its_default():
    for variable, default, _help in Settings.describe():
        assert f"| `{variable}` | `{default}` |" in README, variable


def test_readme_starts_with_the_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick_start and "make test" in quick_start
    assert "http://127.0.0.1:5000/" in quick_start

"""The README and docs/ say what is true: every setting, every command, and only paths, modules and links
that exist."""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path

import pytest

from kg.cli import main
from kg.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]

#: Top-level folders whose paths the docs may name (build/ and other outputs are not in the repository).
REPO_FOLDERS = ("kg", "server", "tests", "ontology", "queries", "bench", "docs", "seeds")
#: Git-ignored folders the docs may name although a clean clone does not have them.
GENERATED = ("tests/artifacts",)
_BLOCK = re.compile(r"^```[^\n]*\n(.*?)^```", flags=re.M | re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_PATH = re.compile(rf"^(?:{'|'.join(REPO_FOLDERS)})/[\w./*-]*$")
_MODULE = re.compile(r"^(?:kg|server)(?:\.[A-Za-z_]\w*)+")


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _code_tokens(text: str) -> set[str]:
    """The words of every code block and inline code span, without the punctuation around them."""
    blocks = _BLOCK.findall(text)
    spans = _CODE.findall(_BLOCK.sub("", text))
    return {word.strip("'\"()[],;:") for span in blocks + spans for word in span.split()}


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", _text(page), flags=re.S)
    return {_anchor(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def test_every_setting_is_in_the_settings_page_with_its_default():
    settings_page = _text(ROOT / "docs" / "settings.md")
    for variable, default, _help in Settings.describe():
        assert f"| `{variable}` | `{default}` |" in settings_page, variable


def test_readme_starts_with_the_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick_start and "make test" in quick_start
    assert "http://127.0.0.1:5000/" in quick_start


def test_readme_is_a_newcomers_page():
    assert len(README.splitlines()) <= 300


def test_the_command_table_lists_every_kg_command_and_no_other():
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `kg ([a-z-]+)", table, flags=re.M)
    assert sorted(listed) == sorted(main.commands)


def test_the_readme_links_every_page_of_docs():
    linked = {Path(target).name for target in _LINK.findall(README) if target.startswith("docs/")}
    assert {page.name for page in DOCS} <= linked


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_lead_somewhere(page: Path):
    for target in _LINK.findall(_text(page)):
        if re.match(r"[a-z]+:", target):
            continue  # an outside address
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        assert file.exists(), f"{page.name}: {target} does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file), f"{page.name}: no heading #{anchor} in {file.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_named_paths_exist(page: Path):
    for word in _code_tokens(_text(page)):
        if not _PATH.match(word) or word.startswith(GENERATED):
            continue
        assert any(ROOT.glob(word.rstrip("/"))), f"{page.name}: `{word}` is not in the repository"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_named_modules_and_objects_exist(page: Path):
    for word in _code_tokens(_text(page)):
        match = _MODULE.match(word)
        if not match or re.fullmatch(r"kg\.(nq|ttl|owl)", match.group()):
            continue  # kg.nq and friends are the build's files
        parts = match.group().split(".")
        for split in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:split]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[split:]:
                assert hasattr(obj, attribute), f"{page.name}: `{match.group()}` does not exist"
                obj = getattr(obj, attribute)
            break
        else:
            pytest.fail(f"{page.name}: `{match.group()}` is no module")

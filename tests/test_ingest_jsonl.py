"""Articles from JSON Lines files and glob patterns (kg.ingest), and a build from a JSON Lines corpus."""

from __future__ import annotations

import json

import pytest

from kg.build.pipeline import run_build
from kg.config import Settings
from kg.errors import InputError
from kg.ingest.readers import Article, Skipped, find_files, iter_articles
from tests.conftest import SEEDS


def _write_jsonl(path, rows) -> None:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows),
                    encoding="utf-8")


def test_jsonl_articles_are_cleaned_and_identified_like_text_files(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    corpus = tmp_path / "corpus.jsonl"
    _write_jsonl(corpus, [{"id": f"a{i}", "text": p.read_text(encoding="utf-8"), "source": "wire"}
                          for i, p in enumerate(seeds)])
    from_jsonl = [a for a in iter_articles([corpus]) if isinstance(a, Article)]
    from_txt = [a for a in iter_articles([SEEDS]) if isinstance(a, Article)]
    assert [a.id for a in from_jsonl] == [a.id for a in from_txt]
    assert [a.text for a in from_jsonl] == [a.text for a in from_txt]
    assert [a.source for a in from_jsonl] == [f"corpus.jsonl#a{i}" for i in range(len(seeds))]
    assert all(a.meta["source"] == "wire" for a in from_jsonl)


def test_jsonl_date_field_is_used_when_the_text_has_none_and_bad_lines_are_skipped(tmp_path):
    corpus = tmp_path / "c.jsonl"
    _write_jsonl(corpus, [
        {"id": "x", "text": "Crowds gathered in the main square on Friday.", "date": "2031-04-05"},
        {"text": "A second report without a date.", "date": "last week"},
        "{not json",
        {"id": "empty", "text": "   "},
        {"id": "no-text", "body": "words"},
        "",
    ])
    items = list(iter_articles([corpus]))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = {i.path: i.reason for i in items if isinstance(i, Skipped)}
    assert [(a.source, a.date) for a in articles] == [("c.jsonl#x", "2031-04-05"), ("c.jsonl#2", None)]
    assert articles[0].meta["date_source"] == "metadata"
    assert set(skipped) == {f"{corpus}:3", f"{corpus}:4", f"{corpus}:5"}  # the path as given, and the line
    assert "not valid JSON" in skipped[f"{corpus}:3"]
    assert "empty" in skipped[f"{corpus}:4"]
    assert '"text"' in skipped[f"{corpus}:5"]


def test_glob_patterns_select_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "b.txt", "sub/c.txt", "d.md"):
        (tmp_path / name).write_text("Some text.\n")
    assert [p.name for p in find_files([str(tmp_path / "*.txt")])] == ["a.txt", "b.txt"]
    assert [p.name for p in find_files([str(tmp_path / "**" / "*.txt")])] == ["a.txt", "b.txt", "c.txt"]
    with pytest.raises(InputError, match="does not exist"):
        find_files([str(tmp_path / "*.csv")])


def test_a_jsonl_corpus_builds(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    corpus = tmp_path / "two.jsonl"
    _write_jsonl(corpus, [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in seeds])
    report = run_build([corpus], Settings.from_env(out=str(tmp_path / "out")), use_cache=False)
    assert report.articles == 2 and report.skipped == []
    nquads = (tmp_path / "out" / "kg.nq").read_text()
    assert all(f'"two.jsonl#{p.stem}"' in nquads for p in seeds)

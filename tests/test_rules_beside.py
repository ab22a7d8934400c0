"""The extraction rules in a second process beside spaCy (kg.build.beside): the same records as in one process, and
a clear message when the rules fail or their process dies."""

from __future__ import annotations

import os

import pytest

from kg.build import beside
from kg.extract import extract
from kg.extract.nlp import make_nlp
from kg.extract.pieces import extract_articles
from kg.ingest.pieces import PIECE_CHARS
from kg.records import Article

TEXTS = [
    "President Anna Berg of Norland resigned on Monday after three days of protests in Ostara, police said.",
    "Security forces detained 40 people in the northern city of Valdek, the Interior Ministry said on Tuesday.",
    "Thousands marched in Lund. \"We want fair prices,\" said Tom Hale, a teacher.",
]


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def _articles(texts):
    return [Article(id=f"a{n:03d}", source=f"{n}.txt", text=text, date="2024-03-04") for n, text in enumerate(texts)]


def _run(nlp, articles, batch=2):
    rules = beside.RulesBeside(nlp, batch_size=2)
    try:
        records = []
        for start in range(0, len(articles), batch):
            records += rules.submit(articles[start:start + batch])
        records += rules.drain()
        return records
    finally:
        rules.close()


def test_the_records_are_those_of_one_process(nlp, monkeypatch):
    monkeypatch.setattr(beside, "OUTSTANDING_BATCHES", 1)  # the main process waits for records while it parses
    long_text = " ".join(TEXTS * (PIECE_CHARS // sum(map(len, TEXTS)) + 1))  # parsed in pieces, here
    articles = _articles(TEXTS * 3 + [long_text])
    got = {r.article.id: r for r in _run(nlp, articles)}
    expected = {r.article.id: r for r in extract_articles(nlp, articles, 2)}
    assert got == expected and len(got) == len(articles)  # the records' own equality: every field
    assert all(r.mentions for r in got.values()) and any(r.events for r in got.values())


def test_a_failure_of_the_rules_names_the_article(nlp, monkeypatch):
    def failing(article, doc):
        if article.id == "a001":
            raise ValueError("a rule broke")
        return extract(article, doc)

    monkeypatch.setattr(beside, "extract", failing)  # the forked process has the patched function
    with pytest.raises(RuntimeError, match=r"(?s)article a001 failed.*ValueError: a rule broke"):
        _run(nlp, _articles(TEXTS))


def test_a_process_that_dies_is_reported_not_waited_for(nlp, monkeypatch):
    monkeypatch.setattr(beside, "extract", lambda article, doc: os._exit(3))
    monkeypatch.setattr(beside, "POLL", 0.2)
    with pytest.raises(RuntimeError, match=r"exit code 3.*KG_RULES_BESIDE=0"):
        _run(nlp, _articles(TEXTS))


def test_it_can_be_turned_off(monkeypatch):
    from kg.build.extraction import _Extractor
    from kg.config import Settings

    monkeypatch.setattr(beside.os, "sched_getaffinity", lambda pid: {0, 1})
    assert beside.usable()
    for value, started in (("0", False), ("1", True)):
        extractor = _Extractor(Settings.from_env({"KG_RULES_BESIDE": value}, jobs=1))
        try:
            records = list(extractor.submit(_articles(TEXTS[:1]))) + list(extractor.drain())
            assert len(records) == 1 and (extractor._beside is not None) is started, value
        finally:
            extractor.close()
    monkeypatch.setattr(beside.os, "sched_getaffinity", lambda pid: {0})
    assert not beside.usable()

"""Issue 22: a long text is built piece by piece, not refused; one longer than KG_MAX_ARTICLE_CHARS is skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pyoxigraph
import pytest

from kg.extract.nlp import make_nlp
from kg.extract.pieces import extract_articles
from kg.ingest.pieces import split_text
from kg.ingest.readers import clean, content_hash
from kg.records import Article
from tests.conftest import KG, ROOT, SEEDS
from tests.long_text import long_article

NG = "https://w3id.org/newsgraph/ontology#"


@pytest.mark.parametrize("limit", [50, 300, 5000])
def test_pieces_join_into_the_text_and_end_at_boundaries(limit):
    text = clean(long_article(20_000, seed=limit))
    pieces = split_text(text, limit)
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= limit for _, piece in pieces)
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    # every cut is at a paragraph, line, sentence end or space
    assert all(piece[-1].isspace() for _, piece in pieces[:-1])


def test_records_of_pieces_point_into_the_whole_text():
    text = clean(long_article(12_000))
    article = Article(id=content_hash(text), source="long.txt", text=text)
    nlp = make_nlp()
    [whole] = extract_articles(nlp, [article], 8, limit=3_000)
    assert whole.article is article and len(split_text(text, 3_000)) >= 4
    late = [m for m in whole.mentions if m.span.start > 9_000]
    assert late and all(text[m.span.start : m.span.end] == m.span.text for m in whole.mentions)
    for event in whole.events:
        assert text[event.trigger.start : event.trigger.end] == event.trigger.text
        assert text[event.evidence.start : event.evidence.end] == event.evidence.text
        for agent in event.agents:  # a participant is still the very mention of the record
            assert any(agent is m for m in whole.mentions)
    ids = [e.local_id for e in whole.events]
    assert len(ids) == len(set(ids)) and any("+" in i for i in ids)  # ids of later pieces are tagged
    sentences = {m.span.sentence for m in whole.mentions}
    assert max(sentences) < whole.sentences and max(sentences) > whole.sentences // 2


def test_a_text_of_one_and_a_half_million_characters_builds(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = long_article(1_500_000)
    (folder / "long-report.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([*KG, "build", str(folder), "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["articles"] == 1 and report["skipped"] == []
    store = pyoxigraph.Store.read_only(str(out / "store"))

    def count(pattern: str) -> int:
        [row] = store.query(f"PREFIX ng: <{NG}> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")
        return int(row["n"].value)

    assert count("?x a ng:NewsArticle") == 1
    assert count("?x a ng:Person") >= 50
    assert count("?x a ng:Event") >= 1000
    # a span near the end of the text: its offsets count from the start of the whole text
    [row] = store.query(
        f"PREFIX ng: <{NG}> SELECT ?b ?e ?a WHERE {{ ?s ng:beginIndex ?b ; ng:endIndex ?e ; "
        "ng:anchorOf ?a } ORDER BY DESC(?b) LIMIT 1"
    )
    stored = next(iter(store.query(f"PREFIX ng: <{NG}> SELECT ?t WHERE {{ ?x ng:text ?t }}")))["t"].value
    begin, end = int(row["b"].value), int(row["e"].value)
    assert begin > 1_400_000 and stored[begin:end] == row["a"].value


def test_a_text_above_the_hard_cap_is_skipped_with_its_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.txt").write_text("Protesters gathered in Lisbon on Monday, police said.")
    (folder / "huge.txt").write_text(long_article(30_000))
    out = tmp_path / "out"
    env = {**os.environ, "KG_MAX_ARTICLE_CHARS": "20000"}
    done = subprocess.run(
        [*KG, "build", str(folder), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["counts"]["articles"] == 1
    [skipped] = report["skipped"]
    assert skipped["path"].endswith("huge.txt") and "KG_MAX_ARTICLE_CHARS (20,000)" in skipped["reason"]
    lines = [line for line in done.stderr.splitlines() if "huge.txt" in line]
    assert len(lines) == 1 and "KG_MAX_ARTICLE_CHARS" in lines[0]


def test_graphs_handed_on_in_parts_and_small_validation_batches_build_the_same(seed_build, tmp_path, monkeypatch):
    """A long article's graph is handed on every GRAPH_PART triples and its subjects validated BATCH_SUBJECTS at a
    time; with both tiny, the seeds build into the same kg.nq, with the same validation results."""
    from kg.build import pipeline
    from kg.config import Settings

    monkeypatch.setattr(pipeline, "GRAPH_PART", 97)
    monkeypatch.setattr(pipeline, "BATCH_SUBJECTS", 40)
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(seed_build / "cache", out / "cache")  # the same records, without spaCy
    report = pipeline.run_build([SEEDS], Settings.from_env(out=str(out)))
    assert report.cached == report.articles == 5
    assert (out / "kg.nq").read_bytes() == (seed_build / "kg.nq").read_bytes()
    assert json.loads((out / "report.json").read_text())["validation"] == json.loads(
        (seed_build / "report.json").read_text())["validation"]


def test_subjects_waiting_on_disk_get_the_same_validation_batches(monkeypatch):
    """The subjects of a validation batch beyond SUBJECTS_HELD wait in SQLite: the batches they get are the same as
    when all are held in memory (sorted, BATCH_SUBJECTS at a time, each subject in the first batch it appears in)."""
    import random
    import sqlite3

    from kg.build import pipeline

    monkeypatch.setattr(pipeline, "BATCH_SUBJECTS", 7)
    rng = random.Random(3)
    terms = [f"https://e.org/{rng.randrange(300)}/é{rng.randrange(50)}" for _ in range(900)]

    def owners(held: int) -> list[tuple[str, int]]:
        monkeypatch.setattr(pipeline, "SUBJECTS_HELD", held)
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE owner (term TEXT PRIMARY KEY, batch INTEGER) WITHOUT ROWID")
        subjects = pipeline._Subjects(db)
        for first in range(0, len(terms), 100):  # three validation batches of three graphs each
            subjects.update(terms[first:first + 100])
            if first % 300 == 200:
                subjects.assign()
        return db.execute("SELECT term, batch FROM owner ORDER BY term").fetchall()

    held = owners(10**6)
    assert len({batch for _, batch in held}) > 3
    assert owners(20) == held


def test_a_long_text_build_lets_spacy_go_before_resolving(seed_build, tmp_path, monkeypatch):
    """Once the text of a long text's build is extracted, spaCy's pipeline is let go (the build reads no more text;
    its entity ruler refers back to it, a cycle the freeze after extraction would have kept alive for good): it is
    gone when the resolve stage starts, and the seeds build the same as ever."""
    import weakref

    from kg.build import extraction, pipeline
    from kg.config import Settings

    monkeypatch.setattr(pipeline, "LONG_TEXT", 1_000)  # each seed text is "long"
    made, alive = [], []
    make_nlp = extraction.make_nlp
    monkeypatch.setattr(extraction, "make_nlp", lambda settings: made.append(weakref.ref(nlp := make_nlp(settings)))
                        or nlp)
    resolve_corpus = pipeline.resolve_corpus
    monkeypatch.setattr(pipeline, "resolve_corpus",
                        lambda records: alive.extend(ref() is not None for ref in made) or resolve_corpus(records))
    out = tmp_path / "out"
    report = pipeline.run_build([SEEDS], Settings.from_env(out=str(out)), use_cache=False)
    assert report.extracted == report.articles == 5
    assert len(made) == 1 and alive == [False]
    assert (out / "kg.nq").read_bytes() == (seed_build / "kg.nq").read_bytes()

"""The benchmarks' synthetic article generator: deterministic, and its articles are real input for the build.

Not a timing test: the benchmarks themselves run with `make bench` only.
"""

from __future__ import annotations

import json

from bench import long_texts
from bench.synth import World, article, long_report, write_corpus
from kg.build.pipeline import run_build
from kg.config import Settings


def test_same_seed_same_bytes_and_smaller_corpus_is_a_prefix(tmp_path):
    small = write_corpus(tmp_path / "small", 3, seed=5, sentences=6)
    large = write_corpus(tmp_path / "large", 5, seed=5, sentences=6)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in large[:3]]
    assert article(5, 4, sentences=6) == large[4].read_text(encoding="utf-8")
    assert article(6, 0, sentences=6) != article(5, 0, sentences=6)


def test_articles_are_distinct_and_sized_by_sentences():
    world = World.make(1)
    texts = [article(1, i, sentences=4, world=world) for i in range(400)]
    assert len(set(texts)) == len(texts)
    long = article(1, 0, sentences=24, world=world)
    assert len(long.split()) > 2 * len(texts[0].split())


def test_a_person_is_written_in_more_than_one_way_across_the_corpus():
    world = World.make(1)
    corpus = "".join(article(1, i, sentences=12, world=world) for i in range(60))
    written = {p: [name for name in {p.full, p.full.replace(p.family, p.family.upper())} if name in corpus]
               for p in world.people}
    assert any(len(names) == 2 for names in written.values())
    assert sum(1 for p in world.people if p.full in corpus) > 20  # the cast recurs across articles


def test_the_build_accepts_synthetic_articles_and_finds_the_invented_people(tmp_path):
    write_corpus(tmp_path / "corpus", 6, seed=3, sentences=8)
    report = run_build([tmp_path / "corpus"], Settings.from_env(out=str(tmp_path / "out")))
    assert report.articles == 6 and report.skipped == []
    people = {p.full for p in World.make(3).people}
    nquads = (tmp_path / "out" / "kg.nq").read_text(encoding="utf-8")
    found = {name for name in people if f'"{name}"' in nquads}
    assert len(found) >= 3, sorted(found)
    assert json.loads((tmp_path / "out" / "report.json").read_text())["counts"]["articles"] == 6


def test_a_long_report_is_one_text_of_whole_dispatches_and_a_shorter_one_is_its_prefix():
    short, longer = long_report(5_000), long_report(20_000)
    assert len(short) >= 5_000 and len(longer) >= 20_000 and longer.startswith(short)
    assert short.count("\n\n") > 10 and article(1, 0).rstrip("\n") in short


def test_the_long_texts_section_says_whether_memory_is_flat():
    rows = [{"chars": n, "words": n // 6, "seconds": 1.0, "max_rss_mb": mb, "ok": True, "timed_out": False,
             "quads": n, "entities": 5, "peak_stage": "extract"} for n, mb in ((50_000, 500), (1_500_000, 580))]
    text = long_texts.markdown({"timeout": 10, "rows": rows})  # rows of a run before the process tree was measured
    assert "| 1,500,000 |" in text and "peak memory 1.16x" in text and "met" in text
    for row, tree in zip(rows, (520, 700), strict=True):  # the process tree's memory counts when it is the larger
        row.update(tree_mb=tree, peak_mb=max(row["max_rss_mb"], tree))
    text = long_texts.markdown({"timeout": 10, "rows": rows})
    assert "| 1,500,000 | 250,000 | 1.0 | 700 | 580 | 700 |" in text and "peak memory 1.35x" in text
    assert "not met" in text
    assert long_texts._peak_stage({"extract": 400, "rdf": 500, "write": 500}) == "rdf"
    assert long_texts._peak_stage({"reason": 500, "sort": 500, "rdf": 400}) == "sort"  # in the order they end

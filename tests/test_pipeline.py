"""The build at full strength: deterministic, parallel, incremental, reported, gated."""

from __future__ import annotations

import json
import shutil
import threading

import pyoxigraph as ox
import pytest

import kg.build.gate
import kg.build.pipeline
import kg.extract.pieces
from kg.build.pipeline import run_build
from kg.config import Settings
from kg.errors import ValidationError
from kg.rdf.iri import INFERRED_GRAPH
from kg.store.stores import MARKER, open_store
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def settings(out, **kw) -> Settings:
    return Settings.from_env(out=str(out), **kw)


def test_same_bytes_whatever_the_file_order_or_number_of_workers(tmp_path, monkeypatch):
    # one process with the rules beside spaCy (kg.build.beside, the default on two cores), two workers, one process
    one = run_build(SEED_FILES, settings(tmp_path / "one", jobs=1), use_cache=False)
    two = run_build(list(reversed(SEED_FILES)), settings(tmp_path / "two", jobs=2, batch_size=2), use_cache=False)
    monkeypatch.setenv("KG_RULES_BESIDE", "0")
    alone = run_build(SEED_FILES, settings(tmp_path / "alone", jobs=1, batch_size=3), use_cache=False)
    assert (one.articles, one.extracted, two.extracted, alone.extracted) == (len(SEED_FILES),) * 4
    assert two.jobs == 2
    for name in ("kg.nq", "kg.ttl", "void.ttl"):
        first = (tmp_path / "one" / name).read_bytes()
        assert first == (tmp_path / "two" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    lines = (tmp_path / "one" / "kg.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert "_:" not in "".join(line.split(" ")[0] for line in lines if "/graph/article/" in line)


def _counting_extract(monkeypatch) -> list[str]:
    monkeypatch.setenv("KG_RULES_BESIDE", "0")  # the calls are counted in this process (kg.build.beside)
    calls: list[str] = []
    real = kg.extract.pieces.extract

    def counted(article, doc):
        calls.append(article.source)
        return real(article, doc)

    monkeypatch.setattr(kg.extract.pieces, "extract", counted)
    return calls


def test_adding_one_article_extracts_only_that_article(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEED_FILES[:3]:
        shutil.copy(path, corpus)
    calls = _counting_extract(monkeypatch)
    first = run_build([corpus], settings(tmp_path / "out"))
    assert len(calls) == 3 and (first.extracted, first.cached) == (3, 0)

    shutil.copy(SEED_FILES[3], corpus)
    calls.clear()
    second = run_build([corpus], settings(tmp_path / "out"))
    assert calls == [SEED_FILES[3].name]
    assert (second.articles, second.extracted, second.cached) == (4, 1, 3)

    calls.clear()
    again = run_build([corpus], settings(tmp_path / "out"))
    assert calls == [] and again.cached == 4

    # resolution and the graph still see the whole corpus: same bytes as a build without the cache
    run_build([corpus], settings(tmp_path / "fresh"), use_cache=False)
    assert (tmp_path / "out" / "kg.nq").read_bytes() == (tmp_path / "fresh" / "kg.nq").read_bytes()


def test_changed_pipeline_version_starts_a_fresh_cache(tmp_path, monkeypatch):
    calls = _counting_extract(monkeypatch)
    run_build(SEED_FILES[:1], settings(tmp_path / "out"))
    monkeypatch.setattr(kg.build.pipeline, "pipeline_version", lambda model, profile="": "another-version")
    run_build(SEED_FILES[:1], settings(tmp_path / "out"))
    assert len(calls) == 2
    assert [p.name for p in (tmp_path / "out" / "cache").iterdir()] == ["another-version"]


def test_report_has_counts_timings_skipped_inputs_and_merges(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_FILES[0], corpus)
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\xff\xfe\x00\x01")
    report = run_build([corpus], settings(tmp_path / "out"))
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["counts"]["articles"] == 1 and data["counts"]["skipped"] == 2
    assert {s["path"].rsplit("/", 1)[-1] for s in data["skipped"]} == {"empty.txt", "binary.txt"}
    assert all(s["reason"] for s in data["skipped"])
    assert set(data["timings"]) >= {"extract", "resolve", "rdf", "validate", "reason", "write", "store"}
    assert data["counts"]["quads"] == report.quads == report.asserted + report.inferred
    assert isinstance(data["merges"], list)
    assert set(data["outputs"]) >= {"nquads", "turtle", "void", "report", "store"}
    assert not (tmp_path / "out" / ".staging").exists()


def test_a_failing_validation_gate_keeps_the_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_build(SEED_FILES[:1], settings(out))
    before = {name: (out / name).read_bytes() for name in ("kg.nq", "kg.ttl", "report.json")}
    size = len(open_store(out / "store"))

    def reject(asserted, staging, report):
        raise ValidationError("the graph violates a shape")

    monkeypatch.setattr(kg.build.gate, "validate_asserted", reject)
    with pytest.raises(ValidationError):
        run_build(SEED_FILES[:2], settings(out))
    assert {name: (out / name).read_bytes() for name in before} == before
    assert len(open_store(out / "store")) == size
    # the thread that was loading the new store meanwhile has stopped, leaving its store unfinished (unmarked)
    assert not [thread for thread in threading.enumerate() if thread.name == "store-loader"]
    assert not (out / kg.build.pipeline.STAGING / "store" / MARKER).exists()


def test_the_gate_sees_the_ontology_and_every_article_before_storing(tmp_path, monkeypatch):
    def look(asserted, staging, report):  # runs in the build's validation process: it tells in a file
        seen = {"triples": len(asserted),
                # the new store is loaded meanwhile, beside the served one, and not complete (unmarked) before the
                # build has the gate's answer
                "store_in_place": (tmp_path / "out" / "store").exists(),
                "new_store_marked": (staging / "store" / MARKER).exists()}
        (tmp_path / "seen.json").write_text(json.dumps(seen))

    monkeypatch.setattr(kg.build.gate, "validate_asserted", look)
    run_build(SEED_FILES[:2], settings(tmp_path / "out"))
    seen = json.loads((tmp_path / "seen.json").read_text())
    quads = ox.parse(path=str(tmp_path / "out" / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    asserted = {(q.subject, q.predicate, q.object) for q in quads
                if not q.graph_name.value.endswith("/" + INFERRED_GRAPH)}
    assert seen == {"triples": len(asserted), "store_in_place": False, "new_store_marked": False}


def _articles(n: int, consumed: list[int]):
    from kg.ingest.readers import content_hash
    from kg.records import Article

    for i in range(n):
        consumed.append(i)
        text = f"Protesters gathered in the square of town number {i} on Monday."
        yield Article(id=content_hash(text), source=f"a{i}.txt", text=text)


@pytest.mark.parametrize("jobs", [1, 2])
def test_articles_stream_through_extraction(jobs):
    """The first records come back before the later articles are even read (memory stays flat)."""
    from kg.build.extraction import extract_records

    consumed: list[int] = []
    done: list[int] = []
    stream = extract_records(_articles(40, consumed), Settings.from_env(jobs=jobs, batch_size=2),
                             progress=done.append)
    first = next(stream)
    assert first.article.source.startswith("a")
    assert len(consumed) <= 2 * (2 * jobs + 1) < 40
    rest = list(stream)
    assert len(rest) + 1 == 40 == sum(done) and len(consumed) == 40


def test_a_second_build_into_the_same_folder_is_refused(tmp_path):
    import fcntl

    from kg.errors import KGError

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(KGError, match="another `kg build`"):
            run_build(SEED_FILES[:1], settings(out))
    assert not (out / "kg.nq").exists()

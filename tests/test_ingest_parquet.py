"""Articles from Parquet files written by pyarrow (kg.ingest.read_parquet), and builds from them."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq

from kg.build.pipeline import run_build
from kg.config import Settings
from kg.ingest.readers import Article, Skipped, count_articles, find_files, iter_articles
from tests.conftest import SEEDS

SEED_PATHS = sorted(SEEDS.glob("*.txt"))


def _write_parquet(path, columns: dict, schema: pa.Schema | None = None, row_group_size: int | None = None) -> None:
    pq.write_table(pa.table(columns, schema=schema), path, row_group_size=row_group_size)


def _seed_table(path, extra_rows: int = 0) -> None:
    """The seeds as a Parquet file (id = file name), then ``extra_rows`` unusable rows (null and blank text)."""
    ids = [p.name for p in SEED_PATHS] + [f"bad{i}" for i in range(extra_rows)]
    texts = [p.read_text(encoding="utf-8") for p in SEED_PATHS] + [None if i % 2 == 0 else "  \n "
                                                                   for i in range(extra_rows)]
    _write_parquet(path, {"id": ids, "text": texts, "source": ["wire"] * len(ids)}, row_group_size=2)


def _split(items):
    return ([i for i in items if isinstance(i, Article)], {i.path: i.reason for i in items if isinstance(i, Skipped)})


def test_parquet_rows_are_cleaned_and_identified_like_text_files(tmp_path):
    corpus = tmp_path / "corpus.parquet"
    _seed_table(corpus)
    from_parquet, skipped = _split(list(iter_articles([corpus])))
    from_txt = [a for a in iter_articles([SEEDS]) if isinstance(a, Article)]
    assert skipped == {}
    assert [(a.id, a.text, a.date, a.title) for a in from_parquet] == [(a.id, a.text, a.date, a.title)
                                                                       for a in from_txt]
    assert [a.source for a in from_parquet] == [f"corpus.parquet#{p.name}" for p in SEED_PATHS]
    assert all(a.meta["source"] == "wire" for a in from_parquet)


def test_bad_rows_are_skipped_with_their_row_number_and_the_others_kept(tmp_path):
    corpus = tmp_path / "c.parquet"
    texts = [b"Crowds gathered in the main square on Friday.", None, b"   ", b"\xff\xfe broken bytes",
             b"A second report without a date.", b"A third report, dated by the date column."]
    dates = [dt.date(2031, 4, 5), None, None, None, None, dt.date(2030, 1, 2)]
    _write_parquet(corpus, {"id": ["x", "y", "z", "w", None, "t"], "text": texts, "date": dates},
                   schema=pa.schema([("id", pa.string()), ("text", pa.binary()), ("date", pa.date32())]),
                   row_group_size=4)
    articles, skipped = _split(list(iter_articles([corpus])))
    assert [(a.source, a.date) for a in articles] == [("c.parquet#x", "2031-04-05"), ("c.parquet#5", None),
                                                       ("c.parquet#t", "2030-01-02")]
    assert articles[0].meta["date_source"] == "metadata"
    assert set(skipped) == {f"{corpus}:2", f"{corpus}:3", f"{corpus}:4"}
    assert "null" in skipped[f"{corpus}:2"] and "drop" in skipped[f"{corpus}:2"]
    assert "empty" in skipped[f"{corpus}:3"]
    assert "not UTF-8" in skipped[f"{corpus}:4"]


def test_unusable_parquet_files_are_skipped_with_what_to_do(tmp_path):
    (tmp_path / "fake.parquet").write_text("id,text\n1,hello\n")
    _write_parquet(tmp_path / "notext.parquet", {"id": ["a"], "body": ["Words of an article."]})
    _write_parquet(tmp_path / "numbers.parquet", {"text": [1, 2]})
    articles, skipped = _split(list(iter_articles(sorted(tmp_path.glob("*.parquet")))))
    assert articles == []
    assert "not a readable Parquet file" in skipped[str(tmp_path / "fake.parquet")]
    assert "no 'text' column (columns: id, body)" in skipped[str(tmp_path / "notext.parquet")]
    numbers = tmp_path / "numbers.parquet"
    assert "string column" in skipped[f"{numbers}:1"] and f"{numbers}:2" in skipped


def test_count_articles_counts_rows_of_tables_and_one_per_text_file(tmp_path):
    _seed_table(tmp_path / "a.parquet", extra_rows=3)
    (tmp_path / "b.jsonl").write_text("".join(json.dumps({"text": f"Report {i}."}) + "\n" for i in range(4)) + "\n")
    (tmp_path / "c.txt").write_text("One article.")
    (tmp_path / "broken.parquet").write_text("not parquet")
    files = find_files([tmp_path / "a.parquet", tmp_path / "b.jsonl", tmp_path / "c.txt", tmp_path / "broken.parquet"])
    assert count_articles(files) == (len(SEED_PATHS) + 3) + 4 + 1 + 1


def _lines(nquads: str, name: str) -> list[str]:
    """The N-Quads lines with the article names ``"<name>#<file>"`` turned into the file names alone."""
    return sorted(nquads.replace(f'"{name}#', '"').splitlines())


def test_a_parquet_build_gives_the_same_graph_as_the_text_files_and_the_jsonl_file(seed_build, tmp_path):
    corpus = tmp_path / "corpus.parquet"
    _seed_table(corpus, extra_rows=2)
    report = run_build([corpus], Settings.from_env(out=str(tmp_path / "pq")), use_cache=False)
    assert report.articles == len(SEED_PATHS)
    assert [s["path"] for s in report.skipped] == [f"{corpus}:{len(SEED_PATHS) + i}" for i in (1, 2)]
    from_parquet = (tmp_path / "pq" / "kg.nq").read_text(encoding="utf-8")
    assert _lines(from_parquet, "corpus.parquet") == sorted((seed_build / "kg.nq").read_text().splitlines())

    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text("".join(json.dumps({"id": p.name, "text": p.read_text(encoding="utf-8"), "source": "wire"}) + "\n"
                             for p in SEED_PATHS), encoding="utf-8")
    run_build([jsonl], Settings.from_env(out=str(tmp_path / "jl")), use_cache=False)
    from_jsonl = (tmp_path / "jl" / "kg.nq").read_text(encoding="utf-8")
    assert from_jsonl.replace('"corpus.jsonl#', '"corpus.parquet#') == from_parquet

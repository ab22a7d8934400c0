"""Issue 22: JSON Lines decoded line by line, and folders of mixed .txt, .jsonl and .parquet files."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from kg.cli import main
from kg.ingest.readers import Article, Skipped, find_files, iter_articles


def _line(text: str, **fields) -> bytes:
    return (json.dumps({"text": text, **fields}, ensure_ascii=False) + "\n").encode("utf-8")


def test_a_latin_1_line_is_skipped_and_the_good_lines_kept(tmp_path):
    corpus = tmp_path / "wire" / "feed.jsonl"
    corpus.parent.mkdir()
    latin = '{"text": "Caf\xe9 owners protested in the old town on Monday."}\n'.encode("latin-1")
    corpus.write_bytes(
        b"\xef\xbb\xbf"
        + _line("Crowds gathered in the main square on Friday.", id="a")
        + latin
        + _line("Police in the port said three men were detained.", id="c")
        + _line("Le caf\u00e9 est ferm\u00e9 depuis lundi.", id="d")
    )
    items = list(iter_articles([tmp_path / "wire"]))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.source for a in articles] == ["feed.jsonl#a", "feed.jsonl#c", "feed.jsonl#d"]
    assert articles[2].text == "Le caf\u00e9 est ferm\u00e9 depuis lundi."
    [skipped] = [i for i in items if isinstance(i, Skipped)]
    assert skipped.path == f"{corpus}:2"  # the folder as given, the file and the line
    assert "not UTF-8" in skipped.reason and "b'\\xe9'" in skipped.reason and "re-save" in skipped.reason


def test_a_json_error_is_told_whole(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b'{"text": "a line with a raw\ttab"}\n' + b'{"text": 1,}\n')
    reasons = [i.reason for i in iter_articles([corpus]) if isinstance(i, Skipped)]
    assert reasons[0] == ("not valid JSON (Invalid control character at: column 28); each line must be one JSON object")
    assert "Expecting property name enclosed in double quotes: column 12" in reasons[1]


def _mixed_folder(root):
    (root / "a" / "deep").mkdir(parents=True)
    (root / "one.txt").write_text("Protesters gathered in Lisbon on Monday, police said.")
    (root / "a" / "two.txt").write_text("Farmers blocked a road near Porto on Tuesday.")
    (root / "a" / "metadata.csv").write_text("file,date,title,outlet,url\ntwo.txt,2031-05-02,,Wire,\n")
    (root / "a" / "notes.md").write_text("Not an article.")
    (root / "a" / "deep" / "feed.jsonl").write_bytes(
        _line("Dock workers went on strike in Genoa on Wednesday.", id="j1")
        + _line("The mayor of Bari resigned on Thursday after the vote.", id="j2")
    )
    pq.write_table(
        pa.table(
            {
                "id": ["p1", "p2"],
                "text": [
                    "Students marched through Krakow on Friday.",
                    "Police detained two men in Gdansk on Saturday.",
                ],
            }
        ),
        root / "a" / "deep" / "rows.parquet",
    )


def test_a_folder_yields_txt_jsonl_and_parquet_files_sorted_and_recursively(tmp_path):
    _mixed_folder(tmp_path)
    assert [p.name for p in find_files([tmp_path])] == ["feed.jsonl", "one.txt", "rows.parquet", "two.txt"]
    # a pattern that names the metadata file does not make it an article (what else it names is taken as given)
    assert [p.name for p in find_files([str(tmp_path / "a" / "*")])] == ["notes.md", "two.txt"]
    articles = [i for i in iter_articles([tmp_path]) if isinstance(i, Article)]
    assert sorted(a.source for a in articles) == [
        "feed.jsonl#j1",
        "feed.jsonl#j2",
        "one.txt",
        "rows.parquet#p1",
        "rows.parquet#p2",
        "two.txt",
    ]
    assert next(a for a in articles if a.source == "two.txt").date == "2031-05-02"  # from the metadata file


def test_a_mixed_folder_builds_every_article(tmp_path):
    _mixed_folder(tmp_path / "in")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["articles"] == 6 and report["skipped"] == []

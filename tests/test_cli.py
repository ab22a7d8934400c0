from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main


def test_build_reports_skipped_files_and_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "ok.txt").write_text("Protesters gathered in Lisbon on Monday, police said.")
    (inputs / "broken.txt").write_bytes(b"\xff\xfe bad")
    result = CliRunner().invoke(main, ["build", str(inputs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["articles"] == 1
    assert report["skipped"][0]["path"].endswith("broken.txt")
    assert "UTF-8" in report["skipped"][0]["reason"]


def test_no_usable_input_is_a_message_and_exit_code_2(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no usable article" in result.output
    assert "Traceback" not in result.output


def test_query_prints_rows(seed_build):
    q = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?f WHERE { ?a ng:sourceFile ?f } ORDER BY ?f"
    result = CliRunner().invoke(main, ["query", q, "--store", str(seed_build / "store"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["f"][:3] for r in json.loads(result.output)] == ["000", "001", "002", "003", "004"]


def test_query_on_missing_store_is_exit_code_4(tmp_path):
    result = CliRunner().invoke(main, ["query", "ASK {}", "--store", str(tmp_path / "none")])
    assert result.exit_code == 4 and "kg build" in result.output


def test_the_progress_bar_counts_articles_of_jsonl_and_parquet_files_not_files(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import tqdm

    bars = []

    class RecordingBar:
        """Stands in for tqdm's bar (which is off when stderr is not a terminal) and keeps its total and updates."""

        def __init__(self, total=None, **_):
            self.total, self.done = total, 0
            bars.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

        def update(self, n=1):
            self.done += n

    monkeypatch.setattr(tqdm, "tqdm", RecordingBar)
    texts = [f"Protesters gathered in Lisbon on {day}, police said." for day in ("Monday", "Tuesday", "Friday")]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    pq.write_table(pa.table({"id": ["p", "q"], "text": ["Strikers marched in Porto on Sunday.",
                                                        "Police arrested ten people in Braga on Monday."]}),
                   tmp_path / "b.parquet")
    (tmp_path / "c.txt").write_text("Students protested in Coimbra on Saturday.")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "a.jsonl"), str(tmp_path / "b.parquet"),
                                       str(tmp_path / "c.txt"), "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert [(bar.total, bar.done) for bar in bars] == [(6, 6)]

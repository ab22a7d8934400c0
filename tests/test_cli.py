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

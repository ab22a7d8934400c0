"""The ready-made queries (queries/*.rq) on the graph built from the seeds, and `kg query`.

Each competency question's test asserts the rows its expected answer (the file's ``# answer:``)
needs. A question the extraction cannot answer yet is a strict xfail naming what the graph lacks:
it turns into a failure the day the data appears, so the mark has to be removed then.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.query import QUERIES_DIR, execute, format_result, list_queries, parse_header, query_text

CQ_NUMBERS = [f"cq{n:02d}" for n in range(1, 16)]


@pytest.fixture(scope="module")
def store(seed_build):
    return seed_build / "store"


def rows(store, name: str) -> list[dict[str, str | None]]:
    """The rows of queries/<name>*.rq on the seed build."""
    return execute(store, query_text(name)).rows


def has_row(result: list[dict], **expected: str) -> bool:
    """Whether one row holds every expected text (case-insensitive substring of that column)."""
    return any(all(text.lower() in (row.get(col) or "").lower() for col, text in expected.items())
               for row in result)


# ---- the files ----


def test_every_competency_question_has_one_file_with_a_header():
    files = list_queries()
    for cq in CQ_NUMBERS:
        matches = [f for f in files if f.name.startswith(cq + "-")]
        assert len(matches) == 1, f"{cq}: {[f.name for f in matches]}"
    for f in files:
        assert f.header.get("title") and f.question and f.answer, f.path
        assert f.path.name == f.path.name.lower() and " " not in f.path.name


def test_header_values_may_go_on_over_comment_lines():
    header = parse_header("# title: T\n# needs: a server\n#   with network\n\nPREFIX x: <y:>\n# title: not me\n")
    assert header == {"title": "T", "needs": "a server with network"}


def test_queries_run_on_the_seed_build_and_name_their_columns(store):
    for f in list_queries():
        if "SERVICE" in f.path.read_text(encoding="utf-8"):
            continue
        result = execute(store, f.path.read_text(encoding="utf-8"))
        assert result.columns, f.name
        assert not [c for c in result.columns if c in ("s", "e", "c", "t", "p", "o")], (f.name, result.columns)


def test_federated_example_is_marked_and_refused_by_our_endpoint():
    from rdflib.plugins.sparql import prepareQuery

    from server.guard import Refused, check_query

    path = next(QUERIES_DIR.glob("*federated*.rq"))
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    assert "SERVICE" in header["needs"] and "network" in header["needs"]
    prepareQuery(text)  # parses as SPARQL 1.1
    with pytest.raises(Refused, match="SERVICE"):
        check_query(text, frozenset())


# ---- kg query ----


def test_query_list_shows_names_and_titles():
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for f in list_queries():
        line = next(line for line in result.output.splitlines() if line.startswith(f.name + " "))
        assert line.endswith(f.title)


def test_query_by_name_prints_an_aligned_table(store):
    result = CliRunner().invoke(main, ["query", "x6", "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["label", "kind", "wikidataId", "geonamesId", "sameAs"]
    assert set(lines[1]) == {"-", " "}
    assert lines[-1].endswith("rows)")
    start = lines[0].index("wikidataId")
    assert all(line[start - 2:start] == "  " for line in lines[2:-1])


def test_query_formats_csv_and_json_agree(store):
    q = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> SELECT ?f WHERE { ?a ng:sourceFile ?f } ORDER BY ?f"
    out_csv = CliRunner().invoke(main, ["query", q, "--store", str(store), "--format", "csv"])
    out_json = CliRunner().invoke(main, ["query", q, "--store", str(store), "-f", "json"])
    assert out_csv.exit_code == 0 and out_json.exit_code == 0
    from_csv = list(csv.DictReader(io.StringIO(out_csv.output)))
    assert from_csv == json.loads(out_json.output)
    assert len(from_csv) == 5


def test_query_file_path_and_ask(store, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("# title: any article?\nASK { ?a a <https://w3id.org/newsgraph/ontology#NewsArticle> }\n")
    result = CliRunner().invoke(main, ["query", str(path), "--store", str(store)])
    assert result.exit_code == 0 and result.output.strip() == "yes"
    assert format_result(execute(store, path.read_text()), "json") == "true"


def test_query_errors_are_messages_with_exit_code_5(store):
    bad = CliRunner().invoke(main, ["query", "SELECT WHERE {", "--store", str(store)])
    assert bad.exit_code == 5 and "malformed query" in bad.output and "Traceback" not in bad.output
    missing = CliRunner().invoke(main, ["query", "nothing-here.rq", "--store", str(store)])
    assert missing.exit_code == 5 and "kg query --list" in missing.output
    none = CliRunner().invoke(main, ["query", "--store", str(store)])
    assert none.exit_code == 2 and "--list" in none.output
    with pytest.raises(QueryError, match="several"):
        query_text("cq1")

"""End to end: `kg build` on seeds/ into a temporary folder, `kg serve` on a free port, SPARQL over HTTP."""

from __future__ import annotations

import subprocess

import pytest
import requests

from tests.conftest import KG, SEEDS, start_server, stop_server

TOKAYEV_IN_000 = """
PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?label ?file WHERE {
  ?article a ng:NewsArticle ; ng:sourceFile ?file ; ng:mentions ?person .
  FILTER(STRSTARTS(?file, "000_"))
  ?person a ng:Person ; rdfs:label ?label .
  FILTER(STR(?label) = "Kassym-Jomart Tokayev")
}"""


@pytest.mark.live
def test_build_then_serve_answers_sparql_over_http(tmp_path):
    out = tmp_path / "build"
    done = subprocess.run([*KG, "build", str(SEEDS), "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (out / "kg.nq").stat().st_size > 0
    assert (out / "store").is_dir()
    proc, url = start_server(out / "store")
    try:
        reply = requests.get(url + "/sparql", params={"query": TOKAYEV_IN_000}, timeout=10)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"].startswith("application/sparql-results+json")
        rows = reply.json()["results"]["bindings"]
        assert rows, "Tokayev is not a Person mentioned in article 000"
        assert all(r["file"]["value"].startswith("000_") for r in rows)
        assert {r["label"]["value"] for r in rows} == {"Kassym-Jomart Tokayev"}
        assert len({r["person"]["value"] for r in rows}) == 1
        health = requests.get(url + "/health", timeout=5).json()
        assert health["status"] == "ok" and health["quads"] > 1000
    finally:
        stop_server(proc)

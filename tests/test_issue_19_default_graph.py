"""Issue 19: the default graph is a set (an RDF merge), for every query form and every client.

On the seeds, persons' labels and types are stated by several articles; the union of the article graphs
repeated them. A real `kg serve` over the seed build, asked by SPARQLWrapper, rdflib's SPARQLStore and plain
HTTP, must count each distinct triple once, as COUNT DISTINCT over the named graphs does; so must ``kg query``
and ``kg export``. (The Graph Store protocol's default graph: ``tests/test_push.py``.)
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.cli import main

pytestmark = pytest.mark.live

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
PERSONS = NG + "SELECT ?p ?name WHERE { ?p a ng:Person ; rdfs:label ?name }"


@pytest.fixture(scope="module")
def merge(seed_build) -> set[str]:
    """The distinct triples of the seed build's kg.nq, as N-Triples terms."""
    return {str(ox.Triple(q.subject, q.predicate, q.object))
            for q in ox.parse(path=str(seed_build / "kg.nq"), format=ox.RdfFormat.N_QUADS)}


def _wrapper(url: str, query: str) -> dict:
    client = SPARQLWrapper(url + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery(query)
    return client.query().convert()


def _number(answer: dict) -> int:
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_sparqlwrapper_counts_each_triple_once(live_server, merge):
    assert _number(_wrapper(live_server, COUNT)) == _number(_wrapper(live_server, DISTINCT)) == len(merge)


def test_rdflib_sparqlstore_counts_each_triple_once(live_server, merge):
    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    assert len(graph) == len(merge)
    persons = [(str(row.p), str(row.name)) for row in graph.query(PERSONS)]
    assert persons and len(persons) == len(set(persons))


def test_select_rows_are_not_repeated(live_server):
    rows = _wrapper(live_server, PERSONS)["results"]["bindings"]
    pairs = [(row["p"]["value"], row["name"]["value"]) for row in rows]
    assert len(pairs) == len(set(pairs)) > 0
    labels = NG + "SELECT (COUNT(*) AS ?n) WHERE { ?p a ng:Person ; rdfs:label ?name }"
    assert _number(_wrapper(live_server, labels)) == len(pairs)


def test_describe_and_construct_give_each_triple_once(live_server):
    person = _wrapper(live_server, NG + "SELECT ?p WHERE { ?a ng:mentions ?p . ?p a ng:Person } GROUP BY ?p "
                                        "ORDER BY DESC(COUNT(?a)) LIMIT 1")["results"]["bindings"][0]["p"]["value"]
    for query in (f"DESCRIBE <{person}>", f"CONSTRUCT {{ <{person}> ?p ?o }} WHERE {{ <{person}> ?p ?o }}"):
        reply = requests.get(live_server + "/sparql", params={"query": query},
                             headers={"Accept": "application/n-triples"}, timeout=60)
        lines = [line for line in reply.text.splitlines() if line.strip()]
        assert len(lines) == len(set(lines)) > 3, query
    ask = NG + f"ASK {{ <{person}> a ng:Person }}"
    assert requests.get(live_server + "/sparql", params={"query": ask}, timeout=60).json()["boolean"] is True


def test_kg_query_and_kg_export_see_the_same_set(seed_build, merge):
    store = str(seed_build / "store")
    counted = CliRunner().invoke(main, ["query", COUNT, "--store", store, "--format", "csv"])
    assert counted.exit_code == 0, counted.output
    assert counted.output.splitlines()[1] == str(len(merge))
    exported = CliRunner().invoke(main, ["export", "--format", "nt", "--store", store])
    assert exported.exit_code == 0
    lines = exported.stdout_bytes.decode("utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(merge)
    quads = CliRunner().invoke(main, ["export", "--format", "nq", "--store", store])
    written = (seed_build / "kg.nq").read_text(encoding="utf-8").splitlines()
    exported = ox.parse(quads.stdout_bytes, format=ox.RdfFormat.N_QUADS)
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in exported)  # the named graphs only
    assert len(quads.stdout_bytes.decode("utf-8").splitlines()) == len(written)

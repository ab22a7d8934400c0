"""kg stats: counts per class, property and graph, and the same as VoID."""

from __future__ import annotations

import json

import pyoxigraph as ox
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef

from kg.cli import main
from kg.config import Settings
from kg.rdf.iri import INFERRED_GRAPH
from kg.store.stats import compute_stats, void_turtle
from kg.store.stores import EmbeddedStore, write_store

VOID = Namespace("http://rdfs.org/ns/void#")
NQ = """<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Person> <http://e/g1> .
<http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Person> <http://e/g1> .
<http://e/a> <http://e/knows> <http://e/b> <http://e/g1> .
<http://e/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Person> <http://e/g2> .
<http://e/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Place> <http://e/g2> .
"""


def small_store(tmp_path) -> EmbeddedStore:
    (tmp_path / "in.nq").write_text(NQ)
    write_store(tmp_path / "store", tmp_path / "in.nq")
    return EmbeddedStore(tmp_path / "store")


def test_counts_per_class_property_and_graph(tmp_path):
    stats = compute_stats(small_store(tmp_path))
    assert stats.quads == 5 and stats.triples == 4 and stats.subjects == 3  # b's type is in two graphs
    assert stats.classes == {"http://e/Person": 2, "http://e/Place": 1}
    assert stats.properties == {"http://e/knows": 1, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": 3}
    assert stats.graphs == {"http://e/g1": 3, "http://e/g2": 2}


def test_void_description(tmp_path):
    stats = compute_stats(small_store(tmp_path))
    void = Graph().parse(data=void_turtle(stats, "https://example.org/kg/").decode(), format="turtle")
    dataset = URIRef("https://example.org/kg/void")
    assert void.value(dataset, VOID.triples) == Literal(4)  # distinct triples, not the 5 quads
    assert void.value(dataset, VOID.classes) == Literal(2)
    partitions = {void.value(p, VOID["class"]): void.value(p, VOID.entities)
                  for p in void.objects(dataset, VOID.classPartition)}
    assert partitions == {URIRef("http://e/Person"): Literal(2), URIRef("http://e/Place"): Literal(1)}
    assert void.value(URIRef("http://e/g2"), VOID.triples) == Literal(2)


def test_build_writes_void_matching_the_store(seed_build):
    void = Graph().parse(seed_build / "void.ttl", format="turtle")
    triples = void.value(URIRef("https://w3id.org/newsgraph/void"), VOID.triples)
    store = ox.Store.read_only(str(seed_build / "store"))
    query = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    distinct = int(next(iter(store.query(query)))["n"].value)
    del store
    assert int(triples) == distinct < len(EmbeddedStore(seed_build / "store"))


def test_stats_cli_table_json_and_void(seed_build):
    runner = CliRunner()
    store = str(seed_build / "store")
    table = runner.invoke(main, ["stats", "--store", store])
    assert table.exit_code == 0 and "ng:Person" in table.output and "quads:" in table.output
    data = json.loads(runner.invoke(main, ["stats", "--store", store, "--json"]).output)
    assert data["classes"]["https://w3id.org/newsgraph/ontology#Person"] > 0
    assert Settings().base_iri + INFERRED_GRAPH in data["graphs"]
    void = runner.invoke(main, ["stats", "--store", store, "--void"])
    assert "void:Dataset" in void.output


def test_a_remote_sparql_store_stands_in_for_the_embedded_one(seed_build, live_server):
    from kg.store.export import serialize
    from kg.store.stores import SparqlStore

    remote = SparqlStore(live_server + "/sparql", page=3000)
    local = EmbeddedStore(seed_build / "store")
    assert compute_stats(remote).as_dict() == compute_stats(local).as_dict()
    def named(quads):  # blank node labels are local to one result set
        return serialize([q for q in quads if not isinstance(q.subject, ox.BlankNode)
                          and not isinstance(q.object, ox.BlankNode)], "nq")

    assert len(remote) == len(local)
    assert named(remote.quads()) == named(local.quads())

"""Exports: every RDF format round-trips, and the events table has ACLED's columns."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import XSD, BNode, Dataset, Graph, Literal

from kg.cli import main
from kg.store.export import ACLED_COLUMNS, acled_rows, export
from kg.store.stores import EmbeddedStore, write_store

GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
                 "jsonld": ox.RdfFormat.JSON_LD}

EVENTS = """
@prefix ng: <https://w3id.org/newsgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/newsgraph/id/> .

ng:Riot rdfs:subClassOf ng:Event ; rdfs:label "riot"@en .
ng:Arrest rdfs:subClassOf ng:Event ; rdfs:label "arrest"@en .
ng:Demonstration rdfs:subClassOf ng:Event ; rdfs:label "demonstration"@en .

<concept/riots> a ng:ActivityType ; skos:prefLabel "Riots" .
<concept/violent-demonstration> a ng:ActivityType ; skos:prefLabel "Violent demonstration" ;
    skos:broader <concept/riots> .

<event/e1> a ng:Riot , ng:Event ; ng:hasEventType <concept/violent-demonstration> ; ng:cameoCode "145" ;
    ng:startDate "2030-03-02T00:00:00"^^xsd:dateTime ;
    ng:hasAgent <group/students> , <group/farmers> ; ng:hasTarget <group/police> ;
    ng:hasPlace <place/oldtown> ; ng:reportedIn <article/a1> ;
    ng:evidence <span/a1-0-40> ;
    ng:hasCount <count/k1> , <count/k2> , <count/i1> .
<count/k1> a ng:Count ; ng:countCategory ng:killed ; ng:value 3 .
<count/k2> a ng:Count ; ng:countCategory ng:killed ; ng:minValue 5 .
<count/i1> a ng:Count ; ng:countCategory ng:injured ; ng:value 40 .
<span/a1-0-40> ng:anchorOf "Students and farmers fought police in Oldtown" .
<group/students> rdfs:label "students"@en .
<group/farmers> rdfs:label "farmers"@en .
<group/police> rdfs:label "police"@en .
<place/oldtown> a ng:Settlement ; rdfs:label "Oldtown"@en ; ng:locatedIn <place/north> .
<place/north> a ng:AdministrativeRegion ; rdfs:label "North Province"@en ; ng:locatedIn <place/ruritania> .
<place/ruritania> a ng:Country ; rdfs:label "Ruritania"@en .
<article/a1> ng:publishedBy <organization/daily> ; ng:title "Clashes in Oldtown" .
<organization/daily> rdfs:label "The Daily"@en .

<event/e2> a ng:Demonstration , ng:Event ; ng:startDate "2030-03-01"^^xsd:date ;
    ng:hasPlace <place/ruritania> ; ng:reportedIn <article/a2> .
<article/a2> ng:sourceFile "a2.txt" ; ng:datePublished "2030-03-04"^^xsd:date .

<event/e3> a ng:Arrest , ng:Event ; ng:reportedIn <article/a2> .
<event/s1> a ng:SpeechAct , ng:Event ; ng:startDate "2030-03-02"^^xsd:date ; ng:reportedIn <article/a2> .
"""


@pytest.fixture
def events_store(tmp_path) -> EmbeddedStore:
    graph = ox.parse(EVENTS.encode(), format=ox.RdfFormat.TURTLE)
    name = ox.NamedNode("https://w3id.org/newsgraph/graph/article/a1")
    quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in graph]
    (tmp_path / "events.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    write_store(tmp_path / "store", tmp_path / "events.nq")
    return EmbeddedStore(tmp_path / "store")


def test_acled_rows_from_a_hand_made_graph(events_store):
    rows = acled_rows(events_store)
    assert [r["event_date"] for r in rows] == ["2030-03-01", "2030-03-02", "2030-03-04"]
    demo, riot, arrest = rows
    assert riot == {
        "event_date": "2030-03-02", "event_type": "Riots", "sub_event_type": "Violent demonstration",
        "actor1": "farmers", "assoc_actor_1": "students", "actor2": "police", "country": "Ruritania",
        "admin1": "North Province", "location": "Oldtown", "source": "The Daily",
        "notes": "Students and farmers fought police in Oldtown", "fatalities": "5",
    }
    assert demo["event_type"] == "demonstration" and demo["country"] == "Ruritania"
    assert demo["source"] == "a2.txt" and demo["fatalities"] == "0" and demo["actor1"] == ""
    assert arrest["event_type"] == "arrest" and arrest["event_date"] == "2030-03-04"  # dated by its article


def test_acled_csv_has_the_acled_header(events_store):
    buffer = io.BytesIO()
    export(events_store, "acled-csv", buffer)
    table = list(csv.DictReader(io.StringIO(buffer.getvalue().decode())))
    assert tuple(table[0]) == ACLED_COLUMNS == ("event_date", "event_type", "sub_event_type", "actor1",
                                                "assoc_actor_1", "actor2", "country", "admin1", "location",
                                                "source", "notes", "fatalities")
    assert len(table) == 3


def to_rdflib(term):
    from oxrdflib._converter import from_ox

    converted = from_ox(term)
    return Literal(str(converted)) if isinstance(converted, Literal) and converted.datatype == XSD.string \
        else converted


def _without_bnodes(graph: Graph) -> set:
    return {t for t in graph if not any(isinstance(x, BNode) for x in t)}


def _merged(seed_build) -> Graph:
    """The store's triples, each once (Oxigraph stores xsd:nonNegativeInteger values as xsd:integer)."""
    merged = Graph()
    for q in EmbeddedStore(seed_build / "store").quads():
        merged.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return merged


@pytest.mark.parametrize("fmt", sorted(GRAPH_FORMATS))
def test_graph_formats_give_the_merged_graph(seed_build, fmt):
    buffer = io.BytesIO()
    export(EmbeddedStore(seed_build / "store"), fmt, buffer)
    parsed = Graph()
    for t in ox.parse(buffer.getvalue(), format=GRAPH_FORMATS[fmt]):
        parsed.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    merged = _merged(seed_build)
    assert len(parsed) == len(merged)
    assert _without_bnodes(parsed) == _without_bnodes(merged)


def test_jsonld_has_a_context_with_our_prefixes(seed_build):
    buffer = io.BytesIO()
    export(EmbeddedStore(seed_build / "store"), "jsonld", buffer)
    doc = json.loads(buffer.getvalue())
    assert doc["@context"]["ng"] == "https://w3id.org/newsgraph/ontology#"
    assert "ng:Person" in buffer.getvalue().decode()


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dataset_formats_keep_the_named_graphs(seed_build, fmt):
    buffer = io.BytesIO()
    export(EmbeddedStore(seed_build / "store"), fmt, buffer)
    quads = list(ox.parse(buffer.getvalue(), format=ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TRIG))
    expected = list(ox.parse(path=str(seed_build / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(expected)
    assert {q.graph_name for q in quads} == {q.graph_name for q in expected}


def test_kg_ttl_is_the_merged_default_graph(seed_build):
    parsed = Graph()
    parsed.parse(seed_build / "kg.ttl", format="turtle")
    ds = Dataset()
    ds.parse(seed_build / "kg.nq", format="nquads")
    assert len(parsed) == len({(s, p, o) for s, p, o, _ in ds.quads()})


def test_export_cli_to_a_file_and_to_stdout(seed_build, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--store", str(seed_build / "store"), "-f", "nt",
                                  "-o", str(tmp_path / "kg.nt")])
    assert result.exit_code == 0, result.output
    assert len(Graph().parse(tmp_path / "kg.nt", format="nt")) == len(_merged(seed_build))
    result = runner.invoke(main, ["export", "--store", str(seed_build / "store"), "-f", "acled-csv"])
    assert result.exit_code == 0 and result.output.startswith(",".join(ACLED_COLUMNS))


def test_export_without_a_store_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["export", "--store", str(tmp_path / "none")])
    assert result.exit_code == 4 and "kg build" in result.output

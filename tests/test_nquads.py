"""kg.rdf.nquads: the build's own N-Quads writer gives the same lines as pyoxigraph's serializer (kg.store)."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef

from kg.rdf.iri import Minter
from kg.rdf.nquads import Triples, nquad_lines, stable_blank_nodes
from kg.rdf.triples import article_graph, article_triples
from kg.store import stores as store

EX = "https://example.org/"
NAME = URIRef(EX + "graph/a")


def tricky_triples():
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    objects = [
        Literal("plain"), Literal('quote " and back\\slash'), Literal("line\nbreak\r\ttab"),
        Literal("bell \x07 and nul-ish \x1f and del \x7f"), Literal("Ünïcödé ✓ 𝔘 — «»"),
        Literal("label", lang="en"), Literal("label", lang="en-GB"), Literal("0.50", datatype=XSD.decimal),
        Literal(7, datatype=XSD.nonNegativeInteger), Literal(True), Literal("2022-01-05", datatype=XSD.date),
        Literal("2022-01-05T00:00:00", datatype=XSD.dateTime), Literal("x", datatype=XSD.string),
        Literal("", lang="en"), URIRef(EX + "o?q=1&r=%20#frag"), URIRef("urn:x-local:ä"),
    ]
    return [(s, p, o) for o in objects] + [(URIRef(EX + "long"), p, Literal("word " * 200))]


def as_graph(triples, identifier=None) -> Graph:
    graph = Graph(identifier=identifier)
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("identifier", [NAME, None])
def test_lines_match_pyoxigraphs_serializer(identifier):
    triples = Triples(identifier)
    for triple in tricky_triples():
        triples.add(triple)
    ours = nquad_lines(triples)
    assert sorted(ours) == sorted(store.nquad_lines(as_graph(tricky_triples(), identifier)))
    assert sorted(nquad_lines(triples)) == sorted(ours)  # again, from the term cache
    assert all(line.endswith(" .\n") and line.count("\n") == 1 for line in ours)
    assert (f" <{NAME}> .\n" in ours[0]) == (identifier is not None)


def test_a_triple_is_kept_once_and_must_be_rdf():
    triples = Triples(NAME)
    triple = (URIRef(EX + "s"), RDF.type, URIRef(EX + "C"))
    triples.add(triple)
    triples.add((URIRef(EX + "s"), RDF.type, URIRef(EX + "C")))
    assert len(triples) == 1 and triple in triples and list(triples) == [triple]
    with pytest.raises(TypeError):
        triples.add((URIRef(EX + "s"), RDF.type, None))
    graph = triples.graph()
    assert graph.identifier == NAME and set(graph) == {triple}


def test_blank_nodes_are_relabelled_only_when_there_are_some():
    plain = Triples(NAME)
    plain.add((URIRef(EX + "s"), RDF.type, URIRef(EX + "C")))
    assert stable_blank_nodes(plain) is plain
    first, second = Triples(NAME), Triples(NAME)
    for triples, label in ((first, "b1"), (second, "zz9")):
        node = BNode(label)
        triples.add((URIRef(EX + "s"), URIRef(EX + "p"), node))
        triples.add((node, RDF.type, URIRef(EX + "C")))
    stable = stable_blank_nodes(first)
    assert isinstance(stable, Graph) and stable.identifier == NAME
    # same labels whatever the input's; a Graph's iteration order follows string hashing, so compare as sets
    assert sorted(nquad_lines(stable)) == sorted(nquad_lines(stable_blank_nodes(second)))


@pytest.fixture(scope="module")
def seed_articles():
    """Every seed article through the real model, extraction and resolution."""
    from kg.resolve.articles import resolve_article
    from kg.resolve.dates import resolve_dates
    from tests.conftest import SEEDS
    from tests.entity_quality import run

    _, resolution, records = run(SEEDS, with_records=True)
    dates = resolve_dates(records)
    return [resolve_article(record, resolution, dates) for record in records]


def test_seed_article_graphs_serialize_as_pyoxigraph_does(seed_articles):
    """Every seed article: the build's lines equal pyoxigraph's."""
    minter = Minter("https://w3id.org/newsgraph/")
    for article in seed_articles:
        triples = article_triples(article, minter)
        graph = article_graph(article, minter)
        assert set(triples) == set(graph) and len(triples) > 50
        assert sorted(nquad_lines(triples)) == sorted(store.nquad_lines(graph))


def test_a_spilled_graph_is_handed_on_in_parts_that_make_the_whole():
    """With a spill, no more than ``limit`` triples are held; the parts and the rest are the whole graph."""
    parts: list[list] = []
    spilled = Triples(NAME, lambda part: parts.append(list(part)), limit=3)
    whole = Triples(NAME)
    for i in range(10):
        for graph in (spilled, whole):
            graph.add((URIRef(EX + f"s{i}"), RDF.type, URIRef(EX + "C")))
            graph.add((URIRef(EX + "s0"), RDF.type, URIRef(EX + "C")))  # repeats: may come again in a later part
    assert all(len(part) == 3 for part in parts) and len(spilled) < 3
    assert {t for part in parts for t in part} | set(spilled) == set(whole)
    # a blank node stops the spilling: its triples must be relabelled together
    blank = Triples(NAME, lambda part: parts.append(list(part)), limit=2)
    node = BNode()
    held = [(node, RDF.type, URIRef(EX + "C")), (URIRef(EX + "s"), URIRef(EX + "p"), node),
            (URIRef(EX + "t"), URIRef(EX + "p"), node)]
    for triple in held:
        blank.add(triple)
    assert set(blank) == set(held)


def test_seed_article_graphs_spilled_in_parts_are_the_same_triples(seed_articles):
    """The seed articles: article_triples handing on every 100 triples loses none."""
    minter = Minter("https://w3id.org/newsgraph/")
    for article in seed_articles:
        parts: list[set] = []
        rest = article_triples(article, minter, lambda part, parts=parts: parts.append(set(part)), 100)
        assert len(parts) > 5 and all(len(part) == 100 for part in parts) and len(rest) < 100
        assert set().union(*parts, rest) == set(article_triples(article, minter))

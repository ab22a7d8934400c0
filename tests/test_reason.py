"""Scoped OWL RL reasoning, checked against owlrl's full closure as the oracle."""

from __future__ import annotations

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef

from kg.rdf.iri import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.rdf.namespaces import NG
from kg.reason.rules import TBox, infer, is_trivial

EX = Namespace("http://example.org/id/")


def oracle(ontology: Graph, abox: Graph) -> set:
    """owlrl's full OWL 2 RL closure, filtered to the non-trivial new triples, as kg.reason filters them."""
    full = Graph()
    for triple in ontology:
        full.add(triple)
    for triple in abox:
        full.add(triple)
    before = set(full)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(full)
    tbox = TBox(ontology)
    return {t for t in set(full) - before if not is_trivial(t, tbox)}


def split(nq_path) -> tuple[Graph, Graph, Graph]:
    """(ontology, asserted ABox, inferred) graphs of a build's kg.nq."""
    ds = Dataset()
    ds.parse(nq_path, format="nquads")
    ontology, abox, inferred = Graph(), Graph(), Graph()
    for s, p, o, g in ds.quads():
        name = str(g)
        if name.endswith("/" + ONTOLOGY_GRAPH):
            ontology.add((s, p, o))
        elif name.endswith("/" + INFERRED_GRAPH):
            inferred.add((s, p, o))
        else:
            abox.add((s, p, o))
    return ontology, abox, inferred


def test_same_non_trivial_entailments_as_owlrl_on_the_seed_graph(seed_build):
    """owlrl also copies every fact across owl:sameAs (eq-rep-*), which kg.reason leaves out on purpose,
    so the two are compared on the graph without its sameAs links; the links are checked after."""
    ontology, abox, inferred = split(seed_build / "kg.nq")
    links = set(abox.triples((None, OWL.sameAs, None)))
    unlinked = Graph()
    for triple in abox:
        if triple not in links:
            unlinked.add(triple)
    expected = oracle(ontology, unlinked)
    ours = set(infer(ontology, [unlinked]))
    assert expected, "the oracle found nothing to infer: the test would prove nothing"
    assert ours == expected, (sorted(expected - ours)[:10], sorted(ours - expected)[:10])

    with_links = set(infer(ontology, [abox]))
    assert set(inferred) == with_links
    assert {p for _, p, _ in with_links - ours} <= {OWL.sameAs}
    assert {(o, OWL.sameAs, s) for s, _, o in links if (o, OWL.sameAs, s) not in links} <= with_links


def tiny_ontology() -> Graph:
    g = Graph()
    for cls in (NG.Place, NG.Country, NG.Event, NG.Riot, NG.Agent, NG.Person):
        g.add((cls, RDF.type, OWL.Class))
    g.add((NG.Country, RDFS.subClassOf, NG.Place))
    g.add((NG.Riot, RDFS.subClassOf, NG.Event))
    g.add((NG.Person, RDFS.subClassOf, NG.Agent))
    g.add((NG.locatedIn, RDF.type, OWL.ObjectProperty))
    g.add((NG.locatedIn, RDF.type, OWL.TransitiveProperty))
    g.add((NG.locatedIn, RDFS.domain, NG.Place))
    g.add((NG.locatedIn, RDFS.range, NG.Place))
    g.add((NG.subEventOf, RDF.type, OWL.TransitiveProperty))
    g.add((NG.subEventOf, OWL.inverseOf, NG.hasSubEvent))
    g.add((NG.hasParticipant, RDFS.range, NG.Agent))
    g.add((NG.hasAgent, RDFS.subPropertyOf, NG.hasParticipant))
    g.add((NG.inArticle, RDF.type, OWL.FunctionalProperty))
    return g


def tiny_abox() -> Graph:
    g = Graph()
    g.add((EX.square, NG.locatedIn, EX.city))
    g.add((EX.city, NG.locatedIn, EX.region))
    g.add((EX.region, NG.locatedIn, EX.country))
    g.add((EX.country, RDF.type, NG.Country))
    g.add((EX.riot1, RDF.type, NG.Riot))
    g.add((EX.riot1, NG.subEventOf, EX.unrest))
    g.add((EX.unrest, NG.subEventOf, EX.crisis))
    g.add((EX.riot1, NG.hasAgent, EX.someone))
    g.add((EX.someone, RDFS.label, Literal("someone")))
    return g


def test_same_entailments_as_owlrl_on_a_hand_made_graph():
    ontology, abox = tiny_ontology(), tiny_abox()
    ours = set(infer(ontology, [abox]))
    assert ours == oracle(ontology, abox)
    assert (EX.square, NG.locatedIn, EX.country) in ours
    assert (EX.crisis, NG.hasSubEvent, EX.riot1) in ours
    assert (EX.riot1, NG.hasParticipant, EX.someone) in ours
    assert (EX.someone, RDF.type, NG.Agent) in ours
    assert (EX.country, RDF.type, NG.Place) in ours


def test_functional_property_gives_symmetric_same_as_but_no_reflexive_noise():
    ontology = tiny_ontology()
    abox = Graph()
    abox.add((EX.span, NG.inArticle, EX.a1))
    abox.add((EX.span, NG.inArticle, EX.a2))
    ours = set(infer(ontology, [abox]))
    assert {(EX.a1, OWL.sameAs, EX.a2), (EX.a2, OWL.sameAs, EX.a1)} <= ours
    assert not any(p == OWL.sameAs and s == o for s, p, o in ours)


@pytest.mark.parametrize("triple", [
    (EX.x, OWL.sameAs, EX.x),
    (EX.x, RDF.type, OWL.Thing),
    (EX.x, RDF.type, RDFS.Resource),
    (Literal("1"), RDF.type, URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    (NG.Riot, RDFS.subClassOf, NG.Event),
    (OWL.sameAs, RDF.type, OWL.SymmetricProperty),
])
def test_trivial_entailments_are_dropped(triple):
    assert is_trivial(triple, TBox(tiny_ontology()))


def test_inferred_graph_holds_no_trivial_noise_and_nothing_asserted(seed_build):
    quads = list(ox.parse(path=str(seed_build / "kg.nq"), format=ox.RdfFormat.N_QUADS))
    inferred = [q for q in quads if q.graph_name.value.endswith("/" + INFERRED_GRAPH)]
    asserted = {(q.subject, q.predicate, q.object) for q in quads if q not in inferred}
    assert inferred
    assert not any((q.subject, q.predicate, q.object) in asserted for q in inferred)
    assert not any(q.object.value in (str(OWL.Thing), str(RDFS.Resource)) for q in inferred)
    assert not any(q.predicate.value == str(OWL.sameAs) and q.subject == q.object for q in inferred)


def test_graph_by_graph_gives_what_the_union_gives(seed_build):
    """The build feeds the reasoner one article graph at a time and keeps only the joined properties' triples
    between graphs; the entailments are those of all graphs at once, also when the graphs are cut finer (here
    every subject in a graph of its own, so that every join crosses graphs)."""
    ontology, abox, _ = split(seed_build / "kg.nq")
    whole = infer(ontology, [abox])
    by_subject: dict = {}
    for triple in abox:
        by_subject.setdefault(triple[0], []).append(triple)
    pieces = [by_subject[s] for s in sorted(by_subject)]
    assert whole and infer(ontology, pieces) == whole
    assert infer(ontology, reversed(pieces)) == whole

from __future__ import annotations

from rdflib import RDF, RDFS, Literal

from kg.rdf.iri import Minter
from kg.rdf.namespaces import NG
from kg.rdf.triples import article_graph, ontology_graph
from kg.records import Article, ArticleRecord, Mention, Span
from kg.resolve.articles import resolve_corpus

M = Minter("https://example.org/")


def record():
    text = "Ana Costa spoke in Lisbon. Costa left Lisbon."
    art = Article(id="abc", source="x.txt", text=text, title="t", date="2024-03-01")
    mentions = [
        Mention(Span("abc", 0, 9, "Ana Costa", 0), "person", "Ana Costa", "PERSON"),
        Mention(Span("abc", 19, 25, "Lisbon", 0), "place", "Lisbon", "GPE"),
        Mention(Span("abc", 38, 44, "Lisbon", 1), "place", "Lisbon", "GPE"),
    ]
    return ArticleRecord(art, mentions)


def test_article_graph_holds_article_entities_and_spans():
    rec = record()
    g = article_graph(resolve_corpus([rec]).articles[0], M)
    art = M.article("abc")
    assert g.identifier == M.article_graph("abc")
    assert (art, RDF.type, NG.NewsArticle) in g
    lisbon = M.entity("place", "Lisbon")
    assert (art, NG.mentions, lisbon) in g
    assert (lisbon, RDF.type, NG.Place) in g
    assert (lisbon, RDFS.label, Literal("Lisbon", lang="en")) in g
    spans = set(g.objects(lisbon, NG.evidence))
    assert spans == {M.span("abc", 19, 25), M.span("abc", 38, 44)}
    for span in spans:
        assert (span, NG.inArticle, art) in g
        begin, end = g.value(span, NG.beginIndex).toPython(), g.value(span, NG.endIndex).toPython()
        assert rec.article.text[begin:end] == str(g.value(span, NG.anchorOf))


def test_every_term_the_build_uses_is_declared_in_the_ontology():
    rec = record()
    g = article_graph(resolve_corpus([rec]).articles[0], M)
    onto = ontology_graph()
    declared = set(onto.subjects(RDF.type, None))
    used = {p for p in g.predicates() if str(p).startswith(str(NG))}
    used |= {o for o in g.objects(None, RDF.type)}
    assert used - declared == set()

"""SHACL validation: the seed build conforms, broken nodes are reported, and the build and `kg validate` stop on
violations with exit code 3."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kg.build import pipeline
from kg.cli import main
from kg.config import Settings
from kg.errors import ValidationError
from kg.rdf.iri import INFERRED_GRAPH
from kg.rdf.namespaces import NG
from kg.store.owl import ontology_graph, write_owl
from kg.validate.built_graph import asserted_graph_from_nquads
from kg.validate.engines import check, validate
from tests.conftest import SEEDS

EX = "https://w3id.org/newsgraph/id/"


def iri(local: str) -> URIRef:
    return URIRef(EX + local)


def span(graph: Graph, name: str, begin: int, end: int, anchor: str, article: URIRef) -> URIRef:
    node = iri(f"span/{name}")
    graph.add((node, RDF.type, NG.TextSpan))
    graph.add((node, NG.inArticle, article))
    graph.add((node, NG.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
    graph.add((node, NG.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
    graph.add((node, NG.anchorOf, Literal(anchor)))
    return node


@pytest.fixture(scope="module")
def good() -> Graph:
    """A small, valid graph: ontology + an article, a span, a person, a riot, a count, a tenure."""
    graph = ontology_graph()
    art = iri("article/a1")
    graph.add((art, RDF.type, NG.NewsArticle))
    graph.add((art, NG.sourceFile, Literal("a1.txt")))
    graph.add((art, NG.contentHash, Literal("a1")))
    graph.add((art, NG.text, Literal("The mayor resigned after riots; 8 were killed.")))
    s1 = span(graph, "s1", 4, 9, "mayor", art)
    s2 = span(graph, "s2", 25, 30, "riots", art)
    s3 = span(graph, "s3", 32, 45, "8 were killed", art)
    person = iri("person/p")
    graph.add((person, RDF.type, NG.Person))
    graph.add((person, RDFS.label, Literal("P", lang="en")))
    graph.add((person, NG.evidence, s1))
    graph.add((person, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q42")))
    riot = iri("event/riot")
    graph.add((riot, RDF.type, NG.Riot))
    graph.add((riot, NG.evidence, s2))
    graph.add((riot, NG.startDate, Literal("2022-01-05T00:00:00", datatype=XSD.dateTime)))
    graph.add((riot, NG.datePrecision, Literal("day")))
    graph.add((riot, NG.hasCount, iri("count/c")))
    count = iri("count/c")
    graph.add((count, RDF.type, NG.Count))
    graph.add((count, NG.countCategory, NG.killed))
    graph.add((count, NG.value, Literal(8, datatype=XSD.nonNegativeInteger)))
    graph.add((count, NG.evidence, s3))
    post = iri("post/mayor")
    graph.add((post, RDF.type, NG.Post))
    graph.add((post, RDFS.label, Literal("mayor", lang="en")))
    graph.add((post, NG.evidence, s1))
    tenure = iri("tenure/t")
    graph.add((tenure, RDF.type, NG.Tenure))
    graph.add((tenure, NG.holder, person))
    graph.add((tenure, NG.post, post))
    graph.add((tenure, NG.evidence, s1))
    return graph


def copy(graph: Graph) -> Graph:
    out = Graph()
    out += graph
    return out


def test_small_valid_graph_conforms(good):
    result = validate(good)
    assert result.conforms, result.text()
    assert not result.problems, result.text()


@pytest.mark.parametrize(("change", "expected"), [
    (lambda g: g.set((iri("span/s1"), NG.endIndex, Literal(2, datatype=XSD.nonNegativeInteger))),
     "smaller than its ng:endIndex"),
    (lambda g: g.remove((iri("span/s1"), NG.inArticle, None)), "exactly one ng:inArticle"),
    (lambda g: g.remove((iri("event/riot"), NG.evidence, None)), "an event needs at least one ng:evidence"),
    (lambda g: g.add((iri("event/e2"), RDF.type, NG.Event)) and g.add((iri("event/e2"), NG.evidence, iri("span/s2"))),
     "an event needs a type"),
    (lambda g: g.set((iri("event/riot"), NG.startDate, Literal("2022-01-05", datatype=XSD.date))),
     "ng:startDate is an xsd:dateTime"),
    (lambda g: g.set((iri("event/riot"), NG.datePrecision, Literal("week"))), "ng:datePrecision is one of"),
    (lambda g: g.remove((iri("count/c"), NG.value, None)), "a count needs a ng:value or a bound"),
    (lambda g: g.remove((iri("count/c"), NG.countCategory, None)), "exactly one ng:countCategory"),
    (lambda g: g.remove((iri("tenure/t"), NG.holder, None)), "exactly one ng:holder"),
    (lambda g: g.remove((iri("tenure/t"), NG.post, None)), "exactly one ng:post"),
    (lambda g: g.add((iri("person/p"), OWL.sameAs, URIRef("https://www.wikidata.org/wiki/Q42"))),
     "owl:sameAs links an entity to a Wikidata entity"),
    (lambda g: g.set((iri("span/s1"), NG.confidence, Literal("1.5", datatype=XSD.decimal))),
     "ng:confidence is an xsd:decimal from 0 to 1"),
])
def test_violations_are_found_and_named(good, change, expected):
    graph = copy(good)
    change(graph)
    result = validate(graph)
    assert not result.conforms
    assert any(expected in p.message for p in result.violations), result.text()
    with pytest.raises(ValidationError, match="violates the SHACL shapes") as info:
        check(graph)
    assert expected in str(info.value)


def test_anchor_that_does_not_match_the_text_is_a_warning(good):
    graph = copy(good)
    graph.set((iri("span/s2"), NG.anchorOf, Literal("riot")))
    result = validate(graph)
    assert result.conforms
    assert [p.focus for p in result.warnings] == [str(iri("span/s2"))]
    assert "'riot' but the text there is 'riots'" in result.text()


def test_seed_build_conforms_and_writes_kg_owl(seed_build):
    result = validate(asserted_graph_from_nquads(seed_build / "kg.nq"))
    assert result.conforms, result.text()
    assert result.nodes > 100
    owl = Graph().parse(seed_build / "kg.owl", format="xml")
    assert (URIRef("https://w3id.org/newsgraph/ontology"), RDF.type, OWL.Ontology) in owl
    assert set(owl.subjects(RDF.type, NG.TextSpan)), "kg.owl holds the ABox"
    assert set(owl.subjects(NG.beginIndex, None)) == set(owl.subjects(RDF.type, NG.TextSpan))
    inferred = URIRef(Settings().base_iri + INFERRED_GRAPH)
    assert str(inferred) not in (seed_build / "kg.owl").read_text(encoding="utf-8")


def test_kg_validate_command(seed_build):
    result = CliRunner().invoke(main, ["validate", "--out", str(seed_build)])
    assert result.exit_code == 0, result.output
    assert "0 violation(s)" in result.output


def test_kg_validate_exits_3_on_violations(tmp_path, seed_build):
    lines = (seed_build / "kg.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    graph = "<https://w3id.org/newsgraph/graph/article/broken>"
    bad = f"<{EX}event/x> <{RDF.type}> <{NG.Riot}> {graph} .\n"
    (tmp_path / "kg.nq").write_text("".join(lines) + bad, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--out", str(tmp_path)])
    assert result.exit_code == 3, result.output
    assert "an event needs at least one ng:evidence" in result.output


def test_build_stops_on_violations_and_keeps_previous_outputs(tmp_path, monkeypatch, seed_build):
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)  # with its extraction cache, so this build needs no spaCy run
    before = (out / "kg.nq").read_bytes()
    real = pipeline.article_triples

    def broken(article, minter, *spill):  # spill, limit: the build hands a long graph on in parts
        graph = real(article, minter, *spill)
        graph.add((iri("event/unsupported"), RDF.type, NG.Riot))  # an event without evidence
        return graph

    monkeypatch.setattr(pipeline, "article_triples", broken)
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert "violates the SHACL shapes" in result.output
    assert "an event needs at least one ng:evidence" in result.output
    assert (out / "kg.nq").read_bytes() == before


def test_missing_build_is_a_clear_error(tmp_path: Path):
    result = CliRunner().invoke(main, ["validate", "--out", str(tmp_path)])
    assert result.exit_code == 4
    assert "run `kg build` first" in result.output


def test_kg_owl_is_exactly_the_asserted_graphs_of_kg_nq(seed_build, tmp_path):
    """kg.owl depends only on the asserted quads (same bytes when rewritten from kg.nq), so it is as deterministic
    as kg.nq is."""
    rewritten = write_owl(tmp_path / "kg.owl", asserted_graph_from_nquads(seed_build / "kg.nq"))
    assert rewritten.read_bytes() == (seed_build / "kg.owl").read_bytes()


@pytest.mark.parametrize(("status", "warned"), [(None, True), ("reported", True), ("alleged", False),
                                                 ("unconfirmed", False)])
def test_a_speech_act_without_a_speaker_is_a_warning_unless_told_as_alleged_or_unconfirmed(good, status, warned):
    """"It was alleged that ..." names nobody: the claim is kept as told. Any other speech act without a speaker
    has one the extractor missed."""
    graph = copy(good)
    act = iri("event/said")
    graph.add((act, RDF.type, NG.Statement))
    graph.add((act, NG.evidence, iri("span/s2")))
    if status:
        graph.add((act, NG.statementStatus, Literal(status)))
    result = validate(graph)
    assert result.conforms, result.text()
    assert [p.focus for p in result.warnings] == ([str(act)] if warned else []), result.text()
    graph.add((act, NG.speaker, iri("person/p")))
    assert not validate(graph).warnings

"""The native SHACL validator (kg.validate.native) finds exactly what pySHACL finds, with ontology/shapes.ttl.

pySHACL is the oracle: both run on the seed build's asserted graph, on a graph broken so that every constraint
component of shapes.ttl fires, on a small synthetic build, and (batched, as the build runs it) on the seed build's
N-Quads.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kg.errors import KGError, ValidationError
from kg.rdf.namespaces import NG
from kg.store.spool import SubjectIndex
from kg.validate.batches import validate_in_batches
from kg.validate.built_graph import asserted_graph_from_nquads
from kg.validate.data_graph import TripleIndex
from kg.validate.engines import engine, validate
from kg.validate.native import run
from kg.validate.shapes import SH, UnsupportedShape, compile_shapes, shapes_graph
from tests.test_validate_batches import _asserted

EX = "https://w3id.org/newsgraph/id/broken/"


def iri(local: str) -> URIRef:
    return URIRef(EX + local)


def same(graph: Graph) -> tuple:
    native = validate(graph, engine_name="native")
    oracle = validate(graph, engine_name="pyshacl")
    assert Counter(native.problems) == Counter(oracle.problems)
    assert native.problems == oracle.problems
    assert native.nodes == oracle.nodes
    return native, oracle


@pytest.fixture(scope="module")
def seed_graph(seed_build) -> Graph:
    return asserted_graph_from_nquads(seed_build / "kg.nq")


def test_seed_build_same_problems_as_pyshacl(seed_graph):
    native, _ = same(seed_graph)
    assert native.conforms
    assert native.nodes > 100


def _broken(seed: Graph) -> Graph:
    """The seed graph plus nodes that break every constraint of shapes.ttl at least once."""
    graph = Graph()
    for prefix, namespace in seed.namespaces():
        graph.bind(prefix, namespace)
    for triple in seed:
        graph.add(triple)
    span = next(iter(seed.subjects(RDF.type, NG.TextSpan)))
    place = next(iter(seed.subjects(RDF.type, NG.Place)))
    add = graph.add
    nni, dec = XSD.nonNegativeInteger, XSD.decimal
    # an article: no source file, two hashes, two titles (one not a string), an ill-typed date
    art = iri("article")
    add((art, RDF.type, NG.NewsArticle))
    add((art, NG.contentHash, Literal("h1")))
    add((art, NG.contentHash, Literal("h2")))
    add((art, NG.title, Literal(1)))
    add((art, NG.title, Literal("t")))
    add((art, NG.datePublished, Literal("2022-13-45", datatype=XSD.date)))
    add((art, NG.text, Literal("Some text here")))
    # a blank-node article (nodeKind on the node shape)
    blank = BNode("brokenarticle")
    add((blank, RDF.type, NG.NewsArticle))
    add((blank, NG.sourceFile, Literal("b.txt")))
    add((blank, NG.contentHash, Literal("b")))
    # spans: one in something that is not an article, begin not below end, an ill-typed sentence index; one with
    # an anchor that is not the article's text
    for name, article, begin, anchor in (("span", place, "9", "x"), ("span2", art, "0", "Nope")):
        node = iri(name)
        add((node, RDF.type, NG.TextSpan))
        add((node, NG.inArticle, article))
        add((node, NG.beginIndex, Literal(begin, datatype=nni)))
        add((node, NG.endIndex, Literal("4", datatype=nni)))
        add((node, NG.anchorOf, Literal(anchor)))
    add((iri("span"), NG.sentenceIndex, Literal("-1", datatype=nni)))
    # a person without a label or evidence; confidences out of range, twice, and not a decimal
    person = iri("person")
    add((person, RDF.type, NG.Person))
    add((person, NG.confidence, Literal("1.5", datatype=dec)))
    add((person, NG.confidence, Literal("-0.5", datatype=dec)))
    add((person, NG.confidence, Literal("high")))
    add((person, NG.evidence, Literal("not a span")))
    add((person, OWL.sameAs, URIRef("http://example.org/elsewhere")))
    add((person, OWL.sameAs, Literal("Q1")))
    add((person, NG.wikidataId, Literal("X12")))
    add((person, NG.locatedIn, art))
    # an event typed only ng:Event, with bad values everywhere
    event = iri("event")
    add((event, RDF.type, NG.Event))
    add((event, NG.startDate, Literal("2022-01-05", datatype=XSD.date)))
    add((event, NG.datePrecision, Literal("week")))
    add((event, NG.dailyStartTime, Literal("25:99")))
    add((event, NG.dailyEndTime, iri("time")))
    add((event, NG.hasPlace, person))
    add((event, NG.cameoCode, Literal(141)))
    # a speech act without a speaker, with an unknown status and two quotes, one of them a number
    speech = iri("speech")
    add((speech, RDF.type, NG.SpeechAct))
    add((speech, NG.evidence, span))
    add((speech, NG.statementStatus, Literal("maybe")))
    add((speech, NG.quoteText, Literal("one")))
    add((speech, NG.quoteText, Literal(2)))
    # a tenure with two holders, no post, an ill-typed boolean
    tenure = iri("tenure")
    add((tenure, RDF.type, NG.Tenure))
    add((tenure, NG.holder, person))
    add((tenure, NG.holder, place))
    add((tenure, NG.isActing, Literal("perhaps", datatype=XSD.boolean)))
    add((tenure, NG.evidence, span))
    # counts: one with no value or bound and no category, one with its minimum above its maximum
    for name, values in (("count1", {}), ("count2", {NG.minValue: 5, NG.maxValue: 3})):
        count = iri(name)
        add((count, RDF.type, NG.Count))
        add((count, NG.evidence, span))
        for predicate, value in values.items():
            add((count, predicate, Literal(str(value), datatype=nni)))
    return graph


def test_every_component_fires_and_matches_pyshacl(seed_graph):
    broken = _broken(seed_graph)
    native, oracle = same(broken)
    assert not native.conforms
    shapes = shapes_graph()
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    fired = {r.component for r in run(compile_shapes(shapes), TripleIndex.from_rdflib(broken))}
    # what reports on its own (the rest describes shapes, or fires inside sh:or / sh:qualifiedValueShape)
    reported = used - {SH.path, SH.property, SH.message, SH.severity, SH.targetClass, SH.targetSubjectsOf,
                       SH.qualifiedMinCount, SH.oneOrMorePath, SH.hasValue}
    assert reported - fired == set()
    texts = {p.message for p in native.problems}
    # sh:or's nested sh:minCount all fail; sh:qualifiedValueShape's nested hasValue (over oneOrMorePath) fails
    assert "a count needs a ng:value or a bound (ng:minValue, ng:maxValue)" in texts
    assert any(m.startswith("an event needs a type") for m in texts)
    assert any(p.severity == "Warning" for p in native.problems)
    assert any(m.startswith("More than 1 values on ") for m in texts)  # pySHACL's default wording


@pytest.mark.parametrize("engine_name", ["native", "pyshacl"])
def test_batched_equals_whole_pyshacl(seed_build, seed_graph, tmp_path, engine_name):
    from kg.store.owl import ontology_graph

    lines = _asserted(seed_build / "kg.nq")
    subjects = sorted({line[1:line.index(">")] for line in lines if line.startswith("<")})
    index = SubjectIndex(tmp_path / "asserted.nq")
    index.write(lines)
    try:
        batched = validate_in_batches(index, ontology_graph(), [subjects[i::3] for i in range(3)],
                                      engine_name=engine_name)
    finally:
        index.close()
    oracle = validate(seed_graph, engine_name="pyshacl")
    assert batched.problems == oracle.problems
    assert batched.problems  # the seeds have warnings, so the comparison says something


def _shapes(body: str) -> Graph:
    return Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                         + body, format="turtle")


@pytest.mark.parametrize(("body", "named"), [
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:message 'm' ] .", "sh:minLength"),
    ("ex:S sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .", "sh:targetNode"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ] .",
     "sh:inversePath"),
    ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:in ( 'a' ) ] .", "sh:in without sh:message"),
])
def test_unsupported_shapes_fail_loudly(body, named):
    with pytest.raises(UnsupportedShape, match=named):
        compile_shapes(_shapes(body))


def test_engine_switch(monkeypatch):
    monkeypatch.delenv("KG_SHACL", raising=False)
    assert engine() == "native"
    monkeypatch.setenv("KG_SHACL", "pyshacl")
    assert engine() == "pyshacl"
    assert engine("native") == "native"
    monkeypatch.setenv("KG_SHACL", "other")
    with pytest.raises(KGError, match="unknown SHACL engine") as raised:
        engine()
    assert not isinstance(raised.value, ValidationError)  # exit code 1, not 3 (the graph is not at fault)


def test_synthetic_build_same_problems_as_pyshacl(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from kg.build.pipeline import run_build
    from kg.config import Settings

    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, "-m", "bench.synth", str(corpus), "--articles", "12"], check=True,
                   cwd=Path(__file__).resolve().parent.parent, capture_output=True)
    out = tmp_path / "out"
    run_build([corpus], Settings.from_env(out=str(out)), use_cache=False)  # its gate ran the native engine
    graph = asserted_graph_from_nquads(out / "kg.nq")
    native, _ = same(graph)
    assert native.nodes > 200

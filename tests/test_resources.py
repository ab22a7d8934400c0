"""Linked Data: ``/id/<kind>/<slug>`` negotiates a document; the HTML and RDF documents say what the store says.

These tests run the real app (real pyoxigraph store, real query workers) over a tiny hand-written graph,
so that each assertion is about a fact we wrote down here, not about what the extractors found.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDFS

from kg.store.stores import write_store
from server import create_app

NG = "https://w3id.org/newsgraph/ontology#"
ID = "https://w3id.org/newsgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = str(RDFS.label)
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
ART = f"{ID}article/0123456789abcdef"
TEXT = "Mayor Ada Quill spoke in Port Erin on Monday."
#       0123456789012345678901234567890123456789012345

TINY_NQ = f"""
<{NG}Person> <{LABEL}> "person"@en <urn:g:onto> .
<{NG}mentions> <{LABEL}> "mentions"@en <urn:g:onto> .
<{NG}locatedIn> <{LABEL}> "located in"@en <urn:g:onto> .
<{ART}> <{RDF_TYPE}> <{NG}NewsArticle> <urn:g:art> .
<{ART}> <{NG}title> "Mayor speaks" <urn:g:art> .
<{ART}> <{NG}text> "{TEXT}" <urn:g:art> .
<{ART}> <{NG}mentions> <{ID}person/ada-quill> <urn:g:art> .
<{ART}> <{NG}mentions> <{ID}place/port-erin> <urn:g:art> .
<{ID}person/ada-quill> <{RDF_TYPE}> <{NG}Person> <urn:g:art> .
<{ID}person/ada-quill> <{LABEL}> "Ada Quill"@en <urn:g:art> .
<{ID}person/ada-quill> <{ALT}> "A. Quill"@en <urn:g:art> .
<{ID}person/ada-quill> <{NG}locatedIn> <{ID}place/port-erin> <urn:g:art> .
<{ID}person/ada-quill> <{OWL.sameAs}> <http://www.wikidata.org/entity/Q4242> <urn:g:art> .
<{ID}person/ada-quill> <{NG}evidence> <{ID}span/0123456789abcdef-6-15> <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{RDF_TYPE}> <{NG}TextSpan> <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{NG}inArticle> <{ART}> <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{NG}anchorOf> "Ada Quill" <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{NG}beginIndex> "6"^^<{XSD}nonNegativeInteger> <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{NG}endIndex> "15"^^<{XSD}nonNegativeInteger> <urn:g:art> .
<{ID}span/0123456789abcdef-6-15> <{NG}denotes> <{ID}person/ada-quill> <urn:g:art> .
<{ID}place/port-erin> <{RDF_TYPE}> <{NG}Place> <urn:g:art> .
<{ID}place/port-erin> <{LABEL}> "Port Erin"@en <urn:g:art> .
<{ID}place/port-erin> <{NG}evidence> <{ID}span/0123456789abcdef-25-34> <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{RDF_TYPE}> <{NG}TextSpan> <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{NG}inArticle> <{ART}> <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{NG}anchorOf> "Port Erin" <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{NG}beginIndex> "25"^^<{XSD}nonNegativeInteger> <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{NG}endIndex> "34"^^<{XSD}nonNegativeInteger> <urn:g:art> .
<{ID}span/0123456789abcdef-25-34> <{NG}denotes> <{ID}place/port-erin> <urn:g:art> .
"""


def tiny_store(folder: Path) -> Path:
    """A store holding :data:`TINY_NQ`; returns its path."""
    (folder / "tiny.nq").write_text(TINY_NQ.strip() + "\n", encoding="utf-8")
    write_store(folder / "store", folder / "tiny.nq")
    return folder / "store"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tiny_store(tmp_path_factory.mktemp("tiny"))
    app = create_app({"STORE": str(store), "TESTING": True, "QUERY_WORKERS": 1})
    yield app.test_client()
    app.extensions["kg"].close()


@pytest.mark.parametrize(("accept", "ext"), [
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "ttl"),
    ("", "html"),
])
def test_resource_redirects_to_the_negotiated_document(client, accept, ext):
    reply = client.get("/id/person/ada-quill", headers={"Accept": accept} if accept else {})
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(f"/doc/person/ada-quill.{ext}")
    assert "Accept" in reply.headers["Vary"]


def test_unacceptable_type_gets_406_naming_the_supported_ones(client):
    reply = client.get("/id/person/ada-quill", headers={"Accept": "image/png"})
    assert reply.status_code == 406
    assert "text/turtle" in reply.get_data(as_text=True) and "text/html" in reply.get_data(as_text=True)


@pytest.mark.parametrize(("ext", "fmt"), [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                          ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_rdf_documents_hold_the_resource_triples(client, ext, fmt):
    reply = client.get(f"/doc/person/ada-quill.{ext}")
    assert reply.status_code == 200
    assert reply.mimetype == {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
                              "rdf": "application/rdf+xml"}[ext]
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(reply.data, format=fmt)}
    ada = f"{ID}person/ada-quill"
    assert (ada, LABEL, "Ada Quill") in triples
    assert (ada, str(OWL.sameAs), "http://www.wikidata.org/entity/Q4242") in triples
    assert (ART, NG + "mentions", ada) in triples  # incoming links too
    assert len(triples) == 8


def test_unknown_resource_is_404(client):
    assert client.get("/doc/person/nobody-at-all.html").status_code == 404
    assert client.get("/id/nonsense-kind/x").status_code == 404
    assert client.get("/doc/person/ada-quill.exe").status_code == 404


def test_entity_page_shows_label_facts_incoming_evidence_and_external_links(client):
    html = client.get("/doc/person/ada-quill.html").get_data(as_text=True)
    assert '<h1 id="label">Ada Quill</h1>' in html
    assert f'<a href="/ontology.html#Person" title="{NG}Person">person</a>' in html  # its type, documented here
    assert 'href="/id/place/port-erin"' in html and ">Port Erin</a>" in html  # a fact, linked to our page
    assert ">located in</a>" in html  # grouped under the property's label
    assert ">Mayor speaks</a>" in html  # incoming: the article that mentions her
    assert 'href="/doc/article/0123456789abcdef.html?span=6-15#span-6-15"' in html  # evidence quote
    assert 'href="http://www.wikidata.org/entity/Q4242"' in html and ">Wikidata</a>" in html
    assert 'href="/doc/person/ada-quill.ttl"' in html


def test_entity_page_embeds_its_neighbourhood(client):
    import json
    import re

    html = client.get("/doc/person/ada-quill.html").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)[1])
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {"Ada Quill", "Port Erin", "Mayor speaks"}
    assert {(e["source"].rsplit("/", 1)[1], e["target"].rsplit("/", 1)[1]) for e in data["edges"]} == {
        ("ada-quill", "port-erin"), ("0123456789abcdef", "ada-quill")}


def test_article_page_highlights_mentions_and_the_selected_span(client):
    html = client.get("/doc/article/0123456789abcdef.html?span=6-15").get_data(as_text=True)
    assert '<h1 id="label">Mayor speaks</h1>' in html
    assert ('<mark class="ent ent-person selected" id="span-6-15" data-begin="6" data-end="15">'
            '<a href="/id/person/ada-quill" title="Ada Quill">Ada Quill</a>') in html
    assert '<mark class="ent ent-place" data-begin="25" data-end="34">' in html
    assert "Mayor " in html and " spoke in " in html and " on Monday." in html
    assert "0123456789abcdef-6-15" not in html.split('id="facts"')[1]  # spans are not listed as facts


def test_article_page_can_select_a_span_that_is_not_a_mention(client):
    html = client.get("/doc/article/0123456789abcdef.html?span=38-44").get_data(as_text=True)
    assert '<mark class="quote selected" id="span-38-44">Monday</mark>' in html


def test_a_selected_span_inside_a_longer_mention_selects_that_mention():
    from server.articles import Mark, highlight

    pieces = highlight("the former mayor spoke", [Mark(4, 16, "person", "", None)], (11, 16))
    assert [(p["text"], p.get("selected", False), p.get("anchor")) for p in pieces] == [
        ("the ", False, None), ("former mayor", True, "span-11-16"), (" spoke", False, None)]


def test_doctests_of_highlight_hold():
    from server.articles import Mark, highlight

    pieces = highlight("abcdef", [Mark(0, 3, "person", "", None), Mark(1, 2, "place", "", None)], (4, 5))
    assert [(p["text"], "mark" in p, p.get("selected", False)) for p in pieces] == [
        ("abc", True, False), ("d", False, False), ("e", False, True), ("f", False, False)]

"""The ontology's documentation (pyLODE) is current, and the server serves the ontology at /ontology with content
negotiation: HTML for browsers, Turtle and RDF/XML for RDF clients."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.compare import isomorphic

from kg.config import ONTOLOGY_DIR
from kg.rdf.namespaces import NG
from kg.tools import gen_docs
from server import create_app

ONTOLOGY = URIRef("https://w3id.org/newsgraph/ontology")


@pytest.fixture(scope="module")
def client(seed_build):
    return create_app({"STORE": str(seed_build / "store")}).test_client()


def test_docs_are_generated_from_the_turtle():
    # in a child process: pyLODE leaves a file open, which pytest would report as an error here
    fresh = subprocess.run([sys.executable, "-m", "kg.tools.gen_docs", "--stdout"], capture_output=True, check=True,
                           text=True, encoding="utf-8").stdout
    assert gen_docs.TARGET.read_text(encoding="utf-8") == fresh, (
        "ontology/docs/index.html is stale: run python -m kg.tools.gen_docs")


def test_docs_document_every_class_and_skip_bare_external_declarations():
    html = gen_docs.TARGET.read_text(encoding="utf-8")
    onto = Graph().parse(ONTOLOGY_DIR / "newsgraph.ttl")
    for cls in onto.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(NG._NS)):
            assert f"<code>{cls}</code>" in html, f"{cls} is not documented"
    assert "<code>http://semanticweb.cs.vu.nl/2009/11/sem/Event</code>" not in html


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/rdf+xml, application/xml; q=0.7, text/xml; q=0.3", "application/rdf+xml"),
    ("*/*", "text/turtle"),
    (None, "text/turtle"),
])
def test_ontology_is_negotiated(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/ontology", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected
    assert response.headers["Vary"] == "Accept"
    if expected == "text/html":
        assert "<title>newsgraph ontology</title>" in response.get_data(as_text=True)
    else:
        fmt = "turtle" if expected == "text/turtle" else "xml"
        graph = Graph().parse(data=response.get_data(as_text=True), format=fmt)
        assert isomorphic(graph, Graph().parse(ONTOLOGY_DIR / "newsgraph.ttl"))


def test_unacceptable_type_gets_406_naming_the_formats(client):
    response = client.get("/ontology", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)


def test_suffix_and_version_routes(client):
    assert client.get("/ontology.ttl").mimetype == "text/turtle"
    assert client.get("/ontology.owl").mimetype == "application/rdf+xml"
    assert client.get("/ontology.html").mimetype == "text/html"
    assert client.get("/ontology.pdf").status_code == 404
    onto = Graph().parse(ONTOLOGY_DIR / "newsgraph.ttl")
    version = str(onto.value(ONTOLOGY, OWL.versionInfo))
    assert client.get(f"/ontology/{version}", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/ontology/0.0.0").status_code == 404
    shapes = client.get("/ontology/shapes")
    assert shapes.mimetype == "text/turtle"
    assert "sh:NodeShape" in shapes.get_data(as_text=True)


def test_rdflib_loads_the_ontology_from_the_live_server(live_server):
    graph = Graph().parse(f"{live_server}/ontology")
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    page = requests.get(f"{live_server}/ontology", headers={"Accept": "text/html"}, timeout=10)
    assert page.ok and "newsgraph ontology" in page.text

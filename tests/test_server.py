from __future__ import annotations

import pytest

from server import create_app

ASK = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> ASK { ?a a ng:NewsArticle }"
CONSTRUCT = ("PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
             "CONSTRUCT { ?a a ng:NewsArticle } WHERE { ?a a ng:NewsArticle }")


@pytest.fixture(scope="module")
def client(seed_build):
    return create_app({"STORE": str(seed_build / "store")}).test_client()


def test_select_by_get_is_json(client):
    reply = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert reply.status_code == 200
    assert int(reply.json["results"]["bindings"][0]["n"]["value"]) > 1000


def test_ask_by_post_form(client):
    reply = client.post("/sparql", data={"query": ASK})
    assert reply.json == {"head": {}, "boolean": True}


def test_ask_by_post_body(client):
    reply = client.post("/sparql", data=ASK, content_type="application/sparql-query")
    assert reply.json["boolean"] is True


def test_construct_is_turtle(client):
    reply = client.get("/sparql", query_string={"query": CONSTRUCT})
    assert reply.mimetype == "text/turtle"
    assert b"NewsArticle" in reply.data


def test_malformed_query_is_400_with_the_parser_message(client):
    reply = client.get("/sparql", query_string={"query": "SELEKT * WHERE {}"})
    assert reply.status_code == 400 and b"malformed" in reply.data


def test_health(client):
    assert client.get("/health").json["status"] == "ok"


def test_query_page_offers_a_working_example(client):
    page = client.get("/")
    assert page.status_code == 200 and b"<textarea" in page.data
    from server.ui import EXAMPLE

    rows = client.get("/sparql", query_string={"query": EXAMPLE}).json["results"]["bindings"]
    assert any("Tokayev" in r["name"]["value"] for r in rows)

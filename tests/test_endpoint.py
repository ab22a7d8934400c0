"""The SPARQL 1.1 Protocol at /sparql, in process (Flask test client, real store, real worker processes)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from server import create_app
from server.conneg import GRAPHS, RESULTS

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
SELECT = NG + "SELECT ?a WHERE { ?a a ng:NewsArticle } ORDER BY ?a"
ASK = NG + "ASK { ?a a ng:NewsArticle }"
CONSTRUCT = NG + "CONSTRUCT { ?a a ng:NewsArticle } WHERE { ?a a ng:NewsArticle }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def app(seed_build):
    return create_app({"STORE": str(seed_build / "store"), "QUERY_WORKERS": 2, "MAX_ROWS": 500, "MAX_BODY": 20_000})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def articles(seed_build) -> list[str]:
    store = ox.Store.read_only(str(seed_build / "store"))
    try:
        return sorted(s["a"].value for s in store.query(SELECT))
    finally:
        del store


def _info(app):
    snapshot = app.extensions["kg"].acquire()
    snapshot.release()
    return snapshot.info


@pytest.fixture(scope="module")
def graphs(app) -> list[str]:
    return sorted(_info(app).graphs)


def _select_values(reply) -> list[str]:
    return [row["a"]["value"] for row in reply.json["results"]["bindings"]]


# --- the three ways to send a query ---------------------------------------------------------------

def test_get_post_form_and_post_body_give_the_same_answer(client, articles):
    by_get = client.get("/sparql", query_string={"query": SELECT})
    by_form = client.post("/sparql", data={"query": SELECT})
    by_body = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    assert articles and len(articles) >= 2
    for reply in (by_get, by_form, by_body):
        assert reply.status_code == 200
        assert reply.mimetype == "application/sparql-results+json"
        assert _select_values(reply) == articles


def _count(client, query: str, **params) -> int:
    reply = client.get("/sparql", query_string={"query": query, **params})
    return int(reply.json["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_merge_of_the_named_graphs(client, graphs):
    merge = _count(client, COUNT_ALL)
    distinct = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g "
                              "{ ?s ?p ?o } } }")
    per_graph = sum(_count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}") for g in graphs)
    assert merge == distinct > 1000
    assert per_graph > merge  # the seeds' articles repeat types and labels: the merge holds each once


def test_default_graph_uri_narrows_the_default_graph(client, graphs):
    one = graphs[0]
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{one}> {{ ?s ?p ?o }} }}"
    expected = client.get("/sparql", query_string={"query": q}).json["results"]["bindings"][0]["n"]["value"]
    reply = client.get("/sparql", query_string={"query": COUNT_ALL, "default-graph-uri": one})
    assert reply.json["results"]["bindings"][0]["n"]["value"] == expected
    reply = client.post("/sparql", data={"query": COUNT_ALL, "default-graph-uri": one})
    assert reply.json["results"]["bindings"][0]["n"]["value"] == expected


def test_named_graph_uri_limits_what_graph_sees(client, graphs):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = client.get("/sparql", query_string={"query": q, "named-graph-uri": graphs[:2]})
    assert sorted(r["g"]["value"] for r in reply.json["results"]["bindings"]) == graphs[:2]


def test_from_a_graph_of_the_store_is_honoured(client, graphs):
    q = f"SELECT (COUNT(*) AS ?n) FROM <{graphs[0]}> WHERE {{ ?s ?p ?o }}"
    expected = client.get("/sparql", query_string={"query": COUNT_ALL, "default-graph-uri": graphs[0]}).json
    assert client.get("/sparql", query_string={"query": q}).json == expected


def test_a_from_query_sent_again_keeps_its_dataset(client, graphs):
    """The pool keeps the safety check's verdict on a query; the second answer must still honour FROM."""
    q = f"SELECT (COUNT(*) AS ?n) FROM <{graphs[1]}> WHERE {{ ?s ?p ?o }}"
    expected = client.get("/sparql", query_string={"query": COUNT_ALL, "default-graph-uri": graphs[1]}).json
    everything = client.get("/sparql", query_string={"query": COUNT_ALL}).json
    assert expected != everything
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": q}).json == expected


def test_a_refusal_is_repeated_for_the_same_query(client):
    q = "SELECT * WHERE { SERVICE <http://example.org/not-here> { ?s ?p ?o } }"
    replies = [client.get("/sparql", query_string={"query": q}) for _ in range(3)]
    assert [r.status_code for r in replies] == [403, 403, 403]
    assert len({r.get_data(as_text=True) for r in replies}) == 1 and "SERVICE" in replies[0].get_data(as_text=True)


def test_comment_lines_with_the_guarded_words_do_not_change_the_answer(client, articles):
    commented = "# answer: taken from the service, load it\n  # and from here on\n" + SELECT
    assert _select_values(client.get("/sparql", query_string={"query": commented})) == articles


# --- content negotiation -------------------------------------------------------------------------

def test_select_in_every_results_format(client, articles):
    replies = {t: client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": t}) for t in RESULTS}
    for media_type, reply in replies.items():
        assert reply.status_code == 200 and reply.mimetype == media_type
        assert "Accept" in reply.headers["Vary"]
    xml_values = [e.text for e in ET.fromstring(replies["application/sparql-results+xml"].data).iter(
        "{http://www.w3.org/2005/sparql-results#}uri")]
    csv_rows = list(csv.reader(io.StringIO(replies["text/csv"].get_data(as_text=True))))
    tsv_rows = replies["text/tab-separated-values"].get_data(as_text=True).splitlines()
    assert xml_values == articles
    assert csv_rows == [["a"], *[[a] for a in articles]]
    assert tsv_rows == ["?a", *[f"<{a}>" for a in articles]]


def test_ask_as_json_and_xml(client):
    assert client.get("/sparql", query_string={"query": ASK}).json["boolean"] is True
    reply = client.get("/sparql", query_string={"query": ASK}, headers={"Accept": "application/sparql-results+xml"})
    assert ET.fromstring(reply.data).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("media_type", list(GRAPHS))
def test_construct_in_every_graph_format(client, articles, media_type):
    reply = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert reply.status_code == 200 and reply.mimetype == media_type
    if media_type == "application/ld+json":
        subjects = {node["@id"] for node in json.loads(reply.data)}
    elif media_type in ("application/n-quads", "application/trig"):
        subjects = {q.subject.value for q in ox.parse(reply.data, format=ox.RdfFormat.from_media_type(media_type))}
    else:
        rdflib_format = {"text/turtle": "turtle", "application/n-triples": "nt",
                         "application/rdf+xml": "xml"}[media_type]
        subjects = {str(s) for s in Graph().parse(data=reply.data, format=rdflib_format).subjects()}
    assert sorted(subjects) == articles


def test_no_accept_header_gives_json_or_turtle(client):
    select = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": ""})
    construct = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": ""})
    assert select.mimetype == "application/sparql-results+json"
    assert construct.mimetype == "text/turtle"


def test_browser_style_accept_falls_back_through_wildcard(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept}).status_code == 200


def test_unservable_accept_is_406_naming_the_supported_types(client):
    reply = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert reply.status_code == 406
    for media_type in RESULTS:
        assert media_type in reply.get_data(as_text=True)
    reply = client.get("/sparql", query_string={"query": CONSTRUCT},
                       headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 406 and "text/turtle" in reply.get_data(as_text=True)
    assert "Accept" in reply.headers["Vary"]


@pytest.mark.parametrize(("param", "value", "query", "media_type"), [
    ("format", "json", SELECT, "application/sparql-results+json"),
    ("output", "xml", SELECT, "application/sparql-results+xml"),
    ("format", "csv", SELECT, "text/csv"),
    ("format", "xml", CONSTRUCT, "application/rdf+xml"),
    ("output", "turtle", CONSTRUCT, "text/turtle"),
    ("format", "json-ld", CONSTRUCT, "application/ld+json"),
])
def test_sparqlwrapper_format_and_output_parameters(client, param, value, query, media_type):
    reply = client.get("/sparql", query_string={"query": query, param: value}, headers={"Accept": "*/*"})
    assert reply.status_code == 200 and reply.mimetype == media_type


# --- errors ----------------------------------------------------------------------------------------

def test_malformed_query_is_400_with_the_parser_message(client):
    reply = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400 and text.startswith("malformed query: line 1, column 18: the triple pattern ?s ?p "
                                                        "has no object")
    assert text.splitlines()[1:] == ["  SELECT * WHERE { ?s ?p }", "                   ^"]
    assert "Traceback" not in text


def test_two_query_parameters_are_400(client):
    reply = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert reply.status_code == 400 and "2 'query' parameters" in reply.get_data(as_text=True)
    reply = client.post("/sparql?query=ASK%7B%7D", data={"query": ASK})
    assert reply.status_code == 400


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
])
def test_update_sent_as_a_query_is_400(client, update):
    for reply in (client.get("/sparql", query_string={"query": update}),
                  client.post("/sparql", data={"query": update}),
                  client.post("/sparql", data=update, content_type="application/sparql-query")):
        assert reply.status_code == 400
        assert "update, not a query" in reply.get_data(as_text=True)
    assert client.post("/sparql", data={"update": update}).status_code == 400
    assert client.post("/sparql", data=update, content_type="application/sparql-update").status_code == 400


def test_the_store_is_unchanged_after_refused_updates(client, articles):
    client.post("/sparql", data={"update": "CLEAR ALL"})
    client.get("/sparql", query_string={"query": "CLEAR ALL"})
    assert _select_values(client.get("/sparql", query_string={"query": SELECT})) == articles


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, method):
    reply = getattr(client, method)("/sparql", query_string={"query": ASK})
    assert reply.status_code == 405
    assert set(reply.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert reply.mimetype == "text/plain"


def test_unsupported_post_body_is_415(client):
    assert client.post("/sparql", data=ASK, content_type="text/plain").status_code == 415


def test_body_over_the_cap_is_413(client):
    big = NG + "ASK { ?a a ng:NewsArticle }" + " " * 30_000
    assert client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413


def test_too_many_rows_is_an_error_not_a_truncated_answer(client):
    reply = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status_code == 400 and "more than 500 rows" in reply.get_data(as_text=True)
    reply = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert reply.status_code == 400 and "more than 500 triples" in reply.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}).status_code == 200


# --- service description, VoID, CORS, health ---------------------------------------------------------

def test_service_description_on_get_without_query(client, graphs):
    reply = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert reply.status_code == 200 and reply.mimetype == "text/turtle"
    sd = Graph().parse(data=reply.data, format="turtle")
    q = f"""PREFIX sd: <{SD_NS}>
    SELECT ?g WHERE {{ ?svc a sd:Service ; sd:endpoint <http://localhost/sparql> ;
                         sd:feature sd:UnionDefaultGraph ; sd:defaultDataset/sd:namedGraph/sd:name ?g }}"""
    assert sorted(str(r.g) for r in sd.query(q)) == graphs
    assert "RDF merge of all named graphs" in reply.get_data(as_text=True)
    assert "SPARQL11Update" not in reply.get_data(as_text=True)


def test_service_description_in_json_ld_when_asked(client):
    reply = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert reply.mimetype == "application/ld+json" and json.loads(reply.data)


def test_void_description(client, app, graphs):
    reply = client.get("/.well-known/void")
    void = Graph().parse(data=reply.data, format="turtle")
    q = """PREFIX void: <http://rdfs.org/ns/void#>
    SELECT ?d ?n WHERE { ?d a void:Dataset ; void:triples ?n ; void:sparqlEndpoint <http://localhost/sparql> }"""
    rows = list(void.query(q))
    assert len(rows) == 1 and int(rows[0].n) == _info(app).triples < _info(app).quads  # distinct triples
    subsets = {str(o) for o in void.objects(rows[0].d, URIRef("http://rdfs.org/ns/void#subset"))}
    assert subsets == set(graphs)


def test_cors_on_query_routes_and_preflight(client):
    reply = client.get("/sparql", query_string={"query": ASK}, headers={"Origin": "https://example.org"})
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.get("/.well-known/void").headers["Access-Control-Allow-Origin"] == "*"


def test_health_reports_the_store(client, app):
    reply = client.get("/health").json
    info = _info(app)
    assert reply["status"] == "ok" and reply["quads"] == info.quads > reply["triples"] == info.triples > 1000
    assert reply["build"]["id"] == info.build["id"] and reply["build"]["date"] and reply["base_iri"]


def test_updates_are_off_by_default(client):
    reply = client.post("/update", data="CLEAR ALL", content_type="application/sparql-update",
                        headers={"Authorization": "Bearer anything"})
    assert reply.status_code == 403 and "--enable-updates" in reply.get_data(as_text=True)


def test_a_query_too_big_for_the_safety_check_is_refused_with_a_message(client, articles):
    huge = "SELECT * WHERE { " + "?s <http://example.org/from> ?o . " * 2000 + "} LIMIT 1"
    reply = client.get("/sparql", query_string={"query": huge})
    assert reply.status_code == 400 and "too long or too deeply nested" in reply.get_data(as_text=True)
    values = " ".join(f"<http://example.org/item/{i}>" for i in range(3000))
    long_without_the_words = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 1"
    assert client.get("/sparql", query_string={"query": long_without_the_words}).status_code == 200
    assert _select_values(client.get("/sparql", query_string={"query": SELECT})) == articles

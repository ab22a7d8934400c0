"""Issue 19: the SPARQL 1.1 Protocol's dataset rules, exactly, on a real `kg serve`.

A graph the store does not hold is an empty graph (never fetched); ``default-graph-uri``/``named-graph-uri``
override FROM/FROM NAMED; the default graph of several graphs is their merge (a set). On ``/update``,
``USING``/``WITH`` and ``using-graph-uri``/``using-named-graph-uri`` set the dataset of ``WHERE``.
"""

from __future__ import annotations

import pytest
import requests

from kg.store.stores import write_store
from tests.conftest import start_server, stop_server

pytestmark = pytest.mark.live

JSON = {"Accept": "application/sparql-results+json"}
TOKEN = "protocol-token-90ab"
G1, G2, G3 = "urn:newsgraph:g1", "urn:newsgraph:g2", "urn:newsgraph:g3"
NOWHERE = "http://127.0.0.1:9/not-a-graph-here"
#: Three graphs: g1 and g2 share a triple, g3 has one of its own.
DATA = f"""
<urn:x:a> <urn:x:p> "shared" <{G1}> .
<urn:x:a> <urn:x:p> "shared" <{G2}> .
<urn:x:b> <urn:x:p> "only in g2" <{G2}> .
<urn:x:c> <urn:x:p> "only in g3" <{G3}> .
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protocol")
    (folder / "data.nq").write_text(DATA.strip() + "\n", encoding="utf-8")
    write_store(folder / "store", folder / "data.nq")
    proc, url = start_server(folder / "store", "--enable-updates", "--token", TOKEN, log=folder / "serve.log")
    yield url
    stop_server(proc)


def rows(url: str, query: str, **params) -> list[tuple]:
    reply = requests.post(url + "/sparql", data={"query": query, **params}, headers=JSON, timeout=60)
    assert reply.status_code == 200, reply.text
    return sorted(tuple(b[v]["value"] for v in reply.json()["head"]["vars"] if v in b)
                  for b in reply.json()["results"]["bindings"])


def count(url: str, query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **params) -> int:
    return int(rows(url, query, **params)[0][0])


def test_the_default_graph_is_the_merge_of_the_store(server):
    assert count(server) == 3  # the shared triple once
    assert rows(server, "SELECT ?g WHERE { GRAPH ?g { <urn:x:a> ?p ?o } }") == [(G1,), (G2,)]


def test_an_unknown_default_graph_is_empty(server):
    assert count(server, **{"default-graph-uri": NOWHERE}) == 0
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}") == 0


def test_an_unknown_named_graph_is_empty(server):
    query = "SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert rows(server, query, **{"named-graph-uri": NOWHERE}) == []
    assert rows(server, f"SELECT ?g ?s FROM NAMED <{NOWHERE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == []


def test_named_graphs_only_leave_the_default_graph_empty(server):
    assert count(server, **{"named-graph-uri": G1}) == 0
    assert rows(server, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": G1}) == [(G1,)]


def test_a_default_graph_only_leaves_no_named_graph(server):
    assert rows(server, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": G1}) == []
    assert count(server, **{"default-graph-uri": G3}) == 1


def test_default_graph_uri_overrides_from(server):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{G3}> WHERE {{ ?s ?p ?o }}"
    assert count(server, query) == 1
    assert count(server, query, **{"default-graph-uri": G2}) == 2


def test_a_default_graph_of_several_graphs_is_their_merge(server):
    assert count(server, **{"default-graph-uri": [G1, G2]}) == 2  # a set: the shared triple once
    assert count(server, f"SELECT (COUNT(*) AS ?n) FROM <{G1}> FROM <{G2}> FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}") == 2
    both = f"SELECT ?g ?o FROM <{G1}> FROM <{G2}> FROM NAMED <{G3}> WHERE {{ ?s ?p ?o . GRAPH ?g {{ ?x ?q ?y }} }}"
    assert len(rows(server, both)) == 2


def _update(url: str, text: str, **params) -> requests.Response:
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    return requests.post(url + "/update", params=params, data=text.encode(), headers=headers, timeout=120)


def test_updates_honour_using_and_with(server):
    copy = f'INSERT {{ GRAPH <urn:newsgraph:copy> {{ ?s ?p ?o }} }} USING <{G3}> WHERE {{ ?s ?p ?o }}'
    assert _update(server, copy).status_code == 204
    assert rows(server, "SELECT ?o WHERE { GRAPH <urn:newsgraph:copy> { ?s ?p ?o } }") == [("only in g3",)]
    clear = "WITH <urn:newsgraph:copy> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert _update(server, clear).status_code == 204
    assert rows(server, "SELECT ?o WHERE { GRAPH <urn:newsgraph:copy> { ?s ?p ?o } }") == []
    assert count(server) == 3  # the default graph is the merge again


def test_updates_honour_the_using_graph_parameters(server):
    copy = "INSERT { GRAPH <urn:newsgraph:copy2> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    assert _update(server, copy, **{"using-graph-uri": G2}).status_code == 204
    assert len(rows(server, "SELECT ?o WHERE { GRAPH <urn:newsgraph:copy2> { ?s ?p ?o } }")) == 2
    named = "INSERT { GRAPH <urn:newsgraph:copy3> { ?s ?p ?g } } WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _update(server, named, **{"using-named-graph-uri": G3}).status_code == 204
    assert rows(server, "SELECT ?o WHERE { GRAPH <urn:newsgraph:copy3> { ?s ?p ?o } }") == [(G3,)]
    own = f"INSERT {{ GRAPH <urn:newsgraph:copy4> {{ ?s ?p ?o }} }} USING <{G1}> WHERE {{ ?s ?p ?o }}"
    both = _update(server, own, **{"using-graph-uri": G2})
    assert both.status_code == 400 and "USING or WITH" in both.text
    assert count(server) == 4  # copy2 repeats triples of g2 (a set: no new one), copy3 adds one
    for graph in ("copy2", "copy3"):
        assert _update(server, f"DROP GRAPH <urn:newsgraph:{graph}>").status_code == 204
    assert count(server) == 3


def test_an_update_over_any_graph_keeps_the_default_graph_the_merge(server):
    delete = "DELETE { GRAPH ?g { <urn:x:a> ?p ?o } } WHERE { GRAPH ?g { <urn:x:a> ?p ?o } }"
    assert _update(server, delete).status_code == 204
    assert count(server) == 2 and rows(server, "SELECT ?o WHERE { <urn:x:a> ?p ?o }") == []
    again = " ".join(f'GRAPH <{g}> {{ <urn:x:a> <urn:x:p> "shared" }}' for g in (G1, G2))
    again = f"INSERT DATA {{ {again} }}"
    assert _update(server, again).status_code == 204
    assert count(server) == 3


def test_writing_into_the_default_graph_is_refused_with_what_to_do(server):
    for text in ('INSERT DATA { <urn:x:d> <urn:x:p> "into the default graph" }', "CLEAR DEFAULT",
                 "DELETE WHERE { ?s ?p ?o }"):
        reply = _update(server, text)
        assert reply.status_code == 403 and "write into a named graph instead" in reply.text, text
    assert count(server) == 3


def test_the_service_description_says_what_the_default_graph_is(server):
    reply = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert "RDF merge of all named graphs" in reply.text and "never fetched" in reply.text


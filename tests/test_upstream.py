"""`kg serve --upstream`: the endpoint and pages over a real Oxigraph server holding the pushed seed build."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from click.testing import CliRunner

from kg.cli import main
from kg.store.push import Target, push
from kg.store.query import list_queries
from server.jobs import Job, QueryTimeout
from server.upstream import UpstreamPool
from tests.conftest import start_server, stop_server
from tests.oxigraph_server import start_oxigraph

pytestmark = pytest.mark.live

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def oxigraph(seed_build, tmp_path_factory):
    """An Oxigraph server holding the seed build, pushed with `kg push`; yields its base URL."""
    folder = tmp_path_factory.mktemp("oxigraph")
    proc, url = start_oxigraph(folder / "store")
    push(seed_build / "kg.nq", Target(url + "/store"), folder / "push-log.jsonl")
    yield url
    stop_server(proc)


# some ready-made queries take many seconds on a busy machine; the comparison is about answers, not speed
SLOW_OK = ("--query-timeout", "300")


@pytest.fixture(scope="module")
def upstream_server(seed_build, oxigraph):
    """`kg serve --upstream` over the Oxigraph server; yields its base URL."""
    proc, url = start_server(seed_build / "store", "--upstream", oxigraph + "/query", *SLOW_OK,
                             log=seed_build.parent / "serve-upstream.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="module")
def embedded_server(seed_build):
    """`kg serve` over the embedded store of the same build, with the same limits; yields its base URL."""
    proc, url = start_server(seed_build / "store", *SLOW_OK, log=seed_build.parent / "serve-embedded.log")
    yield url
    stop_server(proc)


def sorted_rows(base: str, query: str) -> list[tuple]:
    reply = requests.post(base + "/sparql", data={"query": query}, headers={"Accept": JSON}, timeout=400)
    assert reply.status_code == 200, reply.text
    data = reply.json()
    if "boolean" in data:
        return [(data["boolean"],)]
    return sorted(tuple(sorted((k, tuple(sorted(v.items()))) for k, v in row.items()))
                  for row in data["results"]["bindings"])


def test_the_ready_made_queries_answer_the_same_through_the_upstream(embedded_server, upstream_server):
    compared = 0
    for f in list_queries():
        text = f.path.read_text(encoding="utf-8")
        if "SERVICE" in text:
            continue  # our endpoint refuses SERVICE, upstream or not
        assert sorted_rows(upstream_server, text) == sorted_rows(embedded_server, text), f.name
        compared += 1
    assert compared >= 15


def test_health_and_service_description_describe_the_upstream(embedded_server, upstream_server):
    upstream = requests.get(upstream_server + "/health", timeout=30).json()
    embedded = requests.get(embedded_server + "/health", timeout=30).json()
    assert upstream.pop("build") == {} and embedded.pop("build")["id"]  # the upstream's build is not known
    assert upstream == embedded  # the same graphs, quads and triples (the default graph kg push wrote)
    void = requests.get(upstream_server + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=400)
    assert void.status_code == 200 and "void:triples" in void.text


def test_content_negotiation_is_kept(upstream_server):
    query = "SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 3"
    csv = requests.get(upstream_server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"},
                       timeout=30)
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "s" and len(csv.text.splitlines()) == 4
    turtle = requests.get(upstream_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30,
                          params={"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2"})
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    ask = requests.get(upstream_server + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+xml"}, timeout=30)
    assert ask.status_code == 200 and "<boolean>true</boolean>" in ask.text
    wrong = requests.get(upstream_server + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"},
                         timeout=30)
    assert wrong.status_code == 406


def test_the_safety_rules_hold_over_the_upstream(upstream_server, oxigraph):
    def ask(query: str) -> requests.Response:
        return requests.post(upstream_server + "/sparql", data={"query": query}, headers={"Accept": JSON},
                             timeout=400)

    service = ask(f"SELECT * WHERE {{ SERVICE <{oxigraph}/query> {{ ?s ?p ?o }} }}")
    assert service.status_code == 403 and "SERVICE" in service.text
    outside = ask("SELECT * FROM <http://127.0.0.1:9/elsewhere> WHERE { ?s ?p ?o }")
    assert outside.status_code == 200 and outside.json()["results"]["bindings"] == []  # an empty graph
    assert ask("SELECT * WHERE { ?s ?p ?o }").status_code == 400  # more rows than KG_MAX_ROWS
    assert ask("SELEC * WHERE { ?s ?p ?o }").status_code == 400
    assert ask("CLEAR ALL").status_code == 400  # an update is no query
    update = requests.post(upstream_server + "/update", data={"update": "CLEAR ALL"}, timeout=30)
    assert update.status_code == 403
    assert sorted_rows(upstream_server, "ASK { ?s ?p ?o }") == [(True,)]


def test_pages_are_served_from_the_upstream(upstream_server):
    rows = requests.get(upstream_server + "/sparql", headers={"Accept": JSON}, timeout=30, params={
        "query": "SELECT ?e WHERE { ?e a ?c FILTER(CONTAINS(STR(?e), '/id/event/')) } ORDER BY ?e LIMIT 1"}).json()
    event = rows["results"]["bindings"][0]["e"]["value"]
    path = event[event.index("/id/"):]
    page = requests.get(upstream_server + path, headers={"Accept": "text/html"}, timeout=400)
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert requests.get(upstream_server + "/", timeout=30).status_code == 200


def test_an_upstream_that_does_not_answer_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        accepted = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
        thread.start()
        pool = UpstreamPool(f"http://127.0.0.1:{listener.getsockname()[1]}/query", size=1, timeout=0.5)
        with pytest.raises(QueryTimeout):
            pool.run(Job("SELECT * WHERE { ?s ?p ?o }", "JSON", None))
        thread.join(5)
        for conn, _ in accepted:
            conn.close()


def test_serve_refuses_updates_over_an_upstream():
    result = CliRunner().invoke(main, ["serve", "--upstream", "http://127.0.0.1:9/query", "--enable-updates",
                                       "--token", "t"])
    assert result.exit_code == 1
    assert "read-only" in result.output

"""The endpoint over real HTTP (`kg serve` on a loopback port): common clients, load, time limits, no egress."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from kg.config import Settings
from server.processes import count
from tests.conftest import start_server, stop_server

pytestmark = pytest.mark.live

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
ARTICLES = NG + "SELECT ?a WHERE { ?a a ng:NewsArticle } ORDER BY ?a"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TOKEN = "live-token-71c2"


@pytest.fixture(scope="module")
def articles(live_server) -> list[str]:
    reply = requests.get(live_server + "/sparql", params={"query": ARTICLES}, timeout=60)
    values = [row["a"]["value"] for row in reply.json()["results"]["bindings"]]
    assert len(values) >= 2
    return values


@pytest.fixture
def listener():
    """A TCP listener on a loopback port that the tests point SERVICE, FROM and LOAD at."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock, f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def _nothing_connected(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        conn, _ = sock.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


# --- clients ---------------------------------------------------------------------------------------

def test_sparqlwrapper_with_its_defaults_get_and_xml(live_server, articles):
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(ARTICLES)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    document = result.convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == articles


def test_sparqlwrapper_json_by_post_and_turtle(live_server, articles):
    client = SPARQLWrapper(live_server + "/sparql")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(ARTICLES)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["a"]["value"] for row in rows] == articles
    client.setReturnFormat(TURTLE)
    client.setQuery(NG + "CONSTRUCT { ?a a ng:NewsArticle } WHERE { ?a a ng:NewsArticle }")
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert sorted(str(s) for s in graph.subjects()) == articles


def test_rdflib_sparqlstore(live_server, articles):
    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    assert [str(row.a) for row in graph.query(ARTICLES)] == articles
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    news_article = URIRef("https://w3id.org/newsgraph/ontology#NewsArticle")
    assert sorted(str(s) for s in graph.subjects(rdf_type, news_article)) == articles


def test_raw_requests_every_way(live_server, articles):
    url = live_server + "/sparql"
    replies = [
        requests.get(url, params={"query": ARTICLES}, timeout=60),
        requests.post(url, data={"query": ARTICLES}, timeout=60),
        requests.post(url, data=ARTICLES.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60),
    ]
    for reply in replies:
        assert reply.status_code == 200 and reply.headers["Vary"] == "Accept"
        assert [row["a"]["value"] for row in reply.json()["results"]["bindings"]] == articles
    bad = requests.get(url, params={"query": "SELECT ?x WHERE { ?x ?y }"}, timeout=60)
    assert bad.status_code == 400 and "Traceback" not in bad.text and bad.text.startswith("malformed query")
    assert requests.put(url, data="x", timeout=60).status_code == 405


# --- load --------------------------------------------------------------------------------------------

def test_32_clients_20_queries_each_get_identical_answers(live_server, articles):
    queries = [
        ARTICLES,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        NG + "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s a ng:Person ; ?p ?o } GROUP BY ?p ORDER BY ?p",
        NG + "ASK { ?a a ng:NewsArticle }",
    ]
    expected = [requests.get(live_server + "/sparql", params={"query": q}, timeout=60).json() for q in queries]

    def client(number: int) -> list[tuple[int, int, dict]]:
        with requests.Session() as session:
            answers = []
            for i in range(20):
                which = (number + i) % len(queries)
                reply = session.get(live_server + "/sparql", params={"query": queries[which]}, timeout=120)
                answers.append((which, reply.status_code, reply.json()))
            return answers

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = [answer for future in [pool.submit(client, n) for n in range(32)] for answer in future.result()]
    assert len(results) == 32 * 20
    for which, status, body in results:
        assert status == 200
        assert body == expected[which]


# --- time limit ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_timeout_server(seed_build, tmp_path_factory):
    log = tmp_path_factory.mktemp("timeout") / "serve.log"
    with pytest.MonkeyPatch.context() as patch:
        # two query workers in each web process (server/processes.py): the runaway holds one, the other serves
        patch.setenv("KG_QUERY_WORKERS", str(2 * count(Settings.from_env())))
        proc, url = start_server(seed_build / "store", "--query-timeout", "2", log=log)
    yield url
    stop_server(proc)


def test_runaway_query_is_stopped_while_others_are_served(quick_timeout_server, articles):
    url = quick_timeout_server + "/sparql"
    runaway: dict = {}

    def run() -> None:
        runaway["reply"] = requests.get(url, params={"query": RUNAWAY}, timeout=120)

    thread = threading.Thread(target=run)
    thread.start()
    served_meanwhile = 0
    while thread.is_alive():
        reply = requests.get(url, params={"query": ARTICLES}, timeout=60)
        assert [row["a"]["value"] for row in reply.json()["results"]["bindings"]] == articles
        if thread.is_alive():
            served_meanwhile += 1
    thread.join()
    assert served_meanwhile > 0
    assert runaway["reply"].status_code == 503
    assert "was stopped" in runaway["reply"].text and "Traceback" not in runaway["reply"].text
    # The killed worker was replaced: the server still answers, every time.
    for _ in range(5):
        assert requests.get(url, params={"query": ARTICLES}, timeout=60).status_code == 200


def test_several_runaways_at_once_all_come_back(quick_timeout_server):
    url = quick_timeout_server + "/sparql"
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: requests.get(url, params={"query": RUNAWAY}, timeout=120), range(4)))
    assert [r.status_code for r in replies] == [503] * 4
    assert requests.get(url, params={"query": "ASK {}"}, timeout=60).json()["boolean"] is True


# --- nothing leaves the machine ------------------------------------------------------------------------

def test_the_listener_sees_a_connection_when_pyoxigraph_is_not_guarded(listener):
    """The control: unguarded, pyoxigraph calls the SERVICE endpoint, and the listener notices."""
    sock, address = listener
    errors: list[Exception] = []

    def query() -> None:
        try:
            list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{address}/sparql> {{ ?s ?p ?o }} }}"))
        except OSError as exc:
            errors.append(exc)

    thread = threading.Thread(target=query)
    thread.start()
    sock.settimeout(60)
    conn, _ = sock.accept()
    conn.close()
    thread.join(60)
    assert errors


@pytest.fixture(scope="module")
def update_server(seed_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("live-update")
    shutil.copytree(seed_build / "store", folder / "store")
    proc, url = start_server(folder / "store", "--enable-updates", "--token", TOKEN, log=folder / "serve.log")
    yield url
    stop_server(proc)


def test_service_from_and_load_never_connect(live_server, update_server, listener):
    sock, address = listener
    url = live_server + "/sparql"
    attempts = [
        ({"query": f"SELECT * WHERE {{ SERVICE <{address}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ SERVICE SILENT <{address}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"PREFIX x: <{address}/> SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE x:q {{ ?s ?p ?o }} }} }}"},
         403),
        ({"query": f"SELECT * WHERE {{ \\u0053ERVICE <{address}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"# rows from elsewhere\nSELECT * WHERE {{ SERVICE <{address}/sparql> {{ ?s ?p ?o }} }}"}, 403),
        ({"query": f"SELECT * WHERE {{ ?s ?p ?o # \\u000A SERVICE <{address}/sparql> {{ ?s ?p ?o }}\n }}"}, 403),
        # a "#" line that ends a long string is code, not a comment (rdflib's parser takes it for one: 400)
        ({"query": f'SELECT * WHERE {{ ?s ?p """x\n# y""" . SERVICE <{address}/sparql> {{ ?s ?p ?o }} }}'}, 400),
        # a graph the store does not hold is an empty graph, never fetched (SPARQL 1.1 Protocol)
        ({"query": f"SELECT * FROM <{address}/graph> WHERE {{ ?s ?p ?o }}"}, 200),
        ({"query": f"SELECT * FROM NAMED <{address}/graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, 200),
        ({"query": f"PREFIX x: <{address}/> SELECT * FROM x:graph WHERE {{ ?s ?p ?o }}"}, 200),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{address}/graph"}, 200),
        ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{address}/graph"}, 200),
        ({"query": f"LOAD <{address}/data.ttl>"}, 400),
        ({"query": f"LOAD SILENT <{address}/data.ttl> INTO GRAPH <urn:x>"}, 400),
    ]
    for params, status in attempts:
        for reply in (requests.get(url, params=params, timeout=60), requests.post(url, data=params, timeout=60)):
            assert reply.status_code == status, (params, reply.text)
            assert "Traceback" not in reply.text
            if status == 200:
                assert reply.json()["results"]["bindings"] == []
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    for update in (f"LOAD <{address}/data.ttl>",
                   f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{address}/sparql> {{ ?s ?p ?o }} }}"):
        reply = requests.post(update_server + "/update", data=update.encode(), headers=auth, timeout=60)
        assert reply.status_code == 403, reply.text
    assert _nothing_connected(sock)


def test_live_update_with_token(update_server):
    insert = "INSERT DATA { GRAPH <urn:newsgraph:live> { <urn:newsgraph:s> <urn:newsgraph:p> 7 } }"
    ask = {"query": "ASK { <urn:newsgraph:s> <urn:newsgraph:p> 7 }"}
    headers = {"Content-Type": "application/sparql-update"}
    assert requests.post(update_server + "/update", data=insert, headers=headers, timeout=60).status_code == 401
    assert requests.get(update_server + "/sparql", params=ask, timeout=60).json()["boolean"] is False
    reply = requests.post(update_server + "/update", data=insert, timeout=60,
                          headers={**headers, "Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 204, reply.text
    assert requests.get(update_server + "/sparql", params=ask, timeout=60).json()["boolean"] is True


def _children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _query_workers(server_pid: int) -> set[int]:
    """Process ids of the query workers of the ``kg serve`` process ``server_pid`` and of the other web processes it
    started: the children of their fork servers (the processes multiprocessing starts workers from)."""
    web, todo = {server_pid}, [server_pid]
    while todo:
        more = {pid for pid in _children(todo.pop()) if " serve " in f" {_cmdline(pid)} "}
        todo.extend(more - web)
        web |= more
    servers = {pid for one in web for pid in _children(one) if "forkserver" in _cmdline(pid)}
    return {pid for server in servers for pid in _children(server)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_the_server_even_mid_query(seed_build, tmp_path):
    proc, url = start_server(seed_build / "store", "--query-timeout", "600", log=tmp_path / "serve.log")
    try:
        threading.Thread(target=_ignore_errors, args=(url + "/sparql", RUNAWAY), daemon=True).start()
        workers: set[int] = set()
        for _ in range(600):
            workers = _query_workers(proc.pid)
            if workers:
                break
            time.sleep(0.1)
        assert workers, "no query worker started"
        time.sleep(3)  # let the worker get well into the runaway query
    finally:
        proc.kill()
        proc.wait()
    for _ in range(300):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _ignore_errors(url: str, query: str) -> None:
    with contextlib.suppress(requests.RequestException):
        requests.get(url, params={"query": query}, timeout=600)


def test_kg_serve_starts_every_query_worker_before_it_answers(seed_build, tmp_path):
    """No request waits for a worker to start: they are all up when /health first answers."""
    from kg.config import Settings

    expected = Settings.from_env().workers()
    assert expected == len(os.sched_getaffinity(0))  # by default, one worker per core
    proc, url = start_server(seed_build / "store", log=tmp_path / "serve.log")
    try:
        workers = _query_workers(proc.pid)
        assert len(workers) == expected
        with ThreadPoolExecutor(expected) as pool:
            replies = list(pool.map(lambda _: requests.get(url + "/sparql", params={"query": ARTICLES}, timeout=60),
                                    range(2 * expected)))
        assert all(r.status_code == 200 for r in replies)
        assert _query_workers(proc.pid) == workers
    finally:
        stop_server(proc)

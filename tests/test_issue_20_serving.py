"""Issue 20: cheap queries answered in the web process, heavy ones in killable workers, answers kept in a cache
until the store changes; the three paths give the same bytes.

Real store (the seed build), real worker processes, real rebuilds. No timing is asserted (bench/ measures).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.test import Client as FlaskClient
from werkzeug.test import TestResponse

from server import create_app
from server.classify import is_cheap
from server.embedded import EmbeddedBackend
from server.jobs import Job, QueryTimeout, WorkerFailed
from server.results import PastDeadline
from server.serving import RECEIVED
from server.worker import execute
from tests.conftest import KG, ROOT, SEEDS

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
SHIPPED = sorted(p for p in (ROOT / "queries").glob("*.rq") if "SERVICE" not in p.read_text(encoding="utf-8"))
COUNT = NG + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ng:NewsArticle }"
LIST = NG + "SELECT ?a WHERE { ?a a ng:NewsArticle }"


@pytest.mark.parametrize(
    "text",
    [
        RDFS + "SELECT ?l WHERE { <urn:e> rdfs:label ?l }",
        NG + "SELECT ?o WHERE { ?a ng:mentions <urn:e> . ?a ng:mentions ?o } LIMIT 10",
        NG + "SELECT * WHERE { ?a a ng:NewsArticle ; ng:mentions ?e , ?f . OPTIONAL { ?e ng:x ?y } }",
        NG + "SELECT ?a WHERE { GRAPH ?g { ?a a ng:NewsArticle } }",
        NG + "CONSTRUCT { ?a a ng:X } WHERE { ?a a ng:NewsArticle }",
        RDFS + 'ASK { ?e rdfs:label "Almaty"@en }',
        "DESCRIBE <urn:e>",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "# a comment with ORDER BY in it\nSELECT ?o WHERE { <urn:e> <urn:p> ?o } # GROUP BY",
    ],
)
def test_cheap_queries(text):
    assert is_cheap(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o WHERE { <urn:e> <urn:p> ?o } ORDER BY ?o",
        "SELECT ?o (COUNT(*) AS ?n) WHERE { <urn:e> <urn:p> ?o } GROUP BY ?o",
        "SELECT DISTINCT ?o WHERE { <urn:e> <urn:p> ?o }",
        "SELECT ?o WHERE { <urn:e> <urn:p>* ?o }",
        "SELECT ?o WHERE { <urn:e> <urn:p>/<urn:q> ?o }",
        "SELECT ?o WHERE { <urn:e> ^<urn:p> ?o }",
        "SELECT ?o WHERE { { SELECT ?o WHERE { <urn:e> <urn:p> ?o } } }",
        "SELECT ?o WHERE { <urn:e> <urn:p> ?o FILTER (?o != 1) }",
        "SELECT ?o WHERE { <urn:e> <urn:p> ?o MINUS { ?o <urn:q> 1 } }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
        "SELECT * WHERE { ?s ?p ?o } OFFSET 1000000",
        "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p [ ?q ?r ] }",
        "SELECT * WHERE { ?s ?p ?o",
    ],
)
def test_heavy_queries(text):
    assert not is_cheap(text)


@pytest.fixture(scope="module")
def backend(seed_build):
    backend = EmbeddedBackend(
        str(seed_build / "store"), workers=1, timeout=30, watch=False, inline=2, cache_bytes=16 << 20
    )
    yield backend
    backend.close()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["JSON", "XML"])
def test_inline_worker_and_cache_give_the_same_bytes_on_every_shipped_query(backend, path, fmt):
    job = Job(query=path.read_text(encoding="utf-8"), results_format=fmt, graph_format="TURTLE")
    generation = backend.acquire()
    try:
        inline = execute(generation.store, job, time.monotonic() + 30)
        worker = generation.pool.run(job)
        first, second, cached = generation.run(job), generation.run(job), generation.run(job)
    finally:
        generation.release()
    assert inline.kind == worker.kind == first.kind == "results"
    assert inline.body == worker.body == first.body == second.body == cached.body
    assert cached is second and second is not first  # kept the second time, answered from the cache the third


def test_a_cheap_query_is_answered_without_a_worker(seed_build):
    backend = EmbeddedBackend(str(seed_build / "store"), workers=1, timeout=30, watch=False, inline=1)
    generation = backend.acquire()
    try:
        expected = generation.pool.run(Job(LIST, "JSON", None)).body
        generation.pool.close()  # no worker can answer now
        assert generation.run(Job(LIST, "JSON", None)).body == expected
        with pytest.raises(WorkerFailed):
            generation.run(Job(COUNT, "JSON", None))  # heavy: needs the (closed) workers
    finally:
        generation.release()
        backend.close()


def test_a_cheap_query_past_its_deadline_is_stopped(backend):
    generation = backend.acquire()
    try:
        job = Job("SELECT * WHERE { ?s ?p ?o }", "JSON", None, max_rows=10**9)
        with pytest.raises(PastDeadline):  # thousands of rows are not read in half a millisecond
            execute(generation.store, job, time.monotonic() + 0.0005)
        with pytest.raises(QueryTimeout, match="KG_QUERY_TIMEOUT"):
            generation.run_inline(job, time.monotonic() - 0.001)
    finally:
        generation.release()


def test_a_cheap_query_with_a_long_answer_is_left_to_a_worker(backend):
    generation = backend.acquire()
    try:
        job = Job(LIST.replace("?a a", "?a ?p ?o . ?a a").replace("SELECT ?a", "SELECT *"), "JSON", None)
        assert generation.inline_allowed(job)
        assert generation.run_inline(job, time.monotonic() + 30) is None  # more than INLINE_ROWS rows
        other = Job(job.query.replace("ng:NewsArticle", "ng:Person"), "JSON", None)
        assert not generation.inline_allowed(other)  # the same shape goes to a worker from now on
        assert generation.run(job).body == generation.pool.run(job).body
        assert (
            generation.run_inline(Job(LIST, "JSON", None), time.monotonic() + 30).body
            == generation.pool.run(Job(LIST, "JSON", None)).body
        )
    finally:
        generation.release()


def test_the_endpoint_answers_cheap_queries_with_the_row_limit_and_refusals(seed_build):
    app = create_app({"STORE": str(seed_build / "store"), "QUERY_WORKERS": 1, "MAX_ROWS": 50, "WATCH_STORE": False})
    client = app.test_client()
    reply = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status_code == 400 and "more than 50 rows" in reply.get_data(as_text=True)
    reply = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <urn:x> { ?s ?p ?o } }"})
    assert reply.status_code == 403
    first = client.get("/sparql", query_string={"query": LIST + " LIMIT 3"})
    again = client.get("/sparql", query_string={"query": LIST + " LIMIT 3"})
    assert first.status_code == again.status_code == 200 and first.data == again.data
    app.extensions["kg"].close()


@pytest.fixture(scope="module")
def app(seed_build):
    app = create_app({"STORE": str(seed_build / "store"), "QUERY_WORKERS": 1, "WATCH_STORE": False})
    yield app
    app.extensions["kg"].close()


def _headers(reply) -> dict:
    return {k: v for k, v in reply.headers.items() if k not in ("Date", "Server")}


def _all_alike(replies: list, expected) -> None:
    """Every reply has ``expected``'s status, bytes and headers."""
    for reply in replies:
        assert (reply.status_code, reply.data, _headers(reply)) == (
            expected.status_code, expected.data, _headers(expected))


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (LIST, "application/sparql-results+json"),
        (LIST, "text/csv"),
        (LIST, "application/sparql-results+xml"),
        (LIST, "text/tab-separated-values"),
        (LIST, None),
        (NG + "ASK { ?a a ng:NewsArticle }", "application/sparql-results+xml"),
        (NG + "CONSTRUCT WHERE { ?a a ng:NewsArticle }", "text/turtle"),
        (NG + "CONSTRUCT WHERE { ?a a ng:NewsArticle }", "application/n-triples"),
        (COUNT, "application/sparql-results+json"),  # heavy: answered directly once it is kept
        ("SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json"),  # over the row cap: Flask answers
        (LIST, "image/png"),  # 406: Flask answers
    ],
)
def test_a_plain_get_answered_before_flask_is_the_endpoints_answer(app, query, accept):
    fast = app.test_client()
    flask_only = FlaskClient(app.wsgi_app.inner, TestResponse)
    headers = {"Accept": accept} if accept else {}
    generation = app.extensions["kg"].acquire()
    generation.release()
    replies = []
    for _ in range(3):
        hits = generation.cache.hits
        replies.append(fast.get("/sparql", query_string={"query": query}, headers=headers))
    expected = flask_only.get("/sparql", query_string={"query": query}, headers=headers)
    _all_alike(replies, expected)
    if expected.status_code == 200:
        assert generation.cache.hits > hits  # the last one came from the cache


@pytest.mark.parametrize(
    ("query", "kind", "accept"),
    [
        (LIST, "application/sparql-query", "application/sparql-results+json"),
        (LIST, "application/sparql-query; charset=utf-8", "text/csv"),
        (LIST, "application/x-www-form-urlencoded", "application/sparql-results+json"),
        (NG + "CONSTRUCT WHERE { ?a a ng:NewsArticle }", "application/x-www-form-urlencoded", "text/turtle"),
        (COUNT, "application/sparql-query", "application/sparql-results+json"),  # heavy: direct once it is kept
        (LIST + " # é", "application/x-www-form-urlencoded", None),
        ("", "application/sparql-query", None),  # empty: Flask answers 400
        (LIST, "text/plain", None),  # not a query body: Flask answers 415
    ],
)
def test_a_post_answered_before_flask_is_the_endpoints_answer(app, query, kind, accept, monkeypatch):
    fast = app.test_client()
    flask_only = FlaskClient(app.wsgi_app.inner, TestResponse)
    headers = {"Content-Type": kind, **({"Accept": accept} if accept else {})}
    body = urlencode({"query": query}) if kind.startswith("application/x-www-form") else query.encode("utf-8")
    inner, passed = app.wsgi_app.inner, []

    def counted(environ, start_response):
        passed.append(environ["REQUEST_METHOD"])
        return inner(environ, start_response)

    monkeypatch.setattr(app.wsgi_app, "inner", counted)
    replies = [fast.post("/sparql", data=body, headers=headers) for _ in range(3)]
    expected = flask_only.post("/sparql", data=body, headers=headers)
    _all_alike(replies, expected)
    if expected.status_code == 200:
        assert len(passed) < 3  # the last ones at least were answered before Flask (a heavy one once it is kept)
    else:
        assert len(passed) == 3


def _flask_passes(app, monkeypatch) -> list[str]:
    """The requests that reach Flask from now on (the fast path's ``inner`` app, counted)."""
    inner, passed = app.wsgi_app.inner, []

    def counted(environ, start_response):
        passed.append(environ["REQUEST_METHOD"])
        return inner(environ, start_response)

    monkeypatch.setattr(app.wsgi_app, "inner", counted)
    return passed


def _worker_runs(app, monkeypatch) -> list[str]:
    """The queries the current generation's workers get from now on."""
    generation = app.extensions["kg"].acquire()
    generation.release()
    pool, runs = generation.pool, []
    run = pool.run

    def counted(job, deadline=None):
        runs.append(job.query)
        return run(job, deadline)

    monkeypatch.setattr(pool, "run", counted)
    return runs


def test_a_heavy_query_is_answered_by_a_worker_before_flask(app, monkeypatch):
    text = COUNT + " # heavy, never sent before"
    expected = FlaskClient(app.wsgi_app.inner, TestResponse).get(
        "/sparql", query_string={"query": text + " (Flask)"}, headers={"Accept": "text/csv"})
    passed, runs = _flask_passes(app, monkeypatch), _worker_runs(app, monkeypatch)
    reply = app.test_client().get("/sparql", query_string={"query": text}, headers={"Accept": "text/csv"})
    assert passed == [] and runs == [text]
    assert (reply.status_code, reply.data, _headers(reply)) == (expected.status_code, expected.data, _headers(expected))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT (COUNT(*) AS ?n) WHERE { SERVICE <urn:x> { ?s ?p ?o } }", 403),  # refused
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 400),  # over the row cap, in a worker
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ", 400),  # malformed
    ],
)
def test_an_error_from_a_worker_is_sent_by_flask_without_running_the_query_again(app, monkeypatch, query, status):
    text = f"{query} # {status}"
    passed, runs = _flask_passes(app, monkeypatch), _worker_runs(app, monkeypatch)
    reply = app.test_client().get("/sparql", query_string={"query": text})
    assert reply.status_code == status and passed == ["GET"] and runs == [text]
    expected = FlaskClient(app.wsgi_app.inner, TestResponse).get("/sparql", query_string={"query": text})
    assert (reply.status_code, reply.data, _headers(reply)) == (expected.status_code, expected.data, _headers(expected))


def test_a_worker_that_dies_under_the_fast_path_is_a_500_once(app, monkeypatch):
    generation = app.extensions["kg"].acquire()
    generation.release()
    runs = []

    def dies(job, deadline=None):
        runs.append(job.query)
        raise WorkerFailed("the query worker died (exit code -9)")

    monkeypatch.setattr(generation.pool, "run", dies)
    reply = app.test_client().get("/sparql", query_string={"query": COUNT + " # dies"})
    assert reply.status_code == 500 and "exit code -9" in reply.get_data(as_text=True) and len(runs) == 1
    assert reply.headers["Access-Control-Allow-Origin"] == "*" and "Content-Security-Policy" in reply.headers


def test_a_plain_get_past_its_deadline_is_a_503(seed_build):
    app = create_app({"STORE": str(seed_build / "store"), "QUERY_WORKERS": 1, "WATCH_STORE": False})
    try:
        reply = app.test_client().get(
            "/sparql", query_string={"query": LIST}, environ_overrides={RECEIVED: time.monotonic() - 60}
        )
        assert reply.status_code == 503 and "KG_QUERY_TIMEOUT" in reply.get_data(as_text=True)
        assert reply.headers["Access-Control-Allow-Origin"] == "*" and "Content-Security-Policy" in reply.headers
    finally:
        app.extensions["kg"].close()


def _build(corpus: Path, out: Path) -> None:
    done = subprocess.run(
        [*KG, "build", str(corpus), "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr


def _count(backend: EmbeddedBackend, text: str) -> int:
    generation = backend.acquire()
    try:
        answer = generation.run(Job(text, "CSV", None))
    finally:
        generation.release()
    return len(answer.body.decode().strip().splitlines()) - 1 if text == LIST else int(answer.body.split()[-1])


def _first_seeds_built(seed_build, tmp_path, n: int):
    """A corpus of the first ``n`` seed articles built into ``out`` (the seed build's extraction cache warms it)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for path in seeds[:n]:
        shutil.copy(path, corpus)
    out.mkdir()
    shutil.copytree(seed_build / "cache", out / "cache")
    _build(corpus, out)
    return corpus, out, seeds


def test_a_cached_answer_is_not_served_after_a_rebuild(seed_build, tmp_path):
    corpus, out, seeds = _first_seeds_built(seed_build, tmp_path, 3)
    backend = EmbeddedBackend(str(out / "store"), workers=1, timeout=30, watch=False, inline=2, cache_bytes=1 << 20)
    try:
        assert (_count(backend, COUNT), _count(backend, LIST)) == (3, 3)
        assert (_count(backend, COUNT), _count(backend, LIST)) == (3, 3)  # kept in the cache
        assert (_count(backend, COUNT), _count(backend, LIST)) == (3, 3)  # from the cache
        generation = backend.acquire()
        generation.release()
        assert generation.cache.hits >= 2
        shutil.copy(seeds[3], corpus)
        _build(corpus, out)
        assert backend.reload()
        assert (_count(backend, COUNT), _count(backend, LIST)) == (4, 4)
    finally:
        backend.close()


def test_a_kept_response_is_not_served_after_a_rebuild(seed_build, tmp_path):
    corpus, out, seeds = _first_seeds_built(seed_build, tmp_path, 2)
    app = create_app({"STORE": str(out / "store"), "QUERY_WORKERS": 1, "WATCH_STORE": False})
    client = app.test_client()
    try:
        for _ in range(2):
            assert (
                client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"}).data.split()[-1]
                == b"2"
            )
        shutil.copy(seeds[2], corpus)
        _build(corpus, out)
        assert app.extensions["kg"].reload()
        assert (
            client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"}).data.split()[-1]
            == b"3"
        )
    finally:
        app.extensions["kg"].close()


def test_the_fast_paths_unquoting_is_urllibs():
    """Escapes of every kind (UTF-8, broken UTF-8, a lone or short ``%``, backslashes) read as parse_qs reads them."""
    from urllib.parse import unquote_plus

    from server.fastpath import _unquote_plus

    pieces = ["a", "+", "%", "%2", "%C3%A9", "%c3", "%A9", "%E2%82%AC", "%E2%82", "%ff", "%41", "%5C", "%25", "\\",
              "\\x41", "%G1", "#", "?"]
    chance = random.Random(20)
    for _ in range(20_000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 10)))
        assert _unquote_plus(text) == unquote_plus(text), text

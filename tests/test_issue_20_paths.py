"""Issue 20, the endpoint at scale: the worker's answers written by pyoxigraph are the bytes the row-by-row writer
gives (and keep the row cap), several web processes serve one port and stop together, and the safety check is not
fooled by SERVICE glued to the token before it.

Invented data and queries; a real `kg serve` over the seed build for the web processes. No timing is asserted.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
import requests

from server import results
from server.classify import is_cheap
from server.guard import Malformed, Refused, check_query, needs_parse
from server.jobs import Job, TooManyRows
from server.results import solutions_json, written_solutions_json
from server.worker import execute
from tests.conftest import start_server, stop_server
from tests.test_endpoint_live import _alive

XSD = "http://www.w3.org/2001/XMLSchema#"
ROWS = "SELECT ?s ?o WHERE { ?s <urn:p> ?o }"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """50 subjects with an integer, a string with a language and one with quotes and braces in it."""
    made = ox.Store()
    for number in range(50):
        subject = ox.NamedNode(f"urn:s{number}")
        made.add(ox.Quad(subject, ox.NamedNode("urn:p"), ox.Literal(str(number), datatype=ox.NamedNode(XSD + "int"))))
        made.add(ox.Quad(subject, ox.NamedNode("urn:p"), ox.Literal(f"n{number}", language="en")))
        made.add(ox.Quad(subject, ox.NamedNode("urn:p"), ox.Literal('a "},{" b\n')))
    return made


def test_pyoxigraph_writes_the_bytes_of_the_row_writer(store):
    assert written_solutions_json(store.query(ROWS), 1000) == solutions_json(store.query(ROWS), 1000)


def test_the_written_answer_keeps_the_row_cap(store):
    with pytest.raises(TooManyRows) as written:
        written_solutions_json(store.query(ROWS), 149)
    with pytest.raises(TooManyRows) as by_rows:
        solutions_json(store.query(ROWS), 149)
    assert str(written.value) == str(by_rows.value)
    assert written_solutions_json(store.query(ROWS), 150) is not None


@pytest.mark.parametrize("fmt", ["JSON", "XML", "CSV", "TSV"])
@pytest.mark.parametrize("max_rows", [149, 150])
def test_worker_and_web_process_answers_agree_when_the_byte_bound_is_passed(store, monkeypatch, fmt, max_rows):
    job = Job(query=ROWS, results_format=fmt, graph_format=None, max_rows=max_rows, check=False)
    in_web_process = execute(store, job, time.monotonic() + 30)
    written = execute(store, job)
    monkeypatch.setattr(results, "ROW_BYTES", 1)  # every answer passes the bound: run again, row by row
    again = execute(store, job)
    assert in_web_process == written == again
    assert in_web_process.kind == ("results" if max_rows == 150 else "too-many-rows")


GLUED = [
    "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 1.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 1.5SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p 1e1.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p <urn:o>.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    'SELECT * WHERE { ?s ?p "x"SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }',
    'SELECT * WHERE { ?s ?p "x"@en.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }',
    "SELECT * WHERE { ?s ?p true.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o;?q 1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o,1SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "PREFIX e: <urn:e:> SELECT * WHERE { ?s ?p e:.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "PREFIX e: <urn:e:> SELECT * WHERE { ?s ?p e: SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "PREFIX e: <urn:e:> SELECT * WHERE { ?s ?p e:o. SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { { ?s ?p ?o }SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o FILTER(true)SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o BIND(1 AS ?x)SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o VALUES ?x {1}SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o MINUS{?s ?p 2}SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL{}SERVICE SILENT <http://127.0.0.1:9/> { ?a ?b ?c } }",
]


@pytest.mark.parametrize("text", GLUED)
def test_service_glued_to_the_token_before_it_never_runs(text):
    # pyoxigraph reads most of these as a SERVICE call; the check must refuse them or reject them as malformed
    assert needs_parse(text) and not is_cheap(text)
    with pytest.raises((Refused, Malformed)):
        check_query(text)


def _web_processes(pid: int) -> set[int]:
    """The processes of ``kg serve`` (``pid``) that answer requests: those with query workers (a fork server).
    Under waitress the first process is one of them; under granian it starts them and answers none itself."""
    from tests.test_endpoint_live import _children, _cmdline

    tree = {pid} | {child for child in _children(pid) if " serve " in f" {_cmdline(child)} "}
    return {one for one in tree if any("forkserver" in _cmdline(child) for child in _children(one))}


def test_two_web_processes_share_the_port_and_stop_together(seed_build, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_WEB_PROCESSES", "2")
    proc, url = start_server(seed_build / "store", log=tmp_path / "serve.log")
    try:
        processes = _web_processes(proc.pid)
        assert len(processes) == 2
        query = {"query": "SELECT ?s WHERE { ?s a <https://w3id.org/newsgraph/ontology#NewsArticle> }"}

        def ask(_number: int) -> bytes:
            with requests.Session() as session:
                return session.get(url + "/sparql", params=query, timeout=30).content

        with ThreadPoolExecutor(8) as pool:
            answers = set(pool.map(ask, range(32)))
        assert len(answers) == 1
    finally:
        stop_server(proc)
    assert proc.returncode == 0
    processes.add(proc.pid)
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in processes)
    # every process removed its checkpoints (named <pid>-<n>; other tests' servers may have theirs there)
    serving = seed_build / ".store.serving"
    left = [f.name for f in serving.iterdir()] if serving.exists() else []
    assert not [name for name in left if int(name.split("-")[0]) in processes]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?from ?load ?service WHERE { ?s ?p ?from }",
        "SELECT ($from AS ?x) WHERE { ?s ?p $from } ORDER BY ?load",
        "# answer: held from 'then' until \"now\"\nSELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_the_words_in_variables_or_comment_lines_need_no_parse(text):
    # a second parse (rdflib's) took 0.1-1 s of each such query (queries/x8-posts-held.rq, cq06)
    assert not needs_parse(text)
    assert check_query(text) is None


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("SELECT ?from FROM <urn:g> WHERE { ?s ?p ?from }", "dataset"),
        ("SELECT ?from\nFROM <urn:g> WHERE { ?s ?p ?o }", "dataset"),
        ("SELECT ?x WHERE { ?s ?p ?from SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", "refused"),
        ("SELECT ?x WHERE { ?s ?p ?from.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", "refused"),
        ("SELECT ?x WHERE { ?s ?p '''\n# it's ''' SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }", "refused"),
        ("SELECT ?fromé WHERE { ?s ?p ?fromé }", "none"),  # a name beyond ASCII keeps its words: parsed
    ],
)
def test_the_keywords_beside_variables_and_comments_are_still_parsed(text, verdict):
    assert needs_parse(text)
    if verdict == "refused":
        with pytest.raises((Refused, Malformed)):  # refused, or malformed to rdflib: never run
            check_query(text)
    else:
        assert (check_query(text) is None) == (verdict == "none")

"""`kg push`: the seed build into a real Oxigraph server over the Graph Store Protocol, resumable and idempotent."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from kg.cli import main
from kg.store.push import DEFAULT_GRAPH, PushError, Target, push, read_graphs, read_log, verify
from tests.conftest import stop_server
from tests.oxigraph_server import graph_sizes, start_oxigraph

pytestmark = pytest.mark.live


@pytest.fixture
def build(seed_build, tmp_path) -> Path:
    """A build folder of our own holding the seed build's kg.nq (the push log goes next to it)."""
    folder = tmp_path / "build"
    folder.mkdir()
    shutil.copy(seed_build / "kg.nq", folder / "kg.nq")
    return folder


@pytest.fixture
def oxigraph(tmp_path):
    proc, url = start_oxigraph(tmp_path / "oxigraph")
    yield url
    stop_server(proc)


def local_sizes(nquads: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        sizes[quad.graph_name.value] = sizes.get(quad.graph_name.value, 0) + 1
    return sizes


def test_push_writes_every_named_graph_and_a_repush_replaces_them(build, oxigraph):
    expected = local_sizes(build / "kg.nq")
    assert len(expected) >= 3  # article graphs, the ontology graph, the inferred graph
    result = CliRunner().invoke(main, ["push", "--endpoint", oxigraph + "/query", "--out", str(build)])
    assert result.exit_code == 0, result.output
    assert f"pushed {len(expected)} graph(s)" in result.output
    assert "every pushed graph holds its triples" in result.output
    assert graph_sizes(oxigraph + "/query") == expected
    merge = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(path=str(build / "kg.nq"),
                                                                                format=ox.RdfFormat.N_QUADS)}
    assert _default_size(oxigraph + "/query") == len(merge) < sum(expected.values())  # the merge, a set

    again = CliRunner().invoke(main, ["push", "--endpoint", oxigraph + "/query", "--out", str(build), "--force",
                                      "--batch", "2"])
    assert again.exit_code == 0, again.output
    assert f"pushed {len(expected)} graph(s)" in again.output
    assert graph_sizes(oxigraph + "/query") == expected  # replaced, not doubled


def _default_size(endpoint: str) -> int:
    reply = requests.post(endpoint, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def test_verify_finds_a_graph_the_store_holds_differently(build, oxigraph):
    report = push(build / "kg.nq", Target(oxigraph + "/store"), build / "push-log.jsonl")
    verify(oxigraph + "/query", report.sizes, Target(oxigraph + "/store"))
    changed = report.pushed[0]
    reply = requests.post(oxigraph + "/store", params={"graph": changed}, data=b"<urn:x:a> <urn:x:b> <urn:x:c> .\n",
                          headers={"Content-Type": "application/n-triples"}, timeout=30)
    assert reply.ok
    with pytest.raises(PushError, match=f"<{changed}> has {report.sizes[changed] + 1} triples"):
        verify(oxigraph + "/query", report.sizes, Target(oxigraph + "/store"))


def test_a_push_resumes_from_its_log_and_resends_changed_graphs(build, oxigraph):
    target = Target(oxigraph + "/store")
    log = build / "push-log.jsonl"
    first = push(build / "kg.nq", target, log)
    graphs = sorted(read_graphs(build / "kg.nq"))
    assert sorted(first.pushed) == graphs and not first.skipped

    entries = log.read_text().splitlines()
    kept = [json.loads(line) for line in entries[:2]]
    kept[1]["sha256"] = "0" * 64  # this graph changed since it was pushed
    log.write_text("".join(json.dumps(entry) + "\n" for entry in kept) + '{"graph": "cut off mid-wri')
    resumed = push(build / "kg.nq", target, log)
    assert resumed.skipped == [kept[0]["graph"]]
    assert sorted(resumed.pushed) == sorted(set(graphs) - {kept[0]["graph"]})
    assert graph_sizes(oxigraph + "/query") == local_sizes(build / "kg.nq")
    assert set(read_log(log, target.graph_store)) == {*graphs, DEFAULT_GRAPH}

    assert push(build / "kg.nq", target, log).pushed == []
    assert read_log(log, "http://127.0.0.1:9/other-store") == {}  # the log is kept per graph store


def test_an_unreachable_store_fails_after_bounded_retries_and_the_next_push_resumes(build, tmp_path):
    proc, url = start_oxigraph(tmp_path / "store-b")
    stop_server(proc)
    target = Target(url + "/store", retries=2, backoff=0.01, timeout=5)
    with pytest.raises(PushError, match="after 3 attempts"):
        push(build / "kg.nq", target, build / "push-log.jsonl")
    assert read_log(build / "push-log.jsonl", target.graph_store) == {}

    proc, url2 = start_oxigraph(tmp_path / "store-b")
    try:
        report = push(build / "kg.nq", Target(url2 + "/store"), build / "push-log.jsonl")
        assert len(report.pushed) == len(local_sizes(build / "kg.nq"))
    finally:
        stop_server(proc)


class _FlakyStore(BaseHTTPRequestHandler):
    """A graph store that answers 503 to the first PUT of each graph, then 204; it records every request."""

    seen: list[tuple[str, str, str]] = []

    def do_PUT(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        first = not any(path == self.path for path, _, _ in self.seen)
        self.seen.append((self.path, self.headers.get("Authorization", ""), self.headers["Content-Type"]))
        self.send_response(503 if first else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("option", "header"), [(["--token", "t0k"], "Bearer t0k"),
                                                 (["--auth", "dba:pw"], "Basic ZGJhOnB3")])
def test_push_retries_a_busy_store_and_sends_credentials(build, option, header):
    _FlakyStore.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/gsp"
        result = CliRunner().invoke(main, ["push", "--endpoint", url, *option, "--out", str(build), "--no-verify"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    graphs = len(local_sizes(build / "kg.nq"))
    assert len(_FlakyStore.seen) == 2 * (graphs + 1)  # every named graph and the default graph, each twice
    assert {auth for _, auth, _ in _FlakyStore.seen} == {header}
    assert {ctype for _, _, ctype in _FlakyStore.seen} == {"application/n-triples"}
    paths = [path for path, _, _ in _FlakyStore.seen]
    assert all(path.startswith("/gsp?graph=") for path in paths[:-2]) and paths[-2:] == ["/gsp?default="] * 2


def test_push_names_a_missing_build():
    result = CliRunner().invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/query", "--out", "/nonexistent"])
    assert result.exit_code == 2
    assert "run `kg build` first" in result.output

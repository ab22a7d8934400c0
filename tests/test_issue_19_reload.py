"""Issue 19: `kg serve` follows rebuilds and updates, and no answer fails or mixes two stores during a switch.

A real `kg serve` serves a build folder while a real `kg build` replaces the store in it (from the extraction
cache, so without spaCy); clients ask all the while. Updates persist in the store folder, and the next build
replaces them.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import KG, ROOT, SEEDS, start_server, stop_server

pytestmark = pytest.mark.live

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> "
#: Two counts that must come from one store: articles in the default graph and article graphs.
ARTICLES = NG + ("SELECT (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?g) AS ?graphs) "
                 "WHERE { ?a a ng:NewsArticle . GRAPH ?g { ?a a ng:NewsArticle } }")
TOKEN = "reload-token-5e1d"


def _build(corpus: Path, out: Path) -> None:
    done = subprocess.run([*KG, "build", str(corpus), "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr


def _counts(url: str) -> tuple[int, int]:
    reply = requests.get(url + "/sparql", params={"query": ARTICLES}, timeout=60)
    assert reply.status_code == 200, reply.text
    row = reply.json()["results"]["bindings"][0]
    return int(row["articles"]["value"]), int(row["graphs"]["value"])


def _health(url: str) -> dict:
    return requests.get(url + "/health", timeout=30).json()


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def build_folder(seed_build, tmp_path) -> Path:
    """A build folder of four seed articles, with the seed build's extraction cache (rebuilds need no spaCy)."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(path, corpus)
    out.mkdir()
    shutil.copytree(seed_build / "cache", out / "cache")
    _build(corpus, out)
    return out


def test_a_rebuild_is_served_within_seconds_and_no_answer_fails_or_mixes(build_folder, tmp_path):
    corpus = tmp_path / "corpus"
    proc, url = start_server(build_folder / "store", log=tmp_path / "serve.log")
    try:
        before = _health(url)
        assert before["build"]["id"] and before["build"]["date"]
        assert _counts(url) == (4, 4)
        seen: list[tuple[int, int]] = []
        failures: list[str] = []
        stop = threading.Event()

        def ask() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    reply = session.get(url + "/sparql", params={"query": ARTICLES}, timeout=60)
                    if reply.status_code != 200:
                        failures.append(f"{reply.status_code}: {reply.text}")
                        continue
                    row = reply.json()["results"]["bindings"][0]
                    seen.append((int(row["articles"]["value"]), int(row["graphs"]["value"])))
                    page = session.get(url + "/timeline", timeout=60)
                    if page.status_code != 200:
                        failures.append(f"/timeline {page.status_code}: {page.text[:200]}")

        clients = [threading.Thread(target=ask) for _ in range(4)]
        for client in clients:
            client.start()
        shutil.copy(sorted(SEEDS.glob("*.txt"))[4], corpus)
        _build(corpus, build_folder)
        switched = _wait_for(lambda: _health(url)["build"]["id"] != before["build"]["id"], seconds=60)
        time.sleep(1)
        stop.set()
        for client in clients:
            client.join(120)
        assert switched, "the new build was not served within a minute"
        assert failures == []
        assert set(seen) <= {(4, 4), (5, 5)} and (5, 5) in seen  # each answer from one store, never a mix
        after = _health(url)
        assert after["quads"] > before["quads"] and after["build"]["date"] >= before["build"]["date"]
        assert _wait_for(lambda: _counts(url) == (5, 5))  # every web process on the new store (see below)
    finally:
        stop_server(proc)
    # the server's checkpoints of the store go with it
    serving = build_folder / ".store.serving"
    assert not serving.exists() or not any(serving.iterdir())


def test_updates_persist_in_the_store_and_the_next_build_replaces_them(build_folder, tmp_path):
    corpus = tmp_path / "corpus"
    insert = "INSERT DATA { GRAPH <urn:newsgraph:note> { <urn:newsgraph:s> <urn:newsgraph:p> 7 } }"
    ask = {"query": "ASK { <urn:newsgraph:s> <urn:newsgraph:p> 7 }"}
    headers = {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"}
    proc, url = start_server(build_folder / "store", "--enable-updates", "--token", TOKEN,
                             log=tmp_path / "serve.log")
    try:
        reply = requests.post(url + "/update", data=insert, headers=headers, timeout=120)
        assert reply.status_code == 204, reply.text
        assert requests.get(url + "/sparql", params=ask, timeout=60).json()["boolean"] is True
    finally:
        stop_server(proc)
    proc, url = start_server(build_folder / "store", log=tmp_path / "serve-again.log")
    try:
        assert requests.get(url + "/sparql", params=ask, timeout=60).json()["boolean"] is True  # persisted
        build = _health(url)["build"]
        _build(corpus, build_folder)  # the same articles: the same graph (and build id), built again
        assert _wait_for(lambda: _health(url)["build"]["date"] != build["date"])
        assert _health(url)["build"]["id"] == build["id"]
        # replaced: each web process follows the store folder on its own (every second), so the one that answers
        # the ASK may switch a moment after the one that answered /health; within the minute, every one has
        assert _wait_for(lambda: requests.get(url + "/sparql", params=ask, timeout=60).json()["boolean"] is False)
    finally:
        stop_server(proc)


def test_closing_right_after_a_reload_leaves_no_checkpoint(seed_build, tmp_path):
    """A generation retired by a reload is stopped in a thread of its own; closing the backend waits for it, so a
    server stopped at once removes every checkpoint it made (the next server need not clean up after it)."""
    from server.embedded import EmbeddedBackend

    shutil.copytree(seed_build / "store", tmp_path / "store")
    for _ in range(3):
        backend = EmbeddedBackend(str(tmp_path / "store"), workers=1, timeout=30, watch=False)
        backend.warm()
        assert backend.reload(force=True)  # the first generation is retired and being stopped
        backend.close()
        serving = tmp_path / ".store.serving"
        assert not serving.exists() or not any(serving.iterdir())

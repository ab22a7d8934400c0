"""A build killed midway leaves the previous outputs and store intact, and still served."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kg.store.stores import EmbeddedStore
from tests.conftest import KG, ROOT, SEEDS, start_server, stop_server

SEED_FILES = sorted(SEEDS.glob("*.txt"))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _build(corpus, out, pause: tuple[str, Path] | None = None) -> subprocess.Popen:
    """Start `kg build` in a subprocess; its output goes to ``<out>.log``. With ``pause=(stage, flag)`` the build
    writes the flag file and waits to be killed when it reaches that stage (``tests.hooks.paused_build``)."""
    command = [sys.executable, "-m", "tests.hooks.paused_build", pause[0], str(pause[1])] if pause else KG
    with open(f"{out}.log", "wb") as log:
        return subprocess.Popen([*command, "build", str(corpus), "--out", str(out)], cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT)


def _log(out) -> str:
    with open(f"{out}.log", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def _served_count(url: str) -> int:
    answer = requests.get(url + "/sparql", params={"query": COUNT},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.live
@pytest.mark.parametrize("stage", ["store", "swap"])
def test_killed_build_leaves_the_previous_store_intact_and_served(tmp_path, stage):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    shutil.copy(SEED_FILES[0], corpus)
    first = _build(corpus, out)
    assert first.wait(timeout=300) == 0, _log(out)
    before = {name: (out / name).read_bytes() for name in ("kg.nq", "kg.ttl", "kg.owl", "report.json", "void.ttl")}
    size = len(EmbeddedStore(out / "store"))
    server, url = start_server(out / "store")
    try:
        assert _served_count(url) == size

        shutil.copy(SEED_FILES[1], corpus)
        flag = tmp_path / "paused"
        second = _build(corpus, out, pause=(stage, flag))
        deadline = time.monotonic() + 300
        while not flag.exists():
            assert second.poll() is None, _log(out)
            assert time.monotonic() < deadline, "the build never reached the stage"
            time.sleep(0.1)
        assert flag.read_text() == stage
        second.send_signal(signal.SIGKILL)
        second.wait(timeout=30)
        assert second.returncode == -signal.SIGKILL

        assert {name: (out / name).read_bytes() for name in before} == before
        assert len(EmbeddedStore(out / "store")) == size
        assert _served_count(url) == size
    finally:
        stop_server(server)

    # the next build cleans up what the killed one left, and replaces the outputs
    third = _build(corpus, out)
    assert third.wait(timeout=300) == 0, _log(out)
    assert len(EmbeddedStore(out / "store")) > size
    assert not (out / ".staging").exists()

"""A real Oxigraph server (the `oxigraph` CLI from PyPI) on a free loopback port, for the remote-store tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.conftest import free_port, stop_server


def oxigraph_binary() -> str:
    """The `oxigraph` command installed next to this Python (the test extra installs it)."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the `oxigraph` command is missing: pip install -e '.[test]'")
    return found


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, str]:
    """Start `oxigraph serve` over ``location`` (its default graph as `kg push` writes it: the merge); its base URL."""
    port = free_port()
    log = location.parent / f"oxigraph-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location),
                                 "--bind", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited: {log.read_text()}")
        try:
            requests.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"oxigraph serve did not answer within 30 s: {log.read_text()}")


def graph_sizes(endpoint: str) -> dict[str, int]:
    """Triples per named graph of a SPARQL endpoint."""
    reply = requests.post(endpoint, data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                                   "GROUP BY ?g"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
    reply.raise_for_status()
    return {row["g"]["value"]: int(row["n"]["value"]) for row in reply.json()["results"]["bindings"]}

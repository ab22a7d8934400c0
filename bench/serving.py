"""Benchmark 4: query throughput and latency of ``kg serve`` against Oxigraph's own server and rdflib-endpoint.

For each size of ``BENCH_QUERY_SIZES`` (articles of ``BENCH_QUERY_SENTENCES`` sentences: 70 and 700 give about
100k and 1M quads) a synthetic corpus is built once and kept under ``BENCH_WORK`` (later runs reuse it). The
servers run side by side, each its own process on a loopback port: ``kg serve`` (our store), ``oxigraph
serve-read-only`` (PyPI ``oxigraph``: the same kg.nq loaded with ``oxigraph load``, then kg.ttl into its default
graph, the merge, as ours) and ``rdflib-endpoint serve`` (kg.nq in rdflib's memory; only up to
``BENCH_QUERY_RDFLIB_QUADS`` quads, it takes minutes to load more and answers a few queries a second).

Queries: every ``bench/queries/*.rq`` then every ``queries/*.rq`` (not ``SERVICE``); ``<urn:bench:entity>`` stands
for the most mentioned person of the build. Each cell (query, clients, cold or repeated) runs
``BENCH_QUERY_REPEATS`` times on every server, the servers' order rotating from one run to the next, and reports
the medians. *Repeated*: the same text back to back (a cache may answer). *Cold*: every request a text never sent
before (:func:`bench.load.load`), so no cache can help. The memory of ``kg serve``'s process tree (web process,
fork server, workers) is sampled during its 8-client cells.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from bench.common import BIN, KG_BUILD, ROOT, env_float, env_int, env_list, run_child
from bench.load import MemoryWatch, Server, load

logger = logging.getLogger(__name__)

ENTITY = "<urn:bench:entity>"
MODES = ("cold", "repeated")
MOST_MENTIONED = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
SELECT ?p (COUNT(?a) AS ?n) WHERE { ?a ng:mentions ?p . ?p a ng:Person } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1"""


def query_files() -> list[Path]:
    """The benchmark's own queries (written for any corpus), then the project's (competency questions)."""
    return sorted((ROOT / "bench" / "queries").glob("*.rq")) + sorted((ROOT / "queries").glob("*.rq"))


def is_federated(text: str) -> bool:
    """Whether a query uses ``SERVICE``: timing it would measure the network, not the server."""
    return re.search(r"\bSERVICE\b", text, re.IGNORECASE) is not None


def ensure_build(work: Path, articles: int, sentences: int) -> Path:
    """The build of the synthetic corpus of ``articles`` articles, made once and kept (``stamp`` says of what)."""
    folder = work / f"query-{articles}x{sentences}"
    build, stamp = folder / "build", folder / "stamp"
    wanted = f"articles={articles} sentences={sentences} seed=1\n"
    if (build / "kg.nq").exists() and (build / "store").is_dir() and stamp.exists() and stamp.read_text() == wanted:
        return build
    from bench.synth import write_corpus

    shutil.rmtree(folder, ignore_errors=True)
    write_corpus(folder / "corpus", articles, seed=1, sentences=sentences)
    built = run_child([*KG_BUILD, str(folder / "corpus"), "--out", str(build), "--no-cache"], log=folder / "build.log")
    if not built.ok:
        raise RuntimeError(f"the benchmark build of {articles} articles failed: {built.output}")
    stamp.write_text(wanted)
    return build


def oxigraph_store(build: Path) -> Path:
    """Oxigraph's own store of the build (its named graphs, then their merge into the default graph), kept."""
    store, stamp = build.parent / "oxigraph-store", build.parent / "oxigraph-stamp"
    nq = build / "kg.nq"
    wanted = f"{nq.stat().st_size} {nq.stat().st_mtime_ns}\n"
    if store.is_dir() and stamp.exists() and stamp.read_text() == wanted:
        return store
    shutil.rmtree(store, ignore_errors=True)
    for data in (nq, build / "kg.ttl"):
        loaded = run_child(
            [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(data)],
            log=build.parent / "oxigraph-load.log",
        )
        if not loaded.ok:
            raise RuntimeError(f"oxigraph load failed: {loaded.output}")
    stamp.write_text(wanted)
    return store


def oxigraph_command(build: Path) -> list[str]:
    """Oxigraph's own server, read-only, on its store of the build (``{port}``: the port)."""
    return [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(oxigraph_store(build)),
        "--bind",
        "127.0.0.1:{port}",
    ]


def most_mentioned(store_path: Path) -> str:
    """The IRI of the person most articles mention (the subject of the entity queries)."""
    store = ox.Store.read_only(str(store_path))
    try:
        return next(iter(store.query(MOST_MENTIONED)))["p"].value
    finally:
        del store


def servers(build: Path, quads: int, work: Path) -> list[Server]:
    """Start every server on the build (rdflib-endpoint only on a small one)."""
    out = [
        Server(
            "kg serve",
            [str(BIN / "kg"), "serve", "--store", str(build / "store"), "--port", "{port}"],
            "/sparql",
            work / "server-kg.log",
        ),
        Server("oxigraph serve", oxigraph_command(build), "/query", work / "server-oxigraph.log"),
    ]
    if quads <= env_int("QUERY_RDFLIB_QUADS", 200_000) and (BIN / "rdflib-endpoint").exists():
        out.append(
            Server(
                "rdflib-endpoint",
                [
                    str(BIN / "rdflib-endpoint"),
                    "serve",
                    str(build / "kg.nq"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "{port}",
                ],
                "/",
                work / "server-rdflib.log",
            )
        )
    return out


def timed_out(cell: dict) -> bool:
    """Whether some requests of a load run got no answer within the client's timeout."""
    return any(kind in ("TimeoutError", "timeout") for kind in cell.get("error_kinds", ()))


def _median_cell(cells: list[dict]) -> dict:
    return {
        "qps": statistics.median(c["qps"] for c in cells),
        "p50_ms": statistics.median(c["p50_ms"] for c in cells),
        "p99_ms": statistics.median(c["p99_ms"] for c in cells),
        "errors": sum(c["errors"] for c in cells),
        "ok": sum(c["ok"] for c in cells),
        "runs": [round(c["qps"], 1) for c in cells],
    }


def run_size(work: Path, articles: int, sentences: int, queries: dict[str, str]) -> dict:
    """Every query at every concurrency, cold and repeated, on every server, for one size."""
    clients = env_list("QUERY_CLIENTS", "8,1,32")
    seconds, repeats = env_float("QUERY_SECONDS", 1.0), env_int("QUERY_REPEATS", 2)
    max_requests, timeout = env_int("QUERY_MAX", 3000), env_float("QUERY_TIMEOUT", 10)
    build = (
        Path(os.environ["BENCH_QUERY_BUILD"])
        if os.environ.get("BENCH_QUERY_BUILD")
        else ensure_build(work, articles, sentences)
    )
    quads = sum(1 for _ in (build / "kg.nq").open(encoding="utf-8"))
    entity = most_mentioned(build / "store")
    texts = {name: text.replace(ENTITY, f"<{entity}>") for name, text in queries.items()}
    started = servers(build, quads, work)
    result: dict = {
        "articles": articles,
        "sentences": sentences,
        "quads": quads,
        "entity": entity,
        "clients": clients,
        "seconds": seconds,
        "repeats": repeats,
        "servers": {},
        "queries": {},
    }
    ready: list[Server] = []
    for server in started:
        try:
            result["servers"][server.name] = {"ready_s": server.wait_ready(env_float("SERVER_START_TIMEOUT", 600))}
            ready.append(server)
        except RuntimeError as exc:
            logger.warning("%s", exc)
            result["servers"][server.name] = {"error": str(exc)[:500]}
    ours = next((s for s in ready if s.name == "kg serve"), None)
    memory = MemoryWatch(ours.proc.pid) if ours else None
    stop_at = time.perf_counter() + env_float("QUERY_BUDGET", 1800)
    #: per server, the queries some of whose requests it did not answer within the timeout: it is started again
    #: (its backlog would load the machine for every later cell), and is not sent that query again
    gave_up: dict[str, list[str]] = {s.name: [] for s in ready}
    result["gave_up"] = gave_up
    try:
        for name, text in texts.items():
            result["queries"][name] = {"rows": {s.name: s.probe(text, timeout) for s in ready}, "cells": {}}
        # every query at 8 clients (the issue's targets) first, then at 1, then at 32 (BENCH_QUERY_CLIENTS' order):
        # a budget that runs out leaves out the last level's cells, never the targets'
        for n in clients:
            for name, text in texts.items():
                for mode in MODES:
                    if time.perf_counter() > stop_at:
                        break
                    runs: dict[str, list[dict]] = {s.name: [] for s in ready}
                    for rep in range(repeats):
                        for server in ready[rep % len(ready) :] + ready[: rep % len(ready)]:
                            if name in gave_up[server.name]:
                                continue
                            if memory is not None:
                                memory.active = server is ours and n == 8
                            runs[server.name].append(
                                load(
                                    server.port,
                                    server.path,
                                    text,
                                    n,
                                    seconds,
                                    max_requests,
                                    timeout,
                                    cold=mode == "cold",
                                )
                            )
                            if memory is not None:
                                memory.active = False
                            if timed_out(runs[server.name][-1]):
                                logger.warning("%s: requests of %s timed out: started again, not sent it again",
                                               server.name, name)
                                gave_up[server.name].append(name)
                                server.restart(env_float("SERVER_START_TIMEOUT", 600))
                                if memory is not None and server is ours:
                                    memory.pid = ours.proc.pid
                    cell = {s: _median_cell(r) for s, r in runs.items() if r}
                    result["queries"][name]["cells"][f"{mode} {n}"] = cell
                    logger.info(
                        "%s %s x%d: %s",
                        name,
                        mode,
                        n,
                        ", ".join(f"{s} {c['qps']:.0f} q/s p99 {c['p99_ms']:.1f} ms" for s, c in cell.items()),
                    )
    finally:
        if memory is not None:
            memory.stop()
            result["memory_8_clients"] = {"rss_mib": memory.peak_rss, "pss_mib": memory.peak_pss}
        for server in started:
            server.stop()
    return result


def run(work: Path) -> dict:
    """The benchmark at every size (``BENCH_QUERY_SIZES``)."""
    queries = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in query_files()}
    federated = sorted(q for q, text in queries.items() if is_federated(text))
    only = [p for p in os.environ.get("BENCH_QUERY_ONLY", "").split(",") if p]
    queries = {
        q: text
        for q, text in queries.items()
        if q not in federated and (not only or any(q.rsplit("/", 1)[-1].startswith(p) for p in only))
    }
    sentences = env_int("QUERY_SENTENCES", 12)
    sizes = [run_size(work, n, sentences, queries) for n in env_list("QUERY_SIZES", "70,700")]
    return {"federated": federated, "sizes": sizes}


def markdown(r: dict) -> str:
    """The results.md section (:mod:`bench.serving_report`)."""
    from bench.serving_report import report

    return report(r)

"""Benchmark 4: query throughput and latency against three SPARQL servers on the same data.

Servers, all on 127.0.0.1, each started as its own process and stopped afterwards:
``kg serve`` (our store), ``oxigraph serve-read-only`` (PyPI ``oxigraph``; the same kg.nq loaded
with ``oxigraph load``, and kg.ttl into its default graph: the merge, as ours) and ``rdflib-endpoint serve``
(kg.nq parsed into rdflib's in-memory Dataset). Queries: every ``queries/*.rq`` plus ``bench/queries/*.rq``.

For each server, query and number of concurrent clients (``BENCH_QUERY_CLIENTS``, default 1, 8,
32), the clients send the query back to back for ``BENCH_QUERY_SECONDS`` seconds or until
``BENCH_QUERY_MAX`` requests were sent; each request may take ``BENCH_QUERY_TIMEOUT`` seconds.
Clients are threads of this process (keep-alive HTTP connections), so on a 2-core machine the
load generator competes with the server for CPU, equally for every server. Each server gets
``BENCH_QUERY_BUDGET`` seconds: every query runs with the fewest clients first, then every query with
the next number, so a budget that runs out leaves out the heaviest cells, never whole queries.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import BIN, KG_BUILD, ROOT, env_float, env_int, env_list, fmt, run_child
from bench.scale import build_dir

logger = logging.getLogger(__name__)

ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_files() -> list[Path]:
    """The benchmark's own queries (written for any corpus), then the project's (competency questions)."""
    return sorted((ROOT / "bench" / "queries").glob("*.rq")) + sorted((ROOT / "queries").glob("*.rq"))


def is_federated(text: str) -> bool:
    """Whether a query uses ``SERVICE``: timing it would measure the network, not the server."""
    return re.search(r"\bSERVICE\b", text, re.IGNORECASE) is not None


def _request(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    conn.request("GET", f"{path}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": ACCEPT})
    response = conn.getresponse()
    return response.status, response.read()


def _rows(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "?"
    if "boolean" in data:
        return str(data["boolean"]).lower()
    return str(len(data.get("results", {}).get("bindings", [])))


def load(port: int, path: str, query: str, clients: int, seconds: float, max_requests: int,
         timeout: float) -> dict:
    """``clients`` threads send ``query`` back to back; returns throughput, latencies, errors."""
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal sent
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            with lock:
                if sent >= max_requests or time.perf_counter() > stop_at:
                    break
                sent += 1
            start = time.perf_counter()
            try:
                status, _body = _request(conn, path, query)
                elapsed = time.perf_counter() - start
                with lock:
                    (latencies.append(elapsed) if status == 200 else errors.append(f"HTTP {status}"))
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    wall = time.perf_counter() - start
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    return {"clients": clients, "ok": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors)),
            "wall_s": wall, "qps": len(latencies) / wall, "p50_ms": 1000 * pct(0.50), "p99_ms": 1000 * pct(0.99)}


class Server:
    """One SPARQL server process on a free loopback port."""

    def __init__(self, name: str, args: list[str], port: int, path: str, log: Path) -> None:
        self.name, self.port, self.path, self.log = name, port, path, log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until the server answers a trivial query."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-1000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                status, _ = _request(conn, self.path, "ASK { ?s ?p ?o }")
                conn.close()
                if status == 200:
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_servers(build: Path, work: Path) -> list[tuple[str, list[str], str]]:
    """The command line and SPARQL path of each server (oxigraph's store is loaded here)."""
    nq = build / "kg.nq"
    oxstore = work / "oxigraph-store"
    if oxstore.exists():
        import shutil

        shutil.rmtree(oxstore)
    for data in (nq, build / "kg.ttl"):  # the named graphs, then their merge into the default graph, as ours
        loaded = run_child([str(BIN / "oxigraph"), "load", "--location", str(oxstore), "--file", str(data)],
                           log=work / "oxigraph-load.log")
        if not loaded.ok:
            raise RuntimeError(f"oxigraph load failed: {loaded.output}")
    return [
        ("kg serve", [str(BIN / "kg"), "serve", "--store", str(build / "store"), "--port", "{port}"], "/sparql"),
        ("oxigraph serve", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxstore),
                            "--bind", "127.0.0.1:{port}"], "/query"),
        ("rdflib-endpoint", [str(BIN / "rdflib-endpoint"), "serve", str(nq), "--host", "127.0.0.1",
                             "--port", "{port}"], "/"),
    ]


def _probe_rows(port: int, path: str, text: str, timeout: float) -> int | str:
    """The number of rows one request for ``text`` answers (or what went wrong)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        status, body = _request(conn, path, text)
        return _rows(body) if status == 200 else f"HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        conn.close()


def run(work: Path) -> dict:
    """Start each server in turn and load it with every query at every concurrency."""
    size = env_int("QUERY_ARTICLES", 100)
    clients = env_list("QUERY_CLIENTS", "1,8,32")
    seconds = env_float("QUERY_SECONDS", 1.5)
    max_requests = env_int("QUERY_MAX", 500)
    timeout = env_float("QUERY_TIMEOUT", 10)
    budget = env_float("QUERY_BUDGET", 120)
    build = Path(os.environ["BENCH_QUERY_BUILD"]) if os.environ.get("BENCH_QUERY_BUILD") else build_dir(work, size)
    if not (build / "kg.nq").exists():
        from bench.synth import write_corpus

        corpus = work / f"scale-{size}" / "corpus"
        write_corpus(corpus, size, seed=1, sentences=env_int("SCALE_SENTENCES", 3))
        run_child([*KG_BUILD, str(corpus), "--out", str(build), "--no-cache"], log=work / "query-build.log")
    quads = sum(1 for _ in (build / "kg.nq").open(encoding="utf-8"))
    queries = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in query_files()}
    federated = sorted(q for q, text in queries.items() if is_federated(text))
    queries = {q: text for q, text in queries.items() if q not in federated}
    results: dict[str, dict] = {}
    for name, args, path in start_servers(build, work):
        port = free_port()
        log = work / f"server-{name.split()[0]}.log"
        server = Server(name, [a.replace("{port}", str(port)) for a in args], port, path, log)
        try:
            ready = server.wait_ready(env_float("SERVER_START_TIMEOUT", 300))
            cells = {}
            stop_at = time.perf_counter() + budget
            # every query at the lowest concurrency first, then every query at the next one, so that a budget
            # that runs out costs the heaviest cells of the last queries, never whole queries
            for level, n in enumerate(clients):
                for qname, text in queries.items():
                    if time.perf_counter() > stop_at:
                        break
                    if level == 0:
                        cells[qname] = {"rows": _probe_rows(port, path, text, timeout), "runs": []}
                    runs = cells[qname]["runs"]  # set at level 0: the budget check above came first there too
                    if len(runs) != level or (runs and runs[-1]["ok"] == 0):
                        continue  # not run at the lower concurrency, or nothing answered there
                    cell = load(port, path, text, n, seconds, max_requests, timeout)
                    runs.append(cell)
                    logger.info("%s %s x%d: %.1f q/s, p50 %.1f ms, p99 %.1f ms, %d errors", name, qname, n,
                                cell["qps"], cell["p50_ms"], cell["p99_ms"], cell["errors"])
            results[name] = {"ready_s": ready, "queries": cells}
        except RuntimeError as exc:
            logger.warning("%s", exc)
            results[name] = {"error": str(exc)[:500]}
        finally:
            server.stop()
    return {"articles": size, "quads": quads, "clients": clients, "seconds": seconds, "max_requests": max_requests,
            "timeout": timeout, "budget": budget, "federated": federated, "servers": results}


def markdown(r: dict) -> str:
    """The results.md section."""
    lines = ["## 4. Queries: throughput and latency", "",
             f"Data: the {r['articles']:,}-article scale build ({r['quads']:,} quads), loaded into each server. "
             f"Each cell: clients send the query back to back for {fmt(r['seconds'], 0)} s or "
             f"{r['max_requests']} requests (per-request limit {fmt(r['timeout'], 0)} s); "
             "q/s = successful answers per second; p50/p99 latency in ms. Rows = size of the answer (same on every "
             "server if they agree). Each server has a budget of "
             f"{fmt(r.get('budget', float('nan')), 0)} s for all its queries, run one concurrency at a time (every "
             "query with the fewest clients, then every query with more, ...); cells after it are 'not run'. Skipped: "
             f"{', '.join(f'`{q}`' for q in r.get('federated', [])) or 'none'} (federated `SERVICE` queries measure "
             "the network, not the server).", ""]
    servers = list(r["servers"])
    for name in servers:
        info = r["servers"][name]
        if "error" in info:
            lines.append(f"- {name}: could not be benchmarked: {info['error']}")
        else:
            lines.append(f"- {name}: ready after {fmt(info['ready_s'], 1)} s (start-up and loading)")
    lines.append("")
    header = "| query | clients | " + " | ".join(f"{s} q/s | p50 | p99" for s in servers) + " |"
    lines += [header, "|---|---:|" + "---:|---:|---:|" * len(servers)]
    ok_servers = [s for s in servers if "queries" in r["servers"][s]]
    qnames = sorted({q for s in ok_servers for q in r["servers"][s]["queries"]})
    ratios: dict[str, list[float]] = {s: [] for s in servers}
    for q in qnames:
        row_counts = {s: r["servers"][s]["queries"].get(q, {}).get("rows", "–") for s in ok_servers}
        lines.append(f"| `{q}` (rows: {' / '.join(str(v) for v in row_counts.values())}) | | "
                     + " | ".join("" for _ in servers for _k in range(3)) + " |")
        for i, n in enumerate(r["clients"]):
            cells = []
            base = None
            for s in servers:
                runs = r["servers"][s].get("queries", {}).get(q, {}).get("runs", [])
                cell = runs[i] if i < len(runs) else None
                if cell is None:
                    cells += ["not run", "", ""]
                    continue
                if s == "kg serve":
                    base = cell["qps"]
                elif base and cell["qps"]:
                    ratios[s].append(base / cell["qps"])
                err = f" ({cell['errors']} err)" if cell["errors"] else ""
                cells += [fmt(cell["qps"], 1) + err, fmt(cell["p50_ms"], 1), fmt(cell["p99_ms"], 1)]
            lines.append(f"| | {n} | " + " | ".join(cells) + " |")
    summary = [f"kg serve / {s} = {fmt(sorted(v)[len(v) // 2], 2)}" for s, v in ratios.items() if v]
    if summary:
        lines += ["", "Throughput ratios (queries per second, median over the cells where both answered): "
                  + "; ".join(summary) + " (above 1: kg serve answered more)."]
    return "\n".join(lines) + "\n"

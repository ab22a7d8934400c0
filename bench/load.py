"""What the query benchmarks share: SPARQL servers as processes on loopback ports, a load generator of keep-alive
client threads, and the memory of a server's process tree.

Clients are threads of the benchmark process, so on a 2-core machine the load generator takes CPU from the
server under test; it does so equally for every server. A *cold* request sends the query text with a comment of
its own at the end (``# cold 123``): the same work for the store, but a text no cache has seen.
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

from bench.common import ROOT, tree_memory_mib

ACCEPT = "application/sparql-results+json"
#: Numbers the cold requests' comments (one counter for every server, so no text is ever sent twice).
_COLD = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    conn.request("GET", f"{path}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": ACCEPT})
    response = conn.getresponse()
    return response.status, response.read()


def rows(body: bytes) -> str:
    """The size of a SPARQL JSON answer: its rows, or ``true``/``false``."""
    try:
        data = json.loads(body)
    except ValueError:
        return "?"
    if "boolean" in data:
        return str(data["boolean"]).lower()
    return str(len(data.get("results", {}).get("bindings", [])))


def load(
    port: int,
    path: str,
    query: str,
    clients: int,
    seconds: float,
    max_requests: int,
    timeout: float,
    cold: bool = False,
) -> dict:
    """``clients`` threads send ``query`` back to back (each request a new text when ``cold``); returns throughput,
    latencies and errors."""
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
            text = f"{query}\n# cold {next(_COLD)}" if cold else query
            start = time.perf_counter()
            try:
                status, _body = request(conn, path, text)
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

    return {
        "clients": clients,
        "ok": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "wall_s": wall,
        "qps": len(latencies) / wall,
        "p50_ms": 1000 * pct(0.50),
        "p99_ms": 1000 * pct(0.99),
    }


class Server:
    """One SPARQL server process on a free loopback port (``{port}`` in ``args`` is replaced by it)."""

    def __init__(self, name: str, args: list[str], path: str, log: Path, env: dict | None = None) -> None:
        self.name, self.path, self.log = name, path, log
        self.args, self.env = args, env
        self.port = free_port()
        self._start()

    def _start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [a.replace("{port}", str(self.port)) for a in self.args],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env=self.env,
            )

    def restart(self, timeout: float) -> None:
        """Stop the server and start it again on its port: a server that still works through requests its
        clients gave up on (no query limit, or none that stops the work) would take CPU from every later cell."""
        self.stop()
        self._start()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until the server answers a trivial query."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text(errors='replace')[-1000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                status, _ = request(conn, self.path, "ASK { ?s ?p ?o }")
                conn.close()
                if status == 200:
                    return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer within {timeout} s: {self.log.read_text(errors='replace')}")

    def probe(self, text: str, timeout: float) -> str:
        """The size of the answer to one request for ``text`` (or what went wrong)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            status, body = request(conn, self.path, text)
            return rows(body) if status == 200 else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            return type(exc).__name__
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class MemoryWatch:
    """Samples a process tree's memory every half second while :attr:`active`; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        self.pid, self.active = pid, False  # the pid may be changed (the server started again)
        self.peak_rss = self.peak_pss = 0.0
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True, name="bench-memory").start()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            if self.active:
                rss, pss = tree_memory_mib(self.pid)
                self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def stop(self) -> None:
        self._stop.set()

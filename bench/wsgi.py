"""The HTTP server under ``kg serve``'s app: granian (what ``kg serve`` runs) against waitress and gunicorn.

``python -m bench.wsgi [--build DIR] [--clients N] [--seconds S] [--repeats R]`` serves the same app
(``server:create_app()``) on the same store with each contender side by side, and sends each query cold and
repeated (:func:`bench.load.load`), the contenders' order rotating from run to run; it prints the median q/s
and p99 of each, and the memory of each server's process tree (proportional set). Oxigraph's own server is
measured alongside for scale. gunicorn must be installed (``pip install gunicorn``); it is not a dependency:
``--only kg,oxigraph`` leaves it out (``--queries`` picks the queries of bench/queries/).
The build defaults to the ~100k-quad build of the query benchmark (``BENCH_WORK``). Not part of ``make bench``:
its figures, and the choice they made, are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from bench.common import BIN, ROOT
from bench.load import Server, load, tree_memory_mib
from bench.serving import ENTITY, ensure_build, most_mentioned, oxigraph_command

QUERIES = ("b6-ask", "b7-label", "b8-two-hop", "b9-most-mentioned-people")


def contenders(build: Path) -> dict[str, tuple[list[str], str, dict]]:
    """name -> (command line, SPARQL path, extra environment)."""
    store = str(build / "store")
    gunicorn = [str(BIN / "gunicorn"), "-b", "127.0.0.1:{port}", "--log-level", "warning"]
    app = "server:create_app()"
    one_worker = {"KG_STORE": store}
    two = {"KG_STORE": store, "KG_QUERY_WORKERS": "1"}  # two web processes, one query worker each
    return {
        "kg serve (granian, 2 processes)": (
            [str(BIN / "kg"), "serve", "--store", store, "--port", "{port}"],
            "/sparql",
            {"KG_HTTP_SERVER": "granian"},
        ),
        "kg serve (granian, 2 processes x 2 threads)": (
            [str(BIN / "kg"), "serve", "--store", store, "--port", "{port}"],
            "/sparql",
            {"KG_HTTP_SERVER": "granian", "KG_THREADS": "2"},
        ),
        "kg serve (granian, 2 processes, 4 query workers)": (
            [str(BIN / "kg"), "serve", "--store", store, "--port", "{port}"],
            "/sparql",
            {"KG_HTTP_SERVER": "granian", "KG_QUERY_WORKERS": "4"},
        ),
        "kg serve, waitress (2 processes x 8 threads)": (
            [str(BIN / "kg"), "serve", "--store", store, "--port", "{port}"],
            "/sparql",
            {"KG_HTTP_SERVER": "waitress"},
        ),
        "gunicorn gthread, 1 process x 8 threads": (
            [*gunicorn, "-k", "gthread", "-w", "1", "--threads", "8", app],
            "/sparql",
            one_worker,
        ),
        "gunicorn gthread, 2 processes x 4 threads": (
            [*gunicorn, "-k", "gthread", "-w", "2", "--threads", "4", app],
            "/sparql",
            two,
        ),
        "gunicorn sync, 4 processes": (
            [*gunicorn, "-k", "sync", "-w", "4", app],
            "/sparql",
            {"KG_STORE": store, "KG_QUERY_WORKERS": "1"},
        ),
        "oxigraph serve-read-only": (oxigraph_command(build), "/query", {}),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--queries", default=",".join(QUERIES), help="comma-separated names of bench/queries/")
    parser.add_argument("--only", default="", help="comma-separated prefixes of the contenders' names")
    args = parser.parse_args(argv)
    work = Path(os.environ.get("BENCH_WORK", ROOT / "build" / "bench")).resolve()
    build = args.build or ensure_build(work, 70, 12)
    entity = f"<{most_mentioned(build / 'store')}>"
    texts = {
        q: (ROOT / "bench" / "queries" / f"{q}.rq").read_text(encoding="utf-8").replace(ENTITY, entity)
        for q in args.queries.split(",")
    }
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    work.mkdir(parents=True, exist_ok=True)
    servers = [
        Server(name, cmd, path, work / f"wsgi-{i}.log", env={**os.environ, **extra})
        for i, (name, (cmd, path, extra)) in enumerate(contenders(build).items())
        if not only or any(name.startswith(p) for p in only)
    ]
    try:
        for server in servers:
            server.wait_ready(300)
            for text in texts.values():  # start every worker process the contender starts on demand
                load(server.port, server.path, text, args.clients, 0.5, 200, 30)
        for qname, text in texts.items():
            for mode in ("cold", "repeated"):
                cells: dict[str, list[dict]] = {s.name: [] for s in servers}
                for rep in range(args.repeats):
                    for server in servers[rep % len(servers) :] + servers[: rep % len(servers)]:
                        cells[server.name].append(
                            load(
                                server.port,
                                server.path,
                                text,
                                args.clients,
                                args.seconds,
                                5000,
                                30,
                                cold=mode == "cold",
                            )
                        )
                for name, runs in cells.items():
                    qps = statistics.median(c["qps"] for c in runs)
                    p99 = statistics.median(c["p99_ms"] for c in runs)
                    print(f"{qname:28} {mode:8} {name:45} {qps:8.0f} q/s  p99 {p99:7.1f} ms", flush=True)
        for server in servers:
            rss, pss = tree_memory_mib(server.proc.pid)
            print(f"memory {server.name:45} {pss:6.0f} MiB proportional set ({rss:.0f} MiB summed resident sets)")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()

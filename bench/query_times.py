"""Time every ``queries/*.rq`` and ``bench/queries/*.rq`` on a store directly (no HTTP), one child each.

``python -m bench.query_times STORE [--timeout S] [--repeat N] [--only PREFIX,...] [--answers FILE] [--dir DIR]``

Each query runs in a fresh child process that opens the store read-only (its default graph, the merge of
the named graphs, as ``kg serve`` does), runs the query ``--repeat`` times and reports the best time and the number of
rows; a child that takes longer than ``--timeout`` seconds a run (and 30 s to start) is killed and
reported as such. ``--answers FILE`` also writes a digest of each answer (the sorted rows as
N-Triples terms), so that two versions of a query can be checked to give the same answer on a large
build, not only on the seeds; ``--dir`` times the ``*.rq`` files of another folder instead (an older
version of the queries, say).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from pathlib import Path

from bench.common import ROOT
from bench.serving import is_federated, query_files


def _answer_lines(result) -> list[str]:
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    if isinstance(result, ox.QueryTriples):
        return sorted(str(t) for t in result)
    names = [v.value for v in result.variables]
    return sorted("\t".join(str(row[n]) if row[n] is not None else "" for n in names) for row in result)


def _child(store_path: str, text: str, repeat: int, conn) -> None:
    from kg.store.stores import open_store

    store = open_store(store_path, read_only=True)
    best = None
    lines: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        lines = _answer_lines(store.query(text))
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    conn.send((best, len(lines), digest))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def time_query(store_path: str, path: Path, timeout: float, repeat: int) -> dict:
    """Run one query file in a child process; ``seconds`` is ``None`` when it passed ``timeout``."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(store_path, path.read_text(encoding="utf-8"), repeat, child))
    process.start()
    child.close()
    try:
        if parent.poll(timeout * repeat + 30):
            seconds, rows, digest = parent.recv()
            return {"query": _name(path), "seconds": seconds, "rows": rows, "digest": digest}
        return {"query": _name(path), "seconds": None, "rows": None, "digest": None}
    except EOFError:
        return {"query": _name(path), "seconds": None, "rows": None, "digest": "failed"}
    finally:
        if process.is_alive():
            process.kill()
        process.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated prefixes of query file names")
    parser.add_argument("--answers", help="write the times, row counts and answer digests here (JSON)")
    parser.add_argument("--dir", help="time the *.rq files of this folder instead of the project's queries")
    args = parser.parse_args(argv)
    prefixes = [p for p in args.only.split(",") if p]
    results = []
    for path in sorted(Path(args.dir).glob("*.rq")) if args.dir else query_files():
        if prefixes and not any(path.name.startswith(p) for p in prefixes):
            continue
        if is_federated(path.read_text(encoding="utf-8")):
            continue
        result = time_query(args.store, path, args.timeout, args.repeat)
        results.append(result)
        seconds = "timeout" if result["seconds"] is None else f"{result['seconds']:.3f}"
        print(f"{path.name:40} {seconds:>9} s  rows {result['rows']}  {result['digest']}", flush=True)
    if args.answers:
        Path(args.answers).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

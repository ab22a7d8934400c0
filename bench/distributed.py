"""Benchmark 5: ``kg build`` on Dask (``--scheduler local:1`` and ``local:2``) against the single-process
build, and ``kg push`` into a real ``oxigraph serve``, on the same synthetic corpus.

Builds: the three contenders run ``BENCH_DISTRIBUTED_REPEATS`` times each, in turns (the order rotates
every round, so a burst of load on the shared machine hits each of them), every one a fresh ``kg build
--no-cache`` process (bench/build_child.py) into its own folder. ``local:N`` starts its throw-away
cluster inside the build, so its wall time includes starting N worker processes that each load spaCy;
the ``extract`` stage of report.json is the time from the first article to the last record back.
Every contender must write the same ``kg.nq`` (its SHA-256 is compared).

Push: for each round, a fresh ``oxigraph serve`` (the PyPI ``oxigraph`` command) on a free loopback
port, then ``kg push --force --no-verify`` of the single-process build (timed: every graph sent with
one PUT), then the same command without ``--force`` (timed: nothing left to send, so this is the fixed
cost of starting ``kg``, reading kg.nq and hashing every graph), and the store's quad count is read
back. For comparison, ``oxigraph load`` (the bulk loader, server stopped) loads the same kg.nq into a
fresh folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import BIN, KG_BUILD, VALIDATION_FAILED, env_float, env_int, fmt, median, run_child
from bench.load import Server
from bench.synth import write_corpus

logger = logging.getLogger(__name__)

#: The contenders: name -> extra ``kg build`` arguments.
CONTENDERS = {"single process": ["--jobs", "1"], "Dask local:1": ["--scheduler", "local:1"],
              "Dask local:2": ["--scheduler", "local:2"]}


def run(work: Path) -> dict:
    """Measure and return the figures (also used by :func:`markdown`)."""
    articles = env_int("DISTRIBUTED_ARTICLES", 40)
    sentences = env_int("DISTRIBUTED_SENTENCES", 8)
    repeats = env_int("DISTRIBUTED_REPEATS", 2)
    timeout = env_float("DISTRIBUTED_TIMEOUT", 600)
    base = work / "distributed"
    shutil.rmtree(base, ignore_errors=True)
    corpus = base / "corpus"
    write_corpus(corpus, articles, seed=11, sentences=sentences)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.glob("*.txt"))

    runs: dict[str, list[dict]] = {name: [] for name in CONTENDERS}
    names = list(CONTENDERS)
    for round_no in range(repeats):
        order = names[round_no % len(names):] + names[:round_no % len(names)]
        for name in order:
            runs[name].append(_build(base, corpus, name, round_no, timeout))
            logger.info("distributed %d/%d %s: %.1f s (extract %.1f s)", round_no + 1, repeats, name,
                        runs[name][-1]["wall_s"], runs[name][-1].get("extract_s", float("nan")))

    single = runs["single process"]
    build = next((r["out"] for r in single if r["ok"]), None)
    result = {"articles": articles, "sentences": sentences, "words": words, "repeats": repeats,
              "contenders": {}, "push": _push_all(base, Path(build), repeats) if build else None}
    for name, rows in runs.items():
        ok = [r for r in rows if r["ok"]]
        result["contenders"][name] = {
            "runs": len(rows), "ok": len(ok), "wall_s": median([r["wall_s"] for r in ok]),
            "extract_s": median([r["extract_s"] for r in ok]), "start_s": median([r["start_s"] for r in ok]),
            "all_wall_s": [r["wall_s"] for r in rows],
            "jobs": sorted({r["jobs"] for r in ok}), "nq_sha256": sorted({r["nq_sha256"] for r in ok}),
            "validation_failed": any(r["validation_failed"] for r in rows)}
    digests = {d for c in result["contenders"].values() for d in c["nq_sha256"]}
    result["same_nquads"] = len(digests) == 1
    return result


def _build(base: Path, corpus: Path, name: str, round_no: int, timeout: float) -> dict:
    slug = name.replace(" ", "-").replace(":", "")
    out, log = base / f"build-{slug}-{round_no}", base / f"build-{slug}-{round_no}.log"
    child = run_child([*KG_BUILD, str(corpus), "--out", str(out), "--no-cache", *CONTENDERS[name]],
                      timeout=timeout, log=log)
    row = {"wall_s": child.seconds, "ok": child.ok, "out": str(out),
           "validation_failed": VALIDATION_FAILED in log.read_text(errors="replace")}
    if child.ok:
        report = json.loads((out / "report.json").read_text())
        row.update(extract_s=report["timings"]["extract"], start_s=report["timings"].get("dask_start", 0.0),
                   jobs=report["jobs"],
                   nq_sha256=hashlib.sha256((out / "kg.nq").read_bytes()).hexdigest())
    return row


def _count_quads(port: int) -> int:
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(f"http://127.0.0.1:{port}/query?{query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return int(json.load(reply)["results"]["bindings"][0]["n"]["value"])


def _push_all(base: Path, build: Path, repeats: int) -> dict:
    """Push ``build`` into a fresh Oxigraph server ``repeats`` times; bulk-load it once."""
    counts = json.loads((build / "report.json").read_text())["counts"]
    quads, graphs = counts["quads"], counts.get("graphs", 0)  # quads: the lines kg build wrote to kg.nq
    rows = []
    for round_no in range(repeats):
        store = base / f"oxigraph-{round_no}"
        server = Server("oxigraph serve", [str(BIN / "oxigraph"), "serve", "--location", str(store),
                                           "--bind", "127.0.0.1:{port}"],
                        "/query", base / f"oxigraph-{round_no}.log")
        port = server.port
        try:
            server.wait_ready(60)
            push = [str(BIN / "kg"), "push", "--endpoint", f"http://127.0.0.1:{port}/query", "--out", str(build),
                    "--no-verify"]
            full = run_child([*push, "--force"], timeout=600, log=base / f"push-{round_no}.log")
            again = run_child(push, timeout=600, log=base / f"push-again-{round_no}.log")
            stored = _count_quads(port) if full.ok else 0
        finally:
            server.stop()
        rows.append({"ok": full.ok and again.ok, "push_s": full.seconds, "fixed_s": again.seconds,
                     "stored": stored})
        logger.info("push %d/%d: %.1f s (of which %.1f s fixed), %d quads stored", round_no + 1, repeats,
                    full.seconds, again.seconds, stored)
    bulk = run_child([str(BIN / "oxigraph"), "load", "--location", str(base / "oxigraph-bulk"),
                      "--file", str(build / "kg.nq")], timeout=600, log=base / "oxigraph-load.log")
    ok = [r for r in rows if r["ok"]]
    push_s = median([r["push_s"] for r in ok])
    fixed_s = median([r["fixed_s"] for r in ok])
    return {"quads": quads, "graphs": graphs, "rounds": len(rows), "ok": len(ok), "push_s": push_s,
            "fixed_s": fixed_s, "sending_s": push_s - fixed_s, "stored": sorted({r["stored"] for r in rows}),
            "all_push_s": [r["push_s"] for r in rows], "bulk_ok": bulk.ok, "bulk_s": bulk.seconds}


def markdown(r: dict) -> str:
    """The results.md section."""
    single = r["contenders"]["single process"]
    lines = ["## 5. Distributed extraction (Dask) and push into a remote store", "",
             f"Corpus: {r['articles']} synthetic articles of {r['sentences']} sentences ({r['words']:,} words; "
             "bench/synth.py, seed 11). Each contender is a fresh `kg build --no-cache` process; "
             f"{r['repeats']} rounds, the order rotating every round; medians. `local:N` starts its own "
             "cluster of N worker processes inside the build (counted in the wall time); *extract* is "
             "report.json's extract stage (first article to last record); the rest of the wall time is the "
             "process start and the stages after extraction (resolution, RDF, validation, reasoning, store), the "
             "same work for every contender.", "",
             "| build | wall time (s) | ratio to single | extract stage (s) | ratio to single | "
             "of which Dask start (s) | extract without it (s) | all runs (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, c in r["contenders"].items():
        dask = name != "single process"
        lines.append(f"| {name} (jobs in report: {', '.join(map(str, c['jobs'])) or '–'}) | {fmt(c['wall_s'])} | "
                     f"{fmt(c['wall_s'] / single['wall_s'])} | {fmt(c['extract_s'])} | "
                     f"{fmt(c['extract_s'] / single['extract_s'])} | {fmt(c['start_s']) if dask else '–'} | "
                     f"{fmt(c['extract_s'] - c['start_s'])} | {', '.join(fmt(x, 1) for x in c['all_wall_s'])} |")
    lines += ["", "*Dask start* is report.json's `dask_start`: starting the local cluster and loading spaCy in "
              "each worker, before the first batch goes out. The single process loads spaCy inside its extract "
              "stage too, so its *extract* includes one model load."]
    if not any(c["ok"] for c in r["contenders"].values()):
        same = "No build finished (see the build logs under BENCH_WORK)."
    elif r["same_nquads"]:
        same = "Every finished build wrote the same `kg.nq` (SHA-256 compared)."
    else:
        same = "**The contenders wrote different `kg.nq` files** (see the build folders under BENCH_WORK)."
    failed = [n for n, c in r["contenders"].items() if c["ok"] < c["runs"]]
    lines += ["", same + (f" Runs that failed or timed out: {', '.join(failed)}." if failed else "")]
    if any(c["validation_failed"] for c in r["contenders"].values()):
        lines.append("The graph failed `kg build`'s SHACL gate; the benchmark runs the build with the gate non-fatal "
                     "(bench/build_child.py).")
    p = r["push"]
    if p:
        rate = p["quads"] / p["push_s"] if p["push_s"] == p["push_s"] else float("nan")
        sending = p["quads"] / p["sending_s"] if p["sending_s"] and p["sending_s"] > 0 else float("nan")
        bulk = p["quads"] / p["bulk_s"] if p["bulk_ok"] else float("nan")
        lines += ["", f"Push of the single-process build ({p['quads']:,} quads in {p['graphs']} named graphs) with "
                  "`kg push --force --no-verify` (4 PUTs at a time) into a fresh `oxigraph serve` on 127.0.0.1, "
                  f"{p['ok']} of {p['rounds']} rounds ok, medians; the store then held "
                  f"{', '.join(f'{n:,}' for n in p['stored'])} quads.", "",
                  "| | time (s) | quads/s |", "|---|---:|---:|",
                  f"| `kg push` (whole command) | {fmt(p['push_s'])} | {fmt(rate, 0)} |",
                  f"| of which fixed cost (`kg push` with nothing to send: start, read, hash) | {fmt(p['fixed_s'])} "
                  "| |",
                  f"| of which sending (difference) | {fmt(p['sending_s'])} | {fmt(sending, 0)} |",
                  f"| `oxigraph load` bulk loader, same kg.nq (server stopped) | {fmt(p['bulk_s'])} | "
                  f"{fmt(bulk, 0)} |", "",
                  f"Ratio `kg push` / bulk load: {fmt(p['push_s'] / p['bulk_s']) if p['bulk_ok'] else '–'}."]
    else:
        lines += ["", "Push: not measured (no single-process build finished)."]
    return "\n".join(lines) + "\n"

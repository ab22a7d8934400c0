"""Which store layout gives a set-valued default graph, measured: ``python -m bench.default_graph BUILD``.

SPARQL's default graph is an RDF merge, a set. Oxigraph's union default graph repeats a triple once per
named graph that holds it. Four ways to answer from a set, compared on one build (``BUILD/kg.nq``,
``BUILD/store``), each query in a fresh child process that opens its store read-only:

- ``union``: the store as ``kg build`` wrote it before the default graph was materialised, queried with
  Oxigraph's union default graph (the bag: the wrong answers, for reference);
- ``merged``: the same named graphs plus the default graph materialised in the store (every distinct triple
  once), queried on the store's own default graph: what ``kg build`` writes now;
- ``single``: every triple in exactly one graph (a triple several graphs hold moves to ``<base>graph/shared``),
  queried with the union default graph: a set, but ``GRAPH ?g`` no longer says which articles assert it;
- ``dedup``: the ``union`` store, each basic graph pattern made ``DISTINCT`` at query time (the rewrite a
  server would have to make; done here by hand on the probe queries).

``--queries`` adds every ``queries/*.rq`` and ``bench/queries/*.rq`` (run on ``union`` and ``merged``, as
written). Prints a Markdown table: store size and load time per layout, then time and rows per query.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import shutil
import sys
import time
from pathlib import Path

NG = "PREFIX ng: <https://w3id.org/newsgraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
PIECE = 200_000

#: name -> (query, its hand-made DISTINCT rewrite for ``dedup`` or None); ``{e}`` is the most mentioned person.
PROBES: dict[str, tuple[str, str | None]] = {
    "persons and names": (
        NG + "SELECT ?p ?name WHERE { ?p a ng:Person ; rdfs:label ?name }",
        NG + "SELECT ?p ?name WHERE { { SELECT DISTINCT ?p ?name WHERE { ?p a ng:Person ; rdfs:label ?name } } }"),
    "COUNT(*) of all triples": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } }"),
    "label lookup of one entity": (
        NG + "SELECT ?l WHERE { <{e}> rdfs:label ?l }",
        NG + "SELECT ?l WHERE { { SELECT DISTINCT ?l WHERE { <{e}> rdfs:label ?l } } }"),
    "2-hop co-mention": (
        NG + "SELECT ?o (COUNT(*) AS ?n) WHERE { ?a ng:mentions <{e}> . ?a ng:mentions ?o } "
             "GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 20",
        NG + "SELECT ?o (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?a ?o WHERE { ?a ng:mentions <{e}> . "
             "?a ng:mentions ?o } } } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 20"),
    "co-mention count of one person": (
        NG + "SELECT (COUNT(*) AS ?n) WHERE { ?a ng:mentions <{e}> . ?a ng:mentions ?o }",
        NG + "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?a ?o WHERE { ?a ng:mentions <{e}> . "
             "?a ng:mentions ?o } } }"),
    "most mentioned people": (
        NG + "SELECT ?p (COUNT(*) AS ?n) WHERE { ?a ng:mentions ?p . ?p a ng:Person } "
             "GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 20",
        NG + "SELECT ?p (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?a ?p WHERE { ?a ng:mentions ?p . "
             "?p a ng:Person } } } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 20"),
    "labels of co-mentioned people (3 hops)": (
        NG + "SELECT ?o ?l WHERE { ?a ng:mentions <{e}> . ?a ng:mentions ?o . ?o a ng:Person ; rdfs:label ?l }",
        NG + "SELECT ?o ?l WHERE { { SELECT DISTINCT ?o ?l WHERE { ?a ng:mentions <{e}> . ?a ng:mentions ?o . "
             "?o a ng:Person ; rdfs:label ?l } } }"),
    "DESCRIBE one entity": (
        "DESCRIBE <{e}>",
        "CONSTRUCT { <{e}> ?p ?o } WHERE { <{e}> ?p ?o }"),
}


def _lines(path: Path):
    with path.open(encoding="utf-8") as stream:
        yield from stream


def _pieces(lines, size: int = PIECE):
    piece = []
    for line in lines:
        piece.append(line)
        if len(piece) >= size:
            yield piece
            piece = []
    if piece:
        yield piece


def build_store(path: Path, lines, also_default: bool) -> float:
    """Bulk-load N-Quads ``lines`` into a new store at ``path`` (each also as a triple of the default graph when
    ``also_default``); the seconds it took, optimisation included."""
    import pyoxigraph as ox

    from kg.store.spool import nquad_to_triple

    if path.exists():
        shutil.rmtree(path)
    start = time.perf_counter()
    store = ox.Store(str(path))
    for piece in _pieces(lines):
        if also_default:
            piece = piece + [nquad_to_triple(line) for line in piece]
        store.bulk_load("".join(piece).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store
    return time.perf_counter() - start


def single_graph_lines(nquads: Path, shared: str):
    """Every quad of ``nquads`` whose triple no other graph holds, and every other triple once, in ``shared``."""
    graphs: dict[str, set[str]] = {}
    for line in _lines(nquads):
        head, _, graph = line[:-3].rpartition(" ")
        graphs.setdefault(head, set()).add(graph)
    for head, names in graphs.items():
        yield f"{head} {next(iter(names)) if len(names) == 1 else shared} .\n"


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _child(store: str, text: str, union: bool, repeat: int, conn) -> None:
    import pyoxigraph as ox

    opened = ox.Store.read_only(store)
    best, rows, digest = None, 0, ""
    for _ in range(repeat):
        start = time.perf_counter()
        result = opened.query(text, use_default_graph_as_union=union)
        if isinstance(result, ox.QueryBoolean):
            lines = [str(bool(result))]
        elif isinstance(result, ox.QueryTriples):
            lines = [str(t) for t in result]
        else:
            names = [v.value for v in result.variables]
            lines = ["\t".join(str(row[n]) for n in names) for row in result]
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
        rows = len(lines)
        if rows == 1 and "COUNT" in text:
            rows = lines[0].split('"')[1] if lines[0].startswith('"') else lines[0]
        digest = hashlib.sha256("\n".join(sorted(set(lines))).encode()).hexdigest()[:10]
    conn.send((best, rows, digest))


def time_query(store: Path, text: str, union: bool, repeat: int, timeout: float) -> tuple:
    """(best seconds or None on timeout, rows, digest of the distinct rows) of one query in a fresh child."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(str(store), text, union, repeat, child))
    process.start()
    child.close()
    try:
        if parent.poll(timeout * repeat + 30):
            return parent.recv()
        return None, None, None
    except EOFError:
        return None, "failed", None
    finally:
        if process.is_alive():
            process.kill()
        process.join()


def most_mentioned_person(store: Path) -> str:
    import pyoxigraph as ox

    opened = ox.Store.read_only(str(store))
    rows = opened.query(NG + "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ng:mentions ?p . ?p a ng:Person } } "
                             "GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 1")
    return next(iter(rows))["p"].value


def _cell(result: tuple) -> str:
    seconds, rows, _digest = result
    return "timeout" if seconds is None else f"{seconds * 1000:,.1f} ms ({rows})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path, help="a build folder (kg.nq and store/)")
    parser.add_argument("--work", type=Path, default=None, help="where the other layouts' stores go [BUILD/layouts]")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--queries", action="store_true", help="also every queries/*.rq and bench/queries/*.rq")
    args = parser.parse_args(argv)
    work = args.work or args.build / "layouts"
    work.mkdir(parents=True, exist_ok=True)
    nquads = args.build / "kg.nq"
    base = "https://w3id.org/newsgraph/"
    stores = {"union": work / "union", "merged": work / "merged", "single": work / "single"}
    loads = {
        "union": build_store(stores["union"], _lines(nquads), also_default=False),
        "merged": build_store(stores["merged"], _lines(nquads), also_default=True),
        "single": build_store(stores["single"], single_graph_lines(nquads, f"<{base}graph/shared>"), False),
    }
    for name in stores:
        print(f"| {name} | {size_mb(stores[name]):,.0f} MiB | {loads[name]:.1f} s |", flush=True)
    person = most_mentioned_person(stores["union"])
    print(f"\nprobe entity: {person}\n", flush=True)
    print("| query | union (bag) | merged | single | dedup at query time |\n|---|---:|---:|---:|---:|", flush=True)
    for name, (query, rewrite) in PROBES.items():
        query, rewrite = query.replace("{e}", person), rewrite and rewrite.replace("{e}", person)
        cells = [time_query(stores["union"], query, True, args.repeat, args.timeout),
                 time_query(stores["merged"], query, False, args.repeat, args.timeout),
                 time_query(stores["single"], query, True, args.repeat, args.timeout)]
        cells.append(time_query(stores["union"], rewrite, True, args.repeat, args.timeout) if rewrite else
                     (None, "-", None))
        print(f"| {name} | " + " | ".join(_cell(c) for c in cells) + " |", flush=True)
    if args.queries:
        from bench.serving import is_federated, query_files

        print("\n| query file | union (bag) | merged | same rows |\n|---|---:|---:|---|", flush=True)
        for path in query_files():
            text = path.read_text(encoding="utf-8")
            if is_federated(text):
                continue
            union = time_query(stores["union"], text, True, args.repeat, args.timeout)
            merged = time_query(stores["merged"], text, False, args.repeat, args.timeout)
            same = "yes" if union[2] == merged[2] else "no"
            print(f"| `{path.stem}` | {_cell(union)} | {_cell(merged)} | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

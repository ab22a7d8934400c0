"""Child process of the reasoning benchmark: one reasoner over one graph.

``python -m bench.reason_child (ours|owlrl) ONTOLOGY.nt DATA.nt OUT.nt`` parses both files with
rdflib, runs the reasoner, writes the new non-trivial entailments (as :func:`kg.reason.is_trivial`
defines them, for both reasoners alike) to ``OUT.nt`` and prints one JSON line of timings.
"""

from __future__ import annotations

import json
import sys
import time

from rdflib import Graph


def main(which: str, ontology_path: str, data_path: str, out_path: str) -> None:
    """Run reasoner ``which`` and report parse and reasoning seconds."""
    from kg.reason.rules import TBox, infer, is_trivial

    start = time.perf_counter()
    ontology = Graph().parse(ontology_path, format="nt")
    data = Graph().parse(data_path, format="nt")
    parse = time.perf_counter() - start
    start = time.perf_counter()
    extra: dict[str, float] = {}
    if which == "ours":
        new = infer(ontology, [data])
    elif which == "owlrl":
        import owlrl

        merged = Graph()
        for triple in ontology:
            merged.add(triple)
        for triple in data:
            merged.add(triple)
        before = len(merged)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(merged)
        extra = {"closure_added": len(merged) - before, "closure_s": time.perf_counter() - start}
        tbox = TBox(ontology)
        new = [t for t in merged if t not in ontology and t not in data and not is_trivial(t, tbox)]
    else:
        raise SystemExit(f"unknown reasoner {which!r}: use ours or owlrl")
    seconds = time.perf_counter() - start
    inferred = Graph()
    for triple in new:
        inferred.add(triple)
    lines = sorted(inferred.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines(keepends=True))
    with open(out_path, "w", encoding="utf-8") as out:
        out.writelines(line for line in lines if line.strip())
    print(json.dumps({"parse_s": parse, "reason_s": seconds, "triples": len(ontology) + len(data),
                      "inferred": len(new), **extra}))


if __name__ == "__main__":
    main(*sys.argv[1:5])

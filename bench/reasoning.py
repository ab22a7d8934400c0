"""Benchmark 3: reasoning. newsgraph's scoped rules (kg/reason/rules.py) against owlrl's full OWL 2 RL closure.

The graphs: the ontology plus asserted ABox triples taken from the largest build the scale
benchmark wrote, cut to ``BENCH_REASON_SIZES`` triples (default 10k, 100k, 1M). When that build
has too few triples, its ABox is tiled: copy *k* renames every resource IRI under the base
(``.../id/x`` becomes ``.../copy<k>/id/x``), which keeps the shape of the data and adds no
links between copies. Both reasoners parse the same N-Triples files in a fresh process each;
the ratio is over reasoning time only (parsing is reported apart). owlrl's runs are stopped after
``BENCH_OWLRL_TIMEOUT`` seconds (and not started on larger graphs once one did not finish).
Where both finished, their new non-trivial entailments (as ``kg.reason.is_trivial`` defines
them, applied to both) are compared.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from bench.common import PYTHON, env_float, env_list, fmt, run_child

logger = logging.getLogger(__name__)

_BASE = "https://w3id.org/newsgraph/"
_LOCAL = re.compile(re.escape(f"<{_BASE}") + r"(?!ontology)")


def source_nquads(work: Path) -> Path:
    """The largest kg.nq the other benchmarks wrote (the scale builds, else the throughput build)."""
    candidates = list(work.glob("scale-*/build/kg.nq")) + list(work.glob("throughput-build/kg.nq"))
    if not candidates:
        from bench import scale

        scale.run(work)
        candidates = list(work.glob("scale-*/build/kg.nq"))
    return max(candidates, key=lambda p: p.stat().st_size)


def make_graphs(nquads: Path, sizes: list[int], out: Path) -> tuple[Path, dict[int, Path]]:
    """Split ``nquads`` into the ontology and ABox files of each size (N-Triples, graph names dropped)."""
    out.mkdir(parents=True, exist_ok=True)
    ontology_lines: set[str] = set()
    abox: list[str] = []
    seen: set[str] = set()
    for line in nquads.open(encoding="utf-8"):
        head, _, graph = line.rstrip(" .\n").rpartition(" ")
        triple = head + " .\n"
        if graph.endswith("graph/ontology>"):
            ontology_lines.add(triple)
        elif not graph.endswith("graph/inferred>") and triple not in seen:
            seen.add(triple)
            abox.append(triple)
    ontology = out / "ontology.nt"
    ontology.write_text("".join(sorted(ontology_lines)), encoding="utf-8")
    files = {}
    for size in sizes:
        wanted = max(0, size - len(ontology_lines))
        lines: list[str] = []
        copy = 0
        while len(lines) < wanted and abox:
            tile = abox if copy == 0 else [_LOCAL.sub(f"<{_BASE}copy{copy}/", t) for t in abox]
            lines.extend(tile[: wanted - len(lines)])
            copy += 1
        files[size] = out / f"data-{size}.nt"
        files[size].write_text("".join(lines), encoding="utf-8")
    return ontology, files


def _run(which: str, ontology: Path, data: Path, out: Path, timeout: float | None) -> dict:
    child = run_child([PYTHON, "-m", "bench.reason_child", which, str(ontology), str(data), str(out)],
                      timeout=timeout, log=out.with_suffix(".log"))
    result = {"ok": child.ok, "timed_out": child.timed_out, "wall_s": child.seconds, "max_rss_mb": child.max_rss_mb}
    if child.ok:
        result.update(json.loads(child.output.strip().splitlines()[-1]))
    return result


def run(work: Path) -> dict:
    """Run both reasoners on each size and compare what they infer."""
    sizes = env_list("REASON_SIZES", "10000,100000,1000000")
    owlrl_timeout = env_float("OWLRL_TIMEOUT", 90)
    ours_timeout = env_float("REASON_TIMEOUT", 600)
    source = source_nquads(work)
    folder = work / "reasoning"
    ontology, files = make_graphs(source, sizes, folder)
    rows = []
    owlrl_gave_up = False
    for size in sizes:
        ours = _run("ours", ontology, files[size], folder / f"ours-{size}.nt", ours_timeout)
        if owlrl_gave_up:
            owlrl = {"ok": False, "timed_out": False, "skipped": True}
        else:
            owlrl = _run("owlrl", ontology, files[size], folder / f"owlrl-{size}.nt", owlrl_timeout)
            owlrl_gave_up = not owlrl["ok"]
        row = {"size": size, "ours": ours, "owlrl": owlrl}
        if ours["ok"] and owlrl["ok"]:
            a = set((folder / f"ours-{size}.nt").read_text(encoding="utf-8").splitlines())
            b = set((folder / f"owlrl-{size}.nt").read_text(encoding="utf-8").splitlines())
            row["compare"] = {"both": len(a & b), "only_ours": len(a - b), "only_owlrl": len(b - a),
                              "examples_only_owlrl": sorted(b - a)[:3], "examples_only_ours": sorted(a - b)[:3]}
        logger.info("reasoning %d triples: ours %s s, owlrl %s s", size, fmt(ours.get("reason_s", float("nan"))),
                    fmt(owlrl.get("closure_s", float("nan"))))
        rows.append(row)
    return {"source": str(source.relative_to(work)), "owlrl_timeout": owlrl_timeout, "rows": rows}


def markdown(r: dict) -> str:
    """The results.md section."""
    lines = ["## 3. Reasoning: kg/reason/rules.py vs owlrl's full OWL 2 RL closure", "",
             f"Graphs cut from `{r['source']}` (tiled with renamed IRIs where it is smaller; see bench/README.md). "
             f"Times are reasoning only (both parse the same N-Triples with rdflib first); owlrl stopped after "
             f"{fmt(r['owlrl_timeout'], 0)} s.", "",
             "| triples | ours (s) | owlrl closure (s) | owlrl / ours | ours: new non-trivial | owlrl: new (all) "
             "| owlrl: new non-trivial | in both | only owlrl | only ours | peak MiB ours / owlrl |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in r["rows"]:
        ours, owl = row["ours"], row["owlrl"]
        ours_s = fmt(ours["reason_s"]) if ours["ok"] else "failed"
        if owl.get("skipped"):
            owl_s = "not run (did not finish on a smaller graph)"
        elif owl["timed_out"]:
            owl_s = f"did not finish in {fmt(r['owlrl_timeout'], 0)} s"
        elif not owl["ok"]:
            owl_s = "failed"
        else:
            owl_s = fmt(owl["closure_s"])
        ratio = fmt(owl["closure_s"] / ours["reason_s"], 0) + "×" if ours["ok"] and owl["ok"] else "–"
        if not owl["ok"] and ours["ok"] and owl.get("timed_out"):
            ratio = f"> {fmt(r['owlrl_timeout'] / ours['reason_s'], 0)}×"
        cmp = row.get("compare", {})
        mem = f"{fmt(ours.get('max_rss_mb', float('nan')), 0)} / {fmt(owl.get('max_rss_mb', float('nan')), 0)}"
        lines.append(f"| {row['size']:,} | {ours_s} | {owl_s} | {ratio} | {ours.get('inferred', '–')} "
                     f"| {owl.get('closure_added', '–')} | {owl.get('inferred', '–')} | {cmp.get('both', '–')} "
                     f"| {cmp.get('only_owlrl', '–')} | {cmp.get('only_ours', '–')} | {mem} |")
    for row in r["rows"]:
        cmp = row.get("compare")
        if cmp and (cmp["examples_only_owlrl"] or cmp["examples_only_ours"]):
            lines += ["", f"Differences at {row['size']:,} triples (first few):", "", "```"]
            lines += [f"only owlrl: {t}" for t in cmp["examples_only_owlrl"]]
            lines += [f"only ours:  {t}" for t in cmp["examples_only_ours"]]
            lines.append("```")
    return "\n".join(lines) + "\n"

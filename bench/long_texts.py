"""Benchmark 6: long texts. ``kg build`` on one article of growing length: is its peak memory flat?

For each length in ``BENCH_LONG_SIZES`` (default 50,000, 200,000, 500,000 and 1,500,000 characters): one
article (:func:`bench.synth.long_report`: the synthetic dispatches one after the other, so a shorter text is a
prefix of a longer one) built from scratch (``--no-cache``) by a fresh ``kg build`` process, one after the
other in one run: peak memory, where the build process peaked (the stage whose end first shows its peak, from
report.json's ``peak_memory_mb``), time, quads. Peak memory counts the processes the build starts too: it is the
larger of the build process's peak resident set (``VmHWM``) and the peak of its whole process tree's memory
(:func:`bench.common.tree_resident_mib`, sampled every 50 ms: the build process's resident set and the private memory
of the processes it started, so that a fork's shared pages count once), both shown. The goal (issue 22, "memory
stays flat with the text's length"): the peak at 1.5 million characters within 1.2 x the peak at the shortest
length.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from bench.common import KG_BUILD, VALIDATION_FAILED, env_float, env_list, fmt, run_child
from bench.synth import long_report

logger = logging.getLogger(__name__)

#: The goal: the peak at the longest text at most this many times the peak at the shortest.
FLAT = 1.2


#: The build's stages in the order they end (report.json lists them sorted by name).
STAGES = ("extract", "resolve", "rdf", "sort", "reason", "write", "validate", "store", "swap")


def _peak_stage(peaks: dict[str, int]) -> str:
    """The first stage at whose end the process's high-water mark was its final one."""
    top = max(peaks.values(), default=0)
    ordered = [s for s in STAGES if s in peaks] + sorted(set(peaks) - set(STAGES))
    return next((stage for stage in ordered if peaks[stage] == top), "")


def run(work: Path) -> dict:
    """Build one article of each length, from scratch, in a fresh process each, and return the figures."""
    sizes = env_list("LONG_SIZES", "50000,200000,500000,1500000")
    timeout = env_float("LONG_TIMEOUT", 1800)
    rows = []
    for size in sizes:
        folder = work / f"long-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "in").mkdir(parents=True)
        text = long_report(size)
        (folder / "in" / "report.txt").write_text(text, encoding="utf-8")
        out = folder / "build"
        child = run_child([*KG_BUILD, str(folder / "in"), "--out", str(out), "--no-cache"], timeout=timeout,
                          log=folder / "build.log", tree=True)
        row = {"chars": len(text), "words": len(text.split()), "seconds": child.seconds,
               "max_rss_mb": child.max_rss_mb, "tree_mb": child.tree_mb,
               "peak_mb": max(child.max_rss_mb, child.tree_mb), "ok": child.ok, "timed_out": child.timed_out,
               "validation_failed": VALIDATION_FAILED in (folder / "build.log").read_text(errors="replace")}
        if child.ok:
            report = json.loads((out / "report.json").read_text())
            peaks = report.get("peak_memory_mb", {})
            row.update(quads=report["counts"]["quads"], entities=report["counts"]["entities"],
                       articles=report["counts"]["articles"], peak_stage=_peak_stage(peaks), stage_peaks=peaks)
        logger.info("long text of %d characters: %.1f s, %.0f MiB peak (build process %.0f, process tree %.0f)",
                    len(text), child.seconds, row["peak_mb"], child.max_rss_mb, child.tree_mb)
        rows.append(row)
        if not child.ok:
            break
        shutil.rmtree(out / "store", ignore_errors=True)  # the figures are taken; the store is the bulk of the disk
    return {"timeout": timeout, "rows": rows}


NAN = float("nan")


def _peak(row: dict) -> float:
    """The peak a row is judged on (rows of runs before the process tree was measured have only the build
    process's)."""
    return row.get("peak_mb", row["max_rss_mb"])


def _verdict(done: list[dict]) -> list[str]:
    """The closing line: how much longer the longest text is than the shortest, how much more memory it took."""
    if len(done) < 2:
        return []
    ratio = _peak(done[-1]) / _peak(done[0])
    verdict = "met" if ratio <= FLAT else "not met"
    return ["", f"From {done[0]['chars']:,} to {done[-1]['chars']:,} characters the text grew "
            f"{done[-1]['chars'] / done[0]['chars']:.1f}x, peak memory {ratio:.2f}x (goal: at most {FLAT}x: "
            f"{verdict})."]


def markdown(r: dict) -> str:
    """The results.md section."""
    lines = ["## 6. Long texts: one article of growing length", "",
             "One article of synthetic dispatches one after the other (bench/synth.py `long_report`, seed 1; each "
             "text is a prefix of the next), built from scratch (`--no-cache`) by a fresh `kg build` process per "
             "length, one after the other. Peak memory is the larger of the build process's maximum resident set "
             "(`VmHWM`) and the sampled peak of its whole process tree's memory (the build process's resident set "
             "and the private memory of the processes it starts: the pages a fork shares count once); \"peaks in\" is "
             "the first stage at whose end report.json's `peak_memory_mb` shows the build process's peak.", "",
             "| characters | words | build time (s) | peak memory (MiB) | build process (MiB) | process tree (MiB) "
             "| peaks in | quads | entities |",
             "|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for row in r["rows"]:
        if not row["ok"]:
            what = f"did not finish in {fmt(r['timeout'], 0)} s" if row["timed_out"] else "failed (see build.log)"
            lines.append(f"| {row['chars']:,} | {row['words']:,} | {what} | {fmt(_peak(row), 0)} "
                         f"| {fmt(row['max_rss_mb'], 0)} | {fmt(row.get('tree_mb', NAN), 0)} | | | |")
            continue
        lines.append(f"| {row['chars']:,} | {row['words']:,} | {fmt(row['seconds'], 1)} | {fmt(_peak(row), 0)} "
                     f"| {fmt(row['max_rss_mb'], 0)} | {fmt(row.get('tree_mb', NAN), 0)} "
                     f"| {row['peak_stage']} | {row['quads']:,} | {row['entities']:,} |")
    lines += _verdict([row for row in r["rows"] if row["ok"]])
    return "\n".join(lines) + "\n"

"""Run the benchmarks and write bench/results.md (``make bench``, or ``python -m bench.run``).

``python -m bench.run --only throughput,scale`` runs some of them; sizes and limits come from
``BENCH_*`` environment variables (bench/README.md lists them). Work files go to
``BENCH_WORK`` (default ``build/bench``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import subprocess
import time
from pathlib import Path

from bench import distributed, long_texts, reasoning, scale, serving, throughput
from bench.common import ROOT, machine

logger = logging.getLogger(__name__)

BENCHMARKS = {"throughput": throughput, "scale": scale, "reasoning": reasoning, "queries": serving,
              "distributed": distributed, "long": long_texts}


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _settings() -> str:
    return ", ".join(f"`{k}={v}`" for k, v in sorted(os.environ.items())
                     if k.startswith("BENCH_") and k != "BENCH_NOTE") or "defaults"


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def header(facts: dict[str, str], records: dict[str, dict]) -> str:
    """The top of results.md: where, and how to read the numbers."""
    rows = "\n".join(f"| {k} | {v} |" for k, v in facts.items() if not k.startswith("load"))
    return f"""# Benchmark results

Written by `make bench` (`python -m bench.run`; bench/README.md says what each benchmark does).
Benchmarks: {', '.join(records)}. Each section says when it was measured, at which commit, with which
`BENCH_*` settings, and the machine's load average (1, 5, 15 min) before and after it.

| machine | |
|---|---|
{rows}

**Read the ratios, not the absolute numbers.** This is a shared 2-core machine: while these figures
were taken, other engineers' test runs were using it too (see the load averages: anything above 2
means the benchmark was sharing its cores), so absolute times are noisy and slower than on an idle
machine. Every comparison is measured side by side in the same run, alternating or interleaving the
contenders where possible, so that the load hits both sides.
{_notes(records)}"""


def _notes(records: dict[str, dict]) -> str:
    """Each distinct ``BENCH_NOTE`` of the sections' runs, with the sections it was given for."""
    notes: dict[str, list[str]] = {}
    for name, rec in records.items():
        if rec.get("note"):
            notes.setdefault(rec["note"], []).append(name)
    return "".join(f"\nNote on {', '.join(names)}: {note}\n" for note, names in notes.items())


def _records(path: Path) -> dict[str, dict]:
    """Earlier results (results.json), so that running a subset keeps the other sections."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if "results" in data:  # the first format: one run, no per-benchmark records
        return {name: {"started": data["started"], "minutes": "?", "commit": "?", "settings": "defaults",
                       "load_before": data["machine"].get("load average at start (1, 5, 15 min)", "?"),
                       "load_after": "?", "result": result} for name, result in data["results"].items()}
    return data.get("records", {})


def main(argv: list[str] | None = None) -> None:
    """Run the chosen benchmarks and write results.md and results.json."""
    parser = argparse.ArgumentParser(description="Run newsgraph's benchmarks.")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of: "
                        + ", ".join(BENCHMARKS) + " (the other sections keep their earlier figures)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}: choose from {', '.join(BENCHMARKS)}")
    work = Path(os.environ.get("BENCH_WORK", ROOT / "build" / "bench")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    json_path = args.out.with_suffix(".json")
    records = _records(json_path)
    facts = machine()
    total = time.perf_counter()
    for name in chosen:
        logger.info("benchmark %s ...", name)
        started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
        load_before, start = _load(), time.perf_counter()
        result = BENCHMARKS[name].run(work)
        records[name] = {"started": started, "minutes": round((time.perf_counter() - start) / 60, 1),
                         "commit": _commit(), "settings": _settings(), "load_before": load_before,
                         "load_after": _load(), "note": os.environ.get("BENCH_NOTE", ""), "result": result}
        _write(args.out, json_path, facts, records)
    _write(args.out, json_path, facts, records)
    print(f"wrote {args.out} ({(time.perf_counter() - total) / 60:.1f} min)")


def _write(out: Path, json_path: Path, facts: dict[str, str], records: dict[str, dict]) -> None:
    ordered = {name: records[name] for name in BENCHMARKS if name in records}
    sections = [header(facts, ordered)]
    for name, rec in ordered.items():
        section = BENCHMARKS[name].markdown(rec["result"])
        title, _, rest = section.partition("\n")
        sections.append(f"{title}\n\n_Measured {rec['started']} UTC in {rec['minutes']} min, commit `{rec['commit']}`, "
                        f"settings: {rec['settings']}; load average before {rec['load_before']}, "
                        f"after {rec['load_after']}._\n{rest}")
    out.write_text("\n".join(sections), encoding="utf-8")
    json_path.write_text(json.dumps({"machine": facts, "records": ordered}, indent=2, default=str) + "\n",
                         encoding="utf-8")


if __name__ == "__main__":
    main()

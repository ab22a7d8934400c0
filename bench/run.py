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

from . import reasoning, scale, serving, throughput
from .common import ROOT, machine

logger = logging.getLogger(__name__)

BENCHMARKS = {"throughput": throughput, "scale": scale, "reasoning": reasoning, "queries": serving}


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(facts: dict[str, str], started: str, minutes: float, ran: list[str]) -> str:
    """The top of results.md: when, where, what ran, and how to read the numbers."""
    rows = "\n".join(f"| {k} | {v} |" for k, v in facts.items())
    settings = ", ".join(f"`{k}={v}`" for k, v in sorted(os.environ.items()) if k.startswith("BENCH_")) or "defaults"
    return f"""# Benchmark results

Written by `make bench` (`python -m bench.run`) on {started} UTC, commit `{_commit()}`, in
{minutes:.1f} minutes. Benchmarks run: {', '.join(ran)}. Settings: {settings}.

| machine | |
|---|---|
{rows}

**Read the ratios, not the absolute numbers.** This is a shared 2-core machine: while these figures
were taken, other engineers' test runs were using it too, so absolute times are noisy (and slower than
on an idle machine). Every comparison below is measured side by side in the same run, alternating or
interleaving the contenders where possible, so that load hits both sides.
"""


def main(argv: list[str] | None = None) -> None:
    """Run the chosen benchmarks and write results.md and results.json."""
    parser = argparse.ArgumentParser(description="Run newsgraph's benchmarks.")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset of: "
                        + ", ".join(BENCHMARKS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}: choose from {', '.join(BENCHMARKS)}")
    work = Path(os.environ.get("BENCH_WORK", ROOT / "build" / "bench")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    facts = machine()
    start = time.perf_counter()
    results: dict[str, dict] = {}
    for name in chosen:
        logger.info("benchmark %s ...", name)
        results[name] = BENCHMARKS[name].run(work)
    minutes = (time.perf_counter() - start) / 60
    sections = [header(facts, started, minutes, chosen)]
    sections += [BENCHMARKS[name].markdown(results[name]) for name in chosen]
    args.out.write_text("\n".join(sections), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"started": started, "machine": facts, "results": results},
                                                        indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({minutes:.1f} min)")


if __name__ == "__main__":
    main()

"""The build report: what a build did, counted and timed as it goes, written to ``<out>/report.json``.

In: the counts, skipped inputs, merge log and stage timings the build records on it. Out: the JSON document
of ``report.json`` (:meth:`BuildReport.as_dict`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from kg import __version__


def peak_memory_mib() -> int:
    """This process's peak resident set so far (``VmHWM`` of /proc/self/status), in MiB; 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class BuildReport:
    """What a build did; written to ``<out>/report.json``."""

    articles: int = 0
    extracted: int = 0
    cached: int = 0
    skipped: list[dict] = field(default_factory=list)
    entities: int = 0
    quads: int = 0
    asserted: int = 0
    inferred: int = 0
    graphs: int = 0
    jobs: int = 1
    pipeline_version: str = ""
    merges: list[dict] = field(default_factory=list)
    #: the SHACL warnings (sh:Warning results: the graph is still valid) by message; `kg validate` lists them
    warnings: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    #: the process's peak resident memory so far (``VmHWM``, MiB) at the end of each stage: the first stage whose
    #: figure is the build's peak is where memory peaked (empty where /proc is not readable)
    peak_memory: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the seconds the ``with`` block takes to the timing of ``stage``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
            peak = peak_memory_mib()
            if peak:
                self.peak_memory[stage] = peak

    def counts(self) -> dict[str, int]:
        """The counts of ``report.json``."""
        return {"articles": self.articles, "extracted": self.extracted, "cached": self.cached,
                "skipped": len(self.skipped), "entities": self.entities, "graphs": self.graphs,
                "quads": self.quads, "asserted": self.asserted, "inferred": self.inferred}

    def summary(self) -> str:
        """What validation found, for the build's closing line: "0 problems, 1 warning (kg validate lists them)".

        A build that ends has no violation (a violation stops it); warnings do not make the graph invalid.
        """
        warnings = sum(self.warnings.values())
        if not warnings:
            return "0 problems"
        return f"0 problems, {warnings} warning{'s' if warnings != 1 else ''} (kg validate lists them)"

    def as_dict(self) -> dict:
        return {
            "newsgraph": __version__,
            "pipeline_version": self.pipeline_version,
            "jobs": self.jobs,
            "counts": self.counts(),
            "skipped": self.skipped,
            "merges": self.merges,
            "validation": {"violations": 0, "warnings": sum(self.warnings.values()),
                           "warnings_by_kind": dict(sorted(self.warnings.items()))},
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "peak_memory_mb": self.peak_memory,
            "outputs": self.outputs,
        }

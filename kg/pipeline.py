"""The build: files in, graph files and a store out.

ingest -> nlp.pipe (batched) -> extract -> resolve -> build -> write kg.nq -> store,
with a report of counts, timings and skipped inputs in ``build/report.json``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .build import article_graph, ontology_graph
from .config import Settings
from .errors import InputError
from .extract import extract
from .ingest import Article, Skipped, iter_articles
from .iri import Minter
from .nlp import make_nlp
from .records import ArticleRecord
from .resolve import resolve
from .store import nquad_lines, write_store

logger = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build did; written to ``<out>/report.json``."""

    articles: int = 0
    skipped: list[dict] = field(default_factory=list)
    entities: int = 0
    quads: int = 0
    graphs: int = 0
    merges: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "newsgraph": __version__,
            "counts": {"articles": self.articles, "skipped": len(self.skipped), "entities": self.entities,
                       "graphs": self.graphs, "quads": self.quads},
            "skipped": self.skipped,
            "merges": self.merges,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "outputs": self.outputs,
        }


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        report.timings[stage] = report.timings.get(stage, 0.0) + time.perf_counter() - start


def extract_all(articles: Iterable[Article], settings: Settings,
                progress: Callable[[int], None] | None = None) -> list[ArticleRecord]:
    """Run the pipeline over the articles, batched, and extract their records."""
    articles = list(articles)
    if not articles:
        return []
    nlp = make_nlp(settings)
    records = []
    docs = nlp.pipe((a.text for a in articles), batch_size=settings.batch_size)
    for article, doc in zip(articles, docs, strict=True):
        records.append(extract(article, doc))
        if progress:
            progress(1)
    return records


def run_build(inputs: Iterable[str | Path], settings: Settings,
              progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build the graph from ``inputs`` into ``settings.out``.

    Raises:
        InputError: an input does not exist, or no input is a usable article.
    """
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    report = BuildReport()
    minter = Minter(settings.base_iri)

    with _timed(report, "ingest"):
        articles: list[Article] = []
        seen: set[str] = set()
        for item in iter_articles(inputs):
            if isinstance(item, Skipped):
                report.skipped.append({"path": item.path, "reason": item.reason})
            elif item.id in seen:
                report.skipped.append({"path": item.source, "reason": f"same text as an earlier article ({item.id})"})
            else:
                seen.add(item.id)
                articles.append(item)
    if not articles:
        raise InputError("no usable article among the inputs: give .txt files of UTF-8 text "
                         f"({len(report.skipped)} skipped; see the messages above)")
    report.articles = len(articles)

    with _timed(report, "extract"):
        records = extract_all(articles, settings, progress)
    with _timed(report, "resolve"):
        resolution = resolve(records)
    report.entities = len(resolution.entities)
    report.merges = resolution.merges

    with _timed(report, "rdf"):
        lines: list[str] = nquad_lines(ontology_graph(minter.graph("ontology")))
        for record in records:
            lines.extend(nquad_lines(article_graph(record, resolution, minter)))
        lines = sorted(set(lines))
    report.graphs = len(records) + 1
    report.quads = len(lines)

    with _timed(report, "write"):
        nq = out / "kg.nq"
        tmp = nq.with_suffix(".nq.tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, nq)
    with _timed(report, "store"):
        write_store(out / "store", nq)
    report.outputs = {"nquads": str(nq), "store": str(out / "store"), "report": str(out / "report.json")}
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n")
    return report

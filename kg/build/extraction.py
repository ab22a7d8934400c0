"""Extraction for the build: articles in, :class:`~kg.records.ArticleRecord` objects out, streaming.

Each article's record comes from the extraction cache when it is there, else from the spaCy pipeline and
the extractors (:func:`kg.extract.extract`), run in this process, in a pool of worker processes
(``settings.jobs``, batched ``nlp.pipe``) or as tasks on a Dask cluster (``settings.scheduler``,
:mod:`kg.build.distributed`). Only small records come back from the workers, never spaCy Docs.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from kg.build import beside
from kg.build.cache import RecordCache
from kg.build.report import BuildReport
from kg.config import Settings
from kg.extract.nlp import make_nlp
from kg.extract.pieces import extract_articles
from kg.ingest.readers import iter_articles
from kg.records import Article, ArticleRecord, Skipped

#: Called with the number of articles done, as they are done.
Progress = Callable[[int], None]

_WORKER: dict = {}

logger = logging.getLogger(__name__)


def _extract_batch(nlp, articles: list[Article], batch_size: int) -> list[ArticleRecord]:
    """Run the pipeline over one batch of articles (long ones piece by piece) and extract their records."""
    return extract_articles(nlp, articles, batch_size)


def _worker_init(settings: Settings) -> None:
    """In each worker process: load the spaCy pipeline once."""
    _WORKER["nlp"] = make_nlp(settings)
    _WORKER["batch_size"] = settings.batch_size


def _worker_extract(articles: list[Article]) -> list[ArticleRecord]:
    return _extract_batch(_WORKER["nlp"], articles, _WORKER["batch_size"])


class _Extractor:
    """Extracts batches of articles in this process (``jobs == 1``) or in a pool of workers.

    The pipeline and the pool start on the first batch, so a build served wholly from the
    cache never loads spaCy.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jobs = max(1, settings.jobs)
        self._nlp = None
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[Future | list[ArticleRecord]] = deque()
        self._beside = None  # the rules in a second process (kg.build.beside), for jobs == 1

    def submit(self, batch: list[Article]) -> Iterator[ArticleRecord]:
        """Queue a batch; yields the records of earlier batches as the queue fills (bounded memory)."""
        if self.jobs == 1:
            if self._nlp is None:
                self._nlp = make_nlp(self.settings)
                if self.settings.rules_beside and beside.usable():
                    self._beside = beside.RulesBeside(self._nlp, self.settings.batch_size)
            if self._beside is not None:
                yield from self._beside.submit(batch)
            else:
                yield from _extract_batch(self._nlp, batch, self.settings.batch_size)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init, initargs=(self.settings,))
        self._pending.append(self._pool.submit(_worker_extract, batch))
        while len(self._pending) > 2 * self.jobs:
            yield from self._pending.popleft().result()

    def drain(self) -> Iterator[ArticleRecord]:
        """The records of every batch still queued."""
        if self._beside is not None:
            yield from self._beside.drain()
        while self._pending:
            yield from self._pending.popleft().result()

    def close(self) -> None:
        if self._beside is not None:
            self._beside.close()
            self._beside = None
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _make_extractor(settings: Settings, report: BuildReport):
    """Worker processes on this machine, or tasks on a Dask cluster when ``settings.scheduler`` is set."""
    if settings.scheduler:
        from kg.build.distributed import DaskExtractor

        return DaskExtractor(settings, report)
    return _Extractor(settings)


def extract_records(articles: Iterable[Article], settings: Settings, cache: RecordCache | None = None,
                    progress: Progress | None = None, report: BuildReport | None = None) -> Iterator[ArticleRecord]:
    """The records of ``articles``: from the cache when there, else extracted (and cached).

    Articles are taken one at a time and extracted in batches of ``settings.batch_size``, in
    ``settings.jobs`` worker processes; records come back in no particular order.
    """
    report = report or BuildReport()
    extractor = _make_extractor(settings, report)

    def finish(records: Iterable[ArticleRecord]) -> Iterator[ArticleRecord]:
        for record in records:
            if cache is not None:
                cache.put(record)
            report.extracted += 1
            if progress:
                progress(1)
            yield record

    try:
        batch: list[Article] = []
        for article in articles:
            record = cache.get(article) if cache is not None else None
            if record is not None:
                report.cached += 1
                if progress:
                    progress(1)
                yield record
                continue
            batch.append(article)
            if len(batch) >= settings.batch_size:
                yield from finish(extractor.submit(batch))
                batch = []
        if batch:
            yield from finish(extractor.submit(batch))
        yield from finish(extractor.drain())
    finally:
        extractor.close()


def extract_all(articles: Iterable[Article], settings: Settings,
                progress: Progress | None = None) -> list[ArticleRecord]:
    """Every record of ``articles`` (no cache), sorted by article id."""
    return sorted(extract_records(articles, settings, None, progress), key=lambda r: r.article.id)


def usable_articles(inputs: Iterable[str | Path], report: BuildReport, max_chars: int = 0) -> Iterator[Article]:
    """The articles of ``inputs``, each text once: unusable inputs, repeated texts and texts longer than
    ``max_chars`` characters (when not 0) go to ``report.skipped``, each with one warning."""
    seen: dict[str, str] = {}  # article id -> where it was first read

    def skip(path: str, reason: str) -> None:
        report.skipped.append({"path": path, "reason": reason})
        logger.warning("skipped %s: %s", path, reason)

    for item in iter_articles(inputs):
        if isinstance(item, Skipped):
            skip(item.path, item.reason)
        elif item.id in seen:
            skip(item.where, f"same text as {seen[item.id]} (article {item.id})")
        elif max_chars and len(item.text) > max_chars:
            skip(item.where, f"{len(item.text):,} characters after cleaning, more than KG_MAX_ARTICLE_CHARS "
                              f"({max_chars:,}): split it into several articles, or raise KG_MAX_ARTICLE_CHARS")
        else:
            seen[item.id] = item.where
            yield item

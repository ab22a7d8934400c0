"""Extraction on a Dask distributed cluster (``kg build --scheduler ...``): batches of articles in,
:class:`~kg.records.ArticleRecord` objects out, as the worker pools of :mod:`kg.build.extraction` give them.

Only per-article extraction leaves this process: batches of :class:`~kg.ingest.Article` go out
as Dask tasks, :class:`~kg.records.ArticleRecord` objects come back, and resolution, merging,
validation and reasoning run here exactly as in the single-machine build, so the same input gives
the same ``kg.nq``.

Each worker process loads the spaCy pipeline once (:class:`LoadPipeline`, a worker plugin, warms
the per-process cache of :func:`worker_nlp`). A task whose worker dies is run again by the
scheduler; a task that raises is retried ``retries`` times. A batch that still fails is split into
one task per article, and an article that fails on its own is reported in ``report.json``'s
``skipped`` list with the reason, never dropped silently.

Scheduler addresses: ``local:N`` starts a throw-away local cluster of N worker processes on
127.0.0.1; anything else (``tcp://HOST:PORT``) is the address of a running ``dask scheduler``.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from distributed import WorkerPlugin

from kg.errors import KGError
from kg.records import Article, ArticleRecord

if TYPE_CHECKING:
    from kg.build.report import BuildReport
    from kg.config import Settings

logger = logging.getLogger(__name__)

#: Times a task that raised is run again before its batch is split (and an article is given up).
RETRIES = 2
#: Seconds to wait for a local cluster's workers to start (a tcp:// scheduler: ``Settings.connect_timeout``).
LOCAL_START_TIMEOUT = 60


class SchedulerError(KGError):
    """The scheduler address is malformed, or no scheduler answers there."""


def parse_scheduler(address: str) -> tuple[str, int | str]:
    """``("local", N)`` for ``local:N``, else ``("remote", address)``.

    >>> parse_scheduler("local:2"), parse_scheduler("tcp://10.0.0.5:8786")
    (('local', 2), ('remote', 'tcp://10.0.0.5:8786'))

    Raises:
        SchedulerError: ``local:`` without a positive worker count, or no ``scheme://`` in the address.
    """
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise SchedulerError(f"--scheduler {address!r}: give local:N with N worker processes, e.g. local:2")
        return "local", int(count)
    if "://" not in address:
        raise SchedulerError(f"--scheduler {address!r}: give a scheduler address like tcp://HOST:8786 "
                             "(from `dask scheduler`) or local:N")
    return "remote", address


# ---- what runs on the workers ----


@lru_cache(maxsize=2)
def worker_nlp(model: str, profile: str = ""):
    """The spaCy pipeline of ``model`` with the corpus profile ``profile``, loaded once per worker process (which
    takes the build's profile as its ``KG_PROFILE`` setting: the extractors read it there)."""
    from kg.config import Settings
    from kg.extract.nlp import make_nlp

    os.environ["KG_PROFILE"] = profile
    logger.info("loading spaCy pipeline %s in worker process %d", model, os.getpid())
    return make_nlp(Settings(model=model, profile=profile))


class LoadPipeline(WorkerPlugin):
    """Worker plugin: load the spaCy pipeline when a worker starts (again after a restart)."""

    name = "newsgraph-nlp"

    def __init__(self, model: str, profile: str = "") -> None:
        self.model = model
        self.profile = profile

    def setup(self, worker) -> None:
        worker_nlp(self.model, self.profile)


def extract_task(articles: list[Article], model: str, batch_size: int, profile: str = "") -> list[ArticleRecord]:
    """The Dask task: the records of one batch of articles."""
    from kg.extract.pieces import extract_articles

    return extract_articles(worker_nlp(model, profile), articles, batch_size)


# ---- the client side ----


class DaskExtractor:
    """Extracts batches of articles as tasks on a Dask cluster (same interface as ``kg.build.extraction._Extractor``).

    The cluster (or the connection to it) is opened on the first batch, so a build served wholly
    from the cache needs no scheduler.
    """

    def __init__(self, settings: Settings, report: BuildReport) -> None:
        self.settings = settings
        self.report = report
        self.kind, self.target = parse_scheduler(settings.scheduler)
        self._cluster = None
        self._client = None
        self._pending: deque[tuple[object, list[Article]]] = deque()
        self._workers = 1

    def _connect(self) -> None:
        from distributed import Client, LocalCluster

        started = time.perf_counter()
        # the scheduler's and nannies' chatter (INFO) only when kg's own log shows INFO (kg -v)
        logging.getLogger("distributed").setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))
        if self.kind == "local":
            # ":0": the scheduler's HTTP server on a free port; with None it still takes 8787 when that port is
            # free and warns when another cluster of the machine holds it
            self._cluster = LocalCluster(n_workers=int(self.target), threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address="127.0.0.1:0")
            self._client = Client(self._cluster, timeout=LOCAL_START_TIMEOUT)
        else:
            timeout = self.settings.connect_timeout
            try:
                self._client = Client(str(self.target), timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise SchedulerError(
                    f"no Dask scheduler answered at {self.target} within {timeout:g} s ({exc}). Check the address "
                    "and port (`dask scheduler` prints them), that the scheduler is running and that this machine "
                    "can reach it; start one with `dask scheduler` and workers with `dask worker ADDRESS`, use "
                    "--scheduler local:N to extract on this machine, or give a slow network more time with "
                    "KG_CONNECT_TIMEOUT=SECONDS") from exc
        self._client.register_plugin(LoadPipeline(self.settings.model, self.settings.profile))
        self._workers = max(1, len(self._client.nthreads()))
        self.report.jobs = self._workers  # report.json's "jobs": the cluster's workers
        # part of the extract stage: starting (or reaching) the cluster and loading spaCy on its workers
        self.report.timings["dask_start"] = time.perf_counter() - started
        logger.info("extracting on Dask scheduler %s with %d workers", self._client.scheduler.address, self._workers)

    def _submit(self, batch: list[Article]):
        settings = self.settings
        return self._client.submit(extract_task, batch, settings.model, settings.batch_size, settings.profile,
                                   retries=RETRIES, pure=False)

    def submit(self, batch: list[Article]) -> Iterator[ArticleRecord]:
        """Queue a batch; yields the records of earlier batches as the queue fills (bounded memory)."""
        if self._client is None:
            self._connect()
        self._pending.append((self._submit(batch), batch))
        while len(self._pending) > 2 * self._workers:
            yield from self._collect(*self._pending.popleft())

    def drain(self) -> Iterator[ArticleRecord]:
        """The records of every batch still queued."""
        while self._pending:
            yield from self._collect(*self._pending.popleft())

    def _collect(self, future, batch: list[Article]) -> Iterator[ArticleRecord]:
        try:
            yield from future.result()
            return
        except Exception as exc:  # noqa: BLE001 - any task error (or KilledWorker) is handled per article below
            if len(batch) == 1:
                self._skip(batch[0], exc)
                return
            logger.warning("a batch of %d articles failed (%s); extracting them one by one", len(batch), exc)
        singles = [(self._submit([article]), article) for article in batch]
        for single, article in singles:
            try:
                yield from single.result()
            except Exception as exc:  # noqa: BLE001 - reported in report.json, the build goes on
                self._skip(article, exc)

    def _skip(self, article: Article, exc: BaseException) -> None:
        reason = f"extraction failed on the Dask cluster after {RETRIES + 1} attempts: {type(exc).__name__}: {exc}"
        logger.error("skipped %s: %s", article.where, reason)
        self.report.skipped.append({"path": article.where, "reason": reason})

    def close(self) -> None:
        for pending, _ in self._pending:
            pending.cancel()
        self._pending.clear()
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

"""The embedded backend: the pyoxigraph store written by ``kg build``, queried in a pool of worker processes.

The web process opens the store read-only only to learn its graphs and size; queries run in the worker
processes of a :class:`server.pool.QueryPool` (each with its own read-only open).
"""

from __future__ import annotations

import logging
import threading

from kg.store.stats import Stats, compute_stats
from kg.store.stores import EmbeddedStore, open_store
from server.jobs import Answer, Job, StoreInfo
from server.pool import QueryPool
from server.worker import graph_names

logger = logging.getLogger(__name__)


class EmbeddedBackend:
    """The :class:`server.backend.Backend` over a store folder.

    Args:
        path: the store folder written by ``kg build``.
        workers: most query worker processes.
        timeout: wall-clock limit of one query or update, in seconds.
    """

    def __init__(self, path: str, workers: int, timeout: float) -> None:
        self.path = path
        self.pool = QueryPool(path, size=workers, timeout=timeout)
        self._lock = threading.Lock()
        self._info = self._read_info()
        self._stats: Stats | None = None

    @property
    def info(self) -> StoreInfo:
        return self._info

    def _read_info(self) -> StoreInfo:
        """Open the store read-only for a moment and read its named graphs and size."""
        store = open_store(self.path, read_only=True)
        try:
            return StoreInfo(self.path, graph_names(store), len(store))
        finally:
            del store

    def warm(self) -> None:
        """Start every query worker now (see :meth:`server.pool.QueryPool.warm`)."""
        self.pool.warm()

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        return self.pool.run(job, timeout)

    def stats(self) -> Stats:
        """The store's counts for VoID (:func:`kg.store.stats.compute_stats`), computed on first use and kept."""
        with self._lock:
            if self._stats is None:
                store = EmbeddedStore(self.path)
                try:
                    self._stats = compute_stats(store)
                finally:
                    del store
            return self._stats

    def update(self, text: str) -> None:
        """Run a SPARQL update (see :meth:`server.pool.QueryPool.update`), then re-read the store's graphs and size."""
        with self._lock:
            try:
                self.pool.update(text)
            finally:
                self._info = self._read_info()
                self._stats = None

    def close(self) -> None:
        self.pool.close()

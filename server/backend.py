"""The store behind the app, kept in ``app.extensions["kg"]``.

The web process opens the store read-only only to learn its graphs and size; queries run in
the worker processes of a :class:`server.executor.QueryPool` (each with its own read-only open).
"""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from kg.store.stats import Stats, compute_stats
from kg.store.stores import EmbeddedStore, open_store
from server.executor import QueryPool

logger = logging.getLogger(__name__)


@dataclass
class StoreInfo:
    """What the endpoint knows about its store without asking a worker."""

    path: str
    graphs: frozenset[str]
    quads: int


class KGStore:
    """The app's view of the store: its facts (graphs, size) and the pool that runs queries on it."""

    def __init__(self, path: str, pool: QueryPool) -> None:
        self.path = path
        self.pool = pool
        self.lock = threading.Lock()
        self.info = self.read_info()
        self._stats: Stats | None = None

    def stats(self) -> Stats:
        """The store's counts for VoID (:func:`kg.store.stats.compute_stats`), computed on first use and kept."""
        with self.lock:
            if self._stats is None:
                store = EmbeddedStore(self.path)
                try:
                    self._stats = compute_stats(store)
                finally:
                    del store
            return self._stats

    def read_info(self) -> StoreInfo:
        """Open the store read-only for a moment and read its named graphs and size."""
        store = open_store(self.path, read_only=True)
        try:
            graphs = frozenset(g.value for g in store.named_graphs() if hasattr(g, "value") and
                               type(g).__name__ == "NamedNode")
            return StoreInfo(self.path, graphs, len(store))
        finally:
            del store


    def run_update(self, text: str) -> None:
        """Run a SPARQL update (see :meth:`QueryPool.update`), then re-read the store's graphs and size."""
        with self.lock:
            try:
                self.pool.update(text)
            finally:
                self.info = self.read_info()
                self._stats = None


def init_app(app: Flask) -> None:
    """Check the store named by the app's ``STORE`` setting (or ``UPSTREAM``) and set up its query pool.

    With ``WARM_WORKERS`` set (``kg serve`` sets it), every query worker starts before the app serves.
    """
    settings = app.config["SETTINGS"]
    if settings.upstream:
        from server.upstream import open_upstream

        app.extensions["kg"] = kg = open_upstream(settings.upstream, settings.query_workers or settings.threads,
                                                  settings.query_timeout)
        atexit.register(kg.pool.close)
        return
    path = str(app.config["STORE"])
    pool = QueryPool(path, size=settings.query_workers or settings.threads, timeout=settings.query_timeout)
    app.extensions["kg"] = KGStore(path, pool)
    atexit.register(pool.close)
    if app.config.get("WARM_WORKERS"):
        pool.warm()


def get_store() -> KGStore:
    """The current app's :class:`KGStore`."""
    return current_app.extensions["kg"]

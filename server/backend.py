"""The store behind the app, kept in ``app.extensions["kg"]``: one :class:`Backend` protocol, two implementations.

:class:`server.embedded.EmbeddedBackend` answers from the pyoxigraph store that ``kg build`` wrote, in a pool of
worker processes, and follows it across rebuilds; :class:`server.upstream.UpstreamBackend` from a remote SPARQL
1.1 store (``kg serve --upstream``). The endpoint (:mod:`server.sparql`) and the pages talk only to the protocol.

A request sees one state of the store from start to end: its first use of the store takes a :class:`Snapshot`
(:func:`get_snapshot`), which it holds until it ends, so that a rebuild swapped in meanwhile never gives it half
an old answer and half a new one.
"""

from __future__ import annotations

import atexit
from typing import Protocol

from flask import Flask, current_app, g

from kg.store.stats import Stats
from server.embedded import EmbeddedBackend
from server.jobs import Answer, Job, StoreInfo
from server.upstream import UpstreamBackend


class Snapshot(Protocol):
    """The store as it was when a request first used it."""

    @property
    def info(self) -> StoreInfo:
        """Its named graphs, size, base IRI and build, known without running a query."""
        ...

    def run(self, job: Job, deadline: float | None = None) -> Answer:
        """Check and run one query by ``deadline`` (``time.monotonic()``; by default the backend's limit from now).

        Raises:
            QueryTimeout: the query ran past the limit and was stopped.
            WorkerFailed: the query could not be run, for a reason that is not the query's fault.
        """
        ...

    def stats(self) -> Stats:
        """Its counts for VoID."""
        ...

    def release(self) -> None:
        """The request is done with it."""
        ...


class Backend(Protocol):
    """What the endpoint and the pages need from a store."""

    def acquire(self) -> Snapshot:
        """The store as it is now, held until :meth:`Snapshot.release`."""
        ...

    def update(self, text: str, touched: frozenset[str] | None) -> None:
        """Run one SPARQL update that :func:`server.updates.check_update` let through (``touched``: the graphs it
        may change, ``None`` for any); later snapshots see it.

        Raises:
            QueryTimeout: the update ran past the limit and was stopped.
            UpdateMalformed: the update does not parse.
            QueryError: the update failed, or this backend takes no updates.
        """
        ...

    def warm(self) -> None:
        """Get ready to answer at once (start what would otherwise start on the first queries)."""
        ...

    def close(self) -> None:
        """Stop whatever the backend started."""
        ...


def open_backend(app: Flask) -> Backend:
    """The backend the app's settings name: ``UPSTREAM`` when set, else the store folder ``STORE``.

    Raises:
        StoreError: the store cannot be opened (or the upstream cannot be queried).
    """
    settings = app.config["SETTINGS"]
    workers = settings.workers()
    if settings.upstream:
        return UpstreamBackend(settings.upstream, workers, settings.query_timeout, settings.base_iri)
    return EmbeddedBackend(str(app.config["STORE"]), workers, settings.query_timeout,
                           watch=app.config.get("WATCH_STORE", True), inline=settings.inline_queries,
                           cache_bytes=settings.cache_mb * 1024 * 1024)


def init_app(app: Flask) -> None:
    """Open the app's backend and keep it in ``app.extensions["kg"]``; each request releases its snapshot.

    With ``WARM_WORKERS`` set (``kg serve`` sets it), every query worker starts before the app serves.
    """
    backend = open_backend(app)
    app.extensions["kg"] = backend
    atexit.register(backend.close)
    app.teardown_request(_release)
    if app.config.get("WARM_WORKERS"):
        backend.warm()


def _release(_exc: BaseException | None) -> None:
    snapshot = g.pop("kg_snapshot", None)
    if snapshot is not None:
        snapshot.release()


def get_backend() -> Backend:
    """The current app's :class:`Backend`."""
    return current_app.extensions["kg"]


def get_snapshot() -> Snapshot:
    """The store as this request sees it: taken on first use, released when the request ends."""
    if "kg_snapshot" not in g:
        g.kg_snapshot = get_backend().acquire()
    return g.kg_snapshot

"""The store behind the app, kept in ``app.extensions["kg"]``: one :class:`Backend` protocol, two implementations.

:class:`server.embedded.EmbeddedBackend` answers from the pyoxigraph store that ``kg build`` wrote, in a pool of
worker processes; :class:`server.upstream.UpstreamBackend` from a remote SPARQL 1.1 store (``kg serve
--upstream``). The endpoint (:mod:`server.sparql`) and the pages talk only to the protocol.
"""

from __future__ import annotations

import atexit
from typing import Protocol

from flask import Flask, current_app

from kg.store.stats import Stats
from server.embedded import EmbeddedBackend
from server.jobs import Answer, Job, StoreInfo
from server.upstream import UpstreamBackend


class Backend(Protocol):
    """What the endpoint and the pages need from a store."""

    @property
    def info(self) -> StoreInfo:
        """The store's named graphs and size, known without running a query."""
        ...

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        """Check and run one query under the wall-clock limit (``timeout``, else the backend's own).

        Raises:
            QueryTimeout: the query ran past the limit and was stopped.
            WorkerFailed: the query could not be run, for a reason that is not the query's fault.
        """
        ...

    def update(self, text: str) -> None:
        """Run one SPARQL update that :func:`server.guard.check_update` let through.

        Raises:
            QueryTimeout: the update ran past the limit and was stopped.
            UpdateMalformed: the update does not parse.
            QueryError: the update failed, or this backend takes no updates.
        """
        ...

    def stats(self) -> Stats:
        """The store's counts for VoID."""
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
    workers = settings.query_workers or settings.threads
    if settings.upstream:
        return UpstreamBackend(settings.upstream, workers, settings.query_timeout)
    return EmbeddedBackend(str(app.config["STORE"]), workers, settings.query_timeout)


def init_app(app: Flask) -> None:
    """Open the app's backend and keep it in ``app.extensions["kg"]``.

    With ``WARM_WORKERS`` set (``kg serve`` sets it), every query worker starts before the app serves.
    """
    backend = open_backend(app)
    app.extensions["kg"] = backend
    atexit.register(backend.close)
    if app.config.get("WARM_WORKERS"):
        backend.warm()


def get_backend() -> Backend:
    """The current app's :class:`Backend`."""
    return current_app.extensions["kg"]

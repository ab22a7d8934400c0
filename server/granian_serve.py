"""``kg serve`` under granian: a Rust HTTP server that hands each request to the app in a WSGI thread.

Measured against waitress on the 1M-quad build (docs/performance.md, "The WSGI server"), granian answers a cheap
query at about twice waitress's rate (a cold label look-up at 8 clients: 3,833 against 1,749 q/s): the
connections, the requests' parsing and the responses' writing are Rust, so the interpreter lock is held only while
the app runs. Each of granian's worker
processes is one of ``kg serve``'s web processes (:mod:`server.processes`): granian binds the port and forks them;
each builds its app with its share of the settings (:func:`server.processes.share`: its query workers, its answer
cache, its connections), its own read-only open of the store and its own reload watcher.

What waitress's setup gave, and how it is kept here:

- **Every process and query worker starts before the port answers.** The socket listens from the start (a client
  that connects early waits in the backlog), but no process answers before every process has built its app
  (a barrier that all of them wait at). A web process that dies is started again by granian (without waiting for
  the others then).
- **Bounds.** A client must send a request's headers within ``KG_HEADER_TIMEOUT`` seconds (granian's header read
  timeout, which also closes a connection that sends nothing, an idle keep-alive one included); at most
  ``KG_CONNECTIONS`` requests (shared out among the processes) are taken at once, more wait. Idle connections cost
  granian no thread, so ``KG_IDLE_TIMEOUT`` is not needed to keep request threads free (the header timeout closes
  them).
- **Request threads.** ``KG_THREADS`` WSGI threads in each process; 0 (the default) gives the process's query
  workers plus one, so that every worker can be busy with a heavy query while a thread answers cheap ones. More
  threads only contend for the interpreter lock: side by side on the 1M-quad build, 2 threads a process against 3
  answered the label look-up at 4,020 against 3,833 q/s with a p99 of 8.4 against 11.5 ms.
- **Stopping.** SIGTERM (or Ctrl-C) stops granian, which stops every process gracefully (requests in progress are
  finished, within :data:`server.processes.STOP_WAIT` seconds); each process then stops its query workers and
  removes its checkpoints. A web process is killed with the first one when that one is killed outright (its
  checkpoints are then left to the next server, as waitress's were).
- **The query's limit** counts from the moment a WSGI thread took the request (granian does not say when the
  request came): the time it waited in granian's queue does not count, the time it waited for a query worker does.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import NamedTuple, NoReturn

from kg.config import Settings
from kg.errors import KGError

logger = logging.getLogger(__name__)

#: WSGI threads of a web process besides one for each of its query workers (``KG_THREADS=0``).
SPARE_THREADS = 1


def chosen(settings: Settings) -> bool:
    """Whether ``kg serve`` runs under granian with ``settings``: ``KG_HTTP_SERVER=granian`` (the default) where
    granian is installed and processes are forked (else waitress, with a warning).

    Raises:
        KGError: ``KG_HTTP_SERVER`` names neither.
    """
    name = settings.http_server.strip().lower()
    if name not in ("granian", "waitress"):
        raise KGError(f"KG_HTTP_SERVER={settings.http_server!r}: use granian or waitress")
    if name == "waitress":
        return False
    try:
        import granian  # noqa: F401
    except ImportError:
        logger.warning("granian is not installed: kg serve runs under waitress (pip install granian)")
        return False
    if multiprocessing.get_start_method() != "fork":
        logger.warning("granian's web processes are forked, and this platform does not fork: kg serve runs under "
                       "waitress")
        return False
    return True


def threads(settings: Settings) -> int:
    """WSGI threads of one web process with ``settings`` (its share).

    >>> threads(Settings(query_workers=1)), threads(Settings(query_workers=1, threads=8))
    (2, 8)
    """
    return settings.threads if settings.threads > 0 else settings.workers() + SPARE_THREADS


def serve(settings: Settings, processes: int, mine: Settings, make_app: Callable[[Settings], object],
          started: Callable[[], None], waits: tuple[float, float]) -> None:
    """Serve ``make_app(mine)`` in ``processes`` web processes on ``settings.host``/``settings.port`` until stopped;
    ``waits``: the seconds a process waits for the others to start, and for one to stop before it is killed."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    start_wait, stop_wait = waits
    fork = multiprocessing.get_context("fork")
    start = _Start(fork.Barrier(processes), fork.Event(), fork.SimpleQueue(), started)

    def load(_target: str):
        return _worker_app(make_app, mine, start, start_wait)

    server = Server(
        "newsgraph", address=settings.host, port=settings.port, interface=Interfaces.WSGI, workers=processes,
        blocking_threads=threads(mine), backpressure=max(1, mine.connections),
        workers_kill_timeout=max(1, int(stop_wait)),
        http1_settings=HTTP1Settings(header_read_timeout=max(1, settings.header_timeout) * 1000),
        http=HTTPModes.http1, log_level=LogLevels.warning, log_access=False, websockets=False,
    )
    # a web process that dies is started again, once they all have started (before, kg serve stops with its error)
    threading.Thread(target=_respawn_once_up, args=(server, start.up), daemon=True).start()
    try:
        server.serve(target_loader=load)
    except SystemExit:
        if not start.failed.empty():  # a web process could not start: its error, as kg serve says it (exit 4 ...)
            raise start.failed.get() from None
        raise


def _respawn_once_up(server, up) -> None:
    up.wait()
    server.respawn_failed_workers = True


class _Start(NamedTuple):
    """What the web processes share while they start."""

    barrier: object  # they all wait at it once their app is made
    up: object  # set once they all have: a process started again later does not wait
    failed: object  # the error of a process that could not make its app
    started: Callable[[], None]  # said once, by one process, when they all are up


def _worker_app(make_app: Callable[[Settings], object], mine: Settings, start: _Start, wait: float):
    """In one of granian's worker processes: the app, once every worker process has one (``start``)."""
    from server.serving import die_with_parent, stop_on_sigterm

    stop_on_sigterm()  # granian's own handlers come once the app is given; until then SIGTERM stops this process
    # granian's first process stops this one with SIGTERM (gracefully: the requests in progress are finished); when
    # it is killed outright, so is this one (a SIGTERM would wait for a runaway query to run to its limit), and its
    # query workers go with it
    die_with_parent(signal.SIGKILL)
    try:
        app = make_app(mine)
    except Exception as exc:
        _fail(start, exc)
    backend = app.extensions.get("kg")
    if backend is not None:
        # a process forked by multiprocessing ends without the exit handlers: its finalizers stop the query workers
        # and remove the checkpoints
        multiprocessing.util.Finalize(None, backend.close, exitpriority=10)
    if not start.up.is_set():
        try:
            first = start.barrier.wait(wait) == 0
        except Exception:  # BrokenBarrierError: another process failed to start, or took too long
            _fail(start, KGError(f"the web processes did not all start within {wait:g} s"))
        start.up.set()
        if first:
            start.started()
    return app


def _fail(start: _Start, exc: Exception) -> NoReturn:
    """This web process could not start: tell the first process why, stop the others' wait, and end."""
    start.barrier.abort()
    try:
        start.failed.put(exc)
    except Exception:  # an error that cannot be pickled
        start.failed.put(KGError(f"a web process could not start: {exc}"))
    sys.stderr.flush()
    os._exit(4)

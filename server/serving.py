"""``kg serve``'s HTTP server: waitress, bounded so that idle or slow clients cannot starve the others.

- At most ``KG_CONNECTIONS`` connections are open at once; more wait in the listen backlog until one closes.
- A connection that sends nothing for ``KG_IDLE_TIMEOUT`` seconds (a keep-alive connection between requests
  included) is closed.
- A client must send its request's headers within ``KG_HEADER_TIMEOUT`` seconds of its first byte (and a new
  connection its first request within as long): half-open sockets and clients that trickle headers byte by
  byte are closed instead of holding a connection.
- The time a request waited for a free request thread counts against its query's time limit: waitress stamps
  it when the request is complete, and :func:`deadline` gives the query's deadline from it.
"""

from __future__ import annotations

import logging
import signal
import socket
import time
import types

from flask import Flask, has_request_context, request
from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, MultiSocketServer
from waitress.task import WSGITask

from kg import system
from kg.config import Settings

logger = logging.getLogger(__name__)

#: waitress's request threads when ``KG_THREADS`` is 0.
THREADS = 8
#: The WSGI environ key of the moment (``time.monotonic()``) waitress had the whole request.
RECEIVED = "newsgraph.received"
#: The WSGI environ key where the path before Flask (:mod:`server.fastpath`) leaves, for the endpoint's route to send,
#: what the store gave that is not rows or triples: ``(key, answer)`` or ``(key, error)``, ``key`` the
#: :func:`server.cache.key` of the job on the generation that ran it.
ANSWERED = "newsgraph.answered"


def deadline(limit: float) -> float:
    """When (``time.monotonic()``) the current request's query must be answered: ``limit`` seconds after the server
    had the whole request, so that the time it waited for a request thread counts.

    Outside a request served by :func:`serve` (the Flask test client, say), ``limit`` seconds from now.
    """
    received = request.environ.get(RECEIVED) if has_request_context() else None
    return (time.monotonic() if received is None else received) + limit


class _Parser(HTTPRequestParser):
    """waitress's request parser, noting when the request's first byte and its last came."""

    started: float | None = None
    finished: float | None = None

    def received(self, data: bytes) -> int:
        if self.started is None:
            self.started = time.monotonic()
        consumed = super().received(data)
        if self.completed and self.finished is None:
            self.finished = time.monotonic()
        return consumed


class _Task(WSGITask):
    """waitress's WSGI task, with the moment the request was complete in the environ (:data:`RECEIVED`)."""

    def get_environment(self) -> dict:
        environ = super().get_environment()
        environ[RECEIVED] = getattr(self.request, "finished", None) or time.monotonic()
        return environ


class _Channel(HTTPChannel):
    parser_class = _Parser
    task_class = _Task
    served = False

    def service(self) -> None:
        self.served = True
        super().service()


def _maintenance(server: BaseWSGIServer, now: float, header_timeout: float) -> None:
    """waitress's own clean-up (idle connections), then the headers' deadline (see the module doc)."""
    BaseWSGIServer.maintenance(server, now)
    clock = time.monotonic()
    for channel in list(server.active_channels.values()):
        partial = channel.request
        if partial is not None and not partial.headers_finished and partial.started is not None:
            late = clock - partial.started > header_timeout
        else:
            late = partial is None and not channel.served and not channel.requests \
                and now - channel.creation_time > header_timeout
        if late:
            channel.will_close = True


def _readable(server: BaseWSGIServer, balance) -> bool:
    """waitress's own test, and this process's open connections noted for the others (:mod:`server.processes`)."""
    readable = BaseWSGIServer.readable(server)
    balance.note(len(server._map))
    return readable


def _accept(server: BaseWSGIServer, balance) -> None:
    """Accept a waiting connection, unless another web process has fewer: it takes it then (this one looks again
    after a millisecond, and takes it itself if it is still waiting and the other process has stopped writing)."""
    if balance.willing(len(server._map)):
        BaseWSGIServer.handle_accept(server)
    else:
        time.sleep(0.001)


def make_server(app: Flask, settings: Settings, sock: socket.socket | None = None, balance=None):
    """A waitress server for ``app`` on ``settings.host``/``settings.port`` (or accepting from the listening socket
    ``sock``, shared by several web processes, which spread the connections with ``balance``: a
    :class:`server.processes.Balance`) with the bounds of the module doc."""
    where = {"sockets": [sock]} if sock is not None else {"host": settings.host, "port": settings.port}
    server = create_server(
        app, **where, threads=settings.threads or THREADS, ident="newsgraph",
        connection_limit=settings.connections, channel_timeout=settings.idle_timeout, cleanup_interval=1,
        asyncore_use_poll=True,
    )
    servers = [s for s in server.map.values() if isinstance(s, BaseWSGIServer)] \
        if isinstance(server, MultiSocketServer) else [server]
    for one in servers:
        one.channel_class = _Channel
        one.maintenance = types.MethodType(
            lambda self, now: _maintenance(self, now, settings.header_timeout), one)
        if balance is not None:
            one.readable = types.MethodType(lambda self: _readable(self, balance), one)
            one.handle_accept = types.MethodType(lambda self: _accept(self, balance), one)
    return server


def serve(app: Flask, settings: Settings, sock: socket.socket | None = None, balance=None) -> None:
    """Serve ``app`` until the process is stopped (SIGTERM and Ctrl-C stop it cleanly: the query workers end and
    the store's checkpoints are removed); ``sock``: the listening socket shared with other web processes, and
    ``balance`` their connection counts (:mod:`server.processes`)."""
    stop_on_sigterm()
    make_server(app, settings, sock, balance).run()


def stop_on_sigterm() -> None:
    """SIGTERM stops this process as Ctrl-C does: its ``finally`` blocks and exit handlers run."""
    signal.signal(signal.SIGTERM, _stop)


def _stop(_signum, _frame) -> None:
    raise SystemExit(0)


def die_with_parent(how: signal.Signals = signal.SIGTERM) -> None:
    """A started web process ends with the first (Linux; elsewhere it is stopped by :func:`stop_others`): it gets
    the signal ``how`` when the first one ends."""
    if not system.die_with_parent(how):
        logger.debug("cannot tie a web process's life to the first one's on this platform")

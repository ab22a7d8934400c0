"""Several web processes on one port, so that cheap queries are answered on every core.

One Python process answers requests under one interpreter lock: a cheap query (or a cached answer) costs the web
process a few hundred microseconds of interpreter time, and the second core stays idle. ``kg serve`` therefore
starts ``KG_WEB_PROCESSES`` web processes (by default one per core, at most :data:`AUTO_MOST` and no more than query
workers). The first binds the listening socket and starts the others (``python -m kg serve`` with the socket's
descriptor in :data:`LISTEN_FD`); each is a whole server of its own (its read-only open of the store, its
generations and checkpoints, its query workers, its answer cache, its reload watcher) and accepts connections from
the one shared socket, so the kernel hands each new connection to whichever process asks first: an idle one. The
query workers (``KG_QUERY_WORKERS``), the connection bound (``KG_CONNECTIONS``) and the answer cache
(``KG_CACHE_MB``) are shared out among the processes (:func:`share`), so the totals stay those of the settings. The
price: each process has its own workers, so a query that runs to its limit holds the workers of its process only,
and a heavy query that comes to that process meanwhile waits for them (within its own limit) while the other
process's are free.

Updates need one process (an update is served by the process that wrote it at once, the others only within the store
watcher's second): with updates enabled, or over an upstream store, ``kg serve`` runs one.
"""

from __future__ import annotations

import logging
import mmap
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace

from kg import system
from kg.config import Settings
from kg.errors import KGError
from server import granian_serve
from server.serving import die_with_parent

logger = logging.getLogger(__name__)

#: The environment variable that gives a started web process the descriptor of the shared listening socket.
LISTEN_FD = "KG_LISTEN_FD"
#: Most web processes ``KG_WEB_PROCESSES=0`` (automatic) starts.
AUTO_MOST = 2
#: Seconds the first process waits for the others to stop when it stops.
STOP_WAIT = 15.0
#: Seconds the first web process waits for the others to be ready to answer.
START_WAIT = 300.0
#: The environment variable that gives a started web process the pipes on which it says it is ready and is told to go.
READY_FD = "KG_READY_FD"
#: The environment variables of a started web process: the descriptor of the shared connection counts, its slot.
BALANCE_FD, WEB_INDEX = "KG_BALANCE_FD", "KG_WEB_INDEX"
#: One process's slot in the shared counts: its open connections and when it last wrote them (time.monotonic()).
_SLOT = struct.Struct("qd")
#: Seconds after which a process that has not written its slot (stopped, stuck) no longer counts.
STALE = 2.0


class Balance:
    """Open connections of every web process, in memory they share, so that connections are spread evenly.

    Every process accepts from the shared socket, and the kernel wakes them all for a new connection: the first to
    ask gets it. A burst of clients (a page's requests, a benchmark's) can then land mostly on one process and leave
    the other core idle. With a :class:`Balance` a process leaves a new connection to the others while it has more
    than one more than another live process (:meth:`willing`; a process that has not noted its count for
    :data:`STALE` seconds is not live); at least one process is always willing.
    """

    def __init__(self, fd: int, index: int, processes: int) -> None:
        self.fd, self.index, self.processes = fd, index, processes
        self.memory = mmap.mmap(fd, _SLOT.size * processes)

    @classmethod
    def create(cls, processes: int) -> Balance | None:
        """The first process's (``None`` where there is no anonymous shared file: the kernel alone spreads them)."""
        try:
            fd = os.memfd_create("kg-web-balance", 0)
        except (AttributeError, OSError):
            return None
        os.ftruncate(fd, _SLOT.size * processes)
        os.set_inheritable(fd, True)
        return cls(fd, 0, processes)

    @classmethod
    def inherited(cls, processes: int) -> Balance | None:
        fd, index = os.environ.get(BALANCE_FD), os.environ.get(WEB_INDEX)
        return cls(int(fd), int(index), processes) if fd and index else None

    def note(self, connections: int) -> None:
        """Note that this process, alive, has ``connections`` open (its server does at every turn of its loop)."""
        _SLOT.pack_into(self.memory, self.index * _SLOT.size, connections, time.monotonic())

    def willing(self, connections: int) -> bool:
        """Whether this process, with ``connections`` open, should accept a waiting connection: unless a live process
        has fewer than ``connections - 1``."""
        self.note(connections)
        now = time.monotonic()
        for other in range(self.processes):
            if other != self.index:
                theirs, written = _SLOT.unpack_from(self.memory, other * _SLOT.size)
                if now - written < STALE and connections > theirs + 1:
                    return False
        return True


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def count(settings: Settings) -> int:
    """How many web processes ``kg serve`` runs with ``settings``.

    >>> count(Settings(web_processes=3)), count(Settings(enable_updates=True, update_token="t"))
    (3, 1)
    >>> count(Settings(query_workers=1))
    1
    """
    single = bool(settings.enable_updates or settings.upstream)
    if settings.web_processes > 1 and single:
        raise KGError("KG_WEB_PROCESSES above 1 serves a local store read-only: updates and --upstream need one "
                      "web process (set KG_WEB_PROCESSES=1 or leave it 0)")
    if settings.web_processes > 0:
        return settings.web_processes
    # each web process has a query worker of its own at least: no more processes than workers
    return 1 if single else min(AUTO_MOST, cores(), settings.workers())


def share(settings: Settings, processes: int) -> Settings:
    """The settings of one of ``processes`` web processes: its part of the query workers and of the connections.

    >>> one = share(Settings(query_workers=2, connections=500, cache_mb=64), 2)
    >>> one.query_workers, one.connections, one.cache_mb
    (1, 250, 32)
    """
    if processes <= 1:
        return settings
    return replace(settings, query_workers=max(1, settings.workers() // processes),
                   connections=max(1, settings.connections // processes),
                   cache_mb=settings.cache_mb // processes if settings.cache_mb >= processes else settings.cache_mb)


def listen_socket(settings: Settings) -> socket.socket:
    """The TCP socket every web process accepts from, bound to ``settings.host``/``settings.port``."""
    infos = socket.getaddrinfo(settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    if not infos:
        raise KGError(f"cannot listen on {settings.host}:{settings.port}")
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise KGError(f"cannot listen on {settings.host}:{settings.port}: {exc}") from exc
    # not listening yet: the first web process to be ready to answer makes it listen (waitress does), so that until
    # then a client is refused, as by a server that is not up, rather than left waiting
    sock.set_inheritable(True)
    return sock


def inherited_socket() -> socket.socket | None:
    """The shared listening socket, in a web process started by the first one (``None`` in the first)."""
    fd = os.environ.get(LISTEN_FD)
    if not fd:
        return None
    die_with_parent()
    return socket.socket(fileno=int(fd))


def start_others(sock: socket.socket, processes: int, argv: list[str], balance: Balance | None,
                 pipes: tuple[int, int]) -> list[subprocess.Popen]:
    """Start ``processes - 1`` more web processes (``python -m kg serve`` with ``argv``, the options of this one),
    each accepting from ``sock`` and writing its connections into ``balance``; each writes a byte into the first of
    ``pipes`` once it can answer, and answers once it has read one from the second."""
    fds = (sock.fileno(), *pipes) if balance is None else (sock.fileno(), *pipes, balance.fd)
    others = []
    for index in range(1, processes):
        env = {**os.environ, LISTEN_FD: str(sock.fileno()), READY_FD: ",".join(str(fd) for fd in pipes)}
        if balance is not None:
            env.update({BALANCE_FD: str(balance.fd), WEB_INDEX: str(index)})
        others.append(subprocess.Popen([sys.executable, "-m", "kg", "serve", *argv], env=env, pass_fds=fds))
    return others


def wait_ready(ready: int, others: list[subprocess.Popen], timeout: float = START_WAIT) -> None:
    """Wait until every other web process has said (on the pipe ``ready``) that it can answer, so that the server
    takes its first connection with every process and query worker started.

    Raises:
        KGError: one of them stopped, or did not start in ``timeout`` seconds.
    """
    deadline, waiting = time.monotonic() + timeout, len(others)
    while waiting:
        if any(proc.poll() is not None for proc in others):
            raise KGError("a web process stopped while it started: see its messages above")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KGError(f"the other web processes did not start within {timeout:g} s")
        readable, _, _ = select.select([ready], [], [], min(remaining, 0.5))
        if readable:
            waiting -= len(os.read(ready, waiting))


def stop_others(others: list[subprocess.Popen]) -> None:
    """Stop the other web processes (each stops its workers and removes its checkpoints) and wait for them."""
    for proc in others:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in others:
        try:
            proc.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_all(settings: Settings, make_app: Callable[[Settings], object], started: Callable[[], None]) -> None:
    """``kg serve``: under granian (:mod:`server.granian_serve`, which starts the web processes itself) when it is
    the chosen HTTP server, else this process's app (``make_app`` with its share of the settings) under waitress,
    with the other web processes started first when there are to be several, or as one of them when started so
    (``started`` is called once, in the first)."""
    from server.serving import serve, stop_on_sigterm

    stop_on_sigterm()  # from now on: a process stopped while it starts still stops its workers and checkpoints
    few_malloc_arenas()
    processes = count(settings)
    if LISTEN_FD not in os.environ and granian_serve.chosen(settings):
        granian_serve.serve(settings, processes, share(settings, processes), make_app, started,
                            waits=(START_WAIT, STOP_WAIT))
        return
    sock, others, balance = inherited_socket(), [], Balance.inherited(processes)
    ready = go = None
    if sock is None and processes > 1:
        sock, balance = listen_socket(settings), Balance.create(processes)
        (ready, told), (wait, go) = os.pipe(), os.pipe()
        try:
            others = start_others(sock, processes, _argv(settings), balance, (told, wait))
        finally:
            os.close(told)
            os.close(wait)
    mine = share(settings, processes)
    try:
        app = make_app(mine)
        if ready is not None:
            wait_ready(ready, others)
            os.write(go, b"g" * len(others))  # every process is ready: all may answer now
            os.close(ready)
            os.close(go)
    except BaseException:
        stop_others(others)
        raise
    if os.environ.get(READY_FD):  # one of the others: say so, and wait for the first to say go
        told, wait = (int(fd) for fd in os.environ[READY_FD].split(","))
        os.write(told, b"r")
        if not os.read(wait, 1):
            return  # the first process is gone
    else:
        started()
    try:
        serve(app, mine, sock, balance)
    finally:
        stop_others(others)


#: glibc's memory pools per process for kg serve's processes (MALLOC_ARENA_MAX, unless the environment sets it).
ARENAS = 2


def few_malloc_arenas() -> None:
    """Let glibc's malloc keep at most :data:`ARENAS` pools in this process and in every process it starts (the other
    web processes, the fork server and its query workers inherit the variable).

    glibc gives each thread that allocates at once a pool of its own, up to eight per core, and keeps what is freed
    in each: with a dozen request threads and pyoxigraph allocating in them, the processes of ``kg serve`` on the
    1M-quad build held 572 MiB (proportional set) after the heaviest queries, 396 MiB with two pools.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    os.environ["MALLOC_ARENA_MAX"] = str(ARENAS)
    try:
        system.libc().mallopt(-8, ARENAS)  # M_ARENA_MAX, for this process (the variable is read at start)
    except AttributeError:
        logger.debug("no glibc mallopt here")


def _argv(settings: Settings) -> list[str]:
    """The options another web process is started with (the rest comes from the environment)."""
    return ["--store", str(settings.store), "--host", settings.host, "--port", str(settings.port),
            "--query-timeout", repr(settings.query_timeout)]

"""The embedded backend: the pyoxigraph store written by ``kg build``, queried in a pool of worker processes, and
followed across rebuilds and updates.

What the workers open is never the store folder itself but a checkpoint of it (:func:`kg.store.stores.checkpoint`:
hard links to its immutable files, in ``.<store>.serving/`` beside it), one per *generation*. A watcher looks at
the store folder every second; when ``kg build`` has swapped in a new store (or another process changed it), a
new generation is made, its workers are started, and only then does it take the place of the old one. A request
holds the generation it started with until it ends (:meth:`EmbeddedBackend.acquire`), so its answer (or a page,
which makes several queries) comes wholly from one store; the old generation's workers stop once its last
request is done. An update (:meth:`EmbeddedBackend.update`) is written into the store folder by a process of its
own, then served the same way.

A generation answers a query from its :class:`~server.cache.ResultCache` when it can; else a cheap query
(:func:`server.classify.is_cheap`) in the web process itself, on its own read-only open of the checkpoint, with
the deadline checked between rows, and every other query in a worker process, killed at the limit.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.store.build_info import read_build_info
from kg.store.stats import Stats, compute_stats
from kg.store.stores import MARKER, EmbeddedStore, checkpoint, named_quads, open_store
from server.cache import ResultCache, key
from server.classify import cheap_shape
from server.guard import needs_parse
from server.heap import keep_trimmed
from server.jobs import Answer, Job, QueryTimeout, StoreInfo, UpdateMalformed, WorkerFailed, timed_out
from server.pool import QueryPool
from server.results import PastDeadline
from server.worker import execute, graph_names, writer_main

logger = logging.getLogger(__name__)

#: Seconds between two looks at the store folder.
RELOAD_INTERVAL = 1.0
#: Most rows (or triples) a query answered in the web process may have: turning rows into bytes holds the web
#: process's interpreter lock, so a longer answer is left to a worker (in parallel with the request threads).
INLINE_ROWS = 100
#: Most shapes of queries (:func:`server.classify.cheap_shape`) remembered as giving long answers.
LONG_SHAPES = 1024
#: Numbers the checkpoints this process makes (several apps may serve one store, in tests).
_CHECKPOINTS = itertools.count(1)


def store_identity(path: Path) -> tuple | None:
    """What changes when the store at ``path`` is replaced or written: its folder, its build id, its RocksDB
    ``CURRENT`` file; ``None`` while there is no complete store there (a swap under way)."""
    try:
        folder, current = path.stat(), (path / "CURRENT").stat()
        if not (path / MARKER).exists():
            return None
        info = read_build_info(path)
    except (OSError, StoreError):
        return None
    return folder.st_dev, folder.st_ino, info and (info.build_id, info.built), current.st_ino, current.st_mtime_ns


def read_info(source: Path, opened: Path, store: ox.Store) -> StoreInfo:
    """The :class:`~server.jobs.StoreInfo` of ``store``, open read-only at ``opened`` (a checkpoint of ``source``, or
    itself): its graphs and size, and what its build says (:mod:`kg.store.build_info`; nothing for a store written
    without)."""
    info = read_build_info(opened)
    triples = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    build = {"id": info.build_id, "date": info.built, "newsgraph": info.newsgraph} if info else {}
    return StoreInfo(str(source), graph_names(store), named_quads(store), triples,
                     info.base_iri if info else "", build)


class Generation:
    """One state of the store, served by its own workers (a :class:`server.backend.Snapshot`).

    Args:
        source: the store folder.
        opened: the folder the workers open (a checkpoint of ``source``, or ``source`` itself).
        identity: :func:`store_identity` of ``source`` when the checkpoint was made.
        workers, timeout: the pool's size and query limit.
        owner: the backend, told when a request is done with this generation.
        inline: most cheap queries answered in this process at once (0: every query goes to a worker).
        cache_bytes: the bound of the answers kept (0: none).
    """

    def __init__(self, source: Path, opened: Path, identity: tuple | None, workers: int, timeout: float,
                 owner: EmbeddedBackend, inline: int = 0, cache_bytes: int = 0) -> None:
        self.source, self.opened, self.identity, self.owner = source, opened, identity, owner
        self.timeout = timeout
        self.store: ox.Store | None = open_store(opened, read_only=True)
        self.info = read_info(source, opened, self.store)
        self.pool = QueryPool(str(opened), size=workers, timeout=timeout)
        self.cache = ResultCache(cache_bytes)
        self._inline = threading.BoundedSemaphore(inline) if inline > 0 else None
        #: Shapes of cheap queries whose answer had more than INLINE_ROWS rows: the next of the shape goes to a worker.
        self._long: dict[str, None] = {}
        if self._inline is None:
            self.store = None
        self.users = 0
        self.retired = False
        self._stats: Stats | None = None
        self._lock = threading.Lock()

    def run(self, job: Job, deadline: float | None = None, inline: bool | None = None) -> Answer:
        """Answer ``job`` by ``deadline`` from the cache, in this process (a cheap query) or in a worker;
        ``inline``: :meth:`inline_allowed` when the caller knows it already.

        Raises:
            QueryTimeout: the query ran past its limit and was stopped.
            WorkerFailed: its worker died.
        """
        deadline = time.monotonic() + self.timeout if deadline is None else deadline
        k = key(self.identity, job)
        answer = self.cache.get(k)
        if answer is None:
            if inline is None:
                inline = self.inline_allowed(job)
            answer = self.run_inline(job, deadline) if inline else None
            if answer is None:
                answer = self.pool.run(job, deadline)
            self.cache.put(k, answer)
        return answer

    def inline_allowed(self, job: Job) -> bool:
        """Whether ``job`` may run in this process: a cheap query (:func:`server.classify.is_cheap`) on the store's
        own dataset, with none of the words the safety check must parse for (:func:`server.guard.needs_parse`), and
        not of a shape that gave more than :data:`INLINE_ROWS` rows before."""
        if self._inline is None or job.dataset is not None or needs_parse(job.query):
            return False
        shape = cheap_shape(job.query)
        return shape is not None and shape not in self._long

    def run_inline(self, job: Job, deadline: float) -> Answer | None:
        """Run ``job`` in this process, reading its rows until ``deadline``; ``None`` when every in-process slot is
        taken (a query stuck in one step of its evaluation cannot hold all the request threads), or when its answer
        has more than :data:`INLINE_ROWS` rows (a worker answers it then).

        Raises:
            QueryTimeout: the deadline passed (the query stops: nothing reads its rows any more).
        """
        if self._inline is None or not self._inline.acquire(blocking=False):
            return None
        started = time.monotonic()
        try:
            if started > deadline:
                raise timed_out(self.timeout, queued=True)
            # inline_allowed said the safety check has nothing to look for (no SERVICE, LOAD or FROM): not again
            answer = execute(self.store, replace(job, max_rows=min(job.max_rows, INLINE_ROWS), check=False), deadline)
            if answer.kind == "too-many-rows" and job.max_rows > INLINE_ROWS:
                with self._lock:
                    self._long[cheap_shape(job.query) or ""] = None
                    while len(self._long) > LONG_SHAPES:
                        self._long.pop(next(iter(self._long)))
                return None
            return answer
        except PastDeadline:
            raise timed_out(self.timeout, started - (deadline - self.timeout)) from None
        finally:
            self._inline.release()

    def stats(self) -> Stats:
        """The store's counts for VoID, computed on first use and kept."""
        with self._lock:
            if self._stats is None:
                store = EmbeddedStore(self.opened)
                try:
                    self._stats = compute_stats(store)
                finally:
                    del store
            return self._stats

    def release(self) -> None:
        self.owner.leave(self)

    def close(self) -> None:
        """Stop the workers, drop the answers kept, and remove the checkpoint."""
        self.pool.close()
        self.cache.clear()
        self.store = None
        if self.opened != self.source:
            shutil.rmtree(self.opened, ignore_errors=True)


class EmbeddedBackend:
    """The :class:`server.backend.Backend` over a store folder written by ``kg build``.

    Args:
        path: the store folder.
        workers: query worker processes per generation.
        timeout: wall-clock limit of one query or update, in seconds.
        watch: follow the store folder (a thread looks at it every :data:`RELOAD_INTERVAL` seconds).
        inline: most cheap queries the web process answers itself at once (0: all go to the workers).
        cache_bytes: the bound of each generation's :class:`~server.cache.ResultCache` (0: no cache).

    Raises:
        StoreError: there is no usable store at ``path``.
    """

    def __init__(self, path: str, workers: int, timeout: float, watch: bool = True, inline: int = 0,
                 cache_bytes: int = 0) -> None:
        self.source = Path(path)
        self.workers, self.timeout = workers, timeout
        self.inline, self.cache_bytes = inline, cache_bytes
        self.serving = self.source.parent / f".{self.source.name}.serving"
        self._lock = threading.Lock()  # the current generation and the users of each
        self._switch = threading.Lock()  # one reload or update at a time
        self._closed = threading.Event()
        self._closing: list[threading.Thread] = []  # retired generations being stopped
        self._remove_stale_checkpoints()
        self._current = self._generation(store_identity(self.source))
        self._failed: tuple | None = None
        if watch:
            threading.Thread(target=self._watch, daemon=True, name="kg-store-watch").start()
        keep_trimmed(self._closed)

    # ---- generations

    def _generation(self, identity: tuple | None) -> Generation:
        """A new generation of the store as it is now (a checkpoint of it, if one can be made beside it)."""
        target = self.serving / f"{os.getpid()}-{next(_CHECKPOINTS)}"
        try:
            self.serving.mkdir(exist_ok=True)
            checkpoint(self.source, target)
            opened = target
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            logger.warning("cannot checkpoint the store into %s (%s): serving %s itself, which a rebuild or an "
                           "update may disturb", self.serving, exc, self.source)
            opened = self.source
        try:
            return Generation(self.source, opened, identity, self.workers, self.timeout, self, self.inline,
                              self.cache_bytes)
        except BaseException:
            if opened != self.source:
                shutil.rmtree(opened, ignore_errors=True)
            raise

    def _remove_stale_checkpoints(self) -> None:
        """Remove the checkpoints of servers that are no longer running."""
        if not self.serving.is_dir():
            return
        for folder in self.serving.iterdir():
            pid = folder.name.split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)

    def acquire(self) -> Generation:
        """The current generation, held until :meth:`Generation.release`."""
        with self._lock:
            generation = self._current
            generation.users += 1
            return generation

    def leave(self, generation: Generation) -> None:
        with self._lock:
            generation.users -= 1
            done = generation.retired and generation.users == 0
        if done:
            generation.close()

    def reload(self, force: bool = False) -> bool:
        """Serve the store as it is now, if it changed (or ``force``); whether a new generation took over.

        The new generation's workers are all started before it takes over; the old one stops when its last
        request is done.
        """
        with self._switch:
            identity = store_identity(self.source)
            if identity is None or (identity == self._current.identity and not force) or self._closed.is_set():
                return False
            fresh = None
            try:
                fresh = self._generation(identity)
                fresh.pool.warm()
            except Exception as exc:  # noqa: BLE001 - the old generation goes on serving
                if fresh is not None:
                    fresh.close()
                if identity != self._failed:
                    logger.warning("the store at %s changed but cannot be served yet: %s", self.source, exc)
                self._failed = identity
                return False
            with self._lock:
                old, self._current = self._current, fresh
                old.retired = True
                done = old.users == 0
            logger.info("serving the store at %s as built %s", self.source, fresh.info.build.get("date", "?"))
        if done:
            closing = threading.Thread(target=old.close, daemon=True, name="kg-generation-close")
            self._closing = [t for t in self._closing if t.is_alive()] + [closing]
            closing.start()
        return True

    def _watch(self) -> None:
        while not self._closed.wait(RELOAD_INTERVAL):
            try:
                self.reload()
            except Exception:  # noqa: BLE001 - the watcher must go on
                logger.exception("looking at the store at %s failed", self.source)

    # ---- the Backend protocol

    def warm(self) -> None:
        """Start every query worker of the current generation now."""
        self._current.pool.warm()

    def update(self, text: str, touched: frozenset[str] | None) -> None:
        """Write a checked update (:func:`server.updates.check_update`, which also says which graphs it may change)
        into the store folder, in a process of its own, then serve the result.

        Raises:
            QueryTimeout: the update ran past the limit and was stopped (nothing of it is written).
            UpdateMalformed: pyoxigraph cannot parse it.
            QueryError: it failed, or the store cannot be written beside the served checkpoints.
        """
        if self._current.opened == self.source:
            raise QueryError(f"updates need a folder beside the store where the server can keep what it serves "
                             f"({self.serving} could not be made): make {self.source.parent} writable")
        with self._switch:
            _write(str(self.source), text, touched, self.timeout)
        self.reload(force=True)

    def close(self) -> None:
        """Stop serving: the current generation stops once idle, and a retired one still stopping is waited for, so
        that the checkpoints go with the server (a process killed outright leaves them to the next server)."""
        self._closed.set()
        with self._lock:
            current = self._current
            current.retired = True
            done = current.users == 0
        if done:
            current.close()
        for closing in self._closing:
            closing.join(CLOSE_WAIT)
        with contextlib.suppress(OSError):
            self.serving.rmdir()  # only when empty


#: Seconds :meth:`EmbeddedBackend.close` waits for a retired generation that is still stopping.
CLOSE_WAIT = 10.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: Seconds the default graph may take to be made again after an update (the update itself has the query limit).
SYNC_TIMEOUT = 900.0


def _write(store_path: str, text: str, touched: frozenset[str] | None, limit: float) -> None:
    """Run the update ``text`` in a writer process (:func:`server.worker.writer_main`) within ``limit`` seconds, then
    wait for it to make the default graph again."""
    context = multiprocessing.get_context("spawn")
    conn, child = context.Pipe()
    process = context.Process(target=writer_main, args=(store_path, text, touched, child), daemon=True,
                              name="kg-update-worker")
    process.start()
    child.close()
    try:
        if not conn.poll(60) or conn.recv().kind != "ready":
            raise WorkerFailed("the update worker could not open the store")
        if not conn.poll(limit):
            raise QueryTimeout(f"the update ran longer than {limit:g} s and was stopped")
        answer = conn.recv()
        if answer.kind == "applied":
            if not conn.poll(SYNC_TIMEOUT):
                raise WorkerFailed(f"the default graph was not made again within {SYNC_TIMEOUT:g} s of the update: "
                                   "the store's default graph may lack its changes until the next kg build")
            answer = conn.recv()
    except (EOFError, OSError) as exc:
        raise WorkerFailed(f"the update worker died: {exc}") from exc
    finally:
        if process.is_alive():
            process.kill()
        process.join(10)
        conn.close()
    if answer.kind == "syntax":
        raise UpdateMalformed(f"malformed update: {answer.body.decode('utf-8', 'replace')}")
    if answer.kind != "done":
        raise WorkerFailed(answer.body.decode("utf-8", "replace"))


"""A pool of query worker processes over one store, with a wall-clock limit per query.

pyoxigraph cannot interrupt a query running in a thread, so every query runs in a worker
process that has opened the store read-only once (:mod:`server.worker`). A query that passes the
wall-clock limit gets its worker killed (which really stops the work) and a fresh worker starts in its
place at once, in the background, while the other workers go on serving other clients.

Workers answer with the serialized result, already in the negotiated format, so only bytes
cross the process boundary.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import replace

from server.guard import needs_parse
from server.jobs import Answer, Job, WorkerFailed, timed_out
from server.worker import worker_main

logger = logging.getLogger(__name__)

#: Most safety-check verdicts a pool keeps (the oldest goes first).
VERDICTS = 512
#: Seconds a new worker may take to start and open the store.
START_TIMEOUT = 120.0
#: Modules the fork server imports once, so that a new worker (a fork of it) starts at once.
PRELOAD = ["server.worker"]


def worker_context():
    """The multiprocessing context of query workers: a fork server where there is one (a worker then starts in a
    fraction of a second, having its modules already), else fresh interpreters."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context, store_path: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(store_path, child), daemon=True,
                                       name="kg-query-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.stop()
            raise WorkerFailed(f"a query worker did not start within {timeout:g} s")
        try:
            answer = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.stop()
            raise WorkerFailed(f"a query worker died while starting: {exc}") from exc
        if answer.kind != "ready":
            self.stop()
            raise WorkerFailed(answer.body.decode("utf-8"))

    def stop(self) -> None:
        """Kill the process (the only way to stop a running query) and reap it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A small pool of query workers over one store, with a wall-clock limit per query.

    Workers start on demand, up to ``size`` (or all at once: :meth:`warm`); a request that finds them all busy
    waits for one, within its limit.

    Args:
        store_path: the store folder the workers open read-only.
        size: most worker processes.
        timeout: wall-clock limit of one query, in seconds (the time it waited for the server included).
    """

    def __init__(self, store_path: str, size: int, timeout: float) -> None:
        self.store_path = str(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self._context = worker_context()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False
        #: query text -> the safety check's verdict: ``(its FROM dataset or None,)``, or the refusal to send again.
        self._verdicts: dict[str, Answer | tuple] = {}

    def warm(self, timeout: float = START_TIMEOUT) -> None:
        """Start every worker now, all at once, so that no request waits for one to start.

        Without this, workers start on demand, the first time that many requests run together: under a
        sudden burst of clients each new worker (a fresh Python process that opens the store) costs its
        request a second or more.

        Raises:
            WorkerFailed: a worker could not start (the others are kept).
        """
        with self._lock:
            missing = self.size - self._started
            self._started += missing
        workers = [_Worker(self._context, self.store_path) for _ in range(missing)]
        failed: Exception | None = None
        for worker in workers:
            try:
                worker.wait_ready(timeout)
            except WorkerFailed as exc:
                with self._lock:
                    self._started -= 1
                failed = exc
                continue
            self._release(worker)
        if failed is not None:
            raise failed

    def _acquire(self, deadline: float) -> _Worker:
        """An idle worker (one started here if the pool is not full), waiting until ``deadline`` at most.

        Raises:
            QueryTimeout: no worker came free before the deadline.
        """
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                spawn = self._started < self.size and not self._closed
                if spawn:
                    self._started += 1
            if spawn:
                try:
                    worker = _Worker(self._context, self.store_path)
                    worker.wait_ready(START_TIMEOUT)
                    return worker
                except Exception:
                    with self._lock:
                        self._started -= 1
                    raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise timed_out(self.timeout, queued=True)
            try:
                return self._idle.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                continue

    def _release(self, worker: _Worker) -> None:
        """Give ``worker`` back to the idle workers, or stop it if the pool was closed meanwhile."""
        with self._lock:
            if not self._closed:
                self._idle.put(worker)
                return
            self._started -= 1
        worker.stop()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement at once, both in the background."""
        def replace_it() -> None:
            worker.stop()
            with self._lock:
                if self._closed:
                    self._started -= 1
                    return
            try:
                fresh = _Worker(self._context, self.store_path)
                fresh.wait_ready(START_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - the next request that finds no worker starts one
                logger.warning("a replacement query worker did not start: %s", exc)
                with self._lock:
                    self._started -= 1
                return
            self._release(fresh)

        threading.Thread(target=replace_it, daemon=True, name="kg-worker-replace").start()

    def run(self, job: Job, deadline: float | None = None) -> Answer:
        """Run ``job`` on a free worker.

        Args:
            job: the query.
            deadline: when (``time.monotonic()``) it must be answered: the pool's limit after the request came in
                (:func:`server.serving.deadline`); by default, the limit from now.

        Raises:
            QueryTimeout: the query ran past the limit (its worker was killed), or no worker came free in time.
            WorkerFailed: the worker died, or the pool is closed.
        """
        if self._closed:
            raise WorkerFailed("the query pool is closed")
        deadline = time.monotonic() + self.timeout if deadline is None else deadline
        verdict = self._verdicts.get(job.query) if job.check else None
        if isinstance(verdict, Answer):
            return verdict
        if verdict is not None:
            job = replace(job, check=False, query_dataset=verdict[0])
        answer = self._run(job, deadline)
        if job.check and needs_parse(job.query):
            self._remember(job.query, answer)
        return answer

    def _remember(self, text: str, answer: Answer) -> None:
        """Keep the safety check's verdict on ``text`` (a refusal, or the dataset of its FROM clauses)."""
        verdict: Answer | tuple
        if "checked" in answer.extra:
            verdict = answer.extra["checked"]
        elif answer.kind in ("refused", "malformed"):
            verdict = answer
        else:
            return
        with self._lock:
            self._verdicts[text] = verdict
            while len(self._verdicts) > VERDICTS:
                self._verdicts.pop(next(iter(self._verdicts)))

    def _run(self, job: Job, deadline: float) -> Answer:
        worker = self._acquire(deadline)
        waited = time.monotonic() - (deadline - self.timeout)
        try:
            worker.conn.send(job)
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._replace(worker)
                raise timed_out(self.timeout, waited)
            answer = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(worker)
            raise WorkerFailed(f"a query worker died: {exc}") from exc
        self._release(worker)
        return answer

    def close(self) -> None:
        """Stop every idle worker; workers in use are stopped when they come back."""
        idle = []
        with self._lock:
            self._closed = True
            while True:
                try:
                    idle.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            self._started -= len(idle)
        for worker in idle:
            worker.stop()

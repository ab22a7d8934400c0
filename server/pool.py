"""A pool of query worker processes over one store, with a wall-clock limit per query.

pyoxigraph cannot interrupt a query running in a thread, so every query runs in a worker
process that has opened the store read-only once (:mod:`server.worker`). A query that passes the
wall-clock limit gets its worker killed (which really stops the work) and a fresh worker takes its
place, while the other workers go on serving other clients.

Workers answer with the serialized result, already in the negotiated format, so only bytes
cross the process boundary.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
from dataclasses import replace

from server.guard import needs_parse
from server.jobs import Answer, Job, QueryTimeout, UpdateMalformed, WorkerFailed, timed_out
from server.worker import worker_main, writer_main

logger = logging.getLogger(__name__)

#: Most safety-check verdicts a pool keeps (the oldest goes first).
VERDICTS = 512


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

    Workers start on demand, up to ``size``; a request that finds them all busy waits for one.

    Args:
        store_path: the store folder written by ``kg build``.
        size: most worker processes.
        timeout: wall-clock limit of one query, in seconds.
    """

    def __init__(self, store_path: str, size: int, timeout: float) -> None:
        self.store_path = str(store_path)
        self.size = max(1, size)
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False
        self._gate = threading.Condition()
        self._active = 0
        self._writing = False
        #: query text -> the safety check's verdict: own dataset or not, or the refusal to send again.
        self._verdicts: dict[str, Answer | bool] = {}

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.store_path)
        worker.wait_ready(60)
        return worker

    def warm(self, timeout: float = 120) -> None:
        """Start every worker now, all at once, so that no request waits for one to start.

        Without this, workers start on demand, the first time that many requests run together: under a
        sudden burst of clients each new worker (a fresh Python process that opens the store) costs its
        request a second or more.
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
            self._idle.put(worker)
        if failed is not None:
            raise failed

    def _acquire(self) -> _Worker:
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                spawn = self._started < self.size
                if spawn:
                    self._started += 1
            if spawn:
                try:
                    return self._spawn()
                except Exception:
                    with self._lock:
                        self._started -= 1
                    raise
            try:
                return self._idle.get(timeout=0.1)
            except queue.Empty:
                continue

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker`` in the background; the next request that finds no idle worker starts a new one."""
        with self._lock:
            self._started -= 1
        threading.Thread(target=worker.stop, daemon=True, name="kg-worker-stop").start()

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        """Run ``job`` on a free worker.

        Raises:
            QueryTimeout: the query ran past the limit; its worker was killed.
            WorkerFailed: the worker died.
        """
        if self._closed:
            raise WorkerFailed("the query pool is closed")
        with self._gate:
            self._gate.wait_for(lambda: not self._writing)
            self._active += 1
        try:
            verdict = self._verdicts.get(job.query) if job.check else None
            if isinstance(verdict, Answer):
                return verdict
            if verdict is not None:
                job = replace(job, check=False, own_dataset=verdict)
            answer = self._run(job, self.timeout if timeout is None else timeout)
            if job.check and needs_parse(job.query):
                self._remember(job.query, answer)
            return answer
        finally:
            with self._gate:
                self._active -= 1
                self._gate.notify_all()

    def _remember(self, text: str, answer: Answer) -> None:
        """Keep the safety check's verdict on ``text`` (a refusal, or whether it has its own dataset)."""
        verdict: Answer | bool
        if "own_dataset" in answer.extra:
            verdict = answer.extra["own_dataset"]
        elif answer.kind in ("refused", "malformed"):
            verdict = answer
        else:
            return
        with self._lock:
            self._verdicts[text] = verdict
            while len(self._verdicts) > VERDICTS:
                self._verdicts.pop(next(iter(self._verdicts)))

    def _run(self, job: Job, limit: float) -> Answer:
        worker = self._acquire()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(limit):
                self._replace(worker)
                raise timed_out(limit)
            answer = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(worker)
            raise WorkerFailed(f"a query worker died: {exc}") from exc
        self._idle.put(worker)
        return answer

    def _stop_idle(self) -> None:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                self._started -= 1
            worker.stop()

    def update(self, text: str, timeout: float | None = None) -> None:
        """Run a SPARQL update with every query worker stopped, in a process that opens the store read-write.

        Readers and a writer must not have the store open together, so the update waits for the
        running queries to end, stops the idle workers, runs, and lets new workers (which see the
        update) start on demand afterwards.

        Raises:
            QueryTimeout: the update ran past the limit and was stopped (RocksDB drops the unfinished write).
            WorkerFailed: the update failed; the message says why.
        """
        limit = self.timeout if timeout is None else timeout
        with self._gate:
            self._gate.wait_for(lambda: not self._writing)
            self._writing = True
            self._gate.wait_for(lambda: self._active == 0)
        try:
            self._stop_idle()
            with self._lock:
                self._verdicts.clear()
            conn, child = self._context.Pipe()
            process = self._context.Process(target=writer_main, args=(self.store_path, text, child), daemon=True,
                                            name="kg-update-worker")
            process.start()
            child.close()
            try:
                if not conn.poll(60) or conn.recv().kind != "ready":
                    raise WorkerFailed("the update worker could not open the store")
                if not conn.poll(limit):
                    raise QueryTimeout(f"the update ran longer than {limit:g} s and was stopped")
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
        finally:
            with self._gate:
                self._writing = False
                self._gate.notify_all()

    def close(self) -> None:
        """Stop every idle worker; workers in use are stopped when they come back."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.stop()

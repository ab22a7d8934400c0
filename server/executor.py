"""Run SPARQL in worker processes that can be stopped.

pyoxigraph cannot interrupt a query running in a thread, so every query runs in a worker
process that has opened the store read-only once. A query that passes the wall-clock limit
gets its worker killed (which really stops the work) and a fresh worker takes its place in the
background, while the other workers go on serving other clients.

Workers answer with the serialized result, already in the negotiated format, so only bytes
cross the process boundary.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection

from kg.errors import QueryError
from server.guard import Malformed, Refused, check_query, is_update, needs_parse

logger = logging.getLogger(__name__)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Most safety-check verdicts a pool keeps (the oldest goes first).
VERDICTS = 512


class QueryTimeout(QueryError):
    """The query ran past the wall-clock limit and was stopped."""


class TooManyRows(QueryError):
    """The answer has more rows (or triples) than the endpoint's cap."""


class UpdateMalformed(QueryError):
    """An update that pyoxigraph cannot parse."""


class WorkerFailed(QueryError):
    """A worker process died or could not run the query for a reason that is not the query's fault."""


@dataclass(frozen=True)
class Job:
    """One query for a worker.

    Attributes:
        query: the SPARQL query text.
        results_format: pyoxigraph ``QueryResultsFormat`` name for SELECT/ASK, or ``None`` if none is acceptable.
        graph_format: pyoxigraph ``RdfFormat`` name for CONSTRUCT/DESCRIBE, or ``None`` if none is acceptable.
        default_graph: IRIs making up the default graph, or ``None`` for the union of all named graphs.
        named_graphs: IRIs of the graphs GRAPH may see, or ``None`` for all.
        max_rows: most solutions or triples the answer may have.
        own_dataset: the query has FROM/FROM NAMED clauses, which then define its dataset.
        check: run :func:`server.guard.check_query` in the worker first (it then decides ``own_dataset``), so
            that even a slow or failing safety check is under the wall-clock limit and outside the web process.
    """

    query: str
    results_format: str | None
    graph_format: str | None
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10000
    own_dataset: bool = False
    check: bool = True


@dataclass(frozen=True)
class Answer:
    """A worker's reply: ``kind`` is ``"results"``, ``"graph"``, or an error kind; ``body`` the bytes or message."""

    kind: str
    body: bytes = b""
    format: str | None = None
    extra: dict = field(default_factory=dict)


def _term_json(term) -> dict:
    """A pyoxigraph term in the SPARQL 1.1 JSON results form."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _solutions_json(solutions, max_rows: int) -> bytes:
    """SELECT solutions as SPARQL JSON, at most ``max_rows`` of them.

    Each distinct term is turned into JSON once per answer (labels, types and places recur on many
    rows), and rows are joined as text, not built as dicts and dumped.

    Raises:
        TooManyRows: there are more than ``max_rows`` solutions.
    """
    variables = [v.value for v in solutions.variables]
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in variables]
    columns = list(enumerate(keys))
    fragments: dict = {}
    rows = []
    for solution in solutions:
        if len(rows) >= max_rows:
            raise TooManyRows(f"the answer has more than {max_rows} rows (KG_MAX_ROWS): "
                              "add a LIMIT, or page through it with LIMIT and OFFSET")
        cells = []
        for index, key in columns:
            value = solution[index]
            if value is None:
                continue
            fragment = fragments.get(value)
            if fragment is None:
                fragment = fragments[value] = json.dumps(_term_json(value), ensure_ascii=False,
                                                         separators=(",", ":"))
            cells.append(key + fragment)
        rows.append("{" + ",".join(cells) + "}")
    head = json.dumps({"vars": variables}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(rows) + "]}}").encode("utf-8")


def graph_answer(job: Job, triples: Iterable) -> Answer:
    """A CONSTRUCT/DESCRIBE answer in the negotiated RDF format, capped at ``job.max_rows`` triples.

    Raises:
        TooManyRows: there are more triples than the cap.
    """
    import pyoxigraph as ox

    if job.graph_format is None:
        return Answer("not-acceptable", extra={"kind": "graph"})
    kept = []
    for triple in triples:
        if len(kept) >= job.max_rows:
            raise TooManyRows(f"the answer has more than {job.max_rows} triples (KG_MAX_ROWS): "
                              "add a LIMIT, or page through it with LIMIT and OFFSET")
        kept.append(triple)
    fmt = getattr(ox.RdfFormat, job.graph_format)
    if fmt.supports_datasets:
        kept = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in kept]
    return Answer("graph", ox.serialize(kept, format=fmt), job.graph_format)


def graph_names(store) -> frozenset[str]:
    """IRIs of the named graphs of an open pyoxigraph store."""
    import pyoxigraph as ox

    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def execute(store, job: Job, graphs: frozenset[str] | None = None) -> Answer:
    """Check ``job``'s query, run it on an open pyoxigraph store and serialize the answer (in the worker).

    Args:
        store: the open store.
        job: the query and how to answer it.
        graphs: the store's named graphs, if the caller already knows them.

    Returns:
        An :class:`Answer`: ``results``/``graph`` with the bytes, ``not-acceptable`` with the kind the query
        has when the client accepts no format for it, or ``refused``/``malformed``/``syntax``/``too-many-rows``/
        ``error`` with a message. When the worker ran the safety check and it passed, ``extra["own_dataset"]``
        is its verdict.
    """
    own_dataset = job.own_dataset
    if job.check:
        try:
            own_dataset = check_query(job.query, graph_names(store) if graphs is None else graphs)
        except Refused as exc:
            return Answer("refused", str(exc).encode("utf-8"))
        except Malformed as exc:
            return Answer("malformed", str(exc).encode("utf-8"))
    answer = _run_checked(store, job, own_dataset)
    if job.check and answer.kind not in ("refused", "malformed"):
        answer.extra["own_dataset"] = own_dataset
    return answer


def _run_checked(store, job: Job, own_dataset: bool) -> Answer:
    """Run a query that passed the safety check; ``own_dataset`` is its verdict."""
    import pyoxigraph as ox

    options: dict = {}
    if job.default_graph is None and job.named_graphs is None:
        if not own_dataset:
            options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graph or ()] or [ox.DefaultGraph()]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs or ()]
    try:
        result = store.query(job.query, **options)
        if isinstance(result, ox.QueryTriples):
            return graph_answer(job, result)
        if job.results_format is None:
            return Answer("not-acceptable", extra={"kind": "results"})
        fmt = getattr(ox.QueryResultsFormat, job.results_format)
        if isinstance(result, ox.QueryBoolean):
            return Answer("results", result.serialize(format=fmt), job.results_format)
        body = _solutions_json(result, job.max_rows)
        if job.results_format != "JSON":
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=fmt)
        return Answer("results", body, job.results_format)
    except SyntaxError as exc:
        if is_update(job.query):
            return Answer("malformed", b"this is a SPARQL update, not a query: /sparql answers queries only")
        return Answer("syntax", str(exc).encode("utf-8"))
    except TooManyRows as exc:
        return Answer("too-many-rows", str(exc).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - reported to the client as a message, never a traceback
        logger.warning("query failed: %s", exc)
        return Answer("error", f"{type(exc).__name__}: {exc}".encode())


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server process ends, even mid-query (a no-op elsewhere)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        logger.debug("cannot tie the worker's life to the server's on this platform")


def _worker_main(store_path: str, conn: Connection) -> None:
    """A worker process: open the store read-only once, then answer jobs until the pipe closes."""
    from kg.store.stores import open_store

    _die_with_parent()
    try:
        store = open_store(store_path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it
        conn.send(Answer("error", f"cannot open the store: {exc}".encode()))
        return
    graphs = graph_names(store)
    conn.send(Answer("ready"))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, job, graphs))


def _writer_main(store_path: str, text: str, conn: Connection) -> None:
    """The update process: open the store read-write, run one update, flush, and close."""
    from kg.store.stores import open_store

    _die_with_parent()
    try:
        store = open_store(store_path, read_only=False)
        conn.send(Answer("ready"))
        store.update(text)
        store.flush()
        del store
    except SyntaxError as exc:
        conn.send(Answer("syntax", str(exc).encode("utf-8")))
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it
        conn.send(Answer("error", f"{type(exc).__name__}: {exc}".encode()))
    else:
        conn.send(Answer("done"))


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context, store_path: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(store_path, child), daemon=True,
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
                raise QueryTimeout(f"the query ran longer than {limit:g} s (KG_QUERY_TIMEOUT) and was stopped: "
                                   "make it more selective or add a LIMIT")
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
            process = self._context.Process(target=_writer_main, args=(self.store_path, text, child), daemon=True,
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

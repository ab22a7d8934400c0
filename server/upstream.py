"""A remote SPARQL 1.1 store behind the endpoint: ``kg serve --upstream URL``.

:class:`UpstreamBackend` is a :class:`server.backend.Backend` like the embedded store, so the endpoint and
the pages work unchanged; :class:`UpstreamPool` sends its queries. Every safety rule stays in force:
the query is checked by :func:`server.guard.check_query` against the upstream's graphs before it
leaves (SERVICE refused, FROM only for graphs the store holds), it is sent as a query (never an
update) with a wall-clock limit, and its answer is parsed and re-serialized here, which enforces
the row cap and answers in the format the client negotiated.

The upstream's default graph must be the merge of its named graphs, as in the embedded store: ``kg push``
writes it (Oxigraph: ``oxigraph serve`` without ``--union-default-graph``, which would repeat a triple once per
graph). The dataset a query names (FROM, FROM NAMED, ``default-graph-uri``, ``named-graph-uri``) is sent as
protocol parameters with only the graphs the upstream holds: a graph it does not hold stays an empty graph
(:data:`NO_GRAPH` in its place), and its IRI never leaves, so no store behind us fetches it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import pyoxigraph as ox
import requests

from kg.errors import QueryError, StoreError
from kg.store.stats import Stats, compute_stats
from kg.store.stores import SparqlStore
from server.guard import Malformed, Refused, check_query, is_update
from server.jobs import Answer, Dataset, Job, QueryTimeout, StoreInfo, TooManyRows, WorkerFailed, timed_out
from server.results import graph_answer, results_answer

logger = logging.getLogger(__name__)

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
MAX_ANSWER_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 16
#: Sent upstream in place of a dataset's graphs when the upstream holds none of them: a name no store holds.
NO_GRAPH = "urn:x-newsgraph:no-graph"


def _media_type(reply: requests.Response) -> str:
    return reply.headers.get("Content-Type", "").split(";")[0].strip().lower()


class UpstreamPool:
    """Runs guarded queries on a remote SPARQL 1.1 query endpoint, at most ``size`` at a time.

    Args:
        url: the upstream's query URL.
        size: most queries in flight at once (a request that finds them all busy waits, within its limit).
        timeout: wall-clock limit of one query, in seconds (waiting for a free slot included).
    """

    def __init__(self, url: str, size: int, timeout: float) -> None:
        self.url = url
        self.size = max(1, size)
        self.timeout = timeout
        self.graphs: frozenset[str] = frozenset()
        self._slots = threading.BoundedSemaphore(self.size)
        self._closed = False

    def run(self, job: Job, deadline: float | None = None) -> Answer:
        """Check and run ``job`` upstream and serialize its answer as :func:`server.worker.execute` does, by
        ``deadline`` (``time.monotonic()``; by default the pool's limit from now).

        Raises:
            QueryTimeout: the upstream did not answer within the limit.
            WorkerFailed: the upstream cannot be reached, or sent something that is not a SPARQL answer.
        """
        if self._closed:
            raise WorkerFailed("the upstream connection is closed")
        limit = self.timeout
        deadline = time.monotonic() + limit if deadline is None else deadline
        if job.check:
            checked = self._check(job.query, max(0.0, deadline - time.monotonic()), limit)
            if isinstance(checked, Answer):
                return checked
            job = replace(job, check=False, query_dataset=checked)
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise timed_out(limit, queued=True)
        try:
            status, media_type, body = self._fetch(job, deadline, limit)
        finally:
            self._slots.release()
        return _answer(job, status, media_type, body)

    def _check(self, query: str, seconds: float, limit: float) -> Answer | Dataset | None:
        """Run :func:`server.guard.check_query` within the wall-clock limit: the query's FROM dataset (or ``None``),
        or an :class:`Answer` if it refuses.

        The check runs in a thread that is left to finish on its own if it takes too long (a parse cannot be
        interrupted); the client gets its 503 on time and the query never leaves.
        """
        outcome: list[Answer | Dataset | None] = []

        def check() -> None:
            try:
                outcome.append(check_query(query))
            except Refused as exc:
                outcome.append(Answer("refused", str(exc).encode("utf-8")))
            except Malformed as exc:
                outcome.append(Answer("malformed", str(exc).encode("utf-8")))
            except Exception as exc:  # noqa: BLE001 - reported to the client as a message
                outcome.append(Answer("malformed", f"the query could not be checked: {exc}".encode()))

        worker = threading.Thread(target=check, daemon=True, name="kg-upstream-check")
        worker.start()
        worker.join(seconds)
        if not outcome:
            raise timed_out(limit)
        return outcome[0]

    def _dataset_parameters(self, dataset: Dataset | None) -> list[tuple[str, str]]:
        """The protocol parameters of ``dataset``: only graphs the upstream holds, :data:`NO_GRAPH` for none."""
        if dataset is None:
            return []
        default = [iri for iri in dataset.default if iri in self.graphs] or [NO_GRAPH]
        named = [iri for iri in dataset.named if iri in self.graphs] or [NO_GRAPH]
        return [("default-graph-uri", iri) for iri in default] + [("named-graph-uri", iri) for iri in named]

    def _fetch(self, job: Job, deadline: float, limit: float) -> tuple[int, str, bytes]:
        data: list[tuple[str, str]] = [("query", job.query)]
        data += self._dataset_parameters(job.effective_dataset)
        accept = f"{RESULTS_JSON}, {N_TRIPLES};q=0.9"
        remaining = max(0.1, deadline - time.monotonic())
        try:
            with requests.post(self.url, data=data, headers={"Accept": accept}, stream=True,
                               timeout=(min(5.0, remaining), remaining)) as reply:
                chunks, size = [], 0
                for chunk in reply.iter_content(_CHUNK):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise timed_out(limit)
                    if size > MAX_ANSWER_BYTES:
                        return 200, "too-large", b""
                return reply.status_code, _media_type(reply), b"".join(chunks)
        except requests.Timeout as exc:
            raise timed_out(limit) from exc
        except requests.RequestException as exc:
            raise WorkerFailed(f"the upstream store {self.url} cannot be reached: {exc}") from exc

    def close(self) -> None:
        self._closed = True


def _answer(job: Job, status: int, media_type: str, body: bytes) -> Answer:
    """The upstream's reply as an :class:`Answer`, capped at ``job.max_rows`` and in the negotiated format."""
    if media_type == "too-large":
        return Answer("too-many-rows", f"the answer is larger than {MAX_ANSWER_BYTES} bytes: add a LIMIT, "
                                       "or page through it with LIMIT and OFFSET".encode())
    message = body.decode("utf-8", "replace").strip()[:2000]
    if status in (408, 503, 504):
        raise QueryTimeout(f"the upstream store gave up on the query (HTTP {status}): {message}")
    if status == 400:
        if is_update(job.query):
            return Answer("malformed", b"this is a SPARQL update, not a query: /sparql answers queries only")
        return Answer("syntax", message.encode("utf-8"))
    if not 200 <= status < 300:
        return Answer("error", f"the upstream store answered HTTP {status}: {message}".encode())
    try:
        if media_type == N_TRIPLES:
            return _graph(job, body)
        if media_type == RESULTS_JSON:
            return _results(job, body)
    except TooManyRows as exc:
        return Answer("too-many-rows", str(exc).encode("utf-8"))
    except SyntaxError as exc:
        raise WorkerFailed(f"the upstream store sent an answer that does not parse: {exc}") from exc
    raise WorkerFailed(f"the upstream store answered in {media_type or 'no media type'}, "
                       f"not {RESULTS_JSON} or {N_TRIPLES}")


def _graph(job: Job, body: bytes) -> Answer:
    return graph_answer(job, ox.parse(body, format=ox.RdfFormat.N_TRIPLES))


def _results(job: Job, body: bytes) -> Answer:
    if job.results_format is None:
        return Answer("not-acceptable", extra={"kind": "results"})
    return results_answer(job, ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))


class UpstreamBackend:
    """The :class:`server.backend.Backend` over an upstream store: its graphs and size (asked once at start),
    its counts (asked on first use) and the pool that sends its queries; read-only.

    It is its own :class:`server.backend.Snapshot`: what the upstream holds is read once, at start.

    Args:
        url: the upstream's query URL.
        workers: most queries in flight at once.
        timeout: wall-clock limit of one query, in seconds.
        base_iri: the base IRI the graph was built with (the ``BASE_IRI`` setting).

    Raises:
        StoreError: the upstream cannot be queried.
    """

    def __init__(self, url: str, workers: int, timeout: float, base_iri: str) -> None:
        self.path = url
        self.base_iri = base_iri
        self.pool = UpstreamPool(url, size=workers, timeout=timeout)
        self.remote = SparqlStore(url, timeout=max(timeout, 30.0))
        self._lock = threading.Lock()
        self._stats: Stats | None = None
        self._info = self._read_info()

    @property
    def info(self) -> StoreInfo:
        return self._info

    def _read_info(self) -> StoreInfo:
        """Ask the upstream for its named graphs and its number of quads."""
        try:
            rows = self.remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            quads = len(self.remote)
            triples = int(self.remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
        except StoreError as exc:
            raise StoreError(f"{exc}: check --upstream (the store's SPARQL query URL) and that it is running") from exc
        graphs = frozenset(row["g"].value for row in rows if isinstance(row.get("g"), ox.NamedNode))
        self.pool.graphs = graphs
        return StoreInfo(self.path, graphs, quads, triples, self.base_iri)

    def acquire(self) -> UpstreamBackend:
        return self

    def release(self) -> None:
        """Nothing to release: the upstream is read once."""

    def warm(self) -> None:
        """Nothing to start: queries go out over HTTP."""

    def run(self, job: Job, deadline: float | None = None) -> Answer:
        return self.pool.run(job, deadline)

    def stats(self) -> Stats:
        """The upstream's counts for VoID, computed with SPARQL on first use and kept."""
        with self._lock:
            if self._stats is None:
                self._stats = compute_stats(self.remote)
            return self._stats

    def update(self, text: str, touched: frozenset[str] | None) -> None:
        """Refused: a server over an upstream store is read-only."""
        raise QueryError("this server answers from an upstream store and is read-only: "
                         "update the store itself (or push a new build with `kg push`)")

    def close(self) -> None:
        self.pool.close()

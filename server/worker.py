"""What runs inside a query worker process: check a job, run it on the open store, serialize its answer.

:class:`server.pool.QueryPool` starts the processes (:func:`worker_main`, and :func:`writer_main` for an
update); :func:`execute` is the whole of a job's life in the worker, and can be called on any open store.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from dataclasses import replace
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg import system
from kg.store.syntax import explain_syntax_error
from server.guard import Malformed, Refused, check_query, is_update
from server.heap import HeapKeeper
from server.jobs import Answer, Dataset, Job, TooManyRows
from server.results import PastDeadline, graph_answer, results_answer

logger = logging.getLogger(__name__)

#: Seconds a job must have taken for the worker to look at its heap after it (:class:`server.heap.HeapKeeper`): a
#: quick query allocates little, and the look (reading ``/proc/self/statm``) would be a share of its time.
LOOK_AFTER = 0.005


def graph_names(store: ox.Store) -> frozenset[str]:
    """IRIs of the named graphs of an open pyoxigraph store."""
    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def execute(store: ox.Store, job: Job, deadline: float | None = None) -> Answer:
    """Check ``job``'s query, run it on an open pyoxigraph store and serialize the answer (in a worker, or in the
    web process for a cheap query: :mod:`server.classify`).

    Args:
        store: the open store (its default graph the merge of its named graphs, as ``kg build`` writes it).
        job: the query and how to answer it.
        deadline: when (``time.monotonic()``) to stop reading the answer's rows; none in a worker, which is
            killed at the limit instead.

    Returns:
        An :class:`~server.jobs.Answer`. When the worker ran the safety check and it passed,
        ``extra["checked"]`` holds its verdict (see :class:`~server.jobs.Answer`).

    Raises:
        PastDeadline: the deadline passed while the rows were read.
    """
    checked = None
    if job.check:
        try:
            checked = (check_query(job.query),)
        except Refused as exc:
            return Answer("refused", str(exc).encode("utf-8"))
        except Malformed as exc:
            return Answer("malformed", str(exc).encode("utf-8"))
        job = replace(job, query_dataset=checked[0], check=False)
    answer = _run_checked(store, job, deadline)
    if checked is not None:
        answer.extra["checked"] = checked
    return answer


def merged_dataset(store: ox.Store, dataset: Dataset) -> ox.Store:
    """A scratch store (in memory) whose default graph is the merge of ``dataset.default`` (each triple once) and
    whose named graphs are ``dataset.named``: Oxigraph's own default graph of several graphs repeats a triple once
    per graph that holds it."""
    scratch = ox.Store()
    for iri in dataset.default:
        scratch.extend(ox.Quad(q.subject, q.predicate, q.object)
                       for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    for iri in dataset.named:
        scratch.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    return scratch


def _run_checked(store: ox.Store, job: Job, deadline: float | None) -> Answer:
    """Run a query that passed the safety check, on its dataset (:attr:`~server.jobs.Job.effective_dataset`)."""
    dataset = job.effective_dataset
    options: dict = {}
    if dataset is not None:
        if len(dataset.default) > 1:
            store = merged_dataset(store, dataset)
            options["default_graph"] = ox.DefaultGraph()
        else:
            options["default_graph"] = [ox.NamedNode(iri) for iri in dataset.default]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named]
    try:
        result = store.query(job.query, **options)
        if isinstance(result, ox.QueryTriples):
            return graph_answer(job, result, deadline)
        again = (lambda: store.query(job.query, **options)) if deadline is None else None
        return results_answer(job, result, deadline, again)
    except SyntaxError as exc:
        if is_update(job.query):
            return Answer("malformed", b"this is a SPARQL update, not a query: /sparql answers queries only")
        return Answer("syntax", explain_syntax_error(job.query, None, None, str(exc)).encode("utf-8"))
    except TooManyRows as exc:
        return Answer("too-many-rows", str(exc).encode("utf-8"))
    except PastDeadline:
        raise
    except Exception as exc:  # noqa: BLE001 - reported to the client as a message, never a traceback
        logger.warning("query failed: %s", exc)
        return Answer("error", f"{type(exc).__name__}: {exc}".encode())


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends, even mid-query (a no-op elsewhere).

    A query worker's parent is multiprocessing's fork server, which ends when the server process does, once no
    process holds its "alive" pipe: multiprocessing hands that pipe to every process the fork server starts, so a
    worker busy in a query would keep it (and so itself) alive. The worker closes its copy here.
    """
    from multiprocessing import forkserver

    if not system.die_with_parent():
        logger.debug("cannot tie the worker's life to the server's on this platform")
    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if alive is not None and multiprocessing.current_process().name == "kg-query-worker":
        with contextlib.suppress(OSError):
            os.close(alive)
        server._forkserver_alive_fd = None


def worker_main(store_path: str, conn: Connection) -> None:
    """A worker process: open the store read-only once, then answer jobs until the pipe closes."""
    from kg.store.stores import open_store

    die_with_parent()
    try:
        store = open_store(store_path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it
        conn.send(Answer("error", f"cannot open the store: {exc}".encode()))
        return
    conn.send(Answer("ready"))
    keeper = HeapKeeper()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        conn.send(execute(store, job))
        if time.perf_counter() - started >= LOOK_AFTER:
            keeper.look()


def writer_main(store_path: str, text: str, touched: frozenset[str] | None, conn: Connection) -> None:
    """The update process: open the store read-write, run one update (then say ``applied``), make the default graph
    the merge of the named graphs again (:func:`sync_default_graph`), flush, close, and say ``done``."""
    from kg.store.stores import open_store

    die_with_parent()
    try:
        store = open_store(store_path, read_only=False)
        conn.send(Answer("ready"))
        before = _triples(store, touched)
        store.update(text)
        conn.send(Answer("applied"))
        sync_default_graph(store, touched, before)
        store.flush()
        del store
    except SyntaxError as exc:
        conn.send(Answer("syntax", explain_syntax_error(text, None, None, str(exc)).encode("utf-8")))
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which reports it
        conn.send(Answer("error", f"{type(exc).__name__}: {exc}".encode()))
    else:
        conn.send(Answer("done"))


def _triples(store: ox.Store, graphs: frozenset[str] | None) -> set[tuple]:
    """The (subject, predicate, object) of every quad of ``graphs`` (none when ``graphs`` is ``None``)."""
    found: set[tuple] = set()
    for iri in graphs or ():
        found.update((q.subject, q.predicate, q.object)
                     for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    return found


def sync_default_graph(store: ox.Store, touched: frozenset[str] | None, before: set[tuple]) -> None:
    """Make the store's default graph the merge of its named graphs again, after an update that may have changed
    the graphs ``touched`` (whose triples were ``before``); ``None``: any graph, and the whole default graph is made
    again (:data:`server.updates.SYNC_DEFAULT_GRAPH`)."""
    from server.updates import SYNC_DEFAULT_GRAPH

    if touched is None:
        store.update(SYNC_DEFAULT_GRAPH)
        return
    after = _triples(store, touched)
    store.extend(ox.Quad(*triple) for triple in after - before)
    for triple in before - after:
        if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in store.quads_for_pattern(*triple, None)):
            store.remove(ox.Quad(*triple))

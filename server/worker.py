"""What runs inside a query worker process: check a job, run it on the open store, serialize its answer.

:class:`server.pool.QueryPool` starts the processes (:func:`worker_main`, and :func:`writer_main` for an
update); :func:`execute` is the whole of a job's life in the worker, and can be called on any open store.
"""

from __future__ import annotations

import logging
from multiprocessing.connection import Connection

import pyoxigraph as ox

from server.guard import Malformed, Refused, check_query, is_update
from server.jobs import Answer, Job, TooManyRows
from server.results import graph_answer, results_answer

logger = logging.getLogger(__name__)


def graph_names(store: ox.Store) -> frozenset[str]:
    """IRIs of the named graphs of an open pyoxigraph store."""
    return frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def execute(store: ox.Store, job: Job, graphs: frozenset[str] | None = None) -> Answer:
    """Check ``job``'s query, run it on an open pyoxigraph store and serialize the answer (in the worker).

    Args:
        store: the open store.
        job: the query and how to answer it.
        graphs: the store's named graphs, if the caller already knows them.

    Returns:
        An :class:`~server.jobs.Answer`. When the worker ran the safety check and it passed,
        ``extra["own_dataset"]`` is its verdict.
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


def _run_checked(store: ox.Store, job: Job, own_dataset: bool) -> Answer:
    """Run a query that passed the safety check; ``own_dataset`` is its verdict."""
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
        return results_answer(job, result)
    except SyntaxError as exc:
        if is_update(job.query):
            return Answer("malformed", b"this is a SPARQL update, not a query: /sparql answers queries only")
        return Answer("syntax", str(exc).encode("utf-8"))
    except TooManyRows as exc:
        return Answer("too-many-rows", str(exc).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - reported to the client as a message, never a traceback
        logger.warning("query failed: %s", exc)
        return Answer("error", f"{type(exc).__name__}: {exc}".encode())


def die_with_parent() -> None:
    """Ask Linux to kill this process when the server process ends, even mid-query (a no-op elsewhere)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        logger.debug("cannot tie the worker's life to the server's on this platform")


def worker_main(store_path: str, conn: Connection) -> None:
    """A worker process: open the store read-only once, then answer jobs until the pipe closes."""
    from kg.store.stores import open_store

    die_with_parent()
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


def writer_main(store_path: str, text: str, conn: Connection) -> None:
    """The update process: open the store read-write, run one update, flush, and close."""
    from kg.store.stores import open_store

    die_with_parent()
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

"""What goes to a backend and what comes back: a :class:`Job`, its :class:`Answer`, and the errors of running it.

Every backend (:mod:`server.backend`) takes the same jobs and gives the same answers, so the endpoint and the
pages do not know whether the embedded store or an upstream store answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.errors import QueryError


class QueryTimeout(QueryError):
    """The query ran past the wall-clock limit and was stopped."""


class TooManyRows(QueryError):
    """The answer has more rows (or triples) than the endpoint's cap."""


class UpdateMalformed(QueryError):
    """An update that cannot be parsed."""


class WorkerFailed(QueryError):
    """A worker process died, or a backend could not run the query for a reason that is not the query's fault."""


def timed_out(limit: float, waited: float = 0.0, queued: bool = False) -> QueryTimeout:
    """The error of a query stopped at its wall-clock limit of ``limit`` seconds, ``waited`` of which it spent
    waiting for the server (``queued``: all of it, so it never ran).

    >>> print(timed_out(3, 1.25))  # doctest: +ELLIPSIS
    the query ran longer than 3 s (KG_QUERY_TIMEOUT), 1.2 s of it waiting for the server, and was stopped: ...
    """
    if queued:
        return QueryTimeout(f"the query waited {limit:g} s (KG_QUERY_TIMEOUT) for the server and was not run: the "
                            "server is busy; try again in a moment")
    wait = f", {waited:.1f} s of it waiting for the server," if waited >= 0.05 else ""
    return QueryTimeout(f"the query ran longer than {limit:g} s (KG_QUERY_TIMEOUT){wait} and was stopped: "
                        "make it more selective or add a LIMIT")


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs on, when it is not the store's own (SPARQL 1.1 Protocol, section 2.1.4).

    Attributes:
        default: IRIs of the graphs whose merge is the default graph (none: an empty default graph).
        named: IRIs of the graphs ``GRAPH`` may see (none: no named graph).

    A graph the store does not hold is an empty graph: nothing is ever fetched.
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """One query for a backend.

    Attributes:
        query: the SPARQL query text.
        results_format: pyoxigraph ``QueryResultsFormat`` name for SELECT/ASK, or ``None`` if none is acceptable.
        graph_format: pyoxigraph ``RdfFormat`` name for CONSTRUCT/DESCRIBE, or ``None`` if none is acceptable.
        dataset: the protocol's ``default-graph-uri``/``named-graph-uri`` parameters, when the request has any;
            they override the query's FROM and FROM NAMED.
        max_rows: most solutions or triples the answer may have.
        query_dataset: the dataset of the query's own FROM/FROM NAMED clauses (the safety check's verdict).
        check: run :func:`server.guard.check_query` in the worker first (it then decides ``query_dataset``), so
            that even a slow or failing safety check is under the wall-clock limit and outside the web process.

    With neither dataset, the query runs on the store's default graph (the merge of its named graphs) and
    sees every named graph.
    """

    query: str
    results_format: str | None
    graph_format: str | None
    dataset: Dataset | None = None
    max_rows: int = 10000
    query_dataset: Dataset | None = None
    check: bool = True

    @property
    def effective_dataset(self) -> Dataset | None:
        """The dataset the query runs on: the protocol's, else its own FROM clauses', else ``None`` (the store's)."""
        return self.dataset if self.dataset is not None else self.query_dataset


@dataclass(frozen=True)
class Answer:
    """A backend's reply: ``kind`` is ``"results"``, ``"graph"``, or an error kind; ``body`` the bytes or message.

    The kinds: ``results``/``graph`` with the serialized answer in ``format``; ``not-acceptable`` (the client
    accepts no format for the query's kind of answer, ``extra["kind"]``); ``refused``, ``malformed``, ``syntax``,
    ``too-many-rows`` and ``error`` with a message. A worker that ran the safety check puts its verdict in
    ``extra["checked"]`` (``(the query's Dataset or None,)``), so that the pool need not check the query again.
    """

    kind: str
    body: bytes = b""
    format: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StoreInfo:
    """What the endpoint knows about its store without asking a worker.

    Attributes:
        path: the store folder (or the upstream's URL).
        graphs: IRIs of its named graphs.
        quads: quads in its named graphs.
        triples: distinct triples (the size of the default graph, their merge).
        base_iri: the base IRI its resources were minted under.
        build: what the build says about itself (``id``, ``date``, ``newsgraph`` version), when known.
    """

    path: str
    graphs: frozenset[str]
    quads: int
    triples: int = 0
    base_iri: str = ""
    build: dict = field(default_factory=dict)

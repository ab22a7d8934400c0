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


def timed_out(limit: float) -> QueryTimeout:
    """The error of a query stopped at its wall-clock limit of ``limit`` seconds."""
    return QueryTimeout(f"the query ran longer than {limit:g} s (KG_QUERY_TIMEOUT) and was stopped: "
                        "make it more selective or add a LIMIT")


@dataclass(frozen=True)
class Job:
    """One query for a backend.

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
    """A backend's reply: ``kind`` is ``"results"``, ``"graph"``, or an error kind; ``body`` the bytes or message.

    The kinds: ``results``/``graph`` with the serialized answer in ``format``; ``not-acceptable`` (the client
    accepts no format for the query's kind of answer, ``extra["kind"]``); ``refused``, ``malformed``, ``syntax``,
    ``too-many-rows`` and ``error`` with a message.
    """

    kind: str
    body: bytes = b""
    format: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class StoreInfo:
    """What the endpoint knows about its store without asking a worker."""

    path: str
    graphs: frozenset[str]
    quads: int

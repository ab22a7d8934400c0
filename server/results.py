"""Query answers as bytes in the negotiated format, capped at the row limit.

Both backends answer through these functions: the embedded store's workers with pyoxigraph's own results,
the upstream store with the results it sent, parsed here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from server.jobs import Answer, Job, QueryTimeout, TooManyRows


class PastDeadline(QueryTimeout):
    """The deadline passed while the answer's rows were being read (the query then stops: it is lazy)."""


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise PastDeadline("the query ran past its deadline")

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term) -> dict:
    """A pyoxigraph term in the SPARQL 1.1 JSON results form.

    >>> term_json(ox.Literal("Almaty", language="en"))
    {'type': 'literal', 'value': 'Almaty', 'xml:lang': 'en'}
    """
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
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def solutions_json(solutions: ox.QuerySolutions, max_rows: int, deadline: float | None = None) -> bytes:
    """SELECT solutions as SPARQL JSON, at most ``max_rows`` of them, read by ``deadline`` (``time.monotonic()``).

    Each distinct term is turned into JSON once per answer (labels, types and places recur on many
    rows), and rows are joined as text, not built as dicts and dumped.

    Raises:
        TooManyRows: there are more than ``max_rows`` solutions.
        PastDeadline: the deadline passed before the last row was read.
    """
    variables = [v.value for v in solutions.variables]
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in variables]
    columns = list(enumerate(keys))
    fragments: dict = {}
    rows = []
    for solution in solutions:
        _check(deadline)
        if len(rows) >= max_rows:
            raise TooManyRows(_TOO_MANY.format(max_rows))
        cells = []
        for index, key in columns:
            value = solution[index]
            if value is None:
                continue
            fragment = fragments.get(value)
            if fragment is None:
                fragment = fragments[value] = json.dumps(term_json(value), ensure_ascii=False,
                                                         separators=(",", ":"))
            cells.append(key + fragment)
        rows.append("{" + ",".join(cells) + "}")
    _check(deadline)
    head = json.dumps({"vars": variables}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(rows) + "]}}").encode("utf-8")


#: Bytes one row's JSON may take on average before a worker's answer is written row by row instead
#: (:func:`written_solutions_json`), so that an answer far over the row cap is never held whole.
ROW_BYTES = 1024
_TOO_MANY = "the answer has more than {} rows (KG_MAX_ROWS): add a LIMIT, or page through it with LIMIT and OFFSET"


class _Full(Exception):
    """The answer outgrew :class:`_Bounded`'s bound."""


class _Bounded:
    """A binary file for pyoxigraph's serializer that keeps at most ``limit`` bytes (then raises :class:`_Full`)."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size, self.limit = 0, limit

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Full
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def written_solutions_json(solutions: ox.QuerySolutions, max_rows: int) -> bytes | None:
    """SELECT solutions as SPARQL JSON written by pyoxigraph itself (the same bytes as :func:`solutions_json`, about
    twice as fast on long answers), for a query in a worker (which has no deadline: it is killed at the limit);
    ``None`` when the answer passes ``ROW_BYTES`` bytes a row allowed (the caller then runs it again row by row).

    Raises:
        TooManyRows: there are more than ``max_rows`` solutions.
    """
    writer = _Bounded(ROW_BYTES * max_rows + 4096)
    try:
        solutions.serialize(writer, format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    body = b"".join(writer.parts)
    # rows are written "{...},{...}": a body with at most max_rows - 1 "},{" (strings may hold some too) or of at most
    # three bytes a row ("{}" and a comma) cannot have too many; only another one is read to count its rows
    if (len(body) > 3 * max_rows and body.count(b"},{") >= max_rows
            and len(json.loads(body)["results"]["bindings"]) > max_rows):
        raise TooManyRows(_TOO_MANY.format(max_rows))
    return body


def graph_answer(job: Job, triples: Iterable[ox.Triple], deadline: float | None = None) -> Answer:
    """A CONSTRUCT/DESCRIBE answer in the negotiated RDF format, capped at ``job.max_rows`` triples, read by
    ``deadline``.

    Raises:
        TooManyRows: there are more triples than the cap.
        PastDeadline: the deadline passed before the last triple was read.
    """
    if job.graph_format is None:
        return Answer("not-acceptable", extra={"kind": "graph"})
    kept = []
    for triple in triples:
        _check(deadline)
        if len(kept) >= job.max_rows:
            raise TooManyRows(f"the answer has more than {job.max_rows} triples (KG_MAX_ROWS): "
                              "add a LIMIT, or page through it with LIMIT and OFFSET")
        kept.append(triple)
    _check(deadline)
    fmt = getattr(ox.RdfFormat, job.graph_format)
    if fmt.supports_datasets:
        kept = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in kept]
    return Answer("graph", ox.serialize(kept, format=fmt), job.graph_format)


def results_answer(job: Job, result: ox.QuerySolutions | ox.QueryBoolean, deadline: float | None = None,
                   again: Callable[[], ox.QuerySolutions] | None = None) -> Answer:
    """A SELECT/ASK answer in the negotiated results format, capped at ``job.max_rows`` rows, read by ``deadline``.

    ``again`` (a worker's, with no deadline) runs the query again: the answer is then written by pyoxigraph
    (:func:`written_solutions_json`), and read row by row only if it is too long for that.

    Raises:
        TooManyRows: there are more rows than the cap.
        PastDeadline: the deadline passed before the last row was read.
    """
    if job.results_format is None:
        return Answer("not-acceptable", extra={"kind": "results"})
    fmt = getattr(ox.QueryResultsFormat, job.results_format)
    if isinstance(result, ox.QueryBoolean):
        return Answer("results", result.serialize(format=fmt), job.results_format)
    written = deadline is None and again is not None
    body = written_solutions_json(result, job.max_rows) if written else None
    if body is None:
        body = solutions_json(again() if written else result, job.max_rows, deadline)
    if job.results_format != "JSON":
        body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)
    return Answer("results", body, job.results_format)

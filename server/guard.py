"""Refuse, before anything runs, the SPARQL that would reach outside the store.

pyoxigraph opens outbound connections for ``SERVICE`` and ``LOAD`` (rdflib would also fetch the IRIs of
``FROM``/``FROM NAMED``). The endpoint serves a fixed store, so a query may not use ``SERVICE`` at all, and
updates (``LOAD`` among them) never go through ``/sparql``. ``FROM``/``FROM NAMED`` name graphs of the store:
the check reads them (:class:`server.jobs.Dataset`) and the query runs on exactly that dataset, where a graph the
store does not hold is an empty graph, never fetched (SPARQL 1.1 Protocol).

A query whose text holds none of the words ``service``, ``load`` or ``from`` (in any case, anywhere, even
inside an IRI or a string) outside its whole-line comments and its variables' names, and no ``\\u`` escape
anywhere, cannot use those features, so it passes without a second parse. A variable is a ``?`` or ``$`` and
the name characters after it: SPARQL reads them all as the name (``?oSERVICE`` is one variable), so a keyword
never hides in one; only ASCII names are dropped, and a name with other characters keeps its words (it is
parsed). Queries such as ``SELECT ?from ...`` then pass at once, where rdflib's parse took 0.1 to 1 s. Any
other query is parsed with rdflib's SPARQL parser and its algebra is walked. A whole-line comment is a line
whose first non-blank character is ``#``, and, in a query that has a long string literal (three quote marks,
single or double), that has no quote character: no IRI and no short string holds a line break, so in a query
without long strings such a line begins in code and is all comment; with them, a line with no quote is all
comment in code and all string inside a long string (which it cannot end), so dropping it for the word check
never hides code. (The header lines of ``queries/*.rq``, ``# answer: ... from ...``, are such lines.) ``\\u``
is looked for before anything is dropped, because escapes are decoded before comments are recognised.

The endpoint keeps the verdicts of recent queries (:class:`server.pool.QueryPool`), so a query
sent again is not parsed again.

>>> check_query("SELECT * WHERE { ?s ?p ?o }") is None
True
>>> check_query("SELECT * FROM <urn:g:a> FROM NAMED <urn:g:b> WHERE { ?s ?p ?o }")
Dataset(default=('urn:g:a',), named=('urn:g:b',))
>>> check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
server.guard.Refused: SERVICE is not allowed: this endpoint answers from its own store only
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from kg.errors import QueryError
from kg.store.syntax import explain_syntax_error
from server.jobs import Dataset

logger = logging.getLogger(__name__)

_SUSPECT = ("service", "load", "from", "\\u")
#: A variable with an ASCII name (the whole name: SPARQL reads every name character after ``?``/``$`` as its name).
_VARIABLE = re.compile(r"[?$][a-z0-9_]+(?![\w\u00b7\u0300-\u036f\u203f\u2040])")
#: SPARQL ends a comment at a line feed or carriage return only (not at str.splitlines' other breaks).
_LINE_END = re.compile(r"[\r\n]")


class Refused(QueryError):
    """The query asks for something this endpoint does not do (SERVICE, LOAD, a graph it has not)."""


class Malformed(QueryError):
    """The request's SPARQL text cannot be parsed, or is an update sent as a query."""


def walk(node) -> Iterable:
    """Every node of an rdflib parse tree or algebra (CompValue dicts, lists, ParseResults)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


def is_update(text: str) -> bool:
    """Whether ``text`` parses as a SPARQL update (used to explain a query that does not parse)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return True


def _is_comment_line(line: str, long_strings: bool) -> bool:
    # only SPARQL's own blanks (space, tab) before the "#": str.lstrip() would also take Unicode spaces
    return line.lstrip(" \t").startswith("#") and not (long_strings and ("'" in line or '"' in line))


def needs_parse(text: str) -> bool:
    """Whether ``text`` might use SERVICE, LOAD or FROM, so that only a full parse can tell (see the module doc).

    >>> needs_parse("# answer: acting from 5 January\\nSELECT * { ?s ?p ?o }")
    False
    >>> needs_parse("SELECT ?from { ?s ?p ?from }")
    False
    >>> needs_parse("SELECT ?from FROM <urn:g> { ?s ?p ?from }")
    True
    >>> needs_parse("SELECT * { ?s ?p '''\\n# x''' } # from")
    True
    >>> needs_parse("# from 'here'\\nSELECT * { ?s ?p ?o }"), needs_parse("SELECT * { ?s ?p '''\\n# ''' FROM <g>")
    (False, True)
    """
    lowered = text.lower()
    if "\\u" in lowered:
        return True
    if not any(word in lowered for word in _SUSPECT):  # most queries: none of the words anywhere
        return False
    long_strings = "'''" in lowered or '"""' in lowered
    code = "\n".join(line for line in _LINE_END.split(lowered) if not _is_comment_line(line, long_strings))
    if not any(word in code for word in _SUSPECT):
        return False
    return any(word in _VARIABLE.sub(" ", code) for word in _SUSPECT)


def check_query(text: str) -> Dataset | None:
    """Refuse a query that uses SERVICE; read its FROM and FROM NAMED clauses.

    Args:
        text: the SPARQL query.

    Returns:
        The dataset its FROM/FROM NAMED clauses name, or ``None`` when it has none.

    Raises:
        Refused: the query uses SERVICE.
        Malformed: the query needed a full parse and does not parse (or is an update).
    """
    if not needs_parse(text):
        return None
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
        query = translateQuery(parsed)
    except RecursionError as exc:
        raise Malformed("the query is too long or too deeply nested for the endpoint's check of SERVICE, LOAD "
                        "and FROM (which runs when those words appear anywhere in it): make it smaller") from exc
    except ParseException as exc:
        if is_update(text):
            raise Malformed("this is a SPARQL update, not a query: /sparql answers queries only") from exc
        raise Malformed("malformed query: " + explain_syntax_error(text, exc.lineno, exc.col, str(exc))) from exc
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exceptions for bad prefixes and the like
        raise Malformed(f"malformed query: {exc}") from exc
    for node in walk(query.algebra):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise Refused("SERVICE is not allowed: this endpoint answers from its own store only")
    clauses = query.algebra.get("datasetClause") or []
    if not clauses:
        return None
    return Dataset(default=tuple(str(c["default"]) for c in clauses if "default" in c),
                   named=tuple(str(c["named"]) for c in clauses if "named" in c))

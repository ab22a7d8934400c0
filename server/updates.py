"""SPARQL updates on ``/update``: what they may do, the dataset of their ``WHERE``, and the default graph after them.

The store's default graph is the merge of its named graphs (each distinct triple once): the server keeps it so.
An update writes into named graphs (``INSERT DATA { GRAPH <g> { ... } }``, ``WITH <g> DELETE ... WHERE``); one
that would write into the default graph itself is refused, since the next moment the default graph is the
merge again. After an update, the triples it added to or removed from the graphs it names
(:func:`touched_graphs`) are added to or, when no graph holds them any more, removed from the default graph
(:func:`server.worker.writer_main`); an update that names no graph (``GRAPH ?g``, ``CLEAR ALL``) makes the
whole default graph again (:data:`SYNC_DEFAULT_GRAPH`), which reads every quad of the store. Reading the default
graph in a ``WHERE`` clause reads the merge. ``LOAD`` and ``SERVICE`` are refused: nothing is fetched.

The protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters set the dataset of every
``DELETE``/``INSERT ... WHERE`` operation, as ``USING`` and ``USING NAMED`` would (:func:`with_using`); an
update that has its own ``USING`` or ``WITH`` may not have them too (SPARQL 1.1 Protocol, section 2.2.3).
"""

from __future__ import annotations

from kg.store.syntax import explain_syntax_error, tokens
from server.guard import Malformed, Refused, walk
from server.jobs import Dataset

#: Makes the default graph the merge of the named graphs again: what no named graph holds leaves it, what one
#: holds and it lacks joins it (after an update that names no graph; it reads every quad).
SYNC_DEFAULT_GRAPH = ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
                      "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }")

_DEFAULT_WRITE = ("{} writes into the default graph, which this store keeps as the merge of its named graphs: "
                  "write into a named graph instead (INSERT DATA {{ GRAPH <urn:example:graph> {{ ... }} }}, "
                  "or WITH <graph> before DELETE/INSERT ... WHERE)")


class UsingConflict(Malformed):
    """``using-graph-uri``/``using-named-graph-uri`` sent with an update that has its own USING or WITH."""


def _part(node, key: str):
    """``node[key]`` of an rdflib parse tree node, or ``None`` (its ``get`` answers a missing key with the key)."""
    return node[key] if key in node else None  # noqa: SIM401 - CompValue.get(key, None) returns key


def _writes_default(op) -> bool:
    """Whether the parsed update operation ``op`` (rdflib's parse tree) writes triples into the default graph."""
    name = op.name
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return bool(_part(op["quads"], "triples"))
    if name == "Modify":
        if _part(op, "withClause") is not None:
            return False
        return any(bool(_part(op[part]["quads"], "triples")) for part in ("delete", "insert") if part in op)
    if name in ("Clear", "Drop"):
        return _part(op, "graphiri") == "DEFAULT"
    if name in ("Add", "Copy", "Move"):
        return op["graph"][1] == "DEFAULT"
    return False


_NAMES = {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
          "Modify": "DELETE/INSERT ... WHERE", "Clear": "CLEAR DEFAULT", "Drop": "DROP DEFAULT",
          "Add": "ADD ... TO DEFAULT", "Copy": "COPY ... TO DEFAULT", "Move": "MOVE ... TO DEFAULT"}


def touched_graphs(parsed) -> frozenset[str] | None:
    """The IRIs of the graphs a parsed update (rdflib's parse tree) may change, or ``None`` when it does not name
    them all (a ``GRAPH ?g`` template, ``CLEAR ALL``, ``DROP NAMED``)."""
    graphs: set[str] = set()
    for op in parsed.request:
        names: list = []
        if op.name in ("InsertData", "DeleteData", "DeleteWhere"):
            names = [q["term"] for q in _part(op["quads"], "quadsNotTriples") or []]
        elif op.name == "Modify":
            names = [_part(op, "withClause")] if _part(op, "withClause") is not None else []
            for part in ("delete", "insert"):
                if part in op:
                    names += [q["term"] for q in _part(op[part]["quads"], "quadsNotTriples") or []]
        elif op.name in ("Clear", "Drop", "Create"):
            names = [op["graphiri"]]
        elif op.name in ("Add", "Copy", "Move"):
            names = list(op["graph"])
        for name in names:
            if name in ("ALL", "NAMED") or type(name).__name__ != "URIRef":
                return None
            graphs.add(str(name))
    return frozenset(graphs)


def check_update(text: str, using: Dataset | None = None) -> tuple[str, frozenset[str] | None]:
    """Check an update and give the text to run (with ``using``'s graphs as ``USING``/``USING NAMED`` clauses) and
    the graphs it may change (:func:`touched_graphs`).

    Args:
        text: the SPARQL update.
        using: the ``using-graph-uri``/``using-named-graph-uri`` parameters, if the request has any.

    Raises:
        Malformed: the update does not parse.
        UsingConflict: ``using`` is given and the update has USING or WITH clauses of its own.
        Refused: the update uses LOAD or SERVICE, or writes into the default graph.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = parseUpdate(text)
    except ParseException as exc:
        raise Malformed("malformed update: " + explain_syntax_error(text, exc.lineno, exc.col, str(exc))) from exc
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exceptions for bad prefixes and the like
        raise Malformed(f"malformed update: {exc}") from exc
    for node in walk(parsed):
        name = getattr(node, "name", None)
        if name == "Load":
            raise Refused("LOAD is not allowed: this endpoint never fetches data from elsewhere")
        if name == "ServiceGraphPattern":
            raise Refused("SERVICE is not allowed: this endpoint answers from its own store only")
    for op in parsed.request:
        if _writes_default(op):
            raise Refused(_DEFAULT_WRITE.format(_NAMES.get(op.name, op.name)))
    touched = touched_graphs(parsed)
    if using is None:
        return text, touched
    if any(_part(op, "using") or _part(op, "withClause") is not None for op in parsed.request):
        raise UsingConflict("this update has USING or WITH clauses of its own: send it without using-graph-uri "
                            "and using-named-graph-uri (SPARQL 1.1 Protocol, section 2.2.3)")
    return with_using(text, using), touched


def with_using(text: str, using: Dataset) -> str:
    """``text`` with ``USING <g>``/``USING NAMED <g>`` clauses before the ``WHERE`` of each DELETE/INSERT operation.

    >>> with_using("INSERT { GRAPH <urn:b> { ?s ?p 1 } } WHERE { ?s ?p ?o }", Dataset(("urn:a",), ()))
    'INSERT { GRAPH <urn:b> { ?s ?p 1 } } USING <urn:a> WHERE { ?s ?p ?o }'
    >>> with_using("DELETE WHERE { GRAPH <urn:b> { ?s ?p 1 } }", Dataset((), ("urn:a",)))
    'DELETE WHERE { GRAPH <urn:b> { ?s ?p 1 } }'
    """
    clauses = " ".join([f"USING <{iri}>" for iri in using.default] + [f"USING NAMED <{iri}>" for iri in using.named])
    depth, previous, cuts = 0, "", []
    for token in tokens(text):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and token.kind == "word" and token.text.upper() == "WHERE" and previous != "DELETE":
            cuts.append(token.start)  # the WHERE of DELETE/INSERT ... WHERE, not the DELETE WHERE shortcut
        if depth == 0:
            previous = token.text.upper()
    for cut in reversed(cuts):
        text = text[:cut] + clauses + " " + text[cut:]
    return text

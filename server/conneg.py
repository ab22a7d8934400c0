"""Content negotiation for the SPARQL endpoint: which media type answers which request.

SELECT and ASK answers are *results* (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE answers are
*graphs* (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads, TriG). The choice is made by werkzeug's
Accept parsing; SPARQLWrapper's ``format``/``output`` parameters, when present, take precedence.

>>> negotiate_name(RESULTS, "application/sparql-results+xml")
'application/sparql-results+xml'
>>> negotiate_name(GRAPHS, "text/turtle")
'text/turtle'
>>> negotiate_name(RESULTS, "json")
'application/sparql-results+json'
>>> negotiate_name(RESULTS, "text/html") is None
True
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

#: The request bodies ``POST /sparql`` takes: a form (``query=...``), or the query itself.
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"

#: Result media types (SELECT, ASK) -> pyoxigraph ``QueryResultsFormat`` attribute name; the first is the default.
RESULTS: dict[str, str] = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}

#: Graph media types (CONSTRUCT, DESCRIBE) -> pyoxigraph ``RdfFormat`` attribute name; the first is the default.
GRAPHS: dict[str, str] = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON_LD",
    "application/n-quads": "N_QUADS",
    "application/trig": "TRIG",
}

#: Other names clients use for the same formats (SPARQLWrapper's ``format``/``output`` values, old types).
ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "application/x-turtle": "text/turtle",
    "n3": "text/turtle",
    "text/n3": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "nquads": "application/n-quads",
    "n-quads": "application/n-quads",
    "trig": "application/trig",
}


def _graph_alias(name: str) -> str | None:
    """SPARQLWrapper sends ``xml`` and ``json`` for graphs too: they mean RDF/XML and JSON-LD there."""
    return {"xml": "application/rdf+xml", "application/xml": "application/rdf+xml", "text/xml": "application/rdf+xml",
            "json": "application/ld+json", "application/json": "application/ld+json"}.get(name)


def negotiate_name(table: dict[str, str], requested: str) -> str | None:
    """The media type of ``table`` that a ``format``/``output`` parameter value names, or ``None``."""
    name = requested.strip().lower().split(";", 1)[0].strip()
    if name in table:
        return name
    alias = (_graph_alias(name) if table is GRAPHS else None) or ALIASES.get(name)
    return alias if alias in table else None


def negotiate(table: dict[str, str], accept: MIMEAccept, requested: str | None = None) -> str | None:
    """Choose the media type of an answer.

    Args:
        table: :data:`RESULTS` or :data:`GRAPHS`.
        accept: the request's parsed Accept header (``request.accept_mimetypes``).
        requested: a ``format``/``output`` parameter, if the client sent one.

    Returns:
        The chosen media type, the table's default when the client expressed no preference, or
        ``None`` when the client asked only for types this table does not have (answer 406).
    """
    if requested:
        chosen = negotiate_name(table, requested)
        if chosen:
            return chosen
    if not accept:
        return next(iter(table))
    chosen = accept.best_match(list(table))
    if chosen:
        return chosen
    # Old clients ask for application/xml or application/json; honour those before giving up.
    for value, _quality in accept:
        alias = (_graph_alias(value.lower()) if table is GRAPHS else None) or ALIASES.get(value.lower())
        if alias in table:
            return alias
    return None

"""The SPARQL endpoint: ``/sparql`` (SPARQL 1.1 Protocol, query) and ``/health``."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request

from .db import get_store

bp = Blueprint("sparql", __name__)

RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE}


def _error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _query_text() -> str | None:
    if request.method == "GET":
        return request.args.get("query")
    if request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    return request.form.get("query")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = _query_text()
    if not query:
        return _error(400, "missing 'query': send a SPARQL query as ?query=... or in a POST body")
    try:
        result = get_store().query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        return _error(400, f"malformed query: {exc}")
    if isinstance(result, ox.QueryTriples):
        mimetype, fmt = "text/turtle", ox.RdfFormat.TURTLE
    else:
        mimetype, fmt = "application/sparql-results+json", ox.QueryResultsFormat.JSON
    return Response(result.serialize(format=fmt), mimetype=mimetype)


@bp.route("/health")
def health() -> Response:
    store = get_store()
    return jsonify(status="ok", quads=len(store))

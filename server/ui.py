"""The human pages: ``/`` is the query page."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("ui", __name__)

EXAMPLE = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?name (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article ng:mentions ?person .
  ?person a ng:Person ; rdfs:label ?name .
}
GROUP BY ?person ?name
ORDER BY DESC(?articles) ?name"""


@bp.route("/")
def index() -> str:
    return render_template("query.html", example=EXAMPLE)

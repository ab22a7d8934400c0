"""The human pages: ``/`` the query page (YASGUI), ``/search``, ``/timeline`` and ``/prefixes.json``.

The query page loads YASGUI from ``server/static/vendor/`` (see its ``VENDORED.md``), configured for
offline use: our endpoint only, our own prefix list, no outside autocompletion. Each ``queries/*.rq``
file becomes a tab named by its ``# title:`` header comment.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kg.config import ROOT
from kg.errors import QueryError
from kg.rdf.namespaces import NG, PREFIXES
from server.names import names_of
from server.reads import RDFS_LABEL, SKOS_ALT, select, sparql_string
from server.resources import query_failed
from server.urls import base_iri, inferred_graph, kind_and_slug, local_path, short_name

logger = logging.getLogger(__name__)

bp = Blueprint("ui", __name__)
bp.register_error_handler(QueryError, query_failed)

#: The vendored front-end files, by name (paths under ``server/static/``).
VENDOR = {
    "yasgui_js": "vendor/yasgui-4.6.2/yasgui.min.js",
    "yasgui_css": "vendor/yasgui-4.6.2/yasgui.min.css",
    "cytoscape_js": "vendor/cytoscape-3.34.4/cytoscape.min.js",
}

EXAMPLE = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?name (COUNT(DISTINCT ?article) AS ?articles) WHERE {
  ?article ng:mentions ?person .
  ?person a ng:Person ; rdfs:label ?name .
}
GROUP BY ?person ?name
ORDER BY DESC(?articles) ?name"""

_TITLE = re.compile(r"^#\s*title:\s*(.+?)\s*$", re.M | re.I)

#: Most rows a search or the timeline shows.
MAX_SEARCH = 50
MAX_EVENTS = 1000


def query_tabs(folder: Path | None = None) -> list[dict[str, str]]:
    """One tab per ``.rq`` file of ``folder`` (default ``queries/``): its title and its text.

    The title is the file's ``# title:`` header comment, or the file name without ``.rq``.
    """
    folder = Path(folder or current_app.config.get("QUERIES_DIR") or ROOT / "queries")
    tabs = [{"name": "Example", "query": EXAMPLE}]
    if not folder.is_dir():
        return tabs
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            logger.warning("query file %s left out of the query page: %s", path, exc)
            continue
        match = _TITLE.search(text)
        tabs.append({"name": match.group(1) if match else path.stem, "query": text})
    return tabs


@bp.route("/")
def index() -> str:
    return render_template("query.html", tabs=query_tabs(), vendor=VENDOR, base=base_iri())


@bp.route("/prefixes.json")
def prefixes() -> Response:
    """Our prefix list, in the shape YASGUI's prefix autocompletion reads (``{prefix: namespace}``)."""
    return jsonify(PREFIXES)


def search_entities(text: str, limit: int = MAX_SEARCH) -> list[dict]:
    """Resources whose label or alias contains ``text`` (case-insensitive), exact matches first."""
    needle = sparql_string(text.lower())
    rows = select(f"""
        SELECT ?s (SAMPLE(?lbl) AS ?label) (MIN(?rank) AS ?best) (SAMPLE(?hit) AS ?matched) WHERE {{
          ?s <{RDFS_LABEL}>|<{SKOS_ALT}> ?hit .
          FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?hit)), {needle}))
          BIND(IF(LCASE(STR(?hit)) = {needle}, 0, IF(STRSTARTS(LCASE(STR(?hit)), {needle}), 1, 2)) AS ?rank)
          OPTIONAL {{ ?s <{RDFS_LABEL}> ?lbl }}
        }} GROUP BY ?s ORDER BY ?best STR(?label) LIMIT {limit * 4}""")
    hits = []
    for row in rows:
        iri = row["s"].value
        ks = kind_and_slug(iri)
        if not ks or ks[0] == "span":
            continue
        hits.append({"iri": iri, "kind": ks[0], "href": local_path(iri),
                     "label": row["label"].value if "label" in row else short_name(iri),
                     "matched": row["matched"].value if "matched" in row else ""})
    return hits[:limit]


@bp.route("/search")
def search() -> str:
    text = request.args.get("q", "").strip()[:200]
    hits = search_entities(text) if text else []
    return render_template("search.html", q=text, hits=hits)


def timeline_events(place: str | None = None, event_type: str | None = None) -> list[dict]:
    """Dated events in date order, optionally only those at ``place`` or of ``event_type`` (IRIs)."""
    filters = ""
    if place:
        filters += f"?e <{NG.hasPlace}> <{place}> ."
    if event_type:
        filters += f"?e a <{event_type}> ."
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?e (MIN(?d) AS ?date) (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
               (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?places) WHERE {{
          ?e a ?class . ?class rdfs:subClassOf* ng:Event .
          OPTIONAL {{ GRAPH ?g {{ ?e a ?t }} ?t rdfs:subClassOf* ng:Event . FILTER(?g != <{inferred_graph()}>) }}
          ?e ng:startDate|<http://semanticweb.cs.vu.nl/2009/11/sem/hasBeginTimeStamp> ?d .
          {filters}
          OPTIONAL {{ ?e rdfs:label ?l }}
          OPTIONAL {{ ?e ng:hasPlace ?p }}
        }} GROUP BY ?e ORDER BY ?date ?e LIMIT {MAX_EVENTS}""")
    names = names_of(row["e"].value for row in rows if "label" not in row)
    events = []
    for row in rows:
        iri = row["e"].value
        types = [t for t in row["types"].value.split() if t != str(NG.Event)] if "types" in row else []
        places = row["places"].value.split() if "places" in row and row["places"].value else []
        events.append({
            "iri": iri, "href": local_path(iri), "date": row["date"].value,
            "label": row["label"].value if "label" in row else names[iri],
            "types": types, "places": places,
        })
    return events


def _choices(values: set[str]) -> list[tuple[str, str]]:
    if not values:
        return []
    labels = names_of(values)
    return sorted(((v, labels.get(v, short_name(v))) for v in values), key=lambda c: c[1].lower())


@bp.route("/timeline")
def timeline() -> str:
    place = request.args.get("place") or None
    event_type = request.args.get("type") or None
    for value in (place, event_type):
        if value and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
            return Response("place and type must be IRIs\n", status=400, mimetype="text/plain")
    everything = timeline_events()
    events = timeline_events(place, event_type) if (place or event_type) else everything
    places = _choices({p for e in everything for p in e["places"]})
    types = _choices({t for e in everything for t in e["types"]})
    labels = dict(places) | dict(types)
    return render_template("timeline.html", events=events, places=places, types=types, place=place,
                           event_type=event_type, labels=labels, short_name=short_name)

"""The human pages: ``/`` the query page (YASGUI), ``/search``, ``/timeline`` and ``/prefixes.json``.

The query page loads YASGUI from ``server/static/vendor/`` (see its ``VENDORED.md``), configured for
offline use: our endpoint only, our own prefix list, no outside autocompletion. Each ``queries/*.rq``
file becomes a tab named by its ``# title:`` header comment.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for

from kg.config import ROOT
from kg.errors import QueryError
from kg.rdf.namespaces import PREFIXES
from server.names import names_of
from server.reads import RDFS_LABEL, SKOS_ALT, select, sparql_string
from server.resources import query_failed
from server.timeline import chart, choices, containing_places, timeline_events
from server.urls import base_iri, kind_and_slug, local_path, ontology_path, short_name

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

#: What an IRI a page is given may look like.
IRI = r"https?://[^\s<>\"{}|\\^`]+"
_TITLE = re.compile(r"^#\s*title:\s*(.+?)\s*$", re.M | re.I)

#: Most rows a search shows.
MAX_SEARCH = 50


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


#: Most IRIs one ``/names`` request may name.
MAX_NAMES = 2000


@bp.route("/names", methods=["POST"])
def names() -> Response:
    """Readable names and page paths of the IRIs posted as a JSON list (the query page's readable results)."""
    iris = request.get_json(silent=True)
    if not isinstance(iris, list) or len(iris) > MAX_NAMES or not all(isinstance(i, str) for i in iris):
        return Response(f"post a JSON list of at most {MAX_NAMES} IRIs\n", status=400, mimetype="text/plain")
    iris = [i for i in iris if re.fullmatch(IRI, i)]
    found = names_of(iris)
    return jsonify({i: {"name": found.get(i), "href": local_path(i) or ontology_path(i)} for i in iris})


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers that ask for ``/favicon.ico`` get the site's SVG icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


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


@bp.route("/timeline")
def timeline() -> Response | str:
    """Dated events as lines, filtered by place (places inside it too), type and actor; statements on request."""
    place, event_type, actor = (request.args.get(k) or None for k in ("place", "type", "actor"))
    speech = request.args.get("speech") == "1"
    for value in (place, event_type, actor):
        if value and not re.fullmatch(IRI, value):
            return Response("place, type and actor must be IRIs\n", status=400, mimetype="text/plain")
    everything = timeline_events()
    filtered = place or event_type or actor or not speech
    events = timeline_events(place, event_type, actor, speech) if filtered else everything
    places = choices(containing_places({p for e in everything for p in e["places"]}))
    types = choices({t for e in everything for t in e["types"]})
    actors = choices({a for e in everything for a in e["actors"]})
    labels = dict(places) | dict(types) | dict(actors)
    return render_template("timeline.html", events=events, places=places, types=types, actors=actors, place=place,
                           event_type=event_type, actor=actor, speech=speech, labels=labels, chart=chart(events),
                           statements=sum(e["speech"] for e in everything))

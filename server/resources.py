"""Linked Data: ``/id/<kind>/<slug>`` answers by content negotiation.

A resource IRI ``<base>id/<kind>/<slug>`` is served at ``/id/<kind>/<slug>``. Asking for it gives a
``303 See Other`` to a document about it, chosen from the Accept header: ``/doc/<kind>/<slug>.html``
for browsers; ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` for machines. The documents can also be
fetched directly. The HTML document of an entity shows its label, types, facts grouped by property,
incoming links, evidence quotes, external links and a picture of its neighbourhood; the HTML document
of an article shows its text with the recognised mentions highlighted, and the facts drawn from it.

Pages read the store with bounded queries (every query has a ``LIMIT``) over the union of all graphs.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from kg.errors import QueryError
from kg.rdf.iri import KINDS
from kg.rdf.namespaces import NG, PREFIXES
from server.backend import get_store
from server.executor import Job

logger = logging.getLogger(__name__)

bp = Blueprint("resources", __name__)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"

#: Document extension -> (media type, pyoxigraph format); ``html`` is rendered by templates.
DOCUMENTS: dict[str, tuple[str, ox.RdfFormat | None]] = {
    "html": ("text/html", None),
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
MEDIA_TO_EXT = {media: ext for ext, (media, _fmt) in DOCUMENTS.items()}
#: Other names clients use for the same media types.
MEDIA_ALIASES = {"application/xhtml+xml": "html", "application/x-turtle": "ttl", "application/json": "jsonld",
                 "text/plain": "nt", "application/xml": "rdf"}

#: Most triples one document lists in each direction; most nodes in a neighbourhood picture.
MAX_TRIPLES = 2000
MAX_INCOMING = 500
MAX_NEIGHBOURS = 60

#: Hosts of the knowledge bases our entities link to, with the name shown on the page.
EXTERNAL_SITES = (("wikidata.org/", "Wikidata"), ("dbpedia.org/", "DBpedia"), ("geonames.org/", "GeoNames"))

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,200}$")


# ---------------------------------------------------------------- IRIs


def base_iri() -> str:
    """The base IRI the graph's resources are minted under (the ``BASE_IRI`` setting)."""
    base = current_app.config["BASE_IRI"]
    return base if base.endswith("/") else base + "/"


def resource_iri(kind: str, slug: str) -> str:
    return f"{base_iri()}id/{kind}/{slug}"


def local_path(iri: str) -> str | None:
    """The server path (``/id/<kind>/<slug>``) of one of our resource IRIs, or ``None`` for others."""
    prefix = base_iri() + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix):].partition("/")
    if kind not in KINDS or not _SLUG.match(slug):
        return None
    return url_for("resources.resource", kind=kind, slug=slug)


def ontology_path(iri: str) -> str | None:
    """Where this server documents an ontology term (``/ontology.html#Term``), if it serves the ontology."""
    ns = str(NG._NS)
    if not iri.startswith(ns) or "ontology.ontology_as" not in current_app.view_functions:
        return None
    return url_for("ontology.ontology_as", suffix="html") + "#" + iri[len(ns):]


def kind_and_slug(iri: str) -> tuple[str, str] | None:
    prefix = base_iri() + "id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix):].partition("/")
    return (kind, slug) if kind in KINDS and _SLUG.match(slug) else None


def short_name(iri: str) -> str:
    """``prefix:local`` for IRIs in a known namespace, ``kind slug`` for our resources, else the IRI itself."""
    ks = kind_and_slug(iri)
    if ks:
        return f"{ks[0]} {ks[1]}"
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, prefix
    if best and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(best):] or "-"):
        return f"{name}:{iri[len(best):]}"
    return iri


# ---------------------------------------------------------------- store access


def _from_json(term: dict) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if term["type"] == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def select(query: str, max_rows: int = 10000) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    """Run a bounded SELECT over the union of all graphs in the app's query workers.

    Returns:
        The rows, as dicts of the bound variables.

    Raises:
        QueryError: the query failed or ran past the time limit (the page answers 503).
    """
    answer = get_store().pool.run(Job(query, "JSON", None, max_rows=max_rows))
    if answer.kind != "results":
        raise QueryError(f"a page query failed ({answer.kind}): {answer.body.decode('utf-8', 'replace')}")
    data = json.loads(answer.body)
    return [{name: _from_json(term) for name, term in row.items()} for row in data["results"]["bindings"]]


def sparql_string(text: str) -> str:
    """A SPARQL string literal for ``text``.

    >>> sparql_string('a "b"\\n')
    '"a \\\\"b\\\\"\\\\n"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@dataclass
class Term:
    """One RDF term as a page shows it."""

    value: str
    kind: str  # "iri", "literal" or "bnode"
    href: str | None = None
    label: str | None = None
    datatype: str | None = None
    language: str | None = None

    @property
    def text(self) -> str:
        return self.label or (short_name(self.value) if self.kind == "iri" else self.value)


def to_term(node, labels: dict[str, str] | None = None) -> Term:
    if isinstance(node, ox.NamedNode):
        iri = node.value
        external = next((name for host, name in EXTERNAL_SITES if host in iri), None)
        href = local_path(iri) or ontology_path(iri) or (iri if external or iri.startswith("http") else None)
        return Term(iri, "iri", href=href, label=(labels or {}).get(iri))
    if isinstance(node, ox.Literal):
        dt = node.datatype.value if node.datatype and not node.language else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            dt = None
        return Term(node.value, "literal", datatype=short_name(dt) if dt else None, language=node.language)
    return Term(str(node), "bnode")


def labels_of(iris: Iterable[str]) -> dict[str, str]:
    """English (or any) ``rdfs:label`` of each IRI, in one query."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    out: dict[str, str] = {}
    for chunk in range(0, len(iris), 200):
        values = " ".join(f"<{i}>" for i in iris[chunk:chunk + 200])
        rows = select(f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}>|<{NG.title}> ?l }} LIMIT 2000")
        for row in rows:
            s, label = row["s"].value, row["l"]
            if s not in out or label.language == "en":
                out[s] = label.value
    return out


@dataclass
class Description:
    """What the store says about one resource."""

    iri: str
    outgoing: list[tuple[ox.NamedNode, object]] = field(default_factory=list)
    incoming: list[tuple[object, ox.NamedNode]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


def inferred_graph() -> str:
    """The named graph that holds only what the reasoner added (``<base>graph/inferred``)."""
    return base_iri() + "graph/inferred"


def describe(iri: str, asserted_only: bool = False) -> Description:
    """Outgoing and incoming triples of ``iri`` (deduplicated across graphs, bounded).

    Args:
        iri: the resource.
        asserted_only: leave out what only the reasoner's graph says (the HTML pages show what the
            articles assert; the data documents give everything).
    """
    desc = Description(iri)
    out_filter = in_filter = ""
    if asserted_only:
        out_filter = f"FILTER NOT EXISTS {{ GRAPH <{inferred_graph()}> {{ <{iri}> ?p ?o }} }}"
        in_filter = f"FILTER NOT EXISTS {{ GRAPH <{inferred_graph()}> {{ ?s ?p <{iri}> }} }}"
    for row in select(f"SELECT DISTINCT ?p ?o WHERE {{ <{iri}> ?p ?o {out_filter} }} "
                      f"ORDER BY ?p ?o LIMIT {MAX_TRIPLES}"):
        desc.outgoing.append((row["p"], row["o"]))
    for row in select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> {in_filter} }} "
                      f"ORDER BY ?p ?s LIMIT {MAX_INCOMING}"):
        desc.incoming.append((row["s"], row["p"]))
    return desc


def description_triples(desc: Description) -> list[ox.Triple]:
    subject = ox.NamedNode(desc.iri)
    triples = [ox.Triple(subject, p, o) for p, o in desc.outgoing]
    triples += [ox.Triple(s, p, subject) for s, p in desc.incoming]
    return triples


# ---------------------------------------------------------------- the HTML views' data


def grouped(pairs: Iterable[tuple[ox.NamedNode, object]], labels: dict[str, str],
            skip: frozenset[str] = frozenset()) -> list[tuple[Term, list[Term]]]:
    """(property, values) groups in property order, leaving out the properties in ``skip``."""
    groups: dict[str, list[Term]] = {}
    for p, o in pairs:
        if p.value in skip:
            continue
        groups.setdefault(p.value, []).append(to_term(o, labels))
    return [(Term(p, "iri", label=labels.get(p), href=local_path(p) or ontology_path(p) or p), values)
            for p, values in groups.items()]


def evidence_of(iri: str, limit: int = 200) -> list[dict]:
    """The text spans that are evidence for ``iri``, with their article, offsets and quote."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT DISTINCT ?span ?anchor ?article ?title ?begin ?end WHERE {{
          <{iri}> ng:evidence ?span .
          ?span ng:anchorOf ?anchor ; ng:inArticle ?article ; ng:beginIndex ?begin ; ng:endIndex ?end .
          OPTIONAL {{ ?article ng:title ?title }}
        }} ORDER BY ?article ?begin LIMIT {limit}""")
    out = []
    for row in rows:
        article = row["article"].value
        begin, end = int(row["begin"].value), int(row["end"].value)
        path = local_path(article)
        out.append({
            "anchor": row["anchor"].value,
            "article": article,
            "title": row["title"].value if "title" in row else short_name(article),
            "begin": begin,
            "end": end,
            "href": _doc_url(article, "html", span=f"{begin}-{end}") if path else None,
        })
    return out


def _doc_url(iri: str, ext: str, **args) -> str | None:
    ks = kind_and_slug(iri)
    if not ks:
        return None
    url = url_for("resources.document", kind=ks[0], slug=ks[1], ext=ext, **args)
    if args.get("span"):
        url += f"#span-{args['span']}"
    return url


def context_of(article_text: str | None, begin: int, end: int, width: int = 80) -> tuple[str, str, str]:
    """(before, span, after) of a quote within its article, for showing evidence in context."""
    if not article_text:
        return "", "", ""
    start, stop = max(0, begin - width), min(len(article_text), end + width)
    return article_text[start:begin], article_text[begin:end], article_text[end:stop]


def neighbourhood(iri: str, desc: Description, labels: dict[str, str]) -> dict:
    """Nodes and edges around ``iri`` for the picture: its direct links to other resources.

    Text spans, classes and literals are left out (they are listed on the page); the picture keeps
    at most :data:`MAX_NEIGHBOURS` neighbours.
    """
    span_cls, evidence = NG.TextSpan, str(NG.evidence)
    skip_props = {RDF_TYPE, evidence, str(NG.denotes), str(NG.inArticle)}
    nodes = {iri: {"id": iri, "label": labels.get(iri, short_name(iri)), "center": True}}
    edges = []
    pairs = [(p, o, True) for p, o in desc.outgoing] + [(p, s, False) for s, p in desc.incoming]
    for p, other, out in pairs:
        if p.value in skip_props or not isinstance(other, ox.NamedNode) or other.value == iri:
            continue
        if other.value not in nodes:
            if len(nodes) > MAX_NEIGHBOURS or not kind_and_slug(other.value):
                continue
            nodes[other.value] = {"id": other.value, "label": labels.get(other.value, short_name(other.value)),
                                  "href": local_path(other.value)}
        source, target = (iri, other.value) if out else (other.value, iri)
        edges.append({"source": source, "target": target, "label": short_name(p.value)})
    types = node_types(list(nodes))
    for node in nodes.values():
        node["kind"] = (kind_and_slug(node["id"]) or ("", ""))[0]
        node["types"] = [short_name(t) for t in types.get(node["id"], []) if t != str(span_cls)]
    return {"nodes": list(nodes.values()), "edges": edges}


def node_types(iris: list[str]) -> dict[str, list[str]]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    out: dict[str, list[str]] = {}
    for row in select(f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }} ORDER BY ?t LIMIT 2000"):
        out.setdefault(row["s"].value, []).append(row["t"].value)
    return out


def external_links(desc: Description) -> list[tuple[str, str]]:
    """(site name, URL) of every ``owl:sameAs`` to Wikidata, DBpedia or GeoNames."""
    links = []
    for p, o in desc.outgoing:
        if p.value == OWL_SAMEAS and isinstance(o, ox.NamedNode):
            site = next((name for host, name in EXTERNAL_SITES if host in o.value), None)
            if site:
                links.append((site, o.value))
    return sorted(set(links))


# ---------------------------------------------------------------- articles


@dataclass
class Mark:
    begin: int
    end: int
    kind: str
    label: str
    entity: str | None
    href: str | None = None


def article_mentions(article: str, limit: int = 5000) -> list[Mark]:
    """The mentions recognised in an article: span offsets, the entity denoted and its kind."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?begin ?end ?entity (SAMPLE(?lbl) AS ?label) WHERE {{
          ?span ng:inArticle <{article}> ; ng:beginIndex ?begin ; ng:endIndex ?end .
          OPTIONAL {{ ?span ng:denotes ?entity . OPTIONAL {{ ?entity <{RDFS_LABEL}> ?lbl }} }}
        }} GROUP BY ?begin ?end ?entity ORDER BY ?begin DESC(?end) LIMIT {limit}""")
    marks = []
    for row in rows:
        entity = row["entity"].value if "entity" in row else None
        kind = (kind_and_slug(entity) or ("span", ""))[0] if entity else "span"
        marks.append(Mark(int(row["begin"].value), int(row["end"].value), kind,
                          row["label"].value if "label" in row else "", entity,
                          local_path(entity) if entity else None))
    return marks


def highlight(text: str, marks: list[Mark], selected: tuple[int, int] | None = None) -> list[dict]:
    """The article text cut into plain and marked pieces; overlapping marks keep the earliest, longest one.

    >>> marks = [Mark(0, 3, "person", "Ana", None), Mark(8, 10, "person", "Bo", None)]
    >>> [p["text"] for p in highlight("Ana met Bo.", marks)]
    ['Ana', ' met ', 'Bo', '.']
    """
    pieces: list[dict] = []
    pos = 0
    for mark in sorted(marks, key=lambda m: (m.begin, -m.end)):
        if mark.begin < pos or mark.end > len(text) or mark.begin >= mark.end:
            continue
        if mark.begin > pos:
            pieces.append({"text": text[pos:mark.begin]})
        pieces.append({"text": text[mark.begin:mark.end], "mark": mark,
                       "selected": selected == (mark.begin, mark.end)})
        pos = mark.end
    if pos < len(text):
        pieces.append({"text": text[pos:]})
    if selected and not any(p.get("selected") for p in pieces):
        # A selected span that is not one of the marks (e.g. a quote): cut it out of its plain piece,
        # or, when it lies within or across marks, select the pieces it overlaps.
        pieces = _cut_selected(pieces, text, selected)
        if not any(p.get("selected") for p in pieces):
            pos = 0
            for piece in pieces:
                start, pos = pos, pos + len(piece["text"])
                piece["selected"] = start < selected[1] and selected[0] < pos
    for piece in pieces:
        if piece.get("selected"):
            piece["anchor"] = f"span-{selected[0]}-{selected[1]}"
            break
    return pieces


def _cut_selected(pieces: list[dict], text: str, selected: tuple[int, int]) -> list[dict]:
    begin, end = selected
    out, pos = [], 0
    for piece in pieces:
        start, stop = pos, pos + len(piece["text"])
        pos = stop
        if "mark" in piece or not (start <= begin and end <= stop):
            out.append(piece)
            continue
        if begin > start:
            out.append({"text": text[start:begin]})
        out.append({"text": text[begin:end], "selected": True})
        if stop > end:
            out.append({"text": text[end:stop]})
    return out


def article_facts(article: str, limit: int = 500) -> list[tuple[Term, Term, Term]]:
    """The triples of an article's named graph, leaving out its text spans and the evidence links."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT DISTINCT ?s ?p ?o WHERE {{
          GRAPH ?g {{ <{article}> a ng:NewsArticle . ?s ?p ?o }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ng:TextSpan }} }}
          FILTER(?s != <{article}> && ?p != ng:evidence)
        }} ORDER BY ?s ?p ?o LIMIT {limit}""")
    labels = labels_of(r[k].value for r in rows for k in ("s", "p", "o") if isinstance(r[k], ox.NamedNode))
    return [(to_term(r["s"], labels), to_term(r["p"], labels), to_term(r["o"], labels)) for r in rows]


# ---------------------------------------------------------------- routes


def _negotiated_ext() -> str | None:
    accept = request.accept_mimetypes
    if not accept:
        return "html"
    media = accept.best_match([media for media, _fmt in DOCUMENTS.values()])
    if media:
        return MEDIA_TO_EXT[media]
    for value, _quality in accept:
        if value.lower() in MEDIA_ALIASES:
            return MEDIA_ALIASES[value.lower()]
    return None


def _not_acceptable() -> Response:
    supported = ", ".join(media for media, _fmt in DOCUMENTS.values())
    return Response(f"none of the requested media types is available; this resource is served as: {supported}\n",
                    status=406, mimetype="text/plain", headers={"Vary": "Accept"})


@bp.errorhandler(QueryError)
def query_failed(exc: QueryError) -> Response:
    """A page whose query failed or took too long: say so, and suggest retrying."""
    logger.warning("page query failed: %s", exc)
    return Response(f"this page could not be built: {exc}\nTry again in a moment.\n", status=503,
                    mimetype="text/plain")


def _check(kind: str, slug: str) -> None:
    if kind not in KINDS or not _SLUG.match(slug):
        abort(404)


@bp.route("/id/<kind>/<slug>")
def resource(kind: str, slug: str) -> Response:
    """The resource itself: 303 to the document that the Accept header asks for."""
    _check(kind, slug)
    ext = _negotiated_ext()
    if ext is None:
        return _not_acceptable()
    response = redirect(url_for("resources.document", kind=kind, slug=slug, ext=ext), code=303)
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/doc/<kind>/<slug>.<ext>")
def document(kind: str, slug: str, ext: str) -> Response | str:
    """A document about one resource: HTML, Turtle, JSON-LD, N-Triples or RDF/XML."""
    _check(kind, slug)
    if ext not in DOCUMENTS:
        abort(404)
    iri = resource_iri(kind, slug)
    desc = describe(iri, asserted_only=ext == "html")
    if not desc.exists:
        return Response(f"nothing is known about <{iri}>; search for it at {url_for('ui.search')}\n",
                        status=404, mimetype="text/plain")
    media, fmt = DOCUMENTS[ext]
    if fmt is not None:
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
        kwargs = {"prefixes": prefixes} if prefixes else {}
        body = ox.serialize(description_triples(desc), format=fmt, **kwargs)
        return Response(body, mimetype=media)
    if kind == "article":
        return article_page(iri, desc)
    return entity_page(iri, kind, desc)


def _alternates(iri: str) -> list[tuple[str, str, str]]:
    return [(ext, media, _doc_url(iri, ext)) for ext, (media, fmt) in DOCUMENTS.items() if fmt is not None]


def entity_page(iri: str, kind: str, desc: Description) -> str:
    iris = [iri] + [p.value for p, _ in desc.outgoing] + [o.value for _, o in desc.outgoing
                                                        if isinstance(o, ox.NamedNode)]
    iris += [p.value for _, p in desc.incoming] + [s.value for s, _ in desc.incoming if isinstance(s, ox.NamedNode)]
    labels = labels_of(iris)
    types = [to_term(o, labels) for p, o in desc.outgoing if p.value == RDF_TYPE]
    label = labels.get(iri) or short_name(iri)
    spans = evidence_of(iri)
    incoming_skip = frozenset({str(NG.denotes)})  # the spans that denote it are shown as evidence quotes
    graph = neighbourhood(iri, desc, labels)
    return render_template(
        "entity.html", iri=iri, kind=kind, label=label, types=types,
        facts=grouped(desc.outgoing, labels, skip=frozenset({RDF_TYPE, RDFS_LABEL, str(NG.evidence), OWL_SAMEAS})),
        incoming=[(prop, values) for prop, values in grouped(
            [(p, s) for s, p in desc.incoming], labels, skip=incoming_skip)],
        evidence=spans, external=external_links(desc), graph_json=json.dumps(graph),
        alternates=_alternates(iri),
    )


def article_page(iri: str, desc: Description) -> str:
    values = {p.value: o for p, o in desc.outgoing}
    text_node = values.get(str(NG.text))
    text = text_node.value if isinstance(text_node, ox.Literal) else ""
    selected = None
    span_arg = request.args.get("span", "")
    if re.fullmatch(r"\d+-\d+", span_arg):
        begin, end = (int(x) for x in span_arg.split("-"))
        if 0 <= begin < end <= len(text):
            selected = (begin, end)
    marks = article_mentions(iri)
    labels = labels_of([p.value for p, _ in desc.outgoing])
    meta = grouped(desc.outgoing, labels, skip=frozenset({str(NG.text), str(NG.mentions), RDF_TYPE}))
    kinds = sorted({m.kind for m in marks})
    return render_template(
        "article.html", iri=iri, title=values[str(NG.title)].value if str(NG.title) in values else short_name(iri),
        text=text, pieces=highlight(text, marks, selected), kinds=kinds, meta=meta,
        facts=article_facts(iri), alternates=_alternates(iri), selected=selected,
    )

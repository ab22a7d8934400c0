"""Linked Data: ``/id/<kind>/<slug>`` answers by content negotiation.

A resource IRI ``<base>id/<kind>/<slug>`` is served at ``/id/<kind>/<slug>``. Asking for it gives a
``303 See Other`` to a document about it, chosen from the Accept header: ``/doc/<kind>/<slug>.html``
for browsers; ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` for machines. The documents can also be
fetched directly. The HTML document of an entity shows its label, types, facts grouped by property,
incoming links, evidence quotes, external links and a picture of its neighbourhood; the HTML document
of an article shows its text with the recognised mentions highlighted, and the facts drawn from it
(:mod:`server.articles`). What the pages show is read by :mod:`server.reads`.
"""

from __future__ import annotations

import logging
import re

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from kg.errors import QueryError
from kg.rdf.iri import KINDS
from kg.rdf.namespaces import NG, PREFIXES
from server.articles import article_header, article_mentions, article_story, highlight
from server.eventpage import event_story
from server.names import names_of
from server.notfound import not_found
from server.picture import neighbourhood
from server.reads import (
    OWL_SAMEAS,
    RDF_TYPE,
    RDFS_LABEL,
    Description,
    describe,
    description_triples,
    evidence_of,
    external_links,
    grouped,
    to_term,
)
from server.stories import alternative_names, events_of, mentioned_in, offices, places_around, statements
from server.urls import SLUG, doc_url, resource_iri, short_name

logger = logging.getLogger(__name__)

bp = Blueprint("resources", __name__)

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
    if kind not in KINDS or not SLUG.match(slug):
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
        return not_found(f"Nothing is known about <{iri}>; search for it at {url_for('ui.search')}")
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
    return [(ext, media, doc_url(iri, ext)) for ext, (media, fmt) in DOCUMENTS.items() if fmt is not None]


#: Kinds whose pages list the holders of their posts (a post's own holders; a body's or a country's posts).
HOLDER_KINDS = frozenset({"post", "organization", "place"})


def entity_page(iri: str, kind: str, desc: Description) -> str:
    """An entity's story: offices, events, statements, articles; its raw facts folded away below."""
    iris = [iri] + [p.value for p, _ in desc.outgoing] + [o.value for _, o in desc.outgoing
                                                        if isinstance(o, ox.NamedNode)]
    iris += [p.value for _, p in desc.incoming] + [s.value for s, _ in desc.incoming if isinstance(s, ox.NamedNode)]
    labels = names_of(iris)
    types = [to_term(o, labels) for p, o in desc.outgoing if p.value == RDF_TYPE]
    label = labels.get(iri) or short_name(iri)
    spans = evidence_of(iri)
    titles = names_of(e["article"] for e in spans)
    for span in spans:
        span["title"] = titles.get(span["article"], span["title"])
    incoming_skip = frozenset({str(NG.denotes)})  # the spans that denote it are shown as evidence quotes
    graph = neighbourhood(iri, desc, labels)
    common = {
        "iri": iri, "kind": kind, "label": label, "types": types, "graph": graph, "alternates": _alternates(iri),
        "facts": grouped(desc.outgoing, labels, skip=frozenset({RDF_TYPE, RDFS_LABEL, str(NG.evidence), OWL_SAMEAS})),
        "incoming": grouped([(p, s) for s, p in desc.incoming], labels, skip=incoming_skip),
        "evidence": spans, "external": external_links(desc),
    }
    if kind == "event":
        return render_template("event.html", event=event_story(iri, desc, labels), **common)
    within, inside = places_around(iri) if kind == "place" else ([], [])
    return render_template(
        "entity.html", offices=offices(iri),
        holders=offices(iri, of="post" if kind == "post" else "body") if kind in HOLDER_KINDS else [],
        events=events_of(iri), said=statements(iri),
        said_about=statements(iri, about=True), mentioned=mentioned_in(iri),
        aliases=alternative_names(desc.outgoing, label), within=within, inside=inside, **common,
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
    labels = names_of([iri] + [p.value for p, _ in desc.outgoing] + [o.value for _, o in desc.outgoing
                                                                     if isinstance(o, ox.NamedNode)])
    meta = grouped(desc.outgoing, labels, skip=frozenset({str(NG.text), str(NG.mentions), RDF_TYPE}))
    kinds = sorted({m.kind for m in marks})
    return render_template(
        "article.html", iri=iri, title=labels.get(iri) or short_name(iri), header=article_header(values),
        text=text, pieces=highlight(text, marks, selected), kinds=kinds, meta=meta,
        story=article_story(iri), alternates=_alternates(iri), selected=selected,
    )

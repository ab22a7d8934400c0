"""What an entity page tells: the offices one held, the events one took part in, what one said, where one is named.

Each function asks the store one bounded SELECT and returns plain dicts for ``templates/entity.html``; every
resource in them comes with its readable name (:func:`server.names.names_of`) and the path of its page.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.rdf.namespaces import NG
from server.names import names_of, when, without_date
from server.reads import select
from server.urls import inferred_graph, local_path

ORG = "http://www.w3.org/ns/org#"

#: How an event relates to an entity, by the property that links them (the words of an entity page's lines).
ROLES = {
    str(NG.hasAgent): "agent",
    str(NG.hasTarget): "target",
    str(NG.hasParticipant): "participant",
    str(NG.hasPlace): "place",
    str(NG.addressee): "addressed",
    str(NG.instrument): "instrument",
    str(NG.accordingTo): "source",
}


def _value(row: dict, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def link(iri: str | None, names: dict[str, str]) -> dict | None:
    """``{"iri", "name", "href"}`` of a resource, for a template."""
    if not iri:
        return None
    return {"iri": iri, "name": names.get(iri) or iri, "href": local_path(iri)}


#: Whose tenures an entity page lists: the ones it holds, of it as a post, or of its posts as a body or a country.
TENURES_OF = {
    "holder": "?t ng:holder <{iri}> .",
    "post": "?t ng:post <{iri}> .",
    "body": "{{ ?t ng:post/ng:postIn <{iri}> }} UNION {{ ?t ng:post/ng:postJurisdiction <{iri}> }} "
    "UNION {{ ?t <http://www.w3.org/ns/org#organization> <{iri}> }}",
}


def offices(iri: str, of: str = "holder", limit: int = 200) -> list[dict]:
    """Tenures with their holder, post, organisation, jurisdiction, from–to, acting or another qualifier.

    ``of`` says whose: the tenures ``iri`` holds (``holder``), the tenures of the post ``iri`` (``post``) or of the
    posts in the organisation or country ``iri`` (``body``).
    """
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?t ?post (SAMPLE(?h) AS ?holder) (SAMPLE(?o) AS ?org) (SAMPLE(?j) AS ?jur)
               (MIN(?s) AS ?start) (MAX(?e) AS ?end)
               (SAMPLE(?p) AS ?precision) (SAMPLE(?a) AS ?acting)
               (GROUP_CONCAT(DISTINCT ?q; separator=", ") AS ?qualifiers) WHERE {{
          {TENURES_OF[of].format(iri=iri)}
          ?t ng:post ?post . OPTIONAL {{ ?t ng:holder ?h }}
          OPTIONAL {{ ?t <{ORG}organization> ?o }} OPTIONAL {{ ?post ng:postIn ?o }}
          OPTIONAL {{ ?post ng:postJurisdiction ?j }}
          OPTIONAL {{ ?t ng:startDate ?s }} OPTIONAL {{ ?t ng:endDate ?e }} OPTIONAL {{ ?t ng:datePrecision ?p }}
          OPTIONAL {{ ?t ng:isActing ?a }} OPTIONAL {{ ?t ng:tenureQualifier ?q }}
        }} GROUP BY ?t ?post ORDER BY ?start ?post LIMIT {limit}""")
    names = names_of(_value(r, k) for r in rows for k in ("post", "org", "jur", "holder"))
    out = []
    for row in rows:
        qualifiers = [q for q in (_value(row, "qualifiers") or "").split(", ") if q]
        if _value(row, "acting") == "true" and "acting" not in qualifiers:
            qualifiers.insert(0, "acting")
        precision = _value(row, "precision")
        out.append(
            {
                "tenure": _value(row, "t"),
                "post": link(_value(row, "post"), names),
                "holder": link(_value(row, "holder"), names),
                "org": link(_value(row, "org"), names),
                "jurisdiction": link(_value(row, "jur"), names),
                "start": _value(row, "start"),
                "end": _value(row, "end"),
                "from": when(_value(row, "start"), precision),
                "to": when(_value(row, "end"), precision),
                "qualifiers": qualifiers,
            }
        )
    return out


def events_of(iri: str, limit: int = 500) -> list[dict]:
    """The events ``iri`` takes part in, in date order, with its roles in each.

    The statements it makes are left to :func:`statements`.
    """
    props = " ".join(f"<{p}>" for p in ROLES)
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?e (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?props) (MIN(?d) AS ?date)
               (SAMPLE(?pr) AS ?precision) WHERE {{
          VALUES ?p {{ {props} }}
          GRAPH ?g {{ ?e ?p <{iri}> }} FILTER(?g != <{inferred_graph()}>)
          ?e a ng:Event .
          FILTER NOT EXISTS {{ ?e ng:speaker <{iri}> }}
          OPTIONAL {{ ?e ng:startDate ?d }} OPTIONAL {{ ?e ng:datePrecision ?pr }}
        }} GROUP BY ?e LIMIT {limit}""")
    names = names_of(_value(r, "e") for r in rows)
    out = []
    for row in rows:
        roles = sorted({ROLES[p] for p in _value(row, "props").split() if p in ROLES})
        date = _value(row, "date")
        shown = when(date, _value(row, "precision"))
        event = link(_value(row, "e"), names)
        event["name"] = without_date(event["name"], shown)  # the date stands beside it
        out.append({"event": event, "roles": roles, "date": date, "when": shown})
    return sorted(out, key=lambda e: (e["date"] or "9999", e["event"]["name"].lower()))


def statements(iri: str, about: bool = False, limit: int = 300) -> list[dict]:
    """What ``iri`` said (``about=False``: it is the speaker) or what was said about it (``about=True``).

    Each statement has its words, date (its own, else its article's), outlet (the source it is reported
    according to, else the article's publisher), status, channel and article.
    """
    link_to = f"?s ng:concerns <{iri}> . OPTIONAL {{ ?s ng:speaker ?who }}" if about else f"?s ng:speaker <{iri}> ."
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?s (SAMPLE(?q) AS ?quote) (MIN(?d) AS ?date) (SAMPLE(?pr) AS ?precision) (SAMPLE(?st) AS ?status)
               (SAMPLE(?ch) AS ?channel) (SAMPLE(?src) AS ?source) (SAMPLE(?art) AS ?article)
               (MIN(?ad) AS ?adate) (SAMPLE(?pub) AS ?publisher) (SAMPLE(?who) AS ?speaker) WHERE {{
          {link_to}
          ?s a ng:SpeechAct .
          OPTIONAL {{ ?s ng:quoteText ?q }} OPTIONAL {{ ?s ng:startDate ?d }} OPTIONAL {{ ?s ng:datePrecision ?pr }}
          OPTIONAL {{ ?s ng:statementStatus ?st }} OPTIONAL {{ ?s ng:channel ?ch }}
          OPTIONAL {{ ?s ng:accordingTo ?src }}
          OPTIONAL {{ ?s ng:reportedIn ?art OPTIONAL {{ ?art ng:datePublished ?ad }}
                     OPTIONAL {{ ?art ng:publishedBy ?pub }} }}
        }} GROUP BY ?s LIMIT {limit}""")
    names = names_of(_value(r, k) for r in rows for k in ("s", "source", "article", "publisher", "speaker"))
    out = []
    for row in rows:
        date = _value(row, "date")
        shown = when(date, _value(row, "precision")) if date else when(_value(row, "adate"), "day")
        out.append(
            {
                "statement": link(_value(row, "s"), names),
                "quote": _value(row, "quote"),
                "date": date or _value(row, "adate"),
                "when": shown,
                "status": _value(row, "status"),
                "channel": _value(row, "channel"),
                "source": link(_value(row, "source"), names),
                "publisher": link(_value(row, "publisher"), names),
                "article": link(_value(row, "article"), names),
                "speaker": link(_value(row, "speaker"), names),
            }
        )
    return sorted(out, key=lambda s: (s["date"] or "9999", s["statement"]["name"]))


def mentioned_in(iri: str, limit: int = 300) -> list[dict]:
    """The articles that mention ``iri``: title, outlet, date and how many times it is named there."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?a (MIN(?d) AS ?date) (SAMPLE(?pub) AS ?publisher) (COUNT(DISTINCT ?span) AS ?times) WHERE {{
          ?a ng:mentions <{iri}> .
          OPTIONAL {{ ?a ng:datePublished ?d }} OPTIONAL {{ ?a ng:publishedBy ?pub }}
          OPTIONAL {{ ?span ng:denotes <{iri}> ; ng:inArticle ?a }}
        }} GROUP BY ?a ORDER BY ?date ?a LIMIT {limit}""")
    names = names_of(_value(r, k) for r in rows for k in ("a", "publisher"))
    return [
        {
            "article": link(_value(r, "a"), names),
            "publisher": link(_value(r, "publisher"), names),
            "when": when(_value(r, "date"), "day"),
            "times": int(_value(r, "times") or 0),
        }
        for r in rows
    ]


def places_around(iri: str, limit: int = 200) -> tuple[list[dict], list[dict]]:
    """(the places ``iri`` lies in, the places that lie in it), by ``ng:locatedIn``."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?x ?dir WHERE {{
          {{ <{iri}> ng:locatedIn ?x BIND("in" AS ?dir) }} UNION {{ ?x ng:locatedIn <{iri}> BIND("inside" AS ?dir) }}
          FILTER(isIRI(?x) && ?x != <{iri}>)
        }} LIMIT {limit}""")
    names = names_of(_value(r, "x") for r in rows)
    within = [link(_value(r, "x"), names) for r in rows if _value(r, "dir") == "in"]
    inside = [link(_value(r, "x"), names) for r in rows if _value(r, "dir") == "inside"]
    return (sorted(within, key=lambda x: x["name"]), sorted(inside, key=lambda x: x["name"]))


def alternative_names(outgoing: list[tuple[ox.NamedNode, object]], label: str) -> list[str]:
    """The ``skos:altLabel`` values of a description, without the label itself."""
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    return sorted(
        {o.value for p, o in outgoing if p.value == alt and isinstance(o, ox.Literal) and o.value != label},
        key=str.lower,
    )

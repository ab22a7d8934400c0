"""What an event page tells: its type with ACLED and CAMEO, when, where (the chain of places), who took part in
which role, the numbers reported and by whom, the statements about it, the sentences it was read from and the
events it is linked to.

:func:`event_story` reads what the page's description (:func:`server.reads.describe`) does not already hold with
a few bounded SELECTs; ``templates/event.html`` shows it.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.rdf.namespaces import NG
from server.names import names_of, when
from server.reads import RDF_TYPE, Description, evidence_of, select
from server.stories import ROLES, link, statements

#: Roles a page lists, in this order (speech acts add speaker, addressee, what they concern or demand).
PARTICIPANT_ROLES = {str(NG.speaker): "speaker", **ROLES, str(NG.concerns): "about", str(NG.demands): "demands"}
#: How another event (or tenure) relates to this one: (property, this event is its subject) -> words.
RELATIONS = {
    (str(NG.subEventOf), True): "part of",
    (str(NG.subEventOf), False): "includes",
    (str(NG.hasSubEvent), True): "includes",
    (str(NG.hasSubEvent), False): "part of",
    (str(NG.causedBy), True): "caused by",
    (str(NG.causedBy), False): "led to",
    (str(NG.causes), True): "led to",
    (str(NG.causes), False): "caused by",
    (str(NG.respondsTo), True): "in response to",
    (str(NG.respondsTo), False): "answered by",
    (str(NG.affectsTenure), True): "changes the office",
    (str(NG.startedBy), False): "begins the office",
    (str(NG.endedBy), False): "ends the office",
    (str(NG.concerns), False): "statement about it",
}
#: Longest evidence sentence shown, in characters.
MAX_SENTENCE = 400
_END = re.compile(r"[.!?…](?=[\s\"”’)]|$)|\n")


def _one(desc: Description, prop: str) -> str | None:
    return next((o.value for p, o in desc.outgoing if p.value == prop), None)


def types_of(desc: Description) -> list[dict]:
    """The event's most specific classes, each with its label and the ACLED type and CAMEO code it stands for."""
    classes = [o.value for p, o in desc.outgoing if p.value == RDF_TYPE and isinstance(o, ox.NamedNode)]
    if not classes:
        return []
    values = " ".join(f"<{c}>" for c in classes)
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?c (SAMPLE(?l) AS ?label) (SAMPLE(?a) AS ?acled) (SAMPLE(?m) AS ?cameo) WHERE {{
          VALUES ?c {{ {values} }}
          FILTER NOT EXISTS {{ VALUES ?sub {{ {values} }} ?sub rdfs:subClassOf+ ?c FILTER(?sub != ?c) }}
          OPTIONAL {{ ?c rdfs:label ?l }} OPTIONAL {{ ?c ng:acledMapping ?a }} OPTIONAL {{ ?c ng:cameoMapping ?m }}
        }} GROUP BY ?c LIMIT 50""")
    return [
        {
            "iri": r["c"].value,
            "label": r["label"].value if "label" in r else r["c"].value.rsplit("#", 1)[-1],
            "acled": r["acled"].value if "acled" in r else None,
            "cameo": r["cameo"].value if "cameo" in r else None,
        }
        for r in rows
    ]


def activity_types(desc: Description) -> list[dict]:
    """The code-list entries of ``ng:hasEventType`` (an ACLED sub-event type, a CAMEO code) with their notation."""
    iris = [o.value for p, o in desc.outgoing if p.value == str(NG.hasEventType)]
    if not iris:
        return []
    values = " ".join(f"<{i}>" for i in iris)
    notes = {
        r["s"].value: r["n"].value
        for r in select(f"""
        SELECT ?s ?n WHERE {{ VALUES ?s {{ {values} }}
          ?s <http://www.w3.org/2004/02/skos/core#notation> ?n }} LIMIT 100""")
    }
    names = names_of(iris)
    out = []
    for iri in sorted(iris):
        note = notes.get(iri, "")
        scheme = note.split(":", 1)[0].upper() if ":" in note else ""
        out.append({**link(iri, names), "scheme": scheme})
    return out


def place_chains(places: list[str]) -> list[list[dict]]:
    """Each place followed by the places it lies in (``ng:locatedIn``), the nearest first."""
    if not places:
        return []
    values = " ".join(f"<{p}>" for p in places)
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?p ?x (COUNT(DISTINCT ?y) AS ?depth) WHERE {{ VALUES ?p {{ {values} }}
          ?p ng:locatedIn+ ?x FILTER(?x != ?p) OPTIONAL {{ ?x ng:locatedIn+ ?y FILTER(?y != ?x) }}
        }} GROUP BY ?p ?x ORDER BY ?p DESC(?depth) LIMIT 500""")
    names = names_of([*places, *(r["x"].value for r in rows)])
    chains = []
    for place in sorted(places, key=lambda p: names.get(p, p)):
        chain = [link(place, names)] + [link(r["x"].value, names) for r in rows if r["p"].value == place]
        chains.append(chain)
    return chains


def participants(desc: Description, names: dict[str, str]) -> list[tuple[str, list[dict]]]:
    """(role, agents) in the order of :data:`PARTICIPANT_ROLES`; the place is shown apart."""
    by_role: dict[str, list[dict]] = {}
    for p, o in desc.outgoing:
        role = PARTICIPANT_ROLES.get(p.value)
        if role and role != "place" and isinstance(o, ox.NamedNode):
            by_role.setdefault(role, []).append(link(o.value, names))
    order = list(dict.fromkeys(PARTICIPANT_ROLES.values()))
    return [(role, sorted(by_role[role], key=lambda x: x["name"])) for role in order if role in by_role]


def counts(iri: str, limit: int = 200) -> list[dict]:
    """The numbers reported about the event, by category; each figure with who reported it and where."""
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?c (SAMPLE(?cat) AS ?category) (SAMPLE(?v) AS ?value) (SAMPLE(?lo) AS ?min) (SAMPLE(?hi) AS ?max)
               (SAMPLE(?ap) AS ?approx) (SAMPLE(?th) AS ?thing) (SAMPLE(?gr) AS ?group) (SAMPLE(?src) AS ?source)
               (SAMPLE(?art) AS ?article) WHERE {{
          <{iri}> ng:hasCount ?c .
          OPTIONAL {{ ?c ng:countCategory ?cat }} OPTIONAL {{ ?c ng:value ?v }} OPTIONAL {{ ?c ng:minValue ?lo }}
          OPTIONAL {{ ?c ng:maxValue ?hi }} OPTIONAL {{ ?c ng:approximation ?ap }} OPTIONAL {{ ?c ng:countedThing ?th }}
          OPTIONAL {{ ?c ng:countedGroup ?gr }} OPTIONAL {{ ?c ng:accordingTo ?src }}
          OPTIONAL {{ ?c ng:reportedIn ?art }}
        }} GROUP BY ?c LIMIT {limit}""")
    get = {
        name: (lambda r, n=name: r[n].value if n in r else None)
        for name in ("category", "value", "min", "max", "approx", "thing", "group", "source", "article")
    }
    names = names_of(get[k](r) for r in rows for k in ("category", "group", "source", "article"))
    groups: dict[str, list[dict]] = {}
    for row in rows:
        low, high, value = get["min"](row), get["max"](row), get["value"](row)
        figure = value or (f"{low}–{high}" if low and high else low or (f"up to {high}" if high else "?"))
        category = names.get(get["category"](row) or "", "reported")
        groups.setdefault(category, []).append(
            {
                "figure": " ".join(x for x in (get["approx"](row), figure) if x),
                "thing": get["thing"](row),
                "group": link(get["group"](row), names),
                "source": link(get["source"](row), names),
                "article": link(get["article"](row), names),
            }
        )
    return [{"category": cat, "reports": reports} for cat, reports in sorted(groups.items())]


def sentence_around(text: str, begin: int, end: int) -> tuple[str, str, str]:
    """(before, span, after) of the sentence of ``text`` that holds ``begin``–``end``.

    >>> sentence_around("One. Two men fled. Three.", 9, 12)
    ('Two ', 'men', ' fled.')
    """
    start = 0
    for match in _END.finditer(text, 0, begin):
        start = match.end()
    stop = next((m.end() for m in _END.finditer(text, end)), len(text))
    before, after = text[start:begin].lstrip(), text[end:stop].rstrip()
    spare = max(0, MAX_SENTENCE - (end - begin))
    if len(before) + len(after) > spare:
        before, after = before[-(spare // 2) :], after[: spare // 2]
    return before, text[begin:end], after


def evidence_sentences(iri: str, limit: int = 60) -> list[dict]:
    """The sentences the event was read from, each with its words picked out and the article it is in."""
    spans = evidence_of(iri, limit=limit)
    articles = sorted({s["article"] for s in spans})
    texts = {}
    if articles:
        values = " ".join(f"<{a}>" for a in articles)
        texts = {
            r["a"].value: r["t"].value
            for r in select(f"SELECT ?a ?t WHERE {{ VALUES ?a {{ {values} }} ?a <{NG.text}> ?t }} LIMIT 100")
        }
    names = names_of(articles)
    out = []
    for span in spans:
        text = texts.get(span["article"], "")
        before, words, after = sentence_around(text, span["begin"], span["end"]) if text else ("", span["anchor"], "")
        out.append(
            {
                "before": before,
                "words": words,
                "after": after,
                "href": span["href"],
                "article": names.get(span["article"], span["title"]),
            }
        )
    return out


def related(iri: str, desc: Description, names: dict[str, str]) -> list[dict]:
    """Events and offices linked to this event, each with the words that say how."""
    seen, out = set(), []
    pairs = [(p.value, o, True) for p, o in desc.outgoing] + [(p.value, s, False) for s, p in desc.incoming]
    for prop, other, forward in pairs:
        words = RELATIONS.get((prop, forward))
        if not words or not isinstance(other, ox.NamedNode) or other.value == iri or (words, other.value) in seen:
            continue
        seen.add((words, other.value))
        if prop == str(NG.concerns):
            continue  # statements about the event have their own section
        out.append({"how": words, "other": link(other.value, names)})
    framed = {r["other"]["iri"] for r in out if r["how"] in ("begins the office", "ends the office")}
    out = [r for r in out if not (r["how"] == "changes the office" and r["other"]["iri"] in framed)]
    return sorted(out, key=lambda r: (r["how"], r["other"]["name"]))


def event_story(iri: str, desc: Description, names: dict[str, str]) -> dict:
    """Everything ``templates/event.html`` shows beyond the generic parts of a resource page."""
    precision = _one(desc, str(NG.datePrecision))
    start, end = _one(desc, str(NG.startDate)), _one(desc, str(NG.endDate))
    places = [o.value for p, o in desc.outgoing if p.value == str(NG.hasPlace) and isinstance(o, ox.NamedNode)]
    return {
        "classes": types_of(desc),
        "activity": activity_types(desc),
        "cameo": _one(desc, str(NG.cameoCode)),
        "start": start,
        "end": end,
        "from": when(start, precision),
        "to": when(end, precision),
        "precision": precision,
        "date_text": _one(desc, str(NG.dateText)),
        "status": _one(desc, str(NG.status)),
        "quote": _one(desc, str(NG.quoteText)),
        "statement_status": _one(desc, str(NG.statementStatus)),
        "channel": _one(desc, str(NG.channel)),
        "object_text": _one(desc, str(NG.objectText)),
        "places": place_chains(places),
        "participants": participants(desc, names),
        "counts": counts(iri),
        "statements": statements(iri, about=True),
        "sentences": evidence_sentences(iri),
        "related": related(iri, desc, names),
    }

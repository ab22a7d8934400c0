"""The timeline: dated events as lines of text, filters by place (places inside it too), type and actor, and a
small chart of events per day drawn as SVG on the server (no script).

Statements (speech acts with a speaker or quoted words) are left out unless asked for: they are what people
said about the events, and the line of their event is on the timeline.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from kg.rdf.namespaces import NG
from server.names import names_of, when, without_date
from server.reads import select
from server.urls import inferred_graph, local_path

#: Most rows the timeline shows.
MAX_EVENTS = 1000
#: Properties that make an agent an actor of an event (the timeline's actor filter).
ACTOR_PROPS = (NG.hasAgent, NG.speaker, NG.hasTarget, NG.hasParticipant, NG.addressee)
SEM_BEGIN = "http://semanticweb.cs.vu.nl/2009/11/sem/hasBeginTimeStamp"
#: The chart's size in SVG units; a span of more days than MAX_DAYS is drawn per month.
CHART_W, CHART_H, MAX_DAYS = 720, 120, 120


def timeline_events(
    place: str | None = None, event_type: str | None = None, actor: str | None = None, speech: bool = True
) -> list[dict]:
    """Dated events in date order, each with its types, places, actors and whether it is a statement.

    ``place`` keeps the events at that place or at a place inside it (``ng:locatedIn``); ``event_type`` those of
    that class or a subclass; ``actor`` those with that agent, speaker, target, participant or addressee;
    ``speech=False`` leaves out the statements.
    """
    filters = ""
    if place:
        filters += f"?e ng:hasPlace ?fp . ?fp ng:locatedIn* <{place}> ."
    if event_type:
        filters += f"?e a ?ft . ?ft rdfs:subClassOf* <{event_type}> ."
    if actor:
        filters += f"?e {'|'.join(f'<{p}>' for p in ACTOR_PROPS)} <{actor}> ."
    if not speech:
        filters += "FILTER NOT EXISTS { ?e ng:speaker|ng:quoteText ?said }"
    actors = "|".join(f"ng:{p.split('#')[-1]}" for p in ACTOR_PROPS)
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?e (MIN(?d) AS ?date) (SAMPLE(?pr) AS ?precision) (SAMPLE(?l) AS ?label)
               (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?types)
               (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?places)
               (GROUP_CONCAT(DISTINCT STR(?a); separator=" ") AS ?actors) (SAMPLE(?sp) AS ?speech) WHERE {{
          ?e a ?class . ?class rdfs:subClassOf* ng:Event .
          ?e ng:startDate|<{SEM_BEGIN}> ?d .
          {filters}
          OPTIONAL {{ GRAPH ?g {{ ?e a ?t }} ?t rdfs:subClassOf* ng:Event . FILTER(?g != <{inferred_graph()}>) }}
          OPTIONAL {{ ?e rdfs:label ?l }} OPTIONAL {{ ?e ng:datePrecision ?pr }}
          OPTIONAL {{ ?e ng:hasPlace ?p }}
          OPTIONAL {{ ?e {actors} ?a FILTER(isIRI(?a)) }}
          BIND(EXISTS {{ ?e ng:speaker|ng:quoteText ?x }} AS ?sp)
        }} GROUP BY ?e ORDER BY ?date ?e LIMIT {MAX_EVENTS}""")
    names = names_of(row["e"].value for row in rows if "label" not in row)
    events = []
    for row in rows:
        iri, day = row["e"].value, row["date"].value
        shown = when(day, row["precision"].value if "precision" in row else "day")
        label = row["label"].value if "label" in row else names[iri]
        label = without_date(label, shown)
        split = {k: row[k].value.split() if k in row and row[k].value else [] for k in ("types", "places", "actors")}
        events.append(
            {
                "iri": iri,
                "href": local_path(iri),
                "date": day,
                "when": shown,
                "label": label,
                "types": [t for t in split["types"] if t != str(NG.Event)],
                "places": split["places"],
                "actors": split["actors"],
                "speech": "speech" in row and row["speech"].value == "true",
            }
        )
    return events


def containing_places(places: set[str]) -> set[str]:
    """``places`` and every place they lie in (so that a country can be chosen for the events in its cities)."""
    if not places:
        return set()
    values = " ".join(f"<{p}>" for p in sorted(places))
    rows = select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?p {{ {values} }} ?p <{NG.locatedIn}>+ ?x }} LIMIT 2000")
    return places | {r["x"].value for r in rows}


def choices(values: set[str]) -> list[tuple[str, str]]:
    """(IRI, name) of each value, by name."""
    names = names_of(values)
    return sorted(((v, names.get(v, v)) for v in values), key=lambda c: c[1].lower())


def chart(events: list[dict]) -> dict | None:
    """Bars of events per day (per month when the events span more than :data:`MAX_DAYS` days), as SVG shapes."""
    days = [date.fromisoformat(e["date"][:10]) for e in events if re.match(r"\d{4}-\d\d-\d\d", e["date"])]
    if not days:
        return None
    first, last = min(days), max(days)
    monthly = (last - first).days >= MAX_DAYS
    if monthly:
        counts = Counter(d.replace(day=1) for d in days)
        slots, slot = [], first.replace(day=1)
        while slot <= last:
            slots.append(slot)
            slot = (slot + timedelta(days=32)).replace(day=1)
    else:
        counts = Counter(days)
        slots = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    top = max(counts.values())
    width = CHART_W / len(slots)
    bars = []
    for i, slot in enumerate(slots):
        n = counts.get(slot, 0)
        height = (CHART_H - 20) * n / top
        label = slot.strftime("%b %Y") if monthly else when(slot.isoformat(), "day")
        bars.append(
            {
                "x": round(i * width + 1, 1),
                "w": round(max(width - 2, 1), 1),
                "y": round(CHART_H - 16 - height, 1),
                "h": round(height, 1),
                "n": n,
                "label": label,
            }
        )
    every = max(1, len(slots) // 8)
    ticks = [{"x": b["x"], "label": b["label"]} for i, b in enumerate(bars) if i % every == 0]
    return {
        "bars": bars,
        "ticks": ticks,
        "width": CHART_W,
        "height": CHART_H,
        "top": top,
        "unit": "month" if monthly else "day",
    }

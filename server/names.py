"""What the pages call things: a readable name for every IRI, and dates in words.

A resource with an ``rdfs:label`` (or a code-list entry's ``skos:prefLabel``, or an article's ``ng:title``) is
called by it. The others are named from what the graph says about them, never by the hash in their IRI: a
statement by its speaker and words ("Ana Bell: “we will stay”"), a tenure by its holder and post, a count by
its figure, a text span by its words, an article without a title by its first words, an event without a label
by its class and place. What is left is called by its kind ("event"). :func:`when` writes a date as precisely
as the graph knows it ("5 Jan 2022", "Jan 2022", "2022").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from kg.rdf.namespaces import NG
from server.reads import RDFS_LABEL, select
from server.urls import HASHY, kind_and_slug, short_name

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
#: Longest quote or first words a name quotes.
QUOTE_CHARS = 70

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clip(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` on one line, cut at a word boundary to about ``limit`` characters.

    >>> clip("one two three four", 9)
    'one two…'
    >>> clip("  short  text ")
    'short text'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + "…"


def kind_word(iri: str) -> str:
    """What to call one of our resources when nothing else is known: its kind, or ``kind slug`` for a readable slug.

    Our IRIs outside ``id/`` and other IRIs get :func:`server.urls.short_name`.
    """
    ks = kind_and_slug(iri)
    if not ks:
        return short_name(iri)
    kind, slug = ks
    if HASHY.search(slug):
        return {"organization": "organisation", "count": "reported figure"}.get(kind, kind)
    return slug.replace("-", " ")


def when(value: str | None, precision: str | None = None) -> str:
    """A date as a reader writes it, as precise as ``precision`` says ("year", "month", "day" or "time").

    >>> when("2022-01-05T00:00:00", "day")
    '5 Jan 2022'
    >>> when("2022-01-05T00:00:00", "month"), when("2022-01-05", "year"), when("2022-01-05T14:30:00")
    ('Jan 2022', '2022', '5 Jan 2022 14:30')
    >>> when(None), when("sometime")
    ('', 'sometime')
    """
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if precision == "year":
        return str(moment.year)
    if precision == "month":
        return f"{MONTHS[moment.month - 1]} {moment.year}"
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    has_time = "T" in value and (moment.hour or moment.minute)
    if precision == "time" or (precision is None and has_time):
        return f"{day} {moment.hour:02d}:{moment.minute:02d}"
    return day


def without_date(label: str, shown: str) -> str:
    """``label`` without a trailing copy of the date shown beside it.

    >>> without_date("Riot in Erin, 5 Jan 2022", "5 Jan 2022"), without_date("Riot in Erin", "5 Jan 2022")
    ('Riot in Erin', 'Riot in Erin')
    """
    return re.sub(rf",\s*{re.escape(shown)}$", "", label) if shown else label


def _values(iris: list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _pairs(query: str) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for row in select(query):
        out.setdefault(row["s"].value, {}).setdefault(row["k"].value, []).append(row["v"].value)
    return out


def _own_names(iris: list[str]) -> dict[str, str]:
    rows = select(f"""
        SELECT ?s ?v WHERE {{ VALUES ?s {{ {_values(iris)} }}
          ?s <{RDFS_LABEL}>|<{SKOS_PREF}>|<{NG.title}> ?v }} LIMIT 4000""")
    out: dict[str, str] = {}
    for row in rows:
        s, label = row["s"].value, row["v"]
        if s not in out or label.language == "en":
            out[s] = label.value
    return out


def _described(iris: list[str]) -> dict[str, str]:
    """Names made from what the graph says about unlabelled resources of ours."""
    facts = _pairs(f"""
        PREFIX ng: <{NG._NS}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?k ?v WHERE {{ VALUES ?s {{ {_values(iris)} }}
          {{ ?s ng:speaker/rdfs:label ?v BIND("speaker" AS ?k) }}
          UNION {{ ?s ng:quoteText ?v BIND("quote" AS ?k) }}
          UNION {{ ?s ng:holder/rdfs:label ?v BIND("holder" AS ?k) }}
          UNION {{ ?s ng:post/rdfs:label ?v BIND("post" AS ?k) }}
          UNION {{ ?s ng:value|ng:minValue ?n BIND(STR(?n) AS ?v) BIND("value" AS ?k) }}
          UNION {{ ?s ng:approximation ?v BIND("approx" AS ?k) }}
          UNION {{ ?s ng:countedThing ?v BIND("thing" AS ?k) }}
          UNION {{ ?s ng:countCategory/(rdfs:label|<{SKOS_PREF}>) ?v BIND("category" AS ?k) }}
          UNION {{ ?s ng:anchorOf ?v BIND("anchor" AS ?k) }}
          UNION {{ ?s ng:text ?t BIND(SUBSTR(?t, 1, 300) AS ?v) BIND("text" AS ?k) }}
          UNION {{ ?s ng:hasPlace/rdfs:label ?v BIND("place" AS ?k) }}
          UNION {{ ?s a ?c . ?c rdfs:subClassOf* ng:Event ; rdfs:label ?v
                   FILTER NOT EXISTS {{ ?s a ?sub . ?sub rdfs:subClassOf+ ?c FILTER(?sub != ?c) }}
                   BIND("class" AS ?k) }}
        }} LIMIT 20000""")
    names = {}
    for iri, f in facts.items():
        first = {k: sorted(v)[0] for k, v in f.items()}
        kind = (kind_and_slug(iri) or ("", ""))[0]
        if "quote" in first or ("speaker" in first and kind == "event"):
            who = first.get("speaker") or (first.get("class") or "statement").capitalize()
            names[iri] = f"{who}: “{clip(first['quote'], 60)}”" if "quote" in first else f"{who}: {first['class']}"
        elif "holder" in first or "post" in first:
            names[iri] = " as ".join(x for x in (first.get("holder"), first.get("post")) if x)
        elif "value" in first:
            what = first.get("thing") or first.get("category") or ""
            names[iri] = " ".join(x for x in (first.get("approx"), first["value"], what) if x)
        elif "anchor" in first:
            names[iri] = f"“{clip(first['anchor'])}”"
        elif "text" in first:
            lead = re.split(r"(?<=[.!?])\s|\n", first["text"].strip(), maxsplit=1)[0]
            names[iri] = clip(lead)
        elif "class" in first:
            cls = first["class"]
            names[iri] = f"{cls[:1].upper()}{cls[1:]}" + (f" in {first['place']}" if "place" in first else "")
    return names


def names_of(iris: Iterable[str]) -> dict[str, str]:
    """A readable name for each IRI: its own label, else one made from the graph, else its kind (never a hash)."""
    iris = sorted({i for i in iris if i})
    out: dict[str, str] = {}
    for chunk in range(0, len(iris), 200):
        part = iris[chunk : chunk + 200]
        out.update(_own_names(part))
        unnamed = [i for i in part if i not in out and kind_and_slug(i)]
        if unnamed:
            out.update(_described(unnamed))
    for iri in iris:
        if iri not in out and kind_and_slug(iri):
            out[iri] = kind_word(iri)
    return out

"""An article's page: its text cut into plain pieces and marked mentions, and what it reports, grouped by event and
entity (:func:`article_story`)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.rdf.namespaces import NG
from server.names import names_of, when
from server.reads import RDFS_LABEL, select
from server.stories import ROLES, link
from server.urls import kind_and_slug, local_path


@dataclass
class Mark:
    """One recognised mention in an article's text: its offsets, the kind and label of what it denotes."""

    begin: int
    end: int
    kind: str
    label: str
    entity: str | None
    href: str | None = None


def article_mentions(article: str, limit: int = 5000) -> list[Mark]:
    """The mentions recognised in an article: span offsets, the entity or event denoted and its kind.

    Spans that denote nothing (the sentences facts were read from) are not marks, so that the mentions inside
    them are marked; a page can still select one (``?span=B-E``).
    """
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?begin ?end ?entity (SAMPLE(?lbl) AS ?label) WHERE {{
          ?span ng:inArticle <{article}> ; ng:beginIndex ?begin ; ng:endIndex ?end ; ng:denotes ?entity .
          OPTIONAL {{ ?entity <{RDFS_LABEL}> ?lbl }}
        }} GROUP BY ?begin ?end ?entity ORDER BY ?begin DESC(?end) LIMIT {limit}""")
    marks = []
    for row in rows:
        entity = row["entity"].value if "entity" in row else None
        kind = (kind_and_slug(entity) or ("span", ""))[0] if entity else "span"
        marks.append(
            Mark(
                int(row["begin"].value),
                int(row["end"].value),
                kind,
                row["label"].value if "label" in row else "",
                entity,
                local_path(entity) if entity else None,
            )
        )
    return marks


def highlight(text: str, marks: list[Mark], selected: tuple[int, int] | None = None) -> list[dict]:
    """The article text cut into plain and marked pieces.

    Of overlapping marks the earliest, longest one is kept, but a mention of an entity always wins over the words of
    an event around it ("set fire to the police cars": the police are marked).

    >>> marks = [Mark(0, 3, "person", "Ana", None), Mark(8, 10, "person", "Bo", None)]
    >>> [p["text"] for p in highlight("Ana met Bo.", marks)]
    ['Ana', ' met ', 'Bo', '.']
    >>> [p["text"] for p in highlight("Ana met Bo.", [Mark(0, 10, "event", "", None), Mark(8, 10, "person", "", None)])]
    ['Ana met ', 'Bo', '.']
    """
    kept: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.kind == "event", m.begin, -m.end)):
        valid = 0 <= mark.begin < mark.end <= len(text)
        if valid and not any(mark.begin < k.end and k.begin < mark.end for k in kept):
            kept.append(mark)
    pieces: list[dict] = []
    pos = 0
    for mark in sorted(kept, key=lambda m: m.begin):
        if mark.begin > pos:
            pieces.append({"text": text[pos : mark.begin]})
        pieces.append(
            {"text": text[mark.begin : mark.end], "mark": mark, "selected": selected == (mark.begin, mark.end)}
        )
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


def article_story(article: str, limit: int = 500) -> dict:
    """What an article reports, grouped: its events in date order (each with the agents, targets and places the
    article gives it), its statements, the offices and figures it tells of, and the entities it mentions by kind."""
    roles = " ".join(f"<{p}>" for p in ROLES)
    rows = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?x ?p ?o (SAMPLE(?d) AS ?date) (SAMPLE(?pr) AS ?precision) (SAMPLE(?sp) AS ?speech)
               (SAMPLE(?kind) AS ?what) WHERE {{
          ?x ng:reportedIn <{article}> .
          OPTIONAL {{ ?x ng:startDate ?d }} OPTIONAL {{ ?x ng:datePrecision ?pr }}
          BIND(EXISTS {{ ?x ng:speaker|ng:quoteText ?said }} AS ?sp)
          OPTIONAL {{ VALUES ?p {{ {roles} }}
                     GRAPH ?g {{ <{article}> a ng:NewsArticle . ?x ?p ?o }} FILTER(isIRI(?o)) }}
        }} GROUP BY ?x ?p ?o LIMIT {limit * 4}""")
    mentioned = select(f"""
        PREFIX ng: <{NG._NS}>
        SELECT ?e (COUNT(DISTINCT ?span) AS ?times) WHERE {{
          <{article}> ng:mentions ?e .
          OPTIONAL {{ ?span ng:inArticle <{article}> ; ng:denotes ?e }}
        }} GROUP BY ?e LIMIT {limit}""")
    names = names_of(
        [r["x"].value for r in rows] + [r["o"].value for r in rows if "o" in r] + [r["e"].value for r in mentioned]
    )
    items: dict[str, dict] = {}
    for row in rows:
        iri = row["x"].value
        item = items.setdefault(
            iri,
            {
                "kind": (kind_and_slug(iri) or ("", ""))[0],
                "link": link(iri, names),
                "date": row["date"].value if "date" in row else None,
                "roles": {},
                "when": when(row["date"].value, row["precision"].value if "precision" in row else None)
                if "date" in row
                else "",
                "speech": "speech" in row and row["speech"].value == "true",
            },
        )
        if "p" in row and "o" in row:
            item["roles"].setdefault(ROLES[row["p"].value], []).append(link(row["o"].value, names))
    by_date = sorted(items.values(), key=lambda i: (i["date"] or "9999", i["link"]["name"].lower()))
    kinds: dict[str, list[dict]] = {}
    for row in sorted(mentioned, key=lambda r: -int(r["times"].value)):
        kind = (kind_and_slug(row["e"].value) or ("other", ""))[0]
        kinds.setdefault(kind, []).append({**link(row["e"].value, names), "times": int(row["times"].value)})
    return {
        "events": [i for i in by_date if i["kind"] == "event" and not i["speech"]],
        "statements": [i for i in by_date if i["speech"]],
        "offices": [i for i in by_date if i["kind"] == "tenure"],
        "figures": [i for i in by_date if i["kind"] == "count"],
        "mentioned": [(KIND_NAMES.get(k, k), v) for k, v in sorted(kinds.items(), key=lambda kv: _kind_order(kv[0]))],
    }


def article_header(desc_values: dict) -> dict:
    """The outlet and date of an article, from its description (``{property: value}``)."""
    publisher = desc_values.get(str(NG.publishedBy))
    published = desc_values.get(str(NG.datePublished))
    names = names_of([publisher.value] if publisher is not None else [])
    return {
        "publisher": link(publisher.value, names) if publisher is not None else None,
        "when": when(published.value, "day") if published is not None else "",
    }


#: How the entities an article mentions are grouped, in this order.
KIND_NAMES = {
    "person": "People",
    "organization": "Organisations",
    "group": "Groups",
    "place": "Places",
    "event": "Events",
}


def _kind_order(kind: str) -> int:
    return list(KIND_NAMES).index(kind) if kind in KIND_NAMES else len(KIND_NAMES)

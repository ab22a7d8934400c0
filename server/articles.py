"""An article's page: its text cut into plain and highlighted pieces, and the facts drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf.namespaces import NG
from server.names import names_of
from server.reads import RDFS_LABEL, Term, select, to_term
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
    labels = names_of(r[k].value for r in rows for k in ("s", "p", "o") if isinstance(r[k], ox.NamedNode))
    return [(to_term(r["s"], labels), to_term(r["p"], labels), to_term(r["o"], labels)) for r in rows]


"""Exports: a store (or sorted N-Triples) in, the graph in RDF formats and the events as an ACLED-style CSV table
out.

Dataset formats (``nq``, ``trig``) keep the named graphs; graph formats (``ttl``, ``nt``,
``rdfxml``, ``jsonld``) give the merged default graph, every triple once. Output is sorted, so the
same graph always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import KGError
from kg.rdf.namespaces import PREFIXES
from kg.store.stats import shorten
from kg.store.stores import GraphStore

logger = logging.getLogger(__name__)

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
FORMATS = (*RDF_FORMATS, "acled-csv")
#: Formats that keep the named graphs; the others merge them.
DATASET_FORMATS = frozenset({"nq", "trig"})

#: ACLED's columns, in ACLED's order (the subset the graph can fill).
ACLED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "country",
                 "admin1", "location", "source", "notes", "fatalities")


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object)


def merged_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The quads' triples, each once, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _compact(value):
    """IRIs in JSON-LD keys, ``@id`` and ``@type`` values shortened to CURIEs of our prefixes."""
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in ("@id", "@type"):
            out[key] = [_curie(i) for i in item] if isinstance(item, list) else _curie(item)
        else:
            out[key if key.startswith("@") else _curie(key)] = _compact(item)
    return out


def _curie(iri: str) -> str:
    short = shorten(iri)
    return iri if short.split(":", 1)[1].startswith("//") else short


def jsonld_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """JSON-LD with a ``@context`` of newsgraph's prefixes; every datatype and language is kept.

    pyoxigraph writes expanded JSON-LD; its IRIs are then shortened with the context's prefixes.
    """
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
    doc = {"@context": {k: str(v) for k, v in PREFIXES.items()}, "@graph": _compact(expanded)}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def serialize(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """``quads`` in format ``fmt`` (one of :data:`RDF_FORMATS`).

    >>> q = ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.NamedNode("http://e/g"))
    >>> serialize([q], "nt")
    b'<http://e/a> <http://e/p> "x" .\\n'
    """
    if fmt not in RDF_FORMATS:
        raise KGError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    rdf_format = RDF_FORMATS[fmt]
    if fmt in DATASET_FORMATS:
        return ox.serialize(sorted(quads, key=_quad_key), format=rdf_format, prefixes=dict(PREFIXES))
    triples = merged_triples(quads)
    if fmt == "jsonld":
        return jsonld_bytes(triples)
    return ox.serialize(triples, format=rdf_format, prefixes=dict(PREFIXES))


def write_merged_file(ntriples: str | Path, path: str | Path) -> None:
    """Write an N-Triples file of sorted, distinct triples to ``path`` as Turtle, streaming (same bytes as
    :func:`serialize` in ``"ttl"`` on the same triples)."""
    triples = ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, output=str(path), format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def export(store: GraphStore, fmt: str, out: BinaryIO) -> None:
    """Write the whole graph of ``store`` to ``out`` in format ``fmt`` (see :data:`FORMATS`).

    Raises:
        KGError: the format is unknown.
    """
    if fmt == "acled-csv":
        out.write(acled_csv(store).encode("utf-8"))
    else:
        out.write(serialize(store.quads(), fmt))


# ---- ACLED-style events table ----

_PREFIXES = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: One query per aspect; each row is (event, value).
_ACLED_QUERIES = {
    "date": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:startDate ?v }",
    "published": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:reportedIn ?a . ?a ng:datePublished ?v }",
    "speech": "SELECT ?e ?v WHERE { ?e a ng:SpeechAct . BIND(true AS ?v) }",
    "class": "SELECT ?e ?v WHERE { ?e a ng:Event , ?c . ?c rdfs:subClassOf ng:Event ; rdfs:label ?v }",
    "type": """SELECT ?e ?v ?broader WHERE { ?e a ng:Event ; ng:hasEventType ?t .
               OPTIONAL { ?t skos:prefLabel ?pl } OPTIONAL { ?t rdfs:label ?rl } BIND(COALESCE(?pl, ?rl) AS ?v)
               OPTIONAL { ?t skos:broader ?b . OPTIONAL { ?b skos:prefLabel ?bpl } OPTIONAL { ?b rdfs:label ?brl }
                          BIND(COALESCE(?bpl, ?brl) AS ?broader) } }""",
    "agent": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasAgent ?a . ?a rdfs:label ?v }",
    "target": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasTarget ?a . ?a rdfs:label ?v }",
    "location": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasPlace ?p . ?p rdfs:label ?v }",
    "country": """SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasPlace ?p . ?p ng:locatedIn* ?c .
                  ?c a ng:Country ; rdfs:label ?v }""",
    "admin1": """SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasPlace ?p . ?p ng:locatedIn* ?c .
                 ?c a ng:AdministrativeRegion ; rdfs:label ?v }""",
    "source": """SELECT ?e ?v WHERE { ?e a ng:Event .
                 { ?e ng:accordingTo ?s . ?s rdfs:label ?v }
                 UNION { ?e ng:reportedIn ?a . ?a ng:publishedBy ?s . ?s rdfs:label ?v } }""",
    "article": """SELECT ?e ?v WHERE { ?e a ng:Event ; ng:reportedIn ?a .
                  OPTIONAL { ?a ng:title ?t } OPTIONAL { ?a ng:sourceFile ?f } BIND(COALESCE(?t, ?f) AS ?v) }""",
    "label": "SELECT ?e ?v WHERE { ?e a ng:Event ; rdfs:label ?v }",
    "evidence": "SELECT ?e ?v WHERE { ?e a ng:Event ; ng:evidence ?s . ?s ng:anchorOf ?v }",
    "killed": """SELECT ?e ?v WHERE { ?e a ng:Event ; ng:hasCount ?c . ?c ng:countCategory ng:killed .
                 OPTIONAL { ?c ng:value ?x } OPTIONAL { ?c ng:minValue ?y } BIND(COALESCE(?x, ?y) AS ?v) }""",
}


def _first(values: Iterable[str]) -> str:
    ordered = sorted(values)
    return ordered[0] if ordered else ""


def _event_type(concepts: list[tuple[str, str]], classes: set[str]) -> tuple[str, str]:
    """(event_type, sub_event_type) from the event's typology concepts, else from its class."""
    for label, broader in sorted(concepts):
        if broader:
            return broader, label
        if "/" in label:
            top, sub = label.split("/", 1)
            return top.strip(), sub.strip()
    if concepts:
        return sorted(concepts)[0][0], ""
    return _first(classes), ""


def acled_rows(store: GraphStore) -> list[dict[str, str]]:
    """One row per event of the graph, with ACLED's columns (:data:`ACLED_COLUMNS`), sorted by date.

    Speech acts (statements, appeals ...) are left out unless they carry an ``ng:hasEventType``; an event
    without ``ng:startDate`` is dated by the publication date of the article that reports it.
    """
    facts: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for aspect, query in _ACLED_QUERIES.items():
        for row in store.select(_PREFIXES + query):
            if "v" not in row:
                continue
            value = row["v"].value
            if aspect == "type":
                broader = row["broader"].value if "broader" in row else ""
                facts[row["e"].value][aspect].add((value, broader))
            else:
                facts[row["e"].value][aspect].add(value)
    rows = []
    for event in sorted(facts):
        f = facts[event]
        if f["speech"] and not f["type"]:
            continue  # statements are not ACLED events unless typed as one
        event_type, sub_type = _event_type(list(f["type"]), f["class"])
        agents = sorted(f["agent"])
        killed = [int(v) for v in f["killed"] if str(v).isdigit()]
        rows.append({
            "event_date": (_first(f["date"]) or _first(f["published"]))[:10],
            "event_type": event_type,
            "sub_event_type": sub_type,
            "actor1": agents[0] if agents else "",
            "assoc_actor_1": "; ".join(agents[1:]),
            "actor2": "; ".join(sorted(f["target"])),
            "country": _first(f["country"]),
            "admin1": _first(f["admin1"]),
            "location": _first(f["location"] - f["country"] - f["admin1"]) or _first(f["location"]),
            "source": "; ".join(sorted(f["source"] or f["article"])),
            "notes": _first(f["label"]) or max(f["evidence"], key=lambda n: (len(n), n), default=""),
            "fatalities": str(max(killed) if killed else 0),
        })
    rows.sort(key=lambda r: (r["event_date"], r["event_type"], r["location"], r["notes"]))
    return rows


def acled_csv(store: GraphStore) -> str:
    """The events as CSV text, header first (ACLED's column names and order)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(acled_rows(store))
    return buffer.getvalue()

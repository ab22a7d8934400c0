"""Counts of the graph: a store in, its counts per class, per property and per named graph out, also as VoID.

The build writes ``build/void.ttl``; ``kg stats`` prints the same counts. Only the small
:class:`~kg.store.GraphStore` interface is used, so the counts work on any SPARQL store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.namespaces import PREFIXES
from kg.store.stores import GraphStore

logger = logging.getLogger(__name__)

VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

#: Classes, subjects and objects are counted in the default graph: the store's is the merge of the named graphs, so
#: they are the same ones as in the named graphs, and it has each triple once (about half the time of the same
#: counts over every graph's quads, for 107 graphs of 155,000 quads).
_QUERIES = {
    "classes": "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?k } GROUP BY ?k",
    "properties": "SELECT ?k (COUNT(*) AS ?n) WHERE { ?s ?k ?o } GROUP BY ?k",
    "graphs": "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?s ?p ?o } } GROUP BY ?k",
}
_DISTINCT = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "objects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
}


@dataclass
class Stats:
    """Counts of a graph.

    Attributes:
        quads: quads in the named graphs (a triple two articles state counts twice).
        triples: distinct triples: the default graph, the merge of the named graphs (what VoID's ``void:triples``
            of the dataset says, and what ``COUNT(*) { ?s ?p ?o }`` counts on the endpoint).
        subjects, objects: distinct subjects and objects.
        classes: instances (distinct subjects) per class IRI.
        properties: distinct triples per property IRI (in the default graph).
        graphs: quads per named graph IRI.
    """

    quads: int = 0
    triples: int = 0
    subjects: int = 0
    objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"quads": self.quads, "triples": self.triples, "distinct_subjects": self.subjects,
                "distinct_objects": self.objects, "classes": self.classes, "properties": self.properties,
                "graphs": self.graphs}


def compute_stats(store: GraphStore) -> Stats:
    """Count the classes, properties and graphs of ``store``."""
    stats = Stats(quads=len(store))
    for name, query in _QUERIES.items():
        rows = store.select(query)
        table = {row["k"].value: int(row["n"].value) for row in rows if "k" in row}
        setattr(stats, name, dict(sorted(table.items())))
    for name, query in _DISTINCT.items():
        rows = store.select(query)
        setattr(stats, name, int(rows[0]["n"].value) if rows else 0)
    return stats


def shorten(iri: str) -> str:
    """An IRI with a known prefix as a CURIE (``ng:Person``), else unchanged.

    >>> shorten("https://w3id.org/newsgraph/ontology#Person")
    'ng:Person'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def void_term(name: str) -> ox.NamedNode:
    """A term of the VoID vocabulary."""
    return ox.NamedNode(VOID + name)


def count_literal(value: int) -> ox.Literal:
    """A count as an ``xsd:integer`` literal."""
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def void_triples(stats: Stats, base_iri: str) -> list[ox.Triple]:
    """The VoID description of the dataset (``<base>void``), one partition per class, property and graph."""
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    dataset = ox.NamedNode(base + "void")

    v, n = void_term, count_literal
    triples = [
        ox.Triple(dataset, RDF_TYPE, v("Dataset")),
        ox.Triple(dataset, v("triples"), n(stats.triples)),
        ox.Triple(dataset, v("distinctSubjects"), n(stats.subjects)),
        ox.Triple(dataset, v("distinctObjects"), n(stats.objects)),
        ox.Triple(dataset, v("classes"), n(len(stats.classes))),
        ox.Triple(dataset, v("properties"), n(len(stats.properties))),
        ox.Triple(dataset, v("sparqlEndpoint"), ox.NamedNode(base + "sparql")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(base + "id/")),
    ]
    for i, (cls, count) in enumerate(stats.classes.items()):
        part = ox.BlankNode(f"class{i}")
        triples += [ox.Triple(dataset, v("classPartition"), part),
                    ox.Triple(part, v("class"), ox.NamedNode(cls)), ox.Triple(part, v("entities"), n(count))]
    for i, (prop, count) in enumerate(stats.properties.items()):
        part = ox.BlankNode(f"property{i}")
        triples += [ox.Triple(dataset, v("propertyPartition"), part),
                    ox.Triple(part, v("property"), ox.NamedNode(prop)), ox.Triple(part, v("triples"), n(count))]
    for graph, count in stats.graphs.items():
        subset = ox.NamedNode(graph)
        triples += [ox.Triple(dataset, v("subset"), subset), ox.Triple(subset, RDF_TYPE, v("Dataset")),
                    ox.Triple(subset, v("triples"), n(count))]
    return triples


def void_turtle(stats: Stats, base_iri: str) -> bytes:
    """The VoID description as Turtle."""
    return ox.serialize(void_triples(stats, base_iri), format=ox.RdfFormat.TURTLE,
                        prefixes={"void": VOID, **{k: str(v) for k, v in PREFIXES.items()}})


def write_void(store: GraphStore, void_path: str | Path, base_iri: str) -> Stats:
    """Count ``store`` and write its VoID description to ``void_path``."""
    stats = compute_stats(store)
    Path(void_path).write_bytes(void_turtle(stats, base_iri))
    return stats


def format_stats(stats: Stats, top: int = 25) -> str:
    """A plain-text summary: totals, every class and property, and the ``top`` largest graphs."""
    lines = [f"quads: {stats.quads}   distinct triples: {stats.triples}   distinct subjects: {stats.subjects}   "
             f"distinct objects: {stats.objects}",
             f"classes: {len(stats.classes)}   properties: {len(stats.properties)}   graphs: {len(stats.graphs)}"]
    for title, table in (("class", stats.classes), ("property", stats.properties), ("graph", stats.graphs)):
        lines.append("")
        lines.append(f"{title:<60} {'count':>10}")
        ranked = sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ranked[:top] if title == "graph" else ranked
        for key, count in shown:
            lines.append(f"{shorten(key):<60} {count:>10}")
        if len(ranked) > len(shown):
            lines.append(f"... and {len(ranked) - len(shown)} more")
    return "\n".join(lines)

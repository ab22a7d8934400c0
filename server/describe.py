"""What the endpoint says about itself: the SPARQL 1.1 Service Description and a VoID description."""

from __future__ import annotations

import pyoxigraph as ox

from kg.store.stats import RDF_TYPE, VOID, Stats, void_triples
from kg.store.stats import count_literal as _count
from kg.store.stats import void_term as _void
from server.conneg import GRAPHS, RESULTS
from server.jobs import StoreInfo

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

#: W3C format IRIs of the media types the endpoint serves.
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
}

UNION_NOTE = ("The default graph is the RDF merge of all named graphs of the store: each distinct triple once; "
              "GRAPH ?g says which graphs hold a triple.")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, info: StoreInfo, update_endpoint: str | None = None) -> list[ox.Triple]:
    """The Service Description of the endpoint at ``endpoint`` (an absolute URL).

    It names the supported result formats, says that the default graph is the RDF merge of the
    named graphs (``sd:UnionDefaultGraph``), and lists the named graphs.
    """
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(UNION_NOTE + " SERVICE and LOAD are refused, a graph the "
                                                    "store does not hold is an empty graph (never fetched); every "
                                                    "query has a time limit.")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDFS_COMMENT, ox.Literal(UNION_NOTE)),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, _void("triples"), _count(info.triples)),
    ]
    for media_type in (*RESULTS, *GRAPHS):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[media_type])))
    for i, graph in enumerate(sorted(info.graphs)):
        named = ox.BlankNode(f"g{i}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(graph)),
        ]
    if update_endpoint:
        update = ox.NamedNode(update_endpoint)
        triples += [
            ox.Triple(update, RDF_TYPE, _sd("Service")),
            ox.Triple(update, _sd("endpoint"), update),
            ox.Triple(update, _sd("supportedLanguage"), _sd("SPARQL11Update")),
        ]
    return triples


def void_description(endpoint: str, stats: Stats, base_iri: str) -> list[ox.Triple]:
    """The dataset's VoID description (from :mod:`kg.store.stats`: partitions per class, property and graph).

    The endpoint that serves it is added as a ``void:sparqlEndpoint`` beside the published one.
    """
    triples = void_triples(stats, base_iri)
    dataset = triples[0].subject
    return [*triples, ox.Triple(dataset, _void("sparqlEndpoint"), ox.NamedNode(endpoint)),
            ox.Triple(dataset, DCT_TITLE, ox.Literal("newsgraph knowledge graph")),
            ox.Triple(dataset, RDFS_COMMENT, ox.Literal(UNION_NOTE))]


def serialize(triples: list[ox.Triple], media_type: str) -> bytes:
    """``triples`` in one of the graph media types of :data:`server.conneg.GRAPHS`."""
    fmt = getattr(ox.RdfFormat, GRAPHS[media_type])
    if fmt.supports_datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return ox.serialize(triples, format=fmt, prefixes={"sd": SD, "void": VOID, "formats": FORMATS,
                                                   "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                                                   "dcterms": "http://purl.org/dc/terms/"})

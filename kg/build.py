"""Records to RDF: the only module that writes triples.

Each article becomes one named graph holding what that article asserts: the article node,
the entities it mentions with their labels and types, and the text spans that are the
evidence for them.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from .config import ONTOLOGY_DIR
from .iri import Minter
from .link import links_for
from .namespaces import NG, PREFIXES
from .records import GROUP, ORGANIZATION, PERSON, PLACE, ArticleRecord, Mention
from .resolve import Entity, Resolution

KIND_CLASSES = {PERSON: NG.Person, ORGANIZATION: NG.Organization, PLACE: NG.Place, GROUP: NG.Group}


def new_graph(identifier: URIRef | None = None) -> Graph:
    graph = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def ontology_graph(identifier: URIRef | None = None) -> Graph:
    """The ontology (TBox) as a graph."""
    graph = new_graph(identifier)
    graph.parse(ONTOLOGY_DIR / "newsgraph.ttl", format="turtle")
    return graph


def entity_iri(minter: Minter, entity: Entity) -> URIRef:
    return minter.id(entity.kind, entity.slug)


def add_entity(graph: Graph, iri: URIRef, entity: Entity) -> None:
    """Type and label of an entity."""
    graph.add((iri, RDF.type, KIND_CLASSES[entity.kind]))
    if entity.subtype:
        graph.add((iri, RDF.type, NG[entity.subtype]))
    graph.add((iri, RDFS.label, Literal(entity.label, lang="en")))
    add_aliases(graph, iri, entity)
    add_links(graph, iri, entity)


def add_aliases(graph: Graph, iri: URIRef, entity: Entity) -> None:
    """Every other way the entity was written, as ``skos:altLabel``."""
    for alias in sorted(entity.aliases):
        graph.add((iri, SKOS.altLabel, Literal(alias, lang="en")))


def add_links(graph: Graph, iri: URIRef, entity: Entity) -> None:
    """``owl:sameAs`` to the entity's Wikidata, GeoNames and DBpedia identifiers from the link table,
    plus the plain ``ng:wikidataId`` / ``ng:geonamesId`` values."""
    for link in links_for(entity.kind, entity.label):
        graph.add((iri, OWL.sameAs, link.iri))
        if link.scheme == "wikidata":
            graph.add((iri, NG.wikidataId, Literal(link.id)))
        elif link.scheme == "geonames" and entity.kind == PLACE:
            graph.add((iri, NG.geonamesId, Literal(link.id)))


def add_span(graph: Graph, minter: Minter, article_iri: URIRef, mention: Mention) -> URIRef:
    """A text span node (NIF-style code-point offsets, end exclusive) for one mention."""
    span = mention.span
    iri = minter.span(span.article_id, span.start, span.end)
    graph.add((iri, RDF.type, NG.TextSpan))
    graph.add((iri, NG.inArticle, article_iri))
    graph.add((iri, NG.beginIndex, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, NG.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, NG.anchorOf, Literal(span.text)))
    graph.add((iri, NG.sentenceIndex, Literal(span.sentence, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, NG.producedBy, Literal(mention.component)))
    graph.add((iri, NG.confidence, Literal(f"{mention.confidence:.2f}", datatype=XSD.decimal)))
    return iri


def article_graph(record: ArticleRecord, resolution: Resolution, minter: Minter) -> Graph:
    """The named graph of one article."""
    article = record.article
    graph = new_graph(minter.article_graph(article.id))
    art = minter.article(article.id)
    graph.add((art, RDF.type, NG.NewsArticle))
    graph.add((art, NG.sourceFile, Literal(article.source)))
    graph.add((art, NG.contentHash, Literal(article.id)))
    graph.add((art, NG.text, Literal(article.text)))
    if article.title:
        graph.add((art, NG.title, Literal(article.title)))
    if article.date:
        graph.add((art, NG.datePublished, Literal(article.date, datatype=XSD.date)))
    for mention in record.mentions:
        entity = resolution.entity_of(mention)
        if entity is None:  # a title whose holder the text does not say
            continue
        iri = entity_iri(minter, entity)
        add_entity(graph, iri, entity)
        graph.add((art, NG.mentions, iri))
        span = add_span(graph, minter, art, mention)
        graph.add((span, NG.denotes, iri))
        graph.add((iri, NG.evidence, span))
    return graph
